// Losses: each per-sample value and the output layer's δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ side by side, under the formula they implement.
//
// The loss is computed from the pre-activations z where that is what keeps it
// finite (log-sum-exp for softmax, softplus for a sigmoid), so a saturated unit
// gives a large finite loss, never log(0) or NaN. Pairs the checker only warns
// about (mse on softmax, cross_entropy on a linear output) still get the exact
// chain rule: the softmax Jacobian for mse, −y/ŷ · act′(z) for cross_entropy.
//
// Matrices are units × columns, one column per sample of the batch.

import type { Activation, LossKind } from '../language/model';
import { ELEMENTWISE, logSumExpColumn, type Vector } from './activations';

export interface OutputLoss {
  /**
   * Writes δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ of sample `column` into `delta` and returns that
   * sample's loss L (before averaging over the batch).
   */
  lossAndDelta(z: Vector, a: Vector, y: Vector, delta: Vector, units: number, columns: number, column: number): number;
}

/** The smallest ŷ whose log is taken by cross_entropy on an output that is not a probability. */
export const LOG_FLOOR = 1e-12;

/** softplus(z) = log(1 + e^z), computed without overflow or loss of precision. */
export function softplus(z: number): number {
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** The loss and output delta for one loss/activation pair of the last layer. */
export function outputLoss(loss: LossKind, activation: Activation): OutputLoss {
  if (loss === 'mse') {
    if (activation === 'softmax') return mseSoftmax;
    const derivative = ELEMENTWISE[activation].derivative;
    // L = ½ Σ_l (ŷ_l − y_l)²;  δ_l = (ŷ_l − y_l) · act′(z_l)
    return {
      lossAndDelta(z, a, y, delta, units, columns, column) {
        let sum = 0;
        for (let l = 0, i = column; l < units; l++, i += columns) {
          const error = a[i] - y[i];
          sum += error * error;
          delta[i] = error * derivative(z[i], a[i]);
        }
        return 0.5 * sum;
      },
    };
  }
  if (activation === 'softmax') return crossEntropySoftmax;
  if (activation === 'sigmoid') return crossEntropySigmoid;
  const derivative = ELEMENTWISE[activation].derivative;
  // L = −Σ_l y_l log ŷ_l (ŷ floored at LOG_FLOOR);  δ_l = −y_l / ŷ_l · act′(z_l)  (0 where the floor holds)
  return {
    lossAndDelta(z, a, y, delta, units, columns, column) {
      let sum = 0;
      for (let l = 0, i = column; l < units; l++, i += columns) {
        const target = y[i];
        const output = a[i];
        if (target === 0) {
          delta[i] = 0;
          continue;
        }
        const floored = output > LOG_FLOOR;
        sum -= target * Math.log(Math.max(output, LOG_FLOOR)); // Math.max keeps a NaN
        delta[i] = floored ? (-target / output) * derivative(z[i], output) : 0;
      }
      return sum;
    },
  };
}

// L = ½ Σ_l (ŷ_l − y_l)² with ŷ = softmax(z);  δ_l = ŷ_l (g_l − Σ_j ŷ_j g_j), g = ŷ − y (the softmax Jacobian ŷ_l(δ_lj − ŷ_j) applied to g)
const mseSoftmax: OutputLoss = {
  lossAndDelta(_z, a, y, delta, units, columns, column) {
    let sum = 0;
    let weighted = 0;
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const error = a[i] - y[i];
      sum += error * error;
      weighted += a[i] * error;
    }
    for (let l = 0, i = column; l < units; l++, i += columns) delta[i] = a[i] * (a[i] - y[i] - weighted);
    return 0.5 * sum;
  },
};

// L = −Σ_l y_l log softmax(z)_l = Σ_l y_l (logΣexp(z) − z_l);  δ_l = ŷ_l Σ_j y_j − y_l  (= ŷ − y for one-hot y)
const crossEntropySoftmax: OutputLoss = {
  lossAndDelta(z, a, y, delta, units, columns, column) {
    const lse = logSumExpColumn(z, units, columns, column);
    let sum = 0;
    let targetSum = 0;
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const target = y[i];
      targetSum += target;
      if (target !== 0) sum += target * (lse - z[i]);
    }
    for (let l = 0, i = column; l < units; l++, i += columns) delta[i] = a[i] * targetSum - y[i];
    return sum;
  },
};

// L = Σ_l −y_l log σ(z_l) − (1 − y_l) log(1 − σ(z_l)) = Σ_l softplus(z_l) − y_l z_l;  δ_l = σ(z_l) − y_l
const crossEntropySigmoid: OutputLoss = {
  lossAndDelta(z, a, y, delta, units, columns, column) {
    let sum = 0;
    for (let l = 0, i = column; l < units; l++, i += columns) {
      sum += softplus(z[i]) - y[i] * z[i];
      delta[i] = a[i] - y[i];
    }
    return sum;
  },
};
