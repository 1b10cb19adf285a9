// check() given a DataStore reuses the data sets and run keys of unchanged declarations between calls: the answers must be those of a fresh check.
import { beforeEach, describe, expect, it } from 'vitest';
import { DataStore } from '../../server/src/data/store';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions, type CheckResult } from '../../server/src/language';
import { csvFiles, mutate, random, seeds, tokenSoup } from './fuzzInputs';

const files = new Map<string, string>();
/** The store an editor would keep across the checks of one test (a new one per test). */
let store = new DataStore();
const base: CheckOptions = {
  specPath: '/work/spec.nn',
  allowedRoot: '/work',
  readFile: (path) => {
    const text = files.get(path);
    return text === undefined ? { error: 'file not found', missing: true } : { text };
  },
  maxParameters: DEFAULT_MAX_PARAMETERS,
  maxDataCells: DEFAULT_MAX_DATA_CELLS,
};
/** With the test's store (warm after the first check). */
const warmOptions = (options: CheckOptions = base): CheckOptions => ({ ...options, store });
/** With a store of its own: a first check. */
const freshOptions = (options: CheckOptions = base): CheckOptions => ({ ...options, store: new DataStore() });

const NET = 'network n {\n  input 2\n  layer hidden 3 tanh\n  layer out 1 sigmoid\n}\n';
const DATA = 'data d {\n  0 0 -> 0\n  0 1 -> 1\n  1 0 -> 3\n  1 1 -> 0\n}\n';
const CSV_DATA = 'data c from "t.csv" {\n  inputs a b\n  target y\n}\n';
const TRAIN = 'train n on d {\n  epochs 10\n}\ntrain n on c {\n}\n';
const SPEC = `${NET}${DATA}${CSV_DATA}${TRAIN}`;

/** Everything a user sees of a check, with the data sets' values and row spans. */
function seen(result: CheckResult) {
  return {
    problems: result.problems,
    runs: result.runs.map((run) => ({ key: run.key, span: run.span, data: { ...run.data } })),
    datasets: [...result.datasets].map(([name, data]) => [name, { ...data }]),
    references: result.references,
  };
}

/** Checks each version in turn with whatever the earlier versions left in the store, and each again from nothing. */
function expectSameAsFresh(versions: string[], optionsOf: (i: number) => CheckOptions = () => base): void {
  versions.forEach((text, i) => {
    const warm = seen(check(text, warmOptions(optionsOf(i))));
    const fresh = seen(check(text, freshOptions(optionsOf(i))));
    expect(warm, `version ${i}`).toEqual(fresh);
    // Leave the store as an editor would have it: filled by every version so far.
    for (const earlier of versions.slice(0, i + 1)) check(earlier, warmOptions(optionsOf(i)));
  });
}

describe('check() between edits', () => {
  beforeEach(() => {
    store = new DataStore();
    files.set('/work/t.csv', 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
  });

  it.each([
    ['an edit in a network', [SPEC, SPEC.replace('hidden 3', 'hidden 4'), SPEC]],
    ['lines inserted above the data (row spans and line numbers move)', [SPEC, `# a\n\n${SPEC}`, `${NET}\n\n\n${DATA}${CSV_DATA}${TRAIN}`]],
    ['a data row edited and back', [SPEC, SPEC.replace('1 0 -> 3', '1 0 -> 2'), SPEC.replace('1 0 -> 3', '1 0 -> x'), SPEC]],
    ['a duplicate of a data block', [SPEC, `${SPEC}${DATA}`, SPEC]],
    ['the same data block under two names', [SPEC, `${SPEC}${DATA.replace('data d', 'data e')}train n on e {\n}\n`]],
  ])('%s: the same problems, runs and data as a fresh check', (_name, versions) => {
    expectSameAsFresh(versions);
  });

  it('moves the warning about a target above 1 with its row', () => {
    check(SPEC, warmOptions());
    const moved = check(`\n\n${SPEC}`, warmOptions());
    const warning = moved.problems.find((p) => p.code === 'targets-outside-unit-interval');
    expect(warning?.message).toContain('up to 3 (line 11)');
    expect(moved.datasets.get('d')?.rowSpans?.[2].start).toBe(`\n\n${SPEC}`.indexOf('1 0 -> 3'));
  });

  it('reads a changed CSV again', () => {
    const before = check(SPEC, warmOptions()).datasets.get('c');
    files.set('/work/t.csv', 'a,b,y\n0,0,1\n0,1,1\n1,0,1\n1,1,1\n');
    const after = check(SPEC, warmOptions()).datasets.get('c');
    expect([...(before?.targets ?? [])]).toEqual([0, 1, 1, 0]);
    expect([...(after?.targets ?? [])]).toEqual([1, 1, 1, 1]);
  });

  it('holds a data set against a lower nn limit again', () => {
    const small = { ...base, maxDataCells: 8 };
    expectSameAsFresh([SPEC, SPEC, SPEC], (i) => (i === 1 ? small : base));
    check(SPEC, warmOptions());
    expect(check(SPEC, warmOptions(small)).problems.map((p) => p.code)).toContain('data-too-large');
  });

  it('answers mutated specs, one after another, as a fresh check does', () => {
    const next = random(99);
    const csvMutations = new Map<string, string>();
    const fuzzOptions: CheckOptions = {
      ...base,
      specPath: '/work/fuzz.nn',
      allowedRoot: null,
      readFile: (file) => {
        const name = file.slice(file.lastIndexOf('/') + 1);
        const text = csvMutations.get(name) ?? csvFiles.get(name);
        return text === undefined ? { error: 'no such file', missing: true } : { text };
      },
      maxDataCells: 200_000,
    };
    const recent: string[] = [];
    for (let i = 0; i < 1500; i++) {
      // Mostly small edits of one seed, as typing makes them, so declarations repeat.
      const text = i % 10 === 0 ? tokenSoup(next) : mutate(seeds[i % seeds.length], next);
      csvMutations.clear();
      if (next() < 0.2) {
        const [name, csv] = [...csvFiles][Math.floor(next() * csvFiles.size)];
        csvMutations.set(name, mutate(csv, next));
      }
      const warm = seen(check(text, warmOptions(fuzzOptions)));
      const fresh = seen(check(text, freshOptions(fuzzOptions)));
      if (JSON.stringify(warm) !== JSON.stringify(fresh)) expect(warm, JSON.stringify(text)).toEqual(fresh);
      recent.push(text);
      if (recent.length > 4) recent.shift();
      for (const earlier of recent) check(earlier, warmOptions(fuzzOptions));
    }
  });
});
