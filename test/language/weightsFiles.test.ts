// `weights w for n from "file"` (docs/language.md §7.1): an export read back to the same bits, and every bad file, missing file or refused path a clear error on the statement.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { exportJson } from '../../server/src/export/json';
import { safetensorsFile } from '../../server/src/export/safetensors';
import { check, DataStore, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions } from '../../server/src/language';
import type { RunSpec } from '../../server/src/language/model';
import { confinedReader, weightsFileReader } from '../../server/src/lsp/dataFiles';
import { Trainer } from '../../server/src/nn/trainer';
import type { TrainResult } from '../../server/src/nn/types';
import { checkedWithoutErrors } from '../support/check';
import { XOR_NETWORK, XOR_TABLE } from '../support/specs';
import { tempDir } from '../support/temp';
import { nodeReadBytes, nodeReadFile } from './fixtures';

/** XOR's network and truth table (`xor_table`). */
const NETWORK = `${XOR_NETWORK}${XOR_TABLE}`;

/** XOR trained a little in `precision`, in a fresh folder. */
function trained(precision: 'f64' | 'f32'): { dir: string; run: RunSpec; result: TrainResult } {
  const dir = tempDir('nn-weights-');
  const spec = `${NETWORK}train xor on xor_table {\n  optimizer sgd rate 0.5\n  epochs 300\n  seed 4\n  precision ${precision}\n}\n`;
  const run = checkedWithoutErrors(spec, dir).runs[0];
  return { dir, run, result: new Trainer(run.network, run.data, run.settings).train() };
}

/** The spec that reads `file` as weights `saved` and starts a run of `precision` from them. */
const reading = (file: string, precision: 'f64' | 'f32' = 'f64') =>
  `${NETWORK}weights saved for xor from "${file}"\ntrain xor on xor_table {\n  start from saved\n  epochs 5\n  precision ${precision}\n}\n`;

/** The IEEE-754 bits of numbers, to compare as bits (-0 and NaN included). */
const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float64Array.from(values).buffer));

describe('weights read back from an export', () => {
  it.each(['f64', 'f32'] as const)('%s: the JSON export and the safetensors export give the trained weights, bit for bit, and a run starts from them', (precision) => {
    const { dir, run, result } = trained(precision);
    writeFileSync(join(dir, 'model.json'), exportJson(run, result));
    writeFileSync(join(dir, 'model.safetensors'), safetensorsFile(run, result));
    for (const file of ['model.json', 'model.safetensors']) {
      const checked = checkedWithoutErrors(reading(file, precision), dir);
      const saved = checked.weights.get('saved')!;
      expect(saved.file).toBe(file);
      saved.layers.forEach((layer, k) => {
        expect(bits(layer.weights)).toEqual(bits(result.layers[k].weights));
        expect(bits(layer.biases)).toEqual(bits(result.layers[k].biases));
      });
      const started = checked.runs[0];
      expect(started.settings.start?.name).toBe('saved');
      const before = new Trainer(started.network, started.data, started.settings).layers();
      before.forEach((layer, k) => {
        expect(bits(layer.weights)).toEqual(bits(result.layers[k].weights));
        expect(bits(layer.biases)).toEqual(bits(result.layers[k].biases));
      });
    }
  });

  it('another file with other numbers gives the run another key; the same numbers the same key', () => {
    const { dir, run, result } = trained('f64');
    writeFileSync(join(dir, 'a.json'), exportJson(run, result));
    writeFileSync(join(dir, 'same.safetensors'), safetensorsFile(run, result));
    const moved = { ...result, layers: result.layers.map((l, k) => (k === 1 ? { ...l, biases: l.biases.map((b) => b + 2 ** -40) } : l)) };
    writeFileSync(join(dir, 'b.json'), exportJson(run, moved));
    const key = (file: string) => checkedWithoutErrors(reading(file), dir).runs[0].key;
    expect(key('a.json')).toBe(key('same.safetensors'));
    expect(key('a.json')).not.toBe(key('b.json'));
    // Without `start from` the run's key is another again (the initializer's weights).
    expect(checkedWithoutErrors(`${NETWORK}train xor on xor_table {\n  epochs 5\n}\n`, dir).runs[0].key).not.toBe(key('a.json'));
  });
});

/** The check of `spec` in `dir` with the command line's rules (any path), or with `options` changed. */
function checkIn(dir: string, spec: string, options: Partial<CheckOptions> = {}) {
  return check(spec, {
    specPath: join(dir, 'spec.nn'),
    allowedRoot: null,
    readFile: nodeReadFile,
    readBytes: nodeReadBytes,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
    ...options,
  });
}

/** The one error of a spec reading `file`, as `code @ "text it is on": message`. */
function errorOf(dir: string, file: string, options: Partial<CheckOptions> = {}): string {
  const spec = reading(file);
  const result = checkIn(dir, spec, options);
  const errors = result.problems.filter((p) => p.severity === 'error');
  expect(errors.length, JSON.stringify(errors)).toBe(1);
  expect(result.runs).toEqual([]);
  const [error] = errors;
  return `${error.code} @ ${spec.slice(error.span.start, error.span.end)}: ${error.message.split(dir).join('<dir>')}`;
}

describe('a weights file that cannot be used: one error on its statement', () => {
  // Trained in each test, not while the tests are collected (outside every test's coverage: docs/RELIABILITY.md "Mutation score").
  let dir: string;
  let safetensors: Uint8Array;
  let json: string;
  let header: number;
  beforeEach(() => {
    const made = trained('f64');
    dir = made.dir;
    safetensors = safetensorsFile(made.run, made.result);
    json = exportJson(made.run, made.result);
    header = Number(new DataView(safetensors.buffer, safetensors.byteOffset).getBigUint64(0, true));
  });
  const write = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(join(dir, name), bytes);
    return name;
  };
  const at = (file: string) => `weights saved for xor from "${file}"`;
  const withHeader = (edit: (h: Record<string, any>) => void, data = safetensors.subarray(8 + header)) => {
    const h = JSON.parse(new TextDecoder().decode(safetensors.subarray(8, 8 + header)));
    edit(h);
    const text = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + text.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
    out.set(text, 8);
    out.set(data, 8 + text.length);
    return out;
  };

  it.each<[string, () => string, string | (() => string)]>([
    ['a truncated safetensors file', () => write('cut.safetensors', safetensors.subarray(0, safetensors.length - 5)), `tensor "layers.1.bias" lies at bytes 96–104 of the data, but the data is only 99 bytes long: the file is truncated`],
    ['a header longer than the file', () => write('long.safetensors', safetensors.subarray(0, 30)), () => `the header length says ${header} bytes, but only 22 bytes follow it: the file is truncated, or not a safetensors file`],
    ['a file shorter than its length field', () => write('tiny.safetensors', safetensors.subarray(0, 3)), 'the file is 3 bytes long, too short for a safetensors file (it starts with an 8-byte header length)'],
    ['weights stored as integers', () => write('ints.safetensors', withHeader((h) => (h['layers.1.bias'].dtype = 'I64'))), 'layers.1.bias is I64; nn reads weights stored as F64 or F32'],
    ['a missing tensor', () => write('missing.safetensors', withHeader((h) => delete h['layers.1.bias'], safetensors.subarray(8 + header, safetensors.length - 8))), `the file has no layers.1.bias for layer 'output' (layer 2 of network 'xor')`],
    ['a layer of another shape', () => write('shape.json', JSON.stringify({ ...JSON.parse(json), layers: JSON.parse(json).layers.map((l: any, k: number) => (k === 1 ? { ...l, weights: [[...l.weights[0], 0.5]] } : l)) })), `layers[1].weights is 1 × 4 in the file, but layer 'output' (layer 2 of network 'xor') needs 1 × 3 (units × inputs)`],
    ['a network of another width', () => write('wide.json', JSON.stringify({ ...JSON.parse(json), layers: JSON.parse(json).layers.map((l: any, k: number) => (k === 0 ? { ...l, weights: [...l.weights, [0, 0]], biases: [...l.biases, 0] } : l)) })), `layers[0].weights is 4 × 2 in the file, but layer 'hidden' (layer 1 of network 'xor') needs 3 × 2 (units × inputs)`],
    ['a number too large for a double', () => write('huge.json', json.replace(/"biases": \[[^,\]]*/, '"biases": [1e999')), 'layers[0].biases holds Infinity at entry 1; weights must be finite numbers'],
    ['a document that is not an export', () => write('other.json', '{"hello": "world"}'), 'the file is not an nn export document: it has no "layers" list'],
    ['a file that is not JSON', () => write('notes.txt', 'W = [[1, 2]]'), 'the file is not valid JSON: '],
  ])('%s', (_, make, message) => {
    const file = make();
    expect(errorOf(dir, file)).toContain(`weights-file-invalid @ ${at(file)}: cannot use '${file}' as weights for network 'xor': ${typeof message === 'string' ? message : message()}`);
  });

  it('a missing file, a folder and an unreadable file say so, with where the file was looked for', () => {
    expect(errorOf(dir, 'nowhere.json')).toBe(`weights-file-missing @ ${at('nowhere.json')}: cannot read 'nowhere.json': no such file (looked for <dir>/nowhere.json; the path is relative to the spec's folder)`);
    mkdirSync(join(dir, 'folder.json'), { recursive: true });
    expect(errorOf(dir, 'folder.json')).toBe(`weights-file-unreadable @ ${at('folder.json')}: cannot read 'folder.json': it is a folder, not a file`);
  });

  it('an empty path, an unsaved spec, an untrusted workspace, and a checker that reads no weights files', () => {
    expect(errorOf(dir, '')).toBe(`weights-file-missing @ "": the file name is empty; write the weights file's path, as in from "xor.run1.safetensors"`);
    expect(errorOf(dir, '   ')).toBe(`weights-file-missing @ "   ": the file name is empty; write the weights file's path, as in from "xor.run1.safetensors"`);
    expect(errorOf(dir, 'model.json', { specPath: null })).toBe(`weights-file-unreadable @ "model.json": 'model.json' is relative to the spec's folder, and this spec is not saved yet; save it to load the file`);
    write('model.json', json);
    expect(errorOf(dir, 'model.json', { readFile: null })).toBe(`weights-file-unreadable @ ${at('model.json')}: 'model.json' is not read because the workspace is not trusted; trust the workspace to load weights files`);
    expect(errorOf(dir, 'model.json', { readBytes: undefined })).toBe(`weights-file-unreadable @ ${at('model.json')}: 'model.json' is not read here: this check reads no weights files`);
  });

  it('the editor keeps a file it read, but checks it again against a network of another shape', () => {
    write('kept.json', json);
    const store = new DataStore();
    const options = { store, readBytes: weightsFileReader(store) };
    expect(checkIn(dir, reading('kept.json'), options).problems.filter((p) => p.severity === 'error')).toEqual([]);
    const wider = checkIn(dir, reading('kept.json').replace('layer hidden 3', 'layer hidden 4'), options);
    expect(wider.problems.filter((p) => p.severity === 'error').map((p) => p.message)).toEqual([
      "cannot use 'kept.json' as weights for network 'xor': layers[0].weights is 3 × 2 in the file, but layer 'hidden' (layer 1 of network 'xor') needs 4 × 2 (units × inputs)",
    ]);
  });

  it('in the editor: a path outside the workspace folder, and a link inside it that leads out, are refused', () => {
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    write('outside.json', json);
    const editor = { specPath: join(workspace, 'spec.nn'), allowedRoot: workspace, allowedRootName: 'the workspace folder' };
    expect(errorOf(workspace, '../outside.json', editor)).toBe(
      `path-outside-workspace @ "../outside.json": '../outside.json' is outside the workspace folder; the editor only reads weights files inside it (the nn command line reads any path). Move the file into the workspace`,
    );
    symlinkSync(join(dir, 'outside.json'), join(workspace, 'link.json'));
    const store = new DataStore();
    const readBytes = confinedReader(weightsFileReader(store), workspace, 'the workspace folder', 'weights files');
    expect(errorOf(workspace, 'link.json', { ...editor, readBytes })).toBe(
      `weights-file-unreadable @ ${at('link.json')}: cannot read 'link.json': it is a link to ${join(dir, 'outside.json')}, outside the workspace folder; the editor only reads weights files inside it (the nn command line reads any path)`,
    );
    // Inside the workspace the editor's reader reads it, and keeps its bytes and what was read from them.
    write('workspace/inside.json', json);
    const first = checkIn(workspace, reading('inside.json'), { ...editor, readBytes, store });
    const second = checkIn(workspace, reading('inside.json'), { ...editor, readBytes, store });
    expect(first.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(second.weights.get('saved')!.layers).toBe(first.weights.get('saved')!.layers);
    expect(second.runs[0].key).toBe(first.runs[0].key);
  });
});

describe('the editor reads weights files by their bytes', () => {
  it('keeps a file by path, size and modification time, and reads it again when it changes', () => {
    const dir = tempDir('nn-weights-');
    const path = join(dir, 'w.safetensors');
    writeFileSync(path, Uint8Array.from([1, 2, 3, 250]));
    const store = new DataStore();
    const read = weightsFileReader(store);
    const first = read(path);
    expect(first).toEqual({ bytes: Uint8Array.from([1, 2, 3, 250]) });
    expect(read(path)).toEqual(first);
    expect((read(path) as { bytes: Uint8Array }).bytes).toBe((first as { bytes: Uint8Array }).bytes);
    writeFileSync(path, Uint8Array.from([9, 9]));
    expect(read(path)).toEqual({ bytes: Uint8Array.from([9, 9]) });
    expect(readFileSync(path).length).toBe(2);
  });
});
