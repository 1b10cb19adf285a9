// Initial weights (docs/language.md §4.3): each init's limit as the table there gives it, uniform draws in ±limit
// from the run's seed, layer by layer and row by row, biases at 0; and the parameter block they live in.

import { describe, expect, it } from 'vitest';
import type { Init } from '../../server/src/language/model';
import { initializeWeights, initLimit } from '../../server/src/nn/initializers';
import { allocateNetwork } from '../../server/src/nn/network';
import { Rng, STREAM } from '../../server/src/nn/rng';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, settings, XOR_ROWS } from './helpers';

const PLAIN = { allocate: (length: number) => new Float64Array(length), allocateFloat64: (length: number) => new Float64Array(length) };

describe('the limits of docs/language.md §4.3', () => {
  it.each([
    // [init, n_in, n_out, limit]
    ['xavier', 2, 4, Math.sqrt(6 / 6)],
    ['xavier', 784, 16, Math.sqrt(6 / 800)],
    ['he', 2, 4, Math.sqrt(3)],
    ['he', 24, 1, 0.5],
    ['uniform', 7, 3, 0.5],
    ['zeros', 7, 3, 0],
  ] as [Init, number, number, number][])('%s for a layer of %i inputs and %i units: ±%f', (init, inputs, units, limit) => {
    expect(initLimit(init, inputs, units)).toBe(limit);
  });

  it('xavier counts the fan-out, he does not', () => {
    expect(initLimit('xavier', 4, 2)).toBe(initLimit('xavier', 2, 4));
    expect(initLimit('xavier', 4, 12)).toBe(Math.sqrt(6 / 16));
    expect(initLimit('he', 4, 12)).toBe(initLimit('he', 4, 1));
  });
});

describe('the draws', () => {
  it('fills units × inputs weights row by row with uniform draws in ±limit, each the stream’s next, and no more', () => {
    const weights = new Float64Array(3 * 5 + 4).fill(7);
    const rng = new Rng(9, STREAM.init);
    initializeWeights(weights, 'xavier', 5, 3, rng);
    const replay = new Rng(9, STREAM.init);
    const limit = Math.sqrt(6 / 8);
    const expected = Array.from({ length: 15 }, () => -limit + 2 * limit * replay.next());
    expect(Array.from(weights.subarray(0, 15))).toEqual(expected);
    // The room after the matrix is not written, and the stream has moved on by 15 draws exactly.
    expect(Array.from(weights.subarray(15))).toEqual([7, 7, 7, 7]);
    expect(rng.nextUint32()).toBe(replay.nextUint32());
  });

  it('covers ±limit: over many draws the extremes come close to it and the mean to 0', () => {
    const weights = new Float64Array(100 * 100);
    initializeWeights(weights, 'he', 100, 100, new Rng(1, STREAM.init));
    const limit = Math.sqrt(6 / 100);
    const values = Array.from(weights);
    expect(Math.max(...values)).toBeLessThan(limit);
    expect(Math.max(...values)).toBeGreaterThan(0.99 * limit);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-limit);
    expect(Math.min(...values)).toBeLessThan(-0.99 * limit);
    // Uniform in ±limit has variance limit² / 3.
    const variance = values.reduce((sum, w) => sum + w * w, 0) / values.length;
    expect(variance).toBeCloseTo((limit * limit) / 3, 3);
    expect(Math.abs(values.reduce((sum, w) => sum + w, 0) / values.length)).toBeLessThan(0.005);
  });

  it('zeros: every weight 0, and no draw taken from the stream', () => {
    const weights = new Float64Array(6).fill(7);
    const rng = new Rng(2, STREAM.init);
    initializeWeights(weights, 'zeros', 3, 2, rng);
    expect(Array.from(weights)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rng.nextUint32()).toBe(new Rng(2, STREAM.init).nextUint32());
  });
});

describe('a network’s initial weights', () => {
  it('layer by layer from the seed’s init stream, biases and gradients at 0', () => {
    const spec = network(3, [4, 'tanh'], [2, 'relu'], [1, 'sigmoid', 'uniform']);
    const net = allocateNetwork(spec, 5, 42, PLAIN);
    const rng = new Rng(42, STREAM.init);
    const draw = (count: number, limit: number) => Array.from({ length: count }, () => -limit + 2 * limit * rng.next());
    expect(Array.from(net.weights[1])).toEqual(draw(12, Math.sqrt(6 / 7)));
    expect(Array.from(net.weights[2])).toEqual(draw(8, Math.sqrt(6 / 4)));
    expect(Array.from(net.weights[3])).toEqual(draw(2, 0.5));
    expect(net.biases.slice(1).map((b) => Array.from(b))).toEqual([[0, 0, 0, 0], [0, 0], [0]]);
    expect(Array.from(net.gradientBlock).every((g) => g === 0)).toBe(true);
    // z, a and δ of a chunk of 5 samples per layer; a⁽⁰⁾ the inputs, y the targets.
    expect(net.activations.map((a) => a.length)).toEqual([15, 20, 10, 5]);
    expect(net.preActivations.slice(1).map((z) => z.length)).toEqual([20, 10, 5]);
    expect(net.deltas.slice(1).map((d) => d.length)).toEqual([20, 10, 5]);
    expect(net.targets.length).toBe(5);
    expect(net.weightUpdates.slice(1).map((u) => u.length)).toEqual([12, 8, 2]);
    expect(net.sizes).toEqual([3, 4, 2, 1]);
    expect(net.act).toEqual(['linear', 'tanh', 'relu', 'sigmoid']);
  });

  it('every W and b is a view of one parameter block, each starting on a 16-element line, gradients in the same places', () => {
    const net = allocateNetwork(network(3, [17, 'tanh'], [2, 'linear']), 1, 0, PLAIN);
    const offsets = [1, 2].flatMap((k) => [net.weights[k], net.biases[k]]).map((piece) => piece.byteOffset / 8);
    // W¹ 17×3 = 51 → 64, b¹ 17 → 32, W² 2×17 = 34 → 48, b² 2 → 16.
    expect(offsets).toEqual([0, 64, 96, 144]);
    expect(net.parameterBlock.length).toBe(160);
    expect(net.gradientBlock.length).toBe(160);
    expect([1, 2].flatMap((k) => [net.weightGradients[k], net.biasGradients[k]]).map((piece) => piece.byteOffset / 8)).toEqual(offsets);
    for (const k of [1, 2]) {
      expect(net.weights[k].buffer).toBe(net.parameterBlock.buffer);
      expect(net.weightGradients[k].buffer).toBe(net.gradientBlock.buffer);
    }
    expect([net.weights[1].length, net.biases[1].length, net.weights[2].length, net.biases[2].length]).toEqual([51, 17, 34, 2]);
    // The gaps between the pieces stay 0.
    expect(Array.from(net.parameterBlock.subarray(51, 64)).every((w) => w === 0)).toBe(true);
  });

  it('`start from w`: the given W and b, no draw', () => {
    const given = [
      { weights: Float64Array.of(1, 2, 3, 4), biases: Float64Array.of(0.5, -0.5) },
      { weights: Float64Array.of(5, 6), biases: Float64Array.of(7) },
    ];
    const net = allocateNetwork(network(2, [2, 'tanh'], [1, 'linear']), 1, 3, PLAIN, given);
    expect([1, 2].map((k) => [Array.from(net.weights[k]), Array.from(net.biases[k])])).toEqual([[[1, 2, 3, 4], [0.5, -0.5]], [[5, 6], [7]]]);
  });

  it('a trainer’s first weights are these: the seed decides them, the data does not', () => {
    const spec = network(2, [3, 'tanh'], [1, 'sigmoid']);
    const a = new Trainer(spec, dataset(XOR_ROWS), settings({ seed: 5 })).layers();
    const b = new Trainer(spec, dataset(XOR_ROWS.slice(0, 3)), settings({ seed: 5 })).layers();
    const net = allocateNetwork(spec, 4, 5, PLAIN);
    expect(a.map((layer) => Array.from(layer.weights))).toEqual([Array.from(net.weights[1]), Array.from(net.weights[2])]);
    expect(b.map((layer) => Array.from(layer.weights))).toEqual(a.map((layer) => Array.from(layer.weights)));
  });
});
