// Activation functions: each value and its derivative side by side, under the formula they implement.
//
// The derivative takes both z and a = act(z), so each can use whichever is
// cheaper and stable (σ′ from a, relu′ from z). Softmax is not elementwise: its
// value is computed per column (per sample) and its Jacobian only ever appears
// multiplied by a vector, in the loss (losses.ts).

import type { Activation } from '../language/model';

/** Storage of every vector and matrix: f64 by default, f32 with `precision f32`. */
export type Vector = Float64Array | Float32Array;

/** leaky_relu's slope α below 0, the one constant every path uses (the engine's layout carries it to the WebAssembly, export/pytorch.ts to PyTorch). */
export const LEAKY_RELU_SLOPE = 0.01;

export interface ElementwiseActivation {
  /** a = act(z) */
  value(z: number): number;
  /** act′(z), given z and a = act(z) */
  derivative(z: number, a: number): number;
}

export const ELEMENTWISE: Record<Exclude<Activation, 'softmax'>, ElementwiseActivation> = {
  // σ(z) = 1/(1 + e^−z);  σ′(z) = σ(z)(1 − σ(z)). Written so that e^x never overflows.
  sigmoid: {
    value: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))),
    derivative: (_z, a) => a * (1 - a),
  },
  // tanh(z);  tanh′(z) = 1 − tanh²(z)
  tanh: {
    value: (z) => Math.tanh(z),
    derivative: (_z, a) => 1 - a * a,
  },
  // relu(z) = max(0, z);  relu′(z) = 1 if z > 0 else 0
  relu: {
    value: (z) => (z > 0 ? z : 0),
    derivative: (z) => (z > 0 ? 1 : 0),
  },
  // leaky_relu(z) = z if z > 0 else αz;  leaky_relu′(z) = 1 if z > 0 else α  (α = LEAKY_RELU_SLOPE)
  leaky_relu: {
    value: (z) => (z > 0 ? z : LEAKY_RELU_SLOPE * z),
    derivative: (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE),
  },
  // linear(z) = z;  linear′(z) = 1
  linear: {
    value: (z) => z,
    derivative: () => 1,
  },
};

/**
 * softmax(z)_l = e^{z_l − max z} / Σ_j e^{z_j − max z}, for column `column` of a
 * units × columns matrix (one column per sample). Its Jacobian
 * ∂a_l/∂z_j = a_l(δ_lj − a_j) is applied in losses.ts.
 */
export function softmaxColumn(z: Vector, a: Vector, units: number, columns: number, column: number): void {
  let max = -Infinity;
  for (let l = 0, i = column; l < units; l++, i += columns) if (z[i] > max) max = z[i];
  if (!Number.isFinite(max)) {
    // An infinite or NaN pre-activation: let the NaN show up in the loss (divergence).
    for (let l = 0, i = column; l < units; l++, i += columns) a[i] = NaN;
    return;
  }
  let sum = 0;
  for (let l = 0, i = column; l < units; l++, i += columns) sum += Math.exp(z[i] - max);
  for (let l = 0, i = column; l < units; l++, i += columns) a[i] = Math.exp(z[i] - max) / sum;
}

/** log Σ_l e^{z_l} of one column, without overflow (log-sum-exp). */
export function logSumExpColumn(z: Vector, units: number, columns: number, column: number): number {
  let max = -Infinity;
  for (let l = 0, i = column; l < units; l++, i += columns) if (z[i] > max) max = z[i];
  if (!Number.isFinite(max)) return max === -Infinity ? -Infinity : NaN;
  let sum = 0;
  for (let l = 0, i = column; l < units; l++, i += columns) sum += Math.exp(z[i] - max);
  return max + Math.log(sum);
}

/**
 * The forward step of one layer after the matrix product, fused into one pass:
 * z ← z + b (z holds W a⁽ᵏ⁻¹⁾ on entry), a = act(z). z and a are units × columns.
 * The loops repeat the formulas of ELEMENTWISE inline (a call per element costs
 * more than the arithmetic); test/nn/activations.test.ts holds them equal, bit for bit.
 */
export function addBiasAndActivate(
  activation: Activation,
  biases: Vector,
  z: Vector,
  a: Vector,
  units: number,
  columns: number,
): void {
  for (let l = 0; l < units; l++) {
    const b = biases[l];
    const start = l * columns;
    const end = start + columns;
    switch (activation) {
      case 'sigmoid':
        for (let i = start; i < end; i++) {
          const v = (z[i] += b);
          a[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        }
        break;
      case 'tanh':
        for (let i = start; i < end; i++) a[i] = Math.tanh((z[i] += b));
        break;
      case 'relu':
        for (let i = start; i < end; i++) {
          const v = (z[i] += b);
          a[i] = v > 0 ? v : 0;
        }
        break;
      case 'leaky_relu':
        for (let i = start; i < end; i++) {
          const v = (z[i] += b);
          a[i] = v > 0 ? v : LEAKY_RELU_SLOPE * v;
        }
        break;
      case 'linear':
      case 'softmax':
        for (let i = start; i < end; i++) a[i] = z[i] += b;
        break;
    }
  }
  if (activation === 'softmax') for (let s = 0; s < columns; s++) softmaxColumn(z, a, units, columns, s);
}

/**
 * The hidden-layer half of the delta rule: δ ← δ ⊙ act′(z), in place, on the
 * first `count` values (softmax never reaches here: it is only allowed last).
 * Inline copies of ELEMENTWISE's derivatives, as in addBiasAndActivate.
 */
export function multiplyByDerivative(activation: Activation, z: Vector, a: Vector, delta: Vector, count: number): void {
  switch (activation) {
    case 'sigmoid':
      for (let i = 0; i < count; i++) delta[i] *= a[i] * (1 - a[i]);
      return;
    case 'tanh':
      for (let i = 0; i < count; i++) delta[i] *= 1 - a[i] * a[i];
      return;
    case 'relu':
      for (let i = 0; i < count; i++) delta[i] *= z[i] > 0 ? 1 : 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < count; i++) delta[i] *= z[i] > 0 ? 1 : LEAKY_RELU_SLOPE;
      return;
    case 'linear':
      return;
    case 'softmax':
      throw new Error('softmax is only allowed on the last layer');
  }
}
