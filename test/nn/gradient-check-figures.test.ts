// The figures "NN: Check Gradients" shows (docs/editor.md "Checking gradients", nn/gradientCheck.ts): the rows and
// parameters checked of how many, the relative error with its floor of 1e-6, a gradient that is not a number as a
// failure, and which parameters an evenly strided check reaches.

import { describe, expect, it } from 'vitest';
import { CHECK_FLOOR, CHECK_PER_LAYER, CHECK_ROWS, checkGradients } from '../../server/src/nn/gradientCheck';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomRows, settings } from './helpers';

/** 300 rows of three inputs, the last always 0 (so every weight from it has a gradient of exactly 0), a tanh net. */
function trainer(rows = 300): Trainer {
  const data = randomRows(rows, 2, 6, (rng) => [rng.uniform(-1, 1)]).map(([x, y]): [number[], number[]] => [[...x, 0], y]);
  return new Trainer(network(3, [5, 'tanh'], [1, 'linear']), dataset(data), settings({ seed: 2 }));
}

describe('what a check covers', () => {
  it('at most 256 training rows and 64 weights and 64 biases a layer; the loss of those rows', () => {
    expect([CHECK_ROWS, CHECK_PER_LAYER, CHECK_FLOOR]).toEqual([256, 64, 1e-6]);
    const run = trainer();
    const check = checkGradients(run);
    expect([check.rows, check.of]).toEqual([256, 300]);
    expect(check.loss).toBe(run.lossAndGradient(256).loss);
    // Layer 1: 15 weights and 5 biases, all checked; layer 2: 5 and 1.
    expect(check.layers.map((layer) => [layer.checked, layer.of])).toEqual([[20, 20], [6, 6]]);
    for (const layer of check.layers) expect(layer.error).toBeLessThan(1e-6);
  });

  it('fewer rows and parameters when asked, evenly strided', () => {
    const check = checkGradients(trainer(), { rows: 10, perLayer: 4 });
    expect([check.rows, check.of]).toEqual([10, 300]);
    expect(check.layers.map((layer) => [layer.checked, layer.of])).toEqual([[8, 20], [5, 6]]);
  });

  it('a large layer: 64 of its weights', () => {
    const data = randomRows(20, 30, 1, (rng) => [rng.uniform(-1, 1)]);
    const check = checkGradients(new Trainer(network(30, [4, 'tanh'], [1, 'linear']), dataset(data), settings()));
    expect(check.layers.map((layer) => [layer.checked, layer.of])).toEqual([[64 + 4, 124], [5, 5]]);
  });

  it('a wrong gradient is caught where the stride looks, and only there', () => {
    // Layer 1's 15 weights with 4 checked: positions 0, 3, 7, 11.
    const wrongAt = (i: number) => checkGradients(trainer(), { perLayer: 4, corrupt: (weights) => (weights[0][i] += 0.01) }).layers[0].error;
    expect(wrongAt(3)).toBeGreaterThan(1e-3);
    expect(wrongAt(11)).toBeGreaterThan(1e-3);
    expect(wrongAt(4)).toBeLessThan(1e-6);
    // A wrong bias gradient too.
    const bias = checkGradients(trainer(), { corrupt: (_weights, biases) => (biases[1][0] += 0.01) });
    expect(bias.layers[1].error).toBeGreaterThan(1e-3);
    expect(bias.layers[0].error).toBeLessThan(1e-6);
  });
});

describe('the relative error', () => {
  it('below |g| + |s| of 1e-6 the denominator is 1e-6: a gradient of 1e-8 where the slope is 0 reads 0.01, not 1', () => {
    // Weight 2 of layer 1 comes from the input that is always 0: its gradient and slope are exactly 0.
    const clean = checkGradients(trainer(), { perLayer: 15 });
    expect(clean.layers[0].error).toBeLessThan(1e-6);
    const check = checkGradients(trainer(), { perLayer: 15, corrupt: (weights) => (weights[0][2] = 1e-8) });
    expect(check.layers[0].error).toBeCloseTo(0.01, 6);
  });

  it('a gradient that is not a number is an infinite error, which fails the check, not NaN', () => {
    const check = checkGradients(trainer(), { corrupt: (weights) => (weights[1][0] = NaN) });
    expect(check.layers[1].error).toBe(Infinity);
    expect(check.layers[0].error).toBeLessThan(1e-6);
  });

  it('the weights are as they were after a check', () => {
    const run = trainer();
    const before = run.layers();
    checkGradients(run, { corrupt: (weights) => (weights[0][0] += 1) });
    expect(run.layers().map((layer) => [Array.from(layer.weights), Array.from(layer.biases)])).toEqual(
      before.map((layer) => [Array.from(layer.weights), Array.from(layer.biases)]),
    );
  });
});
