// The DataStore a check is given: reuse within one store, nothing shared between stores, nothing kept without one, and every section held to its limits.

import { describe, expect, it } from 'vitest';
import { DataStore } from '../../server/src/data/store';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions, type CheckResult } from '../../server/src/language';
import type { Dataset } from '../../server/src/language/model';

const SPEC = `network n {
  input 2
  layer out 1 sigmoid
}

data inline {
  0 0 -> 0
  1 1 -> 1
}

data csv from "t.csv" {
  inputs a b
  target y
}

data drawn = circle(samples 50, noise 0.1, seed 4)

train n on inline {
}
train n on csv {
}
train n on drawn {
}
`;

function options(store: DataStore | undefined, reads: string[] = []): CheckOptions {
  return {
    specPath: '/work/spec.nn',
    allowedRoot: '/work',
    readFile: (path) => {
      reads.push(path);
      return { text: 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n' };
    },
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
    store,
  };
}

const sets = (result: CheckResult): Dataset[] => ['inline', 'csv', 'drawn'].map((name) => result.datasets.get(name)!);

function dataset(rows: number, name = 'd'): Dataset {
  return {
    name,
    rows,
    inputWidth: 1,
    targetWidth: 1,
    inputs: new Float64Array(rows),
    targets: new Float64Array(rows),
    inputNames: ['x'],
    classes: null,
    normalize: null,
    rowSpans: null,
  };
}

describe('DataStore', () => {
  it('gives a check the data sets an earlier check with the same store loaded', () => {
    const store = new DataStore();
    const first = check(SPEC, options(store));
    expect(first.errorCount).toBe(0);
    const again = check(SPEC, options(store));
    sets(again).forEach((set, i) => expect(set).toBe(sets(first)[i]));
    expect(again.runs.map((r) => r.key)).toEqual(first.runs.map((r) => r.key));
  });

  it('shares nothing between two stores: the second loads everything afresh, to the same values', () => {
    const a = new DataStore();
    const b = new DataStore();
    const inA = check(SPEC, options(a));
    expect(b.usage()).toEqual(new DataStore().usage());
    const inB = check(SPEC, options(b));
    sets(inB).forEach((set, i) => {
      expect(set).not.toBe(sets(inA)[i]);
      expect(set).toEqual(sets(inA)[i]);
    });
    expect(inB.runs.map((r) => r.key)).toEqual(inA.runs.map((r) => r.key));
    // What b holds now is what a check from nothing leaves: a's entries did not leak in.
    expect(b.usage()).toEqual(a.usage());
  });

  it('keeps nothing for a check given no store', () => {
    const first = check(SPEC, options(undefined));
    const again = check(SPEC, options(undefined));
    sets(again).forEach((set, i) => {
      expect(set).not.toBe(sets(first)[i]);
      expect(set).toEqual(sets(first)[i]);
    });
  });

  it('keeps a file by path, size and modification time, and reads it again when one of them changes or files changed', () => {
    const store = new DataStore();
    const reads: string[] = [];
    const read = (text: string) => () => (reads.push(text), text);
    const file = { path: '/w/a.csv', size: 4, mtimeMs: 1 };
    expect(store.fileText(file, read('one'))).toBe('one');
    expect(store.fileText({ ...file }, read('two'))).toBe('one');
    expect(store.fileText({ ...file, mtimeMs: 2 }, read('three'))).toBe('three');
    expect(store.fileText({ ...file, size: 5 }, read('four'))).toBe('four');
    store.forgetFiles();
    expect(store.fileText(file, read('five'))).toBe('five');
    expect(reads).toEqual(['one', 'three', 'four', 'five']);
  });

  it('keeps a weights file\'s bytes by its version beside the texts, and what was read from those bytes for as long as it keeps them', () => {
    const store = new DataStore({ fileBytes: 10 });
    const file = { path: '/w/w.safetensors', size: 4, mtimeMs: 1 };
    const bytes = store.fileBytes(file, () => Uint8Array.of(1, 2, 3, 4));
    expect(store.fileBytes({ ...file }, () => Uint8Array.of(9))).toBe(bytes);
    // The same path as a text is another entry: bytes never come back as a string, nor the other way.
    expect(store.fileText(file, () => 'text')).toBe('text');
    expect(store.fileBytes(file, () => Uint8Array.of(9))).toBe(bytes);
    let parses = 0;
    const parse = () => ({ parsed: ++parses });
    expect(store.parsedBytes(bytes, 'net 2 2', parse)).toEqual({ parsed: 1 });
    expect(store.parsedBytes(bytes, 'net 2 2', parse)).toEqual({ parsed: 1 });
    expect(store.parsedBytes(bytes, 'wide 3 2', parse)).toEqual({ parsed: 2 });
    expect(store.parsedBytes(Uint8Array.of(1, 2, 3, 4), 'net 2 2', parse)).toEqual({ parsed: 3 });
    // Bytes count against the files' limit like texts: 4 + 4 + 4 bytes > 10, the least recent goes.
    store.fileBytes({ ...file, path: '/w/other' }, () => Uint8Array.of(5, 6, 7, 8));
    expect(store.usage().files.bytes).toBeLessThanOrEqual(10);
    let digests = 0;
    const layers = [{}];
    expect(store.weightsDigest(layers, () => `d${++digests}`)).toBe('d1');
    expect(store.weightsDigest(layers, () => `d${++digests}`)).toBe('d1');
    expect(store.weightsDigest([{}], () => `d${++digests}`)).toBe('d2');
  });

  it('holds file texts to their bytes, least recently used first', () => {
    const store = new DataStore({ fileBytes: 10 });
    const file = (path: string, size: number) => ({ path, size, mtimeMs: 0 });
    store.fileText(file('a', 4), () => 'aaaa');
    store.fileText(file('b', 4), () => 'bbbb');
    store.fileText(file('a', 4), () => 'not read'); // a is now the most recent
    store.fileText(file('c', 4), () => 'cccc'); // 12 bytes: b, the least recent, goes
    expect(store.usage().files).toEqual({ entries: 2, bytes: 8 });
    expect(store.fileText(file('a', 4), () => 'read again')).toBe('aaaa');
    expect(store.fileText(file('b', 4), () => 'read again')).toBe('read again');
  });

  it('holds declarations’ data sets to their numbers, and refuses one that would take a quarter of them', () => {
    const store = new DataStore({ declarationCells: 100 });
    const entry = (set: Dataset) => ({ kind: 'inline' as const, dataset: set, targetRange: { min: 0, max: 0 }, maxRow: null, path: null, fileText: null, maxDataCells: 1000 });
    store.rememberDeclaredDataset('big', entry(dataset(13))); // 26 numbers: more than a quarter
    expect(store.declaredDataset('big', () => true)).toBeNull();
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.rememberDeclaredDataset(name, entry(dataset(12, name))); // 24 each
    expect(store.usage().declarations).toEqual({ entries: 4, cells: 96 });
    expect(store.declaredDataset('a', () => true)).toBeNull();
    expect(store.declaredDataset('e', () => true)?.dataset.name).toBe('e');
    // A declaration whose conditions differ (another limit, another file text) is not a hit.
    expect(store.declaredDataset('e', () => false)).toBeNull();
  });

  it('keeps generated sets up to the sample limit, and parsed CSVs up to the text limit', () => {
    const store = new DataStore({ generatedSamples: 10, csvChars: 8 });
    const args = { name: 'g', generator: 'xor' as const, noise: 0, seed: 1 };
    let draws = 0;
    const draw = (rows: number) => () => (draws++, dataset(rows));
    store.generated({ ...args, samples: 10 }, draw(10));
    store.generated({ ...args, samples: 10 }, draw(10));
    store.generated({ ...args, samples: 11 }, draw(11));
    store.generated({ ...args, samples: 11 }, draw(11));
    expect(draws).toBe(3);
    let parses = 0;
    const parse = () => (parses++, { records: [], lines: [], error: null });
    store.parsedCsv('/p', 'a,y\n1,0\n', parse);
    store.parsedCsv('/p', 'a,y\n1,0\n', parse);
    store.parsedCsv('/p', 'a,y\n1,0\n2,0\n', parse);
    store.parsedCsv('/p', 'a,y\n1,0\n2,0\n', parse);
    expect(parses).toBe(3);
    expect(store.usage().csv).toEqual({ entries: 1, chars: 8 });
  });

  it('holds every section to its number of entries', () => {
    const store = new DataStore({ digestEntries: 3, generatedEntries: 2 });
    for (let i = 0; i < 5; i++) store.digestOfStrings([`part ${i}`], () => `hex ${i}`);
    for (let seed = 0; seed < 5; seed++) store.generated({ name: 'g', generator: 'xor', samples: 4, noise: 0, seed }, () => dataset(4));
    expect(store.usage().digests.entries).toBe(3);
    expect(store.usage().generated).toEqual({ entries: 2, samples: 8 });
    expect(store.digestOfStrings(['part 4'], () => 'recomputed')).toBe('hex 4');
    expect(store.digestOfStrings(['part 0'], () => 'recomputed')).toBe('recomputed');
  });
});
