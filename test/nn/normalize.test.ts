// Input normalization (docs/language.md §4.7): zscore with the population standard deviation, minmax, a constant
// column at scale 1, the statistics fitted on the training part's rows only, then applied to every row.

import { describe, expect, it } from 'vitest';
import { fitNormalization, normalizeInput } from '../../server/src/nn/normalize';
import { Trainer } from '../../server/src/nn/trainer';
import { splitRows } from '../../server/src/nn/parts';
import { dataset, network, settings } from './helpers';

/** Four rows of three inputs: a spread column, a negative one, a constant one. */
const INPUTS = Float64Array.from([
  [2, -1, 5],
  [4, -3, 5],
  [4, -5, 5],
  [6, -7, 5],
].flat());
const ALL = [0, 1, 2, 3];

describe('zscore', () => {
  it('offset the mean, scale the population standard deviation (divided by n), a constant column at scale 1', () => {
    const fit = fitNormalization('zscore', INPUTS, 3, ALL);
    expect(fit.kind).toBe('zscore');
    expect(fit.offset).toEqual([4, -4, 5]);
    // Column 1: squares 4, 0, 0, 4 → 8 / 4 = 2 (not 8 / 3); column 2: 9, 1, 1, 9 → 5.
    expect(fit.scale).toEqual([Math.sqrt(2), Math.sqrt(5), 1]);
  });

  it('only the given rows count, in any order', () => {
    const fit = fitNormalization('zscore', INPUTS, 3, [3, 1]);
    expect(fit.offset).toEqual([5, -5, 5]);
    expect(fit.scale).toEqual([1, 2, 1]);
  });

  it('no rows: offset 0 and scale 1, x′ = x', () => {
    expect(fitNormalization('zscore', INPUTS, 3, [])).toEqual({ kind: 'zscore', offset: [0, 0, 0], scale: [1, 1, 1] });
  });
});

describe('minmax', () => {
  it('offset the minimum, scale max − min, a constant column at scale 1', () => {
    const fit = fitNormalization('minmax', INPUTS, 3, ALL);
    expect(fit).toEqual({ kind: 'minmax', offset: [2, -7, 5], scale: [4, 6, 1] });
    // The extremes map to 0 and 1.
    const out = [0, 0, 0];
    normalizeInput(fit, [6, -7, 5], out);
    expect(out).toEqual([1, 0, 0]);
    normalizeInput(fit, [2, -1, 5], out);
    expect(out).toEqual([0, 1, 0]);
  });

  it('the extremes of the given rows only; no rows: offset 0 and scale 1', () => {
    expect(fitNormalization('minmax', INPUTS, 3, [1, 2])).toEqual({ kind: 'minmax', offset: [4, -5, 5], scale: [1, 2, 1] });
    expect(fitNormalization('minmax', INPUTS, 3, [])).toEqual({ kind: 'minmax', offset: [0, 0, 0], scale: [1, 1, 1] });
  });
});

describe('applying it', () => {
  it('x′ = (x − offset) / scale per input; without normalization x itself', () => {
    const out = new Float64Array(3);
    normalizeInput({ kind: 'zscore', offset: [4, -4, 5], scale: [2, 0.5, 1] }, [8, -5, 5], out);
    expect(Array.from(out)).toEqual([2, -2, 0]);
    normalizeInput(null, [8, -5, 5], out);
    expect(Array.from(out)).toEqual([8, -5, 5]);
  });

  it('a run fits it on its training part, and the held-out rows and predictions see x′ of that fit', () => {
    const rows: [number[], number[]][] = Array.from({ length: 10 }, (_, i) => [[i * i, 3], [i % 2]]);
    const data = dataset(rows, { normalize: 'zscore' });
    const run = settings({ validate: 0.3, seed: 1, epochs: 1 });
    const { training } = splitRows(data.rows, run.validate, run.seed);
    const trainer = new Trainer(network(2, [1, 'sigmoid']), data, run);
    const fit = fitNormalization('zscore', data.inputs, 2, training);
    const all = fitNormalization('zscore', data.inputs, 2, Array.from({ length: 10 }, (_, i) => i));
    expect(fit.offset[0]).not.toBe(all.offset[0]);
    const result = trainer.train();
    expect(result.normalization).toEqual(fit);
    // A prediction normalizes its raw input with the run's fit: the same output as the input normalized by hand
    // through a network whose inputs are already x′.
    const normalized = new Float64Array(2);
    normalizeInput(fit, [49, 3], normalized);
    const [w1, w2] = result.layers[0].weights;
    const b = result.layers[0].biases[0];
    expect(trainer.predict([49, 3])[0]).toBeCloseTo(1 / (1 + Math.exp(-(w1 * normalized[0] + w2 * normalized[1] + b))), 14);
  });
});
