// examples/worked-example.nn: one update from given weights equals the derivation worked by hand, on every path, and the example's comment states those numbers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../server/src/language/model';
import type { LayerState } from '../../server/src/nn/types';
import { checkedWithoutErrors } from '../support/check';
import { commentNumbers } from '../support/workedExample';
import { TRAINING_PATHS } from './helpers';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'worked-example.nn');
const text = readFileSync(EXAMPLE, 'utf8');

/**
 * The classic derivation for a 2-2-2 sigmoid network and one sample, written out with plain numbers
 * (independent of server/src/nn): the forward pass, E = ½Σ(o − y)², δ_o = (o − y)·o·(1 − o),
 * δ_h = (W_oᵀ δ_o)·h·(1 − h), then W ← W − η δ aᵀ and b ← b − η δ for both layers.
 */
function byHand(x: number[], y: number[], W1: number[][], b1: number[], W2: number[][], b2: number[], eta: number) {
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));
  const zh = [0, 1].map((j) => W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j]);
  const h = zh.map(sigma);
  const zo = [0, 1].map((j) => W2[j][0] * h[0] + W2[j][1] * h[1] + b2[j]);
  const o = zo.map(sigma);
  const E = 0.5 * (o[0] - y[0]) ** 2 + 0.5 * (o[1] - y[1]) ** 2;
  const deltaOut = [0, 1].map((j) => (o[j] - y[j]) * o[j] * (1 - o[j]));
  const deltaHidden = [0, 1].map((j) => (W2[0][j] * deltaOut[0] + W2[1][j] * deltaOut[1]) * h[j] * (1 - h[j]));
  const newW2 = [0, 1].map((j) => [0, 1].map((i) => W2[j][i] - eta * deltaOut[j] * h[i]));
  const newb2 = [0, 1].map((j) => b2[j] - eta * deltaOut[j]);
  const newW1 = [0, 1].map((j) => [0, 1].map((i) => W1[j][i] - eta * deltaHidden[j] * x[i]));
  const newb1 = [0, 1].map((j) => b1[j] - eta * deltaHidden[j]);
  return { zh, h, zo, o, E, deltaOut, deltaHidden, newW1, newb1, newW2, newb2 };
}

const run: RunSpec = checkedWithoutErrors(text).runs[0];
const given = run.settings.start!;
const rows = (weights: Float64Array) => [Array.from(weights.subarray(0, 2)), Array.from(weights.subarray(2, 4))];
const hand = byHand(
  Array.from(run.data.inputs),
  Array.from(run.data.targets),
  rows(given.layers[0].weights),
  Array.from(given.layers[0].biases),
  rows(given.layers[1].weights),
  Array.from(given.layers[1].biases),
  run.settings.optimizer.rate,
);

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  Array.from(actual).forEach((value, i) => expect(Math.abs(value - expected[i]), `entry ${i}: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

function expectHandNumbers(layers: LayerState[]): void {
  const [hidden, output] = layers;
  expectClose(output.weights, hand.newW2.flat());
  expectClose(output.biases, hand.newb2);
  expectClose(hidden.weights, hand.newW1.flat());
  expectClose(hidden.biases, hand.newb1);
  expectClose(output.delta, hand.deltaOut);
  expectClose(hidden.delta, hand.deltaHidden);
}

describe('the worked example (examples/worked-example.nn)', () => {
  it('starts from the weights the lecture gives', () => {
    expect(given.name).toBe('slide');
    expect(rows(given.layers[0].weights)).toEqual([[0.15, 0.2], [0.25, 0.3]]);
    expect(Array.from(given.layers[0].biases)).toEqual([0.35, 0.35]);
    expect(rows(given.layers[1].weights)).toEqual([[0.4, 0.45], [0.5, 0.55]]);
    expect(Array.from(given.layers[1].biases)).toEqual([0.6, 0.6]);
    expect(Array.from(run.data.inputs)).toEqual([0.05, 0.1]);
    expect(Array.from(run.data.targets)).toEqual([0.01, 0.99]);
  });

  it.each(TRAINING_PATHS)('one Step on the $name equals the derivation by hand: every W, b and δ to 1e-12', ({ make, engine }) => {
    const trainer = make(run.network, run.data, run.settings);
    expect(trainer.engine).toBe(engine);
    const step = trainer.step();
    expect(Math.abs(step.batchLoss - hand.E)).toBeLessThanOrEqual(1e-12);
    expectClose(step.before[0].weights, given.layers[0].weights as unknown as number[]);
    expectClose(step.before[1].weights, Array.from(given.layers[1].weights));
    expectHandNumbers(step.after);
    // ∂L/∂W = δ aᵀ of the one sample.
    expectClose(step.after[1].weightGradient, [0, 1].flatMap((j) => [0, 1].map((i) => hand.deltaOut[j] * hand.h[i])));
  });

  it.each(TRAINING_PATHS)('training its one epoch on the $name gives the same numbers, and E as the epoch loss', ({ make }) => {
    const result = make(run.network, run.data, run.settings).train();
    expect(result.epochs).toBe(1);
    expect(Math.abs(result.loss! - hand.E)).toBeLessThanOrEqual(1e-12);
    expectHandNumbers(result.layers);
  });

  it("the comment's numbers are the hand computation's, to the digits it writes", () => {
    const stated = commentNumbers(text);
    const expected: Record<string, number> = {
      z_h1: hand.zh[0], z_h2: hand.zh[1], h1: hand.h[0], h2: hand.h[1],
      z_o1: hand.zo[0], z_o2: hand.zo[1], o1: hand.o[0], o2: hand.o[1],
      E: hand.E, δ_o1: hand.deltaOut[0], δ_o2: hand.deltaOut[1], δ_h1: hand.deltaHidden[0], δ_h2: hand.deltaHidden[1],
    };
    expect(Object.keys(stated.values).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, { value, unit }] of Object.entries(stated.values)) {
      expect(Math.abs(value - expected[name]), `${name} = ${value}`).toBeLessThanOrEqual(unit / 2);
    }
    const rowsOf = (layer: string, part: 'W' | 'b') => stated.rows.filter((r) => r.layer === layer && r.part === part);
    const check = (written: { values: { value: number; unit: number }[] }[], expectedRows: number[][]) => {
      expect(written.length).toBe(expectedRows.length);
      written.forEach((row, j) => row.values.forEach(({ value, unit }, i) => expect(Math.abs(value - expectedRows[j][i])).toBeLessThanOrEqual(unit / 2)));
    };
    check(rowsOf('output', 'W'), hand.newW2);
    check(rowsOf('output', 'b'), [hand.newb2]);
    check(rowsOf('hidden', 'W'), hand.newW1);
    check(rowsOf('hidden', 'b'), [hand.newb1]);
  });
});
