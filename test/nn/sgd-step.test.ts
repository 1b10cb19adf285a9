// One SGD update of a 2-2-1 sigmoid network, checked against the delta rule worked out by hand, scalar by scalar.

import { describe, expect, it } from 'vitest';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, settings } from './helpers';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('one sgd step on a 2-2-1 network', () => {
  // W⁽¹⁾ = [[0.5, −0.5], [0.25, 1]], b⁽¹⁾ = [0, 0.5]; W⁽²⁾ = [[1, −1]], b⁽²⁾ = [0.1]; η = 0.5, mse, batch full.
  const rows: [number[], number[]][] = [
    [[1, 0], [1]],
    [[0, 1], [0]],
  ];
  const make = () => {
    const trainer = new Trainer(
      network(2, [2, 'sigmoid'], [1, 'sigmoid']),
      dataset(rows),
      settings({ optimizer: { kind: 'sgd', rate: 0.5, momentum: 0 } }),
    );
    trainer.setLayer(1, [0.5, -0.5, 0.25, 1], [0, 0.5]);
    trainer.setLayer(2, [1, -1], [0.1]);
    return trainer;
  };

  // The hand derivation, one sample at a time.
  const bySample = rows.map(([[x1, x2], [y]]) => {
    const a1 = [sigmoid(0.5 * x1 - 0.5 * x2 + 0), sigmoid(0.25 * x1 + 1 * x2 + 0.5)];
    const a2 = sigmoid(1 * a1[0] - 1 * a1[1] + 0.1);
    const loss = 0.5 * (a2 - y) ** 2;
    const delta2 = (a2 - y) * a2 * (1 - a2); // (ŷ − y) ⊙ ŷ(1 − ŷ)
    const delta1 = [1 * delta2 * a1[0] * (1 - a1[0]), -1 * delta2 * a1[1] * (1 - a1[1])]; // (W⁽²⁾ᵀ δ⁽²⁾) ⊙ σ′(z⁽¹⁾)
    return { x: [x1, x2], a1, a2, loss, delta1, delta2 };
  });
  const mean = (f: (s: (typeof bySample)[number]) => number) => (f(bySample[0]) + f(bySample[1])) / 2;
  const gradW2 = [mean((s) => s.delta2 * s.a1[0]), mean((s) => s.delta2 * s.a1[1])];
  const gradB2 = mean((s) => s.delta2);
  const gradW1 = [0, 1].flatMap((j) => [0, 1].map((i) => mean((s) => s.delta1[j] * s.x[i])));
  const gradB1 = [0, 1].map((j) => mean((s) => s.delta1[j]));

  it('forward pass and per-sample deltas (explain)', () => {
    const trainer = make();
    rows.forEach(([x, y], r) => {
      const explained = trainer.explain(x, y);
      expect(explained.output[0]).toBeCloseTo(bySample[r].a2, 15);
      expect(explained.loss).toBeCloseTo(bySample[r].loss, 15);
      expect(explained.activations[0][1]).toBeCloseTo(bySample[r].a1[1], 15);
      expect(explained.deltas[1][0]).toBeCloseTo(bySample[r].delta2, 15);
      expect(explained.deltas[0][0]).toBeCloseTo(bySample[r].delta1[0], 15);
      expect(explained.deltas[0][1]).toBeCloseTo(bySample[r].delta1[1], 15);
    });
  });

  it('gradients are the batch means of δ a⁽ᵏ⁻¹⁾ᵀ and δ, and W ← W − η ∂L/∂W', () => {
    const trainer = make();
    const report = trainer.step();
    expect(report.update).toBe(1);
    expect(report.epoch).toBe(1);
    expect(report.batchSize).toBe(2);
    expect(report.batchLoss).toBeCloseTo(mean((s) => s.loss), 15);
    const [layer1, layer2] = report.after;
    expect(Array.from(layer2.weightGradient)).toEqual(gradW2.map((g) => expect.closeTo(g, 15)));
    expect(layer2.biasGradient[0]).toBeCloseTo(gradB2, 15);
    expect(layer2.delta[0]).toBeCloseTo(gradB2, 15);
    expect(Array.from(layer1.weightGradient)).toEqual(gradW1.map((g) => expect.closeTo(g, 15)));
    expect(Array.from(layer1.biasGradient)).toEqual(gradB1.map((g) => expect.closeTo(g, 15)));
    expect(Array.from(report.before[1].weights)).toEqual([1, -1]);
    expect(Array.from(layer2.weights)).toEqual([1 - 0.5 * gradW2[0], -1 - 0.5 * gradW2[1]].map((w) => expect.closeTo(w, 15)));
    expect(layer2.biases[0]).toBeCloseTo(0.1 - 0.5 * gradB2, 15);
    expect(Array.from(layer1.weights)).toEqual(
      [0.5, -0.5, 0.25, 1].map((w, i) => expect.closeTo(w - 0.5 * gradW1[i], 15)),
    );
    expect(Array.from(layer1.biases)).toEqual([0, 0.5].map((b, j) => expect.closeTo(b - 0.5 * gradB1[j], 15)));
  });

  it('momentum: the second update moves by μv − η g', () => {
    const trainer = new Trainer(
      network(2, [2, 'sigmoid'], [1, 'sigmoid']),
      dataset(rows),
      settings({ optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } }),
    );
    trainer.setLayer(1, [0.5, -0.5, 0.25, 1], [0, 0.5]);
    trainer.setLayer(2, [1, -1], [0.1]);
    const first = trainer.step();
    const second = trainer.step();
    const velocity = first.after[1].biases[0] - first.before[1].biases[0]; // −η g₁
    expect(velocity).toBeCloseTo(-0.5 * gradB2, 15);
    expect(second.after[1].biases[0] - second.before[1].biases[0]).toBeCloseTo(
      0.9 * velocity - 0.5 * second.after[1].biasGradient[0],
      15,
    );
  });
});
