// Every word of the language has documentation, and hovering any keyword or value in a spec shows it.
import { describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver';
import { ACTIVATIONS, GENERATORS, INITS, LOSSES, REGULARIZERS, SCHEDULES } from '../../server/src/language/model';
import { hover } from '../../server/src/lsp/hover';
import { docFor, docMarkdown, KEYWORD_DOCS } from '../../server/src/lsp/keywordDocs';
import { classify } from '../../server/src/lsp/semanticTokens';
import { fixture, URI } from './harness';

/** Every word of docs/language.md §3, with the category its slot documents it under. */
const GRAMMAR_WORDS: [string, Parameters<typeof docFor>[1]][] = [
  ...(['network', 'data', 'train', 'on'] as const).map((w) => [w, 'declaration'] as [string, 'declaration']),
  ...(['input', 'layer', 'init'] as const).map((w) => [w, 'network-statement'] as [string, 'network-statement']),
  ...ACTIVATIONS.map((w) => [w, 'activation'] as [string, 'activation']),
  ...INITS.map((w) => [w, 'init'] as [string, 'init']),
  ...(['from', 'inputs', 'target', 'onehot', 'header', 'normalize', 'encode', 'missing', 'separator'] as const).map((w) => [w, 'data-statement'] as [string, 'data-statement']),
  ...(['minmax', 'zscore', 'yes', 'no', 'full', 'f64', 'f32', 'drop', 'mean'] as const).map((w) => [w, 'value'] as [string, 'value']),
  ...GENERATORS.map((w) => [w, 'generator'] as [string, 'generator']),
  ...(['samples', 'noise', 'seed'] as const).map((w) => [w, 'generator-argument'] as [string, 'generator-argument']),
  ...(['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'when', 'validate', 'precision', 'expect', 'validation', 'accuracy'] as const).map((w) => [w, 'train-statement'] as [string, 'train-statement']),
  ...LOSSES.map((w) => [w, 'loss'] as [string, 'loss']),
  ...(['sgd', 'adam'] as const).map((w) => [w, 'optimizer'] as [string, 'optimizer']),
  ...(['rate', 'momentum', 'beta1', 'beta2', 'epsilon'] as const).map((w) => [w, 'optimizer-parameter'] as [string, 'optimizer-parameter']),
  // docs/language.md §7.2–§7.4
  ['dropout', 'network-statement'],
  ...(['regularize', 'schedule', 'patience', 'validation'] as const).map((w) => [w, 'train-statement'] as [string, 'train-statement']),
  ...REGULARIZERS.map((w) => [w, 'regularizer'] as [string, 'regularizer']),
  ...SCHEDULES.map((w) => [w, 'schedule'] as [string, 'schedule']),
  ...(['factor', 'every', 'min', 'patience'] as const).map((w) => [w, 'schedule-parameter'] as [string, 'schedule-parameter']),
  // Given weights (docs/language.md §7.1).
  ...(['weights', 'for'] as const).map((w) => [w, 'declaration'] as [string, 'declaration']),
  ['start', 'train-statement'],
  ...(['W', 'b'] as const).map((w) => [w, 'weights-row'] as [string, 'weights-row']),
];

describe('keyword documentation', () => {
  it.each(GRAMMAR_WORDS)('documents %s (%s) with a meaning, a syntax sketch and an example', (word, category) => {
    const doc = docFor(word, category);
    expect(doc, `${word} as ${category}`).toBeDefined();
    expect(doc!.summary.length).toBeGreaterThan(20);
    expect(doc!.example).toMatch(new RegExp(`\\b${word}\\b`));
    expect(docMarkdown(doc!)).toContain(`**${word}**`);
  });

  it('has no entry twice', () => {
    const keys = KEYWORD_DOCS.map((d) => `${d.category}:${d.word}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('shows the documentation of the training vocabulary (docs/language.md §7.2–§7.4) where it stands', () => {
    const spec = [
      'network n {',
      '  input 2',
      '  layer h 4 relu init he dropout 20%',
      '  layer 1 sigmoid',
      '}',
      'data rows {',
      '  0 1 -> 1',
      '}',
      'train n on rows {',
      '  regularize l1 0.001 l2 0.01',
      '  schedule plateau factor 0.5 patience 3',
      '  patience 20',
      '  validate 20%',
      '  stop when validation loss < 0.1',
      '}',
      'train n on rows {',
      '  schedule step factor 0.5 every 10',
      '}',
      'train n on rows {',
      '  schedule cosine min 0.01',
      '}',
      'train n on rows {',
      '  schedule exponential factor 0.9',
      '}',
      '',
    ].join('\n');
    const { state } = fixture(spec);
    const at = (needle: string, nth = 0): string => {
      let offset = -1;
      for (let i = 0; i <= nth; i++) offset = spec.indexOf(needle, offset + 1);
      const result = hover(state, { textDocument: { uri: URI }, position: state.lines.positionAt(offset + 1) });
      return (result?.contents as MarkupContent | undefined)?.value ?? '';
    };
    expect(at('dropout')).toContain('**dropout** — network statement');
    expect(at('regularize')).toContain('**regularize** — train statement');
    expect(at('l1 0')).toContain('**l1** — penalty');
    expect(at('l2 0')).toContain('**l2** — penalty');
    expect(at('schedule plateau')).toContain('**schedule** — train statement');
    expect(at('plateau')).toContain('**plateau** — learning-rate schedule');
    expect(at('factor 0.5')).toContain('**factor** — schedule parameter');
    expect(at('patience 3')).toContain('**patience** — schedule parameter');
    expect(at('patience 20')).toContain('**patience** — train statement');
    expect(at('validation loss')).toContain('**validation** — train statement');
    expect(at('step factor')).toContain('**step** — learning-rate schedule');
    expect(at('every')).toContain('**every** — schedule parameter');
    expect(at('cosine')).toContain('**cosine** — learning-rate schedule');
    expect(at('min 0')).toContain('**min** — schedule parameter');
    expect(at('exponential')).toContain('**exponential** — learning-rate schedule');
  });

  it('shows documentation when hovering any keyword or value of a spec', () => {
    const spec = [
      'network n {',
      '  input 2',
      '  layer h 4 leaky_relu init he',
      '  layer 3 softmax',
      '}',
      'data rows {',
      '  0 1 -> 1 0 0',
      '  normalize minmax',
      '}',
      'data csv from "c.csv" {',
      '  inputs a..b',
      '  target label onehot',
      '  normalize zscore',
      '  header yes',
      '  encode city onehot',
      '  missing mean',
      '  separator ";"',
      '}',
      'data g = circle(samples 10, noise 0.1, seed 2)',
      'train n on rows {',
      '  loss cross_entropy',
      '  optimizer adam rate 0.01 beta1 0.9 beta2 0.99 epsilon 1e-7',
      '  epochs 10',
      '  batch full',
      '  seed 3',
      '  stop when loss < 0.1',
      '  validate 20%',
      '  precision f32',
      '  expect validation accuracy > 90%',
      '  expect loss < 0.1',
      '}',
      '',
    ].join('\n');
    const { state } = fixture(spec);
    const words = classify(state.check.file).filter((c) => ['keyword', 'enumMember', 'parameter'].includes(c.type));
    expect(words.length).toBe(55);
    for (const { span } of words) {
      const word = state.text.slice(span.start, span.end);
      const result = hover(state, { textDocument: { uri: URI }, position: state.lines.positionAt(span.start + 1) });
      expect(result, `hover on '${word}' at ${span.start}`).not.toBeNull();
      const value = (result!.contents as MarkupContent).value;
      // The `loss` of `stop when loss <` is explained by `stop` (`when` has its own entry), that of `expect loss <` by
      // `expect` (`validation` and `accuracy` have their own); `layer` shows the layer itself.
      const before = state.text.slice(span.start - 10, span.start);
      const expected = before === 'stop when ' ? 'stop' : before.endsWith('expect ') && word === 'loss' ? 'expect' : word;
      if (word !== 'layer') expect(value, `hover on '${word}'`).toContain(`**${expected}**`);
    }
  });
});
