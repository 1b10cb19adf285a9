// Generators of random and mutated specs, shared by the 10,000-spec fuzz test here and the 100,000-spec run of test/reliability.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { check, parse, type CheckOptions } from '../../server/src/language';
import { LineIndex } from '../../server/src/language/positions';
import { random } from '../support/random';

// mulberry32, shared with the report fixtures; re-exported because the fuzz tests import it from here.
export { random };

export const root = path.join(__dirname, '..', '..');
const folders = [path.join(root, 'examples'), path.join(__dirname, 'fixtures')];

/** Every example and fixture spec: the texts mutations start from. */
export const seeds: string[] = [];
/** Every example and fixture CSV, by file name (the fuzz tests read data from memory). */
export const csvFiles = new Map<string, string>();
for (const folder of folders) {
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.nn')) seeds.push(readFileSync(path.join(folder, name), 'utf8'));
    if (name.endsWith('.csv')) csvFiles.set(name, readFileSync(path.join(folder, name), 'utf8'));
  }
}
/** The weights files of the fixtures (`weights … from`, fixtures/weights/), by file name. */
export const weightsFiles = new Map<string, Uint8Array>();
for (const name of readdirSync(path.join(__dirname, 'fixtures', 'weights'))) {
  weightsFiles.set(name, new Uint8Array(readFileSync(path.join(__dirname, 'fixtures', 'weights', name))));
}

/** One to four random edits of a file's bytes: a byte changed, a stretch cut out, or the end cut off. */
export function mutateBytes(bytes: Uint8Array, next: () => number): Uint8Array {
  let result = bytes.slice();
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (result.length + 1));
    const kind = Math.floor(next() * 3);
    if (kind === 0 && at < result.length) result[at] = Math.floor(next() * 256);
    else if (kind === 1) result = Uint8Array.from([...result.subarray(0, at), ...result.subarray(at + Math.floor(next() * 12))]);
    else result = result.slice(0, at);
  }
  return result;
}

export const VOCABULARY = [
  'network', 'data', 'train', 'on', 'input', 'layer', 'init', 'from', 'inputs', 'target', 'onehot', 'normalize',
  'header', 'yes', 'no', 'minmax', 'zscore', 'loss', 'mse', 'cross_entropy', 'optimizer', 'sgd', 'adam', 'rate',
  'momentum', 'beta1', 'epochs', 'batch', 'full', 'seed', 'stop', 'when', 'validate', 'precision', 'f32', 'f64',
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax', 'xavier', 'he', 'xor', 'circle', 'spiral', 'gauss',
  'samples', 'noise', 'x', 'n', 'd', '{', '}', '(', ')', ',', '->', '<', '=', '..', '.', '-', '%', '"', '"iris.csv"',
  'weights', 'for', 'W', 'b', 'w', 'start', '"weights/net.json"', '"weights/net.safetensors"', 'hidden', 'output',
  '"houses.csv"', '"../x.csv"', '0', '1', '2', '3', '-1', '0.5', '1e-3', '1e999', '12abc', '.5', '5.', '20%', '0..3',
  '\n', '\n', '\n', '\r\n', '\r', '\t', ' ', ' ', '# comment', 'é', '😀', '\u0000', '\\', '"unterminated',
];

/** Up to 80 words of the language and its punctuation, in any order. */
export function tokenSoup(next: () => number): string {
  const count = Math.floor(next() * 80);
  let text = '';
  for (let i = 0; i < count; i++) {
    text += VOCABULARY[Math.floor(next() * VOCABULARY.length)];
    if (next() < 0.7) text += ' ';
  }
  return text;
}

/** One to four random edits of a text: deletions, duplications, inserted words, any UTF-16 unit, truncation, swaps. */
export function mutate(text: string, next: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (result.length + 1));
    const length = Math.floor(next() * 12);
    switch (Math.floor(next() * 6)) {
      case 0: // delete a stretch
        result = result.slice(0, at) + result.slice(at + length);
        break;
      case 1: // duplicate a stretch
        result = result.slice(0, at + length) + result.slice(at, at + length) + result.slice(at + length);
        break;
      case 2: // insert a token
        result = result.slice(0, at) + VOCABULARY[Math.floor(next() * VOCABULARY.length)] + result.slice(at);
        break;
      case 3: // replace a character by any UTF-16 unit, surrogates included
        result = result.slice(0, at) + String.fromCharCode(Math.floor(next() * 0x10000)) + result.slice(at + 1);
        break;
      case 4: // truncate
        result = result.slice(0, at);
        break;
      default: // swap two neighbours
        result = result.slice(0, at) + result.slice(at + 1, at + 2) + result.slice(at, at + 1) + result.slice(at + 2);
    }
  }
  return result;
}

export interface FuzzStats {
  total: number;
  /** Runs check() accepted (free of errors), over all specs. */
  withRuns: number;
  /** Milliseconds of parse() + check() per spec, sorted ascending. */
  durations: number[];
  slowest: { ms: number; text: string };
}

/**
 * Parses and checks `total` specs (a quarter token soup, the rest mutated examples and
 * fixtures, a fifth with a mutated CSV), throwing on the first exception or inconsistent
 * result (a span out of the text, a wrong error count, a run accepted with an error or
 * mismatched shapes). The same seed gives the same specs.
 */
export function fuzzChecks(total: number, seed = 20261127): FuzzStats {
  const next = random(seed);
  const csvMutations = new Map<string, string>();
  const weightsMutations = new Map<string, Uint8Array>();
  const options: CheckOptions = {
    specPath: path.join(root, 'examples', 'fuzz.nn'),
    allowedRoot: null,
    // Data files come from memory, sometimes mutated, so CSV parsing is fuzzed too.
    readFile: (file) => {
      const name = path.basename(file);
      const text = csvMutations.get(name) ?? csvFiles.get(name);
      return text === undefined ? { error: 'no such file', missing: true } : { text };
    },
    // Weights files too, sometimes with bytes changed or cut (the safetensors and JSON readers are fuzzed).
    readBytes: (file) => {
      const name = path.basename(file);
      const bytes = weightsMutations.get(name) ?? weightsFiles.get(name);
      return bytes === undefined ? { error: 'no such file', missing: true } : { bytes };
    },
    maxParameters: 1_000_000,
    maxDataCells: 200_000,
  };
  const durations: number[] = [];
  let slowest = { ms: 0, text: '' };
  let withRuns = 0;
  for (let i = 0; i < total; i++) {
    const kind = i % 4;
    const text = kind === 0 ? tokenSoup(next) : mutate(seeds[Math.floor(next() * seeds.length)], next);
    csvMutations.clear();
    if (next() < 0.2) {
      const [name, csv] = [...csvFiles][Math.floor(next() * csvFiles.size)];
      csvMutations.set(name, mutate(csv, next));
    }
    weightsMutations.clear();
    if (next() < 0.2) {
      const [name, bytes] = [...weightsFiles][Math.floor(next() * weightsFiles.size)];
      weightsMutations.set(name, mutateBytes(bytes, next));
    }
    const started = performance.now();
    let result;
    try {
      parse(text);
      result = check(text, options);
    } catch (error) {
      throw new Error(`check threw on input ${JSON.stringify(text)}: ${(error as Error).stack}`);
    }
    const ms = performance.now() - started;
    // Plain checks rather than expect() per item: ten thousand results must stay fast to verify.
    const fail = (what: string, detail: unknown): never => {
      throw new Error(`${what}: ${JSON.stringify(detail)} in ${JSON.stringify(text)}`);
    };
    durations.push(ms);
    if (ms > slowest.ms) slowest = { ms, text };

    // The result is consistent, not merely returned.
    const lines = new LineIndex(text);
    for (const problem of result.problems) {
      if (!(problem.span.start >= 0 && problem.span.start <= problem.span.end && problem.span.end <= text.length)) {
        throw new Error(`bad span ${JSON.stringify(problem)} in ${JSON.stringify(text)}`);
      }
      if (lines.offsetAt(lines.positionAt(problem.span.start)) > problem.span.start) fail('position does not round-trip', problem);
    }
    if (result.errorCount !== result.problems.filter((p) => p.severity === 'error').length) fail('errorCount is wrong', result.errorCount);
    for (const run of result.runs) {
      withRuns++;
      const last = run.network.layers[run.network.layers.length - 1];
      if (result.problems.some((p) => p.severity === 'error' && p.span.start >= run.span.start && p.span.start < run.span.end)) fail('a run with an error', run.index);
      if (run.data.inputWidth !== run.network.input || run.data.targetWidth !== last.units) fail('a run with mismatched shapes', run.index);
      if (run.data.inputs.length !== run.data.rows * run.data.inputWidth || run.data.targets.length !== run.data.rows * run.data.targetWidth) {
        fail('a data set whose arrays do not match its rows', run.data.name);
      }
    }
  }
  durations.sort((a, b) => a - b);
  return { total, withRuns, durations, slowest };
}
