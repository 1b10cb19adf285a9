// The outcome cache's byte bound counts everything an entry holds, the panel's data points and curve included (a generated set may have 100,000 points).
import { describe, expect, it } from 'vitest';
import { entryBytes, type CachedRun } from '../../server/src/training/cache';

const entry = (points: number, curve: number): CachedRun =>
  ({
    outcome: { key: 'k', result: null, step: null, seconds: 0, rows: null },
    record: {
      inputNames: ['x', 'y'],
      curve: Array.from({ length: curve }, (_, epoch) => ({ epoch, loss: 1, validationLoss: null, accuracy: null, validationAccuracy: null })),
      snapshots: [],
      points: Array.from({ length: points }, (_, i) => ({ x: i, y: i, label: i % 2 })),
      box: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
      grid: 40,
    },
  }) as unknown as CachedRun;

describe('outcome cache size estimate', () => {
  it('counts the data points and the curve of the panel record', () => {
    const empty = entryBytes(entry(0, 0));
    // Each point holds three numbers in an object: at least 24 bytes.
    expect(entryBytes(entry(100_000, 0)) - empty).toBeGreaterThanOrEqual(100_000 * 24);
    expect(entryBytes(entry(0, 2000)) - empty).toBeGreaterThanOrEqual(2000 * 40);
  });
});
