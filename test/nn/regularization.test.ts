// The penalty a regularized run reports (docs/language.md §7.2): λ1 Σ|w| + ½λ2 Σw² of the weights it ends with,
// every layer's, no bias, in the result and at the end of each epoch of the history, on every path. The
// gradient's side (the penalty's derivative in every step) is held by test/nn/gradient-check.test.ts.

import { describe, expect, it } from 'vitest';
import { penalizeGradient } from '../../server/src/nn/regularization';
import type { LayerState } from '../../server/src/nn/types';
import { TRAINING_PATHS, dataset, network, randomRows, settings } from './helpers';

const ROWS = randomRows(24, 3, 11, (rng) => [rng.uniform(-1, 1)]);

function penaltyOfLayers(layers: readonly LayerState[], l1: number, l2: number): number {
  const weights = layers.flatMap((layer) => Array.from(layer.weights));
  return l1 * weights.reduce((s, w) => s + Math.abs(w), 0) + 0.5 * l2 * weights.reduce((s, w) => s + w * w, 0);
}

describe.each(TRAINING_PATHS)('the penalty on the $name path', ({ make }) => {
  it.each([
    ['l1 and l2', 0.01, 0.03],
    ['l1 alone', 0.02, 0],
    ['l2 alone', 0, 0.05],
  ])('%s: the result and every epoch of the history report λ1 Σ|w| + ½λ2 Σw² of the weights, not the biases', (_label, l1, l2) => {
    const trainer = make(
      network(3, [5, 'tanh'], [1, 'linear']),
      dataset(ROWS),
      settings({ epochs: 4, batch: 8, seed: 2, validate: 0.25, regularization: { l1, l2 } }),
    );
    const result = trainer.train();
    expect(result.layers.some((layer) => layer.biases.some((b) => b !== 0))).toBe(true);
    const expected = penaltyOfLayers(result.layers, l1, l2);
    expect(result.penalty).toBeCloseTo(expected, 12);
    const history = result.history.penalty!;
    expect(history).toHaveLength(4);
    expect(history[3]).toBeCloseTo(expected, 12);
    // Earlier epochs' penalties are of earlier weights: they differ from the last.
    expect(history[0]).not.toBeCloseTo(expected, 6);
  });

  it('a run without regularize reports no penalty', () => {
    const result = make(network(3, [1, 'linear']), dataset(ROWS), settings({ epochs: 2, seed: 2 })).train();
    expect(result.penalty).toBeNull();
  });
});

describe('the penalty in the gradient', () => {
  it('adds λ1·sign(w) + λ2·w to the batch mean of each weight, sign 0 at w = 0 (as PyTorch differentiates |w|)', () => {
    const weights = Float64Array.from([0.5, -0.25, 0, -0]);
    const sums = Float64Array.from([0.4, -0.2, 0.6, -0.8]);
    penalizeGradient(weights, sums, 2, { l1: 0.1, l2: 0.01 });
    expect(Array.from(sums)).toEqual([0.2 + 0.01 * 0.5 + 0.1, -0.1 + 0.01 * -0.25 - 0.1, 0.3, -0.4].map((g) => expect.closeTo(g, 15)));
  });
});

describe('the penalty in the gradient of an f32 run (docs/language.md §7.2)', () => {
  it('is single-precision arithmetic: Σg/B, then + λ2·w, then + λ1·sign(w), each rounded, with λ1 and λ2 rounded', () => {
    const f = Math.fround;
    // 64 weights and gradient sums: enough that leaving out any one rounding changes some of them.
    let seed = 1;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const weights = Float32Array.from({ length: 64 }, () => next() * 2 - 1);
    weights[5] = 0; // sign 0: no l1 term
    const sums = Float32Array.from({ length: 64 }, () => next() * 4 - 2);
    const given = Float32Array.from(sums);
    const [l1, l2] = [0.01, 0.3];
    const expected = Array.from(weights, (w, i) => {
      let g = f(sums[i] / 3);
      g = f(g + f(f(l2) * w));
      return f(g + (w > 0 ? f(l1) : w < 0 ? -f(l1) : 0));
    });
    penalizeGradient(weights, sums, 3, { l1, l2 }, 'f32');
    expect(Array.from(sums)).toEqual(expected);
    // Not the f64 formula rounded once at the end.
    const once = Array.from(weights, (w, i) => f(given[i] / 3 + l2 * w + (w > 0 ? l1 : w < 0 ? -l1 : 0)));
    expect(expected).not.toEqual(once);
  });
});
