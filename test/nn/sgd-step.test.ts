// Updates of a 2-2-1 sigmoid network (sgd, momentum, adam) checked against the delta rule and docs/language.md §4.11 worked out by hand, scalar by scalar, on every path.

import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../server/src/language/model';
import type { LayerState } from '../../server/src/nn/types';
import { dataset, network, settings, TRAINING_PATHS } from './helpers';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Every parameter of the 2-2-1 network, as the trainer lays them out: W⁽¹⁾ row-major (unit j, input i), b⁽¹⁾, W⁽²⁾, b⁽²⁾. */
interface Parameters {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

const rows: [number[], number[]][] = [
  [[1, 0], [1]],
  [[0, 1], [0]],
];
// W⁽¹⁾ = [[0.5, −0.5], [0.25, 1]], b⁽¹⁾ = [0, 0.5]; W⁽²⁾ = [[1, −1]], b⁽²⁾ = [0.1]; mse, batch full.
const START: Parameters = { w1: [0.5, -0.5, 0.25, 1], b1: [0, 0.5], w2: [1, -1], b2: [0.1] };

/** The hand derivation at θ, one sample at a time, then the batch means (docs/language.md §4.9, §4.10). */
function derive(θ: Parameters) {
  const bySample = rows.map(([[x1, x2], [y]]) => {
    const a1 = [sigmoid(θ.w1[0] * x1 + θ.w1[1] * x2 + θ.b1[0]), sigmoid(θ.w1[2] * x1 + θ.w1[3] * x2 + θ.b1[1])];
    const a2 = sigmoid(θ.w2[0] * a1[0] + θ.w2[1] * a1[1] + θ.b2[0]);
    const loss = 0.5 * (a2 - y) ** 2; // L = ½ (ŷ − y)²
    const delta2 = (a2 - y) * a2 * (1 - a2); // (ŷ − y) ⊙ ŷ(1 − ŷ)
    const delta1 = [0, 1].map((j) => θ.w2[j] * delta2 * a1[j] * (1 - a1[j])); // (W⁽²⁾ᵀ δ⁽²⁾) ⊙ σ′(z⁽¹⁾)
    return { x: [x1, x2], a1, a2, loss, delta1, delta2 };
  });
  const mean = (f: (s: (typeof bySample)[number]) => number) => (f(bySample[0]) + f(bySample[1])) / 2;
  const gradient: Parameters = {
    w1: [0, 1].flatMap((j) => [0, 1].map((i) => mean((s) => s.delta1[j] * s.x[i]))),
    b1: [0, 1].map((j) => mean((s) => s.delta1[j])),
    w2: [0, 1].map((i) => mean((s) => s.delta2 * s.a1[i])),
    b2: [mean((s) => s.delta2)],
  };
  return { bySample, loss: mean((s) => s.loss), gradient };
}

const KEYS = ['w1', 'b1', 'w2', 'b2'] as const;
/** Parameterwise f(θ, g, …) over every parameter. */
function each(f: (...values: number[]) => number, ...sets: Parameters[]): Parameters {
  const out = {} as Parameters;
  for (const key of KEYS) out[key] = sets[0][key].map((_, i) => f(...sets.map((set) => set[key][i])));
  return out;
}

/** The trainer's parameters and gradients in the same layout. */
function ofLayers(layers: LayerState[]): { θ: Parameters; gradient: Parameters } {
  const [first, second] = layers.map((l) => ({ weights: Array.from(l.weights), biases: Array.from(l.biases), wg: Array.from(l.weightGradient), bg: Array.from(l.biasGradient) }));
  return {
    θ: { w1: first.weights, b1: first.biases, w2: second.weights, b2: second.biases },
    gradient: { w1: first.wg, b1: first.bg, w2: second.wg, b2: second.bg },
  };
}

/** Equal to the last bits but rounding (15 decimals). */
function expectClose(actual: Parameters, expected: Parameters, what: string): void {
  for (const key of KEYS) expect(actual[key], `${what} ${key}`).toEqual(expected[key].map((v) => expect.closeTo(v, 15)));
}

describe.each(TRAINING_PATHS)('a 2-2-1 network on the $name path', ({ make: build }) => {
  const make = (optimizer: OptimizerSpec) => {
    const trainer = build(network(2, [2, 'sigmoid'], [1, 'sigmoid']), dataset(rows), settings({ optimizer }));
    trainer.setLayer(1, START.w1, START.b1);
    trainer.setLayer(2, START.w2, START.b2);
    return trainer;
  };
  const sgd = (rate: number, momentum = 0): OptimizerSpec => ({ kind: 'sgd', rate, momentum });
  const at0 = derive(START);

  it('forward pass and per-sample deltas (explain)', () => {
    const trainer = make(sgd(0.5));
    rows.forEach(([x, y], r) => {
      const explained = trainer.explain(x, y);
      const hand = at0.bySample[r];
      expect(explained.output[0]).toBeCloseTo(hand.a2, 15);
      expect(explained.loss).toBeCloseTo(hand.loss, 15);
      expect(explained.activations[0]).toEqual(hand.a1.map((a) => expect.closeTo(a, 15)));
      expect(explained.deltas[1][0]).toBeCloseTo(hand.delta2, 15);
      expect(explained.deltas[0]).toEqual(hand.delta1.map((d) => expect.closeTo(d, 15)));
    });
  });

  it('sgd: gradients are the batch means of δ a⁽ᵏ⁻¹⁾ᵀ and δ, and θ ← θ − η g', () => {
    const trainer = make(sgd(0.5));
    const report = trainer.step();
    expect(report).toMatchObject({ update: 1, epoch: 1, batchSize: 2 });
    expect(report.batchLoss).toBeCloseTo(at0.loss, 15);
    const after = ofLayers(report.after);
    expectClose(after.gradient, at0.gradient, 'gradient');
    expect(report.after[1].delta[0]).toBeCloseTo(at0.gradient.b2[0], 15);
    expectClose(ofLayers(report.before).θ, START, 'before');
    expectClose(after.θ, each((θ, g) => θ - 0.5 * g, START, at0.gradient), 'after');
  });

  it('momentum: v ← μv − η g, θ ← θ + v, over two updates', () => {
    const trainer = make(sgd(0.5, 0.9));
    const v1 = each((g) => -0.5 * g, at0.gradient);
    const θ1 = each((θ, v) => θ + v, START, v1);
    const at1 = derive(θ1);
    const v2 = each((v, g) => 0.9 * v - 0.5 * g, v1, at1.gradient);
    const θ2 = each((θ, v) => θ + v, θ1, v2);
    expectClose(ofLayers(trainer.step().after).θ, θ1, 'first update');
    const second = trainer.step();
    expect(second.batchLoss).toBeCloseTo(at1.loss, 15);
    expectClose(ofLayers(second.after).gradient, at1.gradient, 'second gradient');
    expectClose(ofLayers(second.after).θ, θ2, 'second update');
  });

  it('adam: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², θ ← θ − η m̂ / (√v̂ + ε), over two updates', () => {
    const [rate, beta1, beta2, epsilon] = [0.1, 0.8, 0.99, 1e-3];
    const trainer = make({ kind: 'adam', rate, beta1, beta2, epsilon });
    const zero = each(() => 0, START);
    let [θ, m, v] = [START, zero, zero];
    for (let t = 1; t <= 2; t++) {
      const g = derive(θ).gradient;
      m = each((m_, g_) => beta1 * m_ + (1 - beta1) * g_, m, g);
      v = each((v_, g_) => beta2 * v_ + (1 - beta2) * g_ * g_, v, g);
      θ = each((θ_, m_, v_) => θ_ - (rate * (m_ / (1 - beta1 ** t))) / (Math.sqrt(v_ / (1 - beta2 ** t)) + epsilon), θ, m, v);
      expectClose(ofLayers(trainer.step().after).θ, θ, `update ${t}`);
    }
  });
});
