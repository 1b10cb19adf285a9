// The DataStore a check is given: reuse within one store, nothing shared between stores, nothing kept without one, and every section held to its limits.

import { describe, expect, it } from 'vitest';
import { textSource, type CsvRequest } from '../../server/src/data/csv';
import { csvKey, loadNow, type DataFile } from '../../server/src/data/load';
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

const REQUEST: CsvRequest = {
  name: 'd', fileLabel: 'a.csv', header: true, separator: ',', inputs: null, target: null,
  onehot: false, encode: null, missing: null, normalize: null, maxDataCells: 1000,
};

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

  it('keeps a file’s load by path, size and modification time, and reads it again when one of them changes or files changed', () => {
    const store = new DataStore();
    const loader = loadNow(store);
    const reads: number[] = [];
    const file = (size: number, mtimeMs: number): DataFile => ({ file: { path: '/w/a.csv', size, mtimeMs }, open: () => (reads.push(mtimeMs), textSource('a,y\n1,0\n')) });
    loader.csv(REQUEST, file(8, 1));
    loader.csv(REQUEST, file(8, 1));
    loader.csv(REQUEST, file(8, 2));
    loader.csv(REQUEST, file(9, 2));
    store.forgetFiles();
    loader.csv(REQUEST, file(9, 2));
    expect(reads).toEqual([1, 2, 2, 2]);
    // Another request of the same file (another data block) is another load.
    loader.csv({ ...REQUEST, header: false }, file(9, 2));
    expect(reads).toEqual([1, 2, 2, 2, 2]);
  });

  it('keeps one version of a file: a newer one pushes out the older, unless an open document still shows it', () => {
    const store = new DataStore();
    const file = (mtimeMs: number): DataFile => ({ file: { path: '/w/a.csv', size: 8, mtimeMs }, open: () => textSource('a,y\n1,0\n') });
    const loader = loadNow(store);
    for (let version = 1; version <= 20; version++) loader.csv(REQUEST, file(version));
    expect(store.usage().loads.entries).toBe(1);
    store.retain('doc', [csvKey(REQUEST, file(20))]);
    loader.csv(REQUEST, file(21));
    expect(store.usage().loads).toMatchObject({ entries: 2, pinned: 1 });
    store.release('doc');
    loader.csv(REQUEST, file(22));
    expect(store.usage().loads.entries).toBe(1);
  });

  it('holds loads to their bytes, least recently used first, but never evicts what an owner retains', () => {
    const store = new DataStore({ loadBytes: 100 });
    const put = (key: string, rows: number) => store.putLoad(key, { kind: 'generated', dataset: dataset(rows, key) });
    put('a', 3); // 48 bytes
    put('b', 3);
    store.retain('doc', ['a']);
    put('c', 3); // 144 bytes: b, the oldest not retained, goes
    expect(store.load('a')).toBeDefined();
    expect(store.load('b')).toBeUndefined();
    expect(store.load('c')).toBeDefined();
    put('d', 10); // 160 bytes alone: over, but the newest stays; c goes, a is retained
    expect(['a', 'c', 'd'].map((key) => store.load(key) !== undefined)).toEqual([true, false, true]);
    store.release('doc');
    put('e', 1);
    expect(store.load('a')).toBeUndefined();
  });

  it('tells the bytes of the loads it let go, once (the server collects their shared memory then)', () => {
    const store = new DataStore({ loadBytes: 100 });
    const put = (key: string, rows: number, group: string | null = null) => store.putLoad(key, { kind: 'generated', dataset: dataset(rows, key) }, group);
    put('v1', 3, 'file'); // 48 bytes
    expect(store.takeReleasedBytes()).toBe(0);
    put('v2', 2, 'file'); // the older version of the same file goes: 48 bytes let go
    expect(store.takeReleasedBytes()).toBe(48);
    expect(store.takeReleasedBytes()).toBe(0);
    put('other', 5); // 80 bytes: over the limit, v2 (32 bytes) is evicted
    expect(store.takeReleasedBytes()).toBe(32);
    store.clear();
    expect(store.takeReleasedBytes()).toBe(80);
  });

  it('keeps a weights file\'s bytes by its version, and what was read from those bytes for as long as it keeps them', () => {
    const store = new DataStore({ fileBytes: 10 });
    const file = { path: '/w/w.safetensors', size: 4, mtimeMs: 1 };
    const bytes = store.fileBytes(file, () => Uint8Array.of(1, 2, 3, 4));
    expect(store.fileBytes({ ...file }, () => Uint8Array.of(9))).toBe(bytes);
    let parses = 0;
    const parse = () => ({ parsed: ++parses });
    expect(store.parsedBytes(bytes, 'net 2 2', parse)).toEqual({ parsed: 1 });
    expect(store.parsedBytes(bytes, 'net 2 2', parse)).toEqual({ parsed: 1 });
    expect(store.parsedBytes(bytes, 'wide 3 2', parse)).toEqual({ parsed: 2 });
    expect(store.parsedBytes(Uint8Array.of(1, 2, 3, 4), 'net 2 2', parse)).toEqual({ parsed: 3 });
    // Bytes count against the files' limit: 4 + 4 bytes with another file's and 10 at most, the least recent goes.
    store.fileBytes({ ...file, path: '/w/other' }, () => Uint8Array.of(5, 6, 7, 8));
    expect(store.usage().files.bytes).toBeLessThanOrEqual(10);
    let digests = 0;
    const layers = [{}];
    expect(store.weightsDigest(layers, () => `d${++digests}`)).toBe('d1');
    expect(store.weightsDigest(layers, () => `d${++digests}`)).toBe('d1');
    expect(store.weightsDigest([{}], () => `d${++digests}`)).toBe('d2');
  });

  it('holds declarations’ data sets to their numbers, and refuses one that would take a quarter of them', () => {
    const store = new DataStore({ declarationCells: 100 });
    const entry = (set: Dataset) => ({ kind: 'inline' as const, dataset: set, targetRange: { min: 0, max: 0 }, maxRow: null, maxDataCells: 1000 });
    store.rememberDeclaredDataset('big', entry(dataset(13))); // 26 numbers: more than a quarter
    expect(store.declaredDataset('big', () => true)).toBeNull();
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.rememberDeclaredDataset(name, entry(dataset(12, name))); // 24 each
    expect(store.usage().declarations).toEqual({ entries: 4, cells: 96 });
    expect(store.declaredDataset('a', () => true)).toBeNull();
    expect(store.declaredDataset('e', () => true)?.dataset.name).toBe('e');
    // A declaration whose conditions differ (another limit, another file text) is not a hit.
    expect(store.declaredDataset('e', () => false)).toBeNull();
  });

  it('holds every section to its number of entries', () => {
    const store = new DataStore({ digestEntries: 3, loadEntries: 2 });
    const loader = loadNow(store);
    for (let i = 0; i < 5; i++) store.digestOfStrings([`part ${i}`], () => `hex ${i}`);
    for (let seed = 0; seed < 5; seed++) loader.generated({ name: 'g', generator: 'xor', samples: 4, noise: 0, seed });
    expect(store.usage().digests.entries).toBe(3);
    expect(store.usage().loads).toEqual({ entries: 2, bytes: 2 * 4 * 3 * 8, pinned: 0 });
    expect(store.digestOfStrings(['part 4'], () => 'recomputed')).toBe('hex 4');
    expect(store.digestOfStrings(['part 0'], () => 'recomputed')).toBe('recomputed');
  });
});
