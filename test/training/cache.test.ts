// The outcome cache: least recently used goes first, and its memory stays within its byte budget.

import { describe, expect, it } from 'vitest';
import { entryBytes, OutcomeCache, type CachedRun } from '../../server/src/training/cache';

/** An entry whose one layer has `weights` weights (a stepped outcome carries before and after). */
function entry(key: string, weights: number): CachedRun {
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
  return { outcome: { key, result: null, step, seconds: 0, rows: null }, record: null };
}

describe('outcome cache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new OutcomeCache(2);
    cache.set('a', entry('a', 1));
    cache.set('b', entry('b', 1));
    cache.get('a');
    cache.set('c', entry('c', 1));
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c')].map(Boolean)).toEqual([true, false, true]);
  });

  it('keeps its entries within the byte budget, but always the newest', () => {
    const one = entryBytes(entry('x', 1000));
    const cache = new OutcomeCache(100, one * 2.5);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, entry(key, 1000));
    expect(cache.size).toBe(2);
    expect(cache.totalBytes).toBeLessThanOrEqual(one * 2.5);
    expect(cache.peek('d')).toBeDefined();

    cache.set('huge', entry('huge', 100_000));
    expect(cache.size).toBe(1);
    expect(cache.peek('huge')).toBeDefined();
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
