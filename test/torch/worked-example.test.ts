// examples/worked-example.nn against two computations made outside nn-lang: the lecture's numbers by hand in plain Python floats, and PyTorch's step from the same given weights; and its comment against both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LayerState } from '../../server/src/nn/types';
import { TRAINING_PATHS } from '../nn/helpers';
import { commentNumbers } from '../support/workedExample';
import { checkedWithoutErrors } from '../support/check';
import { PYTHON, runWithDeadline } from './helpers';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'worked-example.nn');

interface Update {
  E: number;
  delta_output: number[];
  delta_hidden: number[];
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
  z_hidden?: number[];
  h?: number[];
  z_output?: number[];
  o?: number[];
}

describe('the worked example outside nn-lang', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const run = checkedWithoutErrors(text).runs[0];
  const [hidden, output] = run.settings.start!.layers;
  const rows = (w: Float64Array) => [Array.from(w.subarray(0, 2)), Array.from(w.subarray(2, 4))];
  const spec = {
    x: Array.from(run.data.inputs),
    y: Array.from(run.data.targets),
    W1: rows(hidden.weights),
    b1: Array.from(hidden.biases),
    W2: rows(output.weights),
    b2: Array.from(output.biases),
    rate: run.settings.optimizer.rate,
  };
  const p = runWithDeadline(PYTHON, [join(__dirname, 'worked_example.py')], { seconds: 120, input: JSON.stringify(spec) });
  const computed = p.status === 0 ? (JSON.parse(p.stdout) as { hand: Update; torch: Update }) : null;

  it('Python ran', () => {
    expect(p.status, p.stderr).toBe(0);
  });

  const close = (actual: ArrayLike<number>, expected: number[], what: string) => {
    expect(actual.length, what).toBe(expected.length);
    Array.from(actual).forEach((value, i) => expect(Math.abs(value - expected[i]), `${what}[${i}]: ${value} vs ${expected[i]}`).toBeLessThanOrEqual(1e-12));
  };
  const matches = (after: LayerState[], loss: number, reference: Update, name: string) => {
    expect(Math.abs(loss - reference.E), `${name}: E`).toBeLessThanOrEqual(1e-12);
    close(after[0].weights, reference.W1.flat(), `${name}: W1`);
    close(after[0].biases, reference.b1, `${name}: b1`);
    close(after[1].weights, reference.W2.flat(), `${name}: W2`);
    close(after[1].biases, reference.b2, `${name}: b2`);
    close(after[0].delta, reference.delta_hidden, `${name}: δ hidden`);
    close(after[1].delta, reference.delta_output, `${name}: δ output`);
  };

  it.each(TRAINING_PATHS)('one Step on the $name equals the hand computation and PyTorch\'s step, every W, b and δ to 1e-12', ({ make }) => {
    const step = make(run.network, run.data, run.settings).step();
    matches(step.after, step.batchLoss, computed!.hand, 'by hand');
    matches(step.after, step.batchLoss, computed!.torch, 'PyTorch');
    // The update moved the weights: agreement is not two copies of the start.
    expect(Math.abs(step.after[1].weights[0] - 0.4)).toBeGreaterThan(0.01);
  });

  it("the comment's numbers are the Python hand computation's, to the digits it writes", () => {
    const hand = computed!.hand;
    const { values, rows: written } = commentNumbers(text);
    const expected: Record<string, number> = {
      z_h1: hand.z_hidden![0], z_h2: hand.z_hidden![1], h1: hand.h![0], h2: hand.h![1],
      z_o1: hand.z_output![0], z_o2: hand.z_output![1], o1: hand.o![0], o2: hand.o![1],
      E: hand.E, δ_o1: hand.delta_output[0], δ_o2: hand.delta_output[1], δ_h1: hand.delta_hidden[0], δ_h2: hand.delta_hidden[1],
    };
    expect(Object.keys(values).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, { value, unit }] of Object.entries(values)) expect(Math.abs(value - expected[name]), name).toBeLessThanOrEqual(unit / 2);
    const of = (layer: string, part: string) => written.filter((r) => r.layer === layer && r.part === part).map((r) => r.values);
    const within = (rowsWritten: { value: number; unit: number }[][], expectedRows: number[][]) => {
      expect(rowsWritten.length).toBe(expectedRows.length);
      rowsWritten.forEach((row, j) => row.forEach(({ value, unit }, i) => expect(Math.abs(value - expectedRows[j][i])).toBeLessThanOrEqual(unit / 2)));
    };
    within(of('hidden', 'W'), hand.W1);
    within(of('hidden', 'b'), [hand.b1]);
    within(of('output', 'W'), hand.W2);
    within(of('output', 'b'), [hand.b2]);
  });
});
