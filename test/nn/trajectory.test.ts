// Training trajectories against a second, deliberately naive implementation: scalar loops, one sample at a time, no matrices.

import { describe, expect, it } from 'vitest';
import type { Activation, LossKind, OptimizerSpec } from '../../server/src/language/model';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomOneHot, randomRows, settings } from './helpers';

type Layer = { w: number[][]; b: number[]; act: Activation };

const act = (kind: Activation, z: number[]): number[] => {
  if (kind === 'softmax') {
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  }
  return z.map((v) => (kind === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : kind === 'tanh' ? Math.tanh(v) : kind === 'relu' ? Math.max(0, v) : v));
};
const actPrime = (kind: Activation, z: number, a: number) =>
  kind === 'sigmoid' ? a * (1 - a) : kind === 'tanh' ? 1 - a * a : kind === 'relu' ? (z > 0 ? 1 : 0) : 1;

/** One epoch of full-batch training, written straight from the derivation. */
function naiveEpoch(layers: Layer[], rows: [number[], number[]][], loss: LossKind, optimizer: OptimizerSpec, state: { t: number; v: number[][][]; m: number[][][]; s: number[][][] }): void {
  const gradW = layers.map((l) => l.w.map((row) => row.map(() => 0)));
  const gradB = layers.map((l) => l.b.map(() => 0));
  for (const [x, y] of rows) {
    const as = [x];
    const zs: number[][] = [];
    for (const layer of layers) {
      const z = layer.w.map((row, j) => row.reduce((s, w, i) => s + w * as[as.length - 1][i], 0) + layer.b[j]);
      zs.push(z);
      as.push(act(layer.act, z));
    }
    const L = layers.length;
    const out = as[L];
    // δ⁽ᴸ⁾: softmax + cross_entropy → ŷ − y; mse + elementwise → (ŷ − y) act′(z)
    let delta = loss === 'cross_entropy' ? out.map((a, l) => a - y[l]) : out.map((a, l) => (a - y[l]) * actPrime(layers[L - 1].act, zs[L - 1][l], a));
    for (let k = L - 1; k >= 0; k--) {
      delta.forEach((d, j) => {
        gradB[k][j] += d / rows.length;
        as[k].forEach((a, i) => (gradW[k][j][i] += (d * a) / rows.length));
      });
      if (k > 0) {
        const previous = delta;
        delta = as[k].map((a, i) => previous.reduce((s, d, j) => s + layers[k].w[j][i] * d, 0) * actPrime(layers[k - 1].act, zs[k - 1][i], a));
      }
    }
  }
  state.t++;
  layers.forEach((layer, k) => {
    const params: [number[], number[], number][] = [...layer.w.map((row, j) => [row, gradW[k][j], j] as [number[], number[], number]), [layer.b, gradB[k], layer.w.length]];
    for (const [p, g, slot] of params) {
      p.forEach((_, i) => {
        if (optimizer.kind === 'sgd') {
          state.v[k][slot][i] = optimizer.momentum * state.v[k][slot][i] - optimizer.rate * g[i];
          p[i] += state.v[k][slot][i];
        } else {
          state.m[k][slot][i] = optimizer.beta1 * state.m[k][slot][i] + (1 - optimizer.beta1) * g[i];
          state.s[k][slot][i] = optimizer.beta2 * state.s[k][slot][i] + (1 - optimizer.beta2) * g[i] * g[i];
          const mHat = state.m[k][slot][i] / (1 - optimizer.beta1 ** state.t);
          const sHat = state.s[k][slot][i] / (1 - optimizer.beta2 ** state.t);
          p[i] -= (optimizer.rate * mHat) / (Math.sqrt(sHat) + optimizer.epsilon);
        }
      });
    }
  });
}

const CASES: { name: string; layers: [number, Activation][]; loss: LossKind; optimizer: OptimizerSpec }[] = [
  { name: 'tanh/softmax, cross_entropy, sgd with momentum', layers: [[5, 'tanh'], [3, 'softmax']], loss: 'cross_entropy', optimizer: { kind: 'sgd', rate: 0.3, momentum: 0.9 } },
  { name: 'relu/sigmoid/sigmoid, mse, adam', layers: [[6, 'relu'], [4, 'sigmoid'], [3, 'sigmoid']], loss: 'mse', optimizer: { kind: 'adam', rate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
];

describe('trajectory against a naive implementation (50 full-batch epochs)', () => {
  it.each(CASES)('$name', ({ layers, loss, optimizer }) => {
    const rows = randomRows(9, 3, 21, randomOneHot(3));
    const trainer = new Trainer(network(3, ...layers), dataset(rows), settings({ loss, optimizer, epochs: 50 }));
    const naive: Layer[] = trainer.layers().map((l, k) => ({
      w: Array.from({ length: l.units }, (_, j) => Array.from(l.weights.subarray(j * l.inputs, (j + 1) * l.inputs))),
      b: Array.from(l.biases),
      act: layers[k][1],
    }));
    const zeros = () => naive.map((l) => [...l.w.map((row) => row.map(() => 0)), l.b.map(() => 0)]);
    const state = { t: 0, v: zeros(), m: zeros(), s: zeros() };
    for (let epoch = 0; epoch < 50; epoch++) naiveEpoch(naive, rows, loss, optimizer, state);
    const result = trainer.train();
    result.layers.forEach((layer, k) => {
      layer.weights.forEach((w, index) => expect(w).toBeCloseTo(naive[k].w[Math.floor(index / layer.inputs)][index % layer.inputs], 10));
      layer.biases.forEach((b, j) => expect(b).toBeCloseTo(naive[k].b[j], 10));
    });
    // And the weights did move: the comparison is not between two copies of the initial state.
    expect(result.history.loss[49]).toBeLessThan(result.history.loss[0]);
  });
});
