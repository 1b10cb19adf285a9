// The checked model: defaults resolved, names given, data loaded, run keys and name references.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions } from '../../server/src/language';
import { nodeReadFile } from './fixtures';

const fixtures = path.join(__dirname, 'fixtures');
const options: CheckOptions = {
  specPath: path.join(fixtures, 'spec.nn'),
  allowedRoot: null,
  readFile: nodeReadFile,
  maxParameters: DEFAULT_MAX_PARAMETERS,
  maxDataCells: DEFAULT_MAX_DATA_CELLS,
};

const NET = 'network n {\n  input 2\n  layer 3 relu\n  layer hidden 2 leaky_relu\n  layer 1 sigmoid init uniform\n}\n';
const DATA = 'data d {\n  0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0\n}\n';

function only(text: string) {
  const result = check(text, options);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(result.runs).toHaveLength(1);
  return result.runs[0];
}

describe('check', () => {
  it('resolves every default of docs/language.md §4.8', () => {
    const run = only(`${NET}${DATA}train n on d {\n}\n`);
    expect(run.settings).toEqual({
      loss: 'mse',
      optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 },
      epochs: 1000,
      batch: 'full',
      seed: 0,
      stopLoss: null,
      validate: null,
      precision: 'f64',
      regularization: null,
      schedule: null,
      patience: null,
      stopValidationLoss: null,
      start: null,
    });
    expect(run.network.layers.map((l) => [l.name, l.units, l.activation, l.init])).toEqual([
      ['layer1', 3, 'relu', 'he'],
      ['hidden', 2, 'leaky_relu', 'he'],
      ['layer3', 1, 'sigmoid', 'uniform'],
    ]);
    expect(run.index).toBe(1);
    expect(run.data.inputNames).toEqual(['x1', 'x2']);
    expect([...run.data.inputs]).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect([...run.data.targets]).toEqual([0, 1, 1, 0]);
    expect(run.data.rowSpans).toHaveLength(4);
  });

  it('gives adam its defaults and keeps what is written', () => {
    const run = only(`${NET}${DATA}train n on d {\n  optimizer adam beta2 0.99\n  validate 25%\n  batch 2\n  stop when loss < 1e-3\n  precision f32\n}\n`);
    expect(run.settings.optimizer).toEqual({ kind: 'adam', rate: 0.001, beta1: 0.9, beta2: 0.99, epsilon: 1e-8 });
    expect([run.settings.validate, run.settings.batch, run.settings.stopLoss, run.settings.precision]).toEqual([0.25, 2, 0.001, 'f32']);
  });

  it('defaults init to xavier for sigmoid, tanh, linear and softmax', () => {
    const run = only('network n {\n input 1\n layer 2 sigmoid\n layer 2 tanh\n layer 2 linear\n layer 2 softmax\n}\ndata d {\n 1 -> 0 1\n}\ntrain n on d {\n loss cross_entropy\n}\n');
    expect(run.network.layers.map((l) => l.init)).toEqual(['xavier', 'xavier', 'xavier', 'xavier']);
  });

  it('loads CSV columns, onehot classes by first appearance, and header names', () => {
    const run = only('network n {\n input 3\n layer 3 softmax\n}\ndata f from "flowers.csv" {\n  inputs "petal length" 0..1\n  target species onehot\n  normalize zscore\n}\ntrain n on f {\n  loss cross_entropy\n}\n');
    expect(run.data.inputNames).toEqual(['petal length', 'sepal_length', 'sepal_width']);
    expect(run.data.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(run.data.normalize).toBe('zscore');
    expect([...run.data.inputs.slice(0, 3)]).toEqual([1.4, 5.1, 3.5]);
    expect([...run.data.targets.slice(0, 6)]).toEqual([1, 0, 0, 1, 0, 0]);
    expect([...run.data.targets.slice(6, 9)]).toEqual([0, 1, 0]);
  });

  it('keys runs by what determines training: not by layout or comments', () => {
    const base = `${NET}${DATA}train n on d {\n  seed 1\n}\n`;
    const key = only(base).key;
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(only(`# a comment\n\n${base.replace('seed 1', '  seed   1  # same')}`).key).toBe(key);
    expect(only(base.replace('seed 1', 'seed 2')).key).not.toBe(key);
    expect(only(base.replace('1 1 -> 0', '1 1 -> 0.5')).key).not.toBe(key);
    expect(only(base.replace('layer 3 relu', 'layer 4 relu')).key).not.toBe(key);
    expect(only(base.replace('seed 1', 'seed 1\n  optimizer sgd rate 0.1')).key).toBe(key);
  });

  it('keeps expectations out of the run key: they grade a training, they do not change it (docs/language.md §7.5)', () => {
    const base = `${NET}${DATA}train n on d {\n  seed 1\n}\n`;
    const key = only(base).key;
    const expecting = only(base.replace('seed 1', 'seed 1\n  expect loss < 0.01\n  expect accuracy > 95%'));
    expect(expecting.key).toBe(key);
    expect(only(base.replace('seed 1', 'seed 1\n  expect accuracy > 50%')).key).toBe(key);
    expect(expecting.expectations.map((e) => [e.metric, e.op, e.value, e.written])).toEqual([
      ['loss', '<', 0.01, '0.01'],
      ['accuracy', '>', 0.95, '95%'],
    ]);
  });

  it('resolves the training vocabulary of docs/language.md §7.2–§7.4, with the schedules\' defaults', () => {
    const net = NET.replace('layer 3 relu', 'layer 3 relu dropout 25%').replace('leaky_relu', 'leaky_relu init he dropout 12.5%');
    const run = only(`${net}${DATA}train n on d {\n  regularize l2 0.01 l1 0.001\n  schedule plateau factor 0.5\n  patience 50\n  validate 25%\n  stop when validation loss < 0.02\n}\n`);
    expect(run.network.layers.map((l) => l.dropout)).toEqual([0.25, 0.125, undefined]);
    expect(run.settings).toMatchObject({
      regularization: { l1: 0.001, l2: 0.01 },
      schedule: { kind: 'plateau', factor: 0.5, patience: 10 },
      patience: 50,
      stopLoss: null,
      stopValidationLoss: 0.02,
    });
    const schedule = (text: string) => only(`${NET}${DATA}train n on d {\n  ${text}\n}\n`).settings.schedule;
    expect(schedule('schedule step every 3')).toEqual({ kind: 'step', factor: 0.1, every: 3 });
    expect(schedule('schedule exponential factor 0.9')).toEqual({ kind: 'exponential', factor: 0.9 });
    expect(schedule('schedule cosine')).toEqual({ kind: 'cosine', min: 0 });
    expect(schedule('schedule plateau patience 0')).toEqual({ kind: 'plateau', factor: 0.1, patience: 0 });
  });

  it('keys runs by every setting of docs/language.md §4.8 and every part of the network: a run changed in any one trains anew', () => {
    const base = `${NET}${DATA}train n on d {\n  seed 1\n}\n`;
    const key = only(base).key;
    const keyOf = (from: string, to: string) => only(base.replace(from, to)).key;
    const settings = (text: string) => keyOf('seed 1', `seed 1\n  ${text}`);
    const keys = [
      settings('loss cross_entropy'),
      settings('optimizer sgd rate 0.2'),
      settings('optimizer sgd momentum 0.9'),
      settings('optimizer adam'),
      settings('optimizer adam rate 0.01'),
      settings('optimizer adam beta1 0.8'),
      settings('optimizer adam beta2 0.99'),
      settings('optimizer adam epsilon 1e-6'),
      settings('epochs 999'),
      settings('batch 2'),
      settings('batch 3'),
      keyOf('seed 1', 'seed 0'),
      settings('validate 50%'),
      settings('precision f32'),
      only(base.replace('network n', 'network m').replace('train n', 'train m')).key,
      keyOf('layer hidden 2', 'layer other 2'),
      keyOf('leaky_relu', 'tanh'),
      keyOf('init uniform', 'init xavier'),
      keyOf('layer 3 relu', 'layer 3 relu init xavier'),
    ];
    expect(new Set([key, ...keys]).size).toBe(keys.length + 1);
    // A network's input width and its data change together.
    const wide = only(`${NET.replace('input 2', 'input 3')}${DATA.replace(/(\d) (\d) ->/g, '$1 $2 0 ->')}train n on d {\n  seed 1\n}\n`).key;
    const wideData = only(`${NET.replace('input 2', 'input 3')}${DATA.replace(/(\d) (\d) ->/g, '$1 $2 1 ->')}train n on d {\n  seed 1\n}\n`).key;
    expect(new Set([key, wide, wideData]).size).toBe(3);
  });

  it('keys the training vocabulary by what changes training: dropout 0% and zero penalties key as none', () => {
    const base = `${NET}${DATA}train n on d {\n  seed 1\n  validate 25%\n}\n`;
    const key = only(base).key;
    const keyOf = (from: string, to: string) => only(base.replace(from, to)).key;
    expect(keyOf('layer 3 relu', 'layer 3 relu dropout 0%')).toBe(key);
    expect(keyOf('seed 1', 'seed 1\n  regularize l2 0')).toBe(key);
    expect(keyOf('seed 1', 'seed 1\n  regularize l1 0 l2 0')).toBe(key);
    const keys = [
      keyOf('layer 3 relu', 'layer 3 relu dropout 10%'),
      keyOf('layer 3 relu', 'layer 3 relu dropout 20%'),
      keyOf('seed 1', 'seed 1\n  regularize l2 0.01'),
      keyOf('seed 1', 'seed 1\n  regularize l1 0.01'),
      keyOf('seed 1', 'seed 1\n  regularize l1 0.01 l2 0.01'),
      keyOf('seed 1', 'seed 1\n  schedule exponential factor 0.9'),
      keyOf('seed 1', 'seed 1\n  schedule exponential factor 0.8'),
      keyOf('seed 1', 'seed 1\n  schedule step every 9'),
      keyOf('seed 1', 'seed 1\n  schedule plateau'),
      keyOf('seed 1', 'seed 1\n  schedule plateau patience 3'),
      keyOf('seed 1', 'seed 1\n  schedule cosine'),
      keyOf('seed 1', 'seed 1\n  patience 5'),
      keyOf('seed 1', 'seed 1\n  stop when validation loss < 0.1'),
      keyOf('seed 1', 'seed 1\n  stop when loss < 0.1'),
      // Each value of a setting, not only whether it is there; a schedule's numbers kept apart (0.1 and 11, 0.11 and 1).
      keyOf('seed 1', 'seed 1\n  patience 6'),
      keyOf('seed 1', 'seed 1\n  stop when validation loss < 0.2'),
      keyOf('seed 1', 'seed 1\n  schedule step factor 0.1 every 11'),
      keyOf('seed 1', 'seed 1\n  schedule step factor 0.11 every 1'),
    ];
    expect(new Set([key, ...keys]).size).toBe(keys.length + 1);
  });

  it('lists references for go to definition and rename', () => {
    const text = `${NET}${DATA}train n on d {\n}\ntrain n on missing {\n}\n`;
    const result = check(text, options);
    const at = (span: { start: number; end: number } | null) => (span === null ? null : text.slice(span.start, span.end) + '@' + span.start);
    expect(result.references.map((r) => [r.kind, r.name, at(r.span), at(r.declaration)])).toEqual([
      ['network', 'n', `n@${text.indexOf('n {')}`, `n@${text.indexOf('n {')}`],
      ['data', 'd', `d@${text.indexOf('d {')}`, `d@${text.indexOf('d {')}`],
      ['network', 'n', `n@${text.indexOf('train n') + 6}`, `n@${text.indexOf('n {')}`],
      ['data', 'd', `d@${text.indexOf('on d') + 3}`, `d@${text.indexOf('d {')}`],
      ['network', 'n', `n@${text.lastIndexOf('train n') + 6}`, `n@${text.indexOf('n {')}`],
      ['data', 'missing', `missing@${text.indexOf('missing')}`, null],
    ]);
  });

  it('checks CRLF text with the same problems at the same lines', () => {
    const text = 'network n {\n  input 2\n  layer 1 sigmoidd\n}\n';
    const lf = check(text, options).problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]);
    const crlfText = text.replace(/\n/g, '\r\n');
    const crlf = check(crlfText, options).problems.map((p) => [p.code, crlfText.slice(p.span.start, p.span.end)]);
    expect(crlf).toEqual(lf);
  });

  it('sorts problems by position and counts errors', () => {
    const result = check('train a on b {\n  epochs 0\n}\nnetwork n {\n}\n', options);
    const starts = result.problems.map((p) => p.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(result.errorCount).toBe(result.problems.filter((p) => p.severity === 'error').length);
    expect(result.errorCount).toBeGreaterThan(2);
  });

  it('reports each row that starts with a bad number once, and not also an empty data set', () => {
    const text = 'data d {\n  .5 0 -> 1\n  5. 1 -> 0\n  12abc 1 -> 0\n  20% 1 -> 0\n}\n';
    const found = check(text, options).problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]);
    expect(found).toEqual([
      ['invalid-token', '.5'],
      ['invalid-token', '5.'],
      ['invalid-token', '12abc'],
      ['unexpected-token', '20%'],
    ]);
  });

  it('reads the CSV through options.readFile with an absolute path beside the spec', () => {
    const seen: string[] = [];
    check('data f from "flowers.csv"\n', { ...options, readFile: (p) => (seen.push(p), nodeReadFile(p)) });
    expect(seen).toEqual([path.join(fixtures, 'flowers.csv')]);
  });
});
