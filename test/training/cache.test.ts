// The outcome cache: bounded by bytes, not by count; least recently used goes first; the outcomes open documents show are never evicted, their panel records thinned and then dropped when room is needed.

import { describe, expect, it } from 'vitest';
import { entryBytes, OutcomeCache, recordBytes, type CachedRun } from '../../server/src/training/cache';
import type { RunRecord } from '../../server/src/training/messages';

/** An entry whose one layer has `weights` weights (a stepped outcome carries before and after), with a panel record of `snapshots` boundaries of 1,600 points. */
function entry(key: string, weights: number, snapshots = 0): CachedRun {
  const layer = {
    name: 'hidden',
    units: 1,
    inputs: weights,
    activation: 'sigmoid',
    weights: new Float64Array(weights),
    biases: new Float64Array(1),
    delta: new Float64Array(1),
    weightGradient: new Float64Array(weights),
    biasGradient: new Float64Array(1),
    gradientNorm: 0,
  };
  const step = { update: 1, epoch: 1, batchLoss: 0.5, batchSize: 4, learningRate: 0.1, before: [layer], after: [layer] };
  const record = {
    inputNames: ['x', 'y'],
    curve: [],
    snapshots: Array.from({ length: snapshots }, (_, epoch) => ({ epoch, layers: [], boundary: new Array<number>(1600).fill(0.5) })),
    points: [],
    box: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
    grid: 40,
  } as unknown as RunRecord;
  return { outcome: { key, result: null, step, seconds: 0, rows: null }, record: snapshots > 0 ? record : null };
}

const present = (cache: OutcomeCache, keys: string[]) => keys.map((key) => Boolean(cache.peek(key)));

describe('outcome cache', () => {
  it('keeps any number of entries that fit in its bytes (no bound by count)', () => {
    const cache = new OutcomeCache(1000 * entryBytes(entry('x', 10)));
    for (let i = 0; i < 1000; i++) cache.set(`run ${i}`, entry(`run ${i}`, 10));
    expect(cache.size).toBe(1000);
  });

  it('evicts the least recently used entries nobody holds beyond its bytes, but always keeps the newest', () => {
    const one = entryBytes(entry('x', 1000));
    const cache = new OutcomeCache(one * 2.5);
    for (const key of ['a', 'b', 'c']) cache.set(key, entry(key, 1000));
    expect(present(cache, ['a', 'b', 'c'])).toEqual([false, true, true]);
    cache.get('b');
    cache.set('d', entry('d', 1000));
    expect(present(cache, ['b', 'c', 'd'])).toEqual([true, false, true]);
    expect(cache.totalBytes).toBeLessThanOrEqual(one * 2.5);

    cache.set('huge', entry('huge', 100_000));
    expect(cache.size).toBe(1);
    expect(cache.peek('huge')).toBeDefined();
  });

  it('never evicts a held outcome: what an open document shows outlives any number of other runs', () => {
    const one = entryBytes(entry('x', 1000));
    const cache = new OutcomeCache(one * 3.5);
    const shown = ['a', 'b', 'c', 'd', 'e'];
    cache.hold('file:///spec.nn', shown);
    for (const key of shown) cache.set(key, entry(key, 1000));
    // Five held outcomes over a bound of three and a half: all kept.
    expect(present(cache, shown)).toEqual([true, true, true, true, true]);
    // Others come and go (a closed document's runs, older versions of these), the held stay.
    for (let i = 0; i < 100; i++) cache.set(`other ${i}`, entry(`other ${i}`, 1000));
    expect(present(cache, shown)).toEqual([true, true, true, true, true]);
    expect(cache.size).toBe(6);

    // Once the document shows other runs (or closes), its old ones may go.
    cache.hold('file:///spec.nn', ['a']);
    expect(present(cache, shown)).toEqual([true, false, false, false, true]);
    cache.release('file:///spec.nn');
    cache.set('f', entry('f', 1000));
    cache.set('g', entry('g', 1000));
    cache.set('h', entry('h', 1000));
    expect(present(cache, ['a', 'e'])).toEqual([false, false]);
  });

  it('counts a key held by two documents until both let it go', () => {
    const one = entryBytes(entry('x', 1000));
    const cache = new OutcomeCache(one * 1.5);
    cache.hold('file:///one.nn', ['shared']);
    cache.hold('file:///two.nn', ['shared']);
    cache.set('shared', entry('shared', 1000));
    cache.release('file:///one.nn');
    cache.set('other', entry('other', 1000));
    expect(present(cache, ['shared'])).toEqual([true]);
    cache.release('file:///two.nn');
    cache.set('third', entry('third', 1000));
    expect(present(cache, ['shared'])).toEqual([false]);
  });

  it("makes room in held runs' panel records: thinned to the last snapshot first, dropped last, least recently used first", () => {
    const withRecord = entryBytes(entry('x', 10, 20));
    const thin = entryBytes(entry('x', 10, 1));
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    /** Snapshots each key's record keeps, least recently used first (0: the record was dropped). */
    const kept = (cache: OutcomeCache) => keys.map((key) => cache.peek(key)?.record?.snapshots.length ?? 0);
    for (const [budget, dropped] of [
      [2 * withRecord + 6 * thin, false],
      [withRecord + 3 * thin, true],
    ] as const) {
      const cache = new OutcomeCache(budget);
      cache.hold('file:///spec.nn', keys);
      for (const key of keys) cache.set(key, entry(key, 10, 20));
      const counts = kept(cache);
      // Every outcome stays, within the bound; the newest is whole.
      expect(present(cache, keys)).toEqual(keys.map(() => true));
      expect(cache.totalBytes).toBeLessThanOrEqual(budget);
      expect(counts.at(-1)).toBe(20);
      // Older records gave way first: fewer snapshots the less recently used.
      expect([...counts].sort((x, y) => x - y)).toEqual(counts);
      // A record is dropped only when every other but the newest is thinned already.
      expect(counts.includes(0), JSON.stringify(counts)).toBe(dropped);
      if (dropped) expect(counts.slice(0, -1).every((n) => n <= 1)).toBe(true);
      else expect(counts.filter((n) => n === 1).length).toBeGreaterThan(0);
      // The thinned record keeps the final snapshot.
      const thinned = keys.find((key) => cache.peek(key)?.record?.snapshots.length === 1);
      if (thinned) expect(cache.peek(thinned)?.record?.snapshots[0].epoch).toBe(19);
      expect(cache.totalBytes).toBe(keys.reduce((sum, key) => sum + entryBytes(cache.peek(key)!), 0));
    }
    expect(recordBytes(null)).toBe(0);
  });

  it('counts a replaced entry once', () => {
    const cache = new OutcomeCache();
    cache.set('a', entry('a', 10));
    const bytes = cache.totalBytes;
    cache.set('a', entry('a', 10));
    expect(cache.totalBytes).toBe(bytes);
    cache.delete('a');
    expect(cache.totalBytes).toBe(0);
  });
});
