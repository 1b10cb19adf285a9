// Weight penalties (docs/language.md §7.2): what `regularize l1 λ1 l2 λ2` adds to the gradient of every weight (never a bias), and the penalty's value.
//
// The loss that is differentiated becomes L + λ1 Σ|w| + ½λ2 Σw² over the weights
// of every layer, so a weight's gradient gains λ1·sign(w) + λ2·w (sign 0 at 0, as
// PyTorch's |w| differentiates). It is added to the batch mean of the data
// gradient, as PyTorch's autograd would have it; the loss that is reported and
// compared with `stop when` stays the data loss (§4.13).

import type { Precision, Regularization } from '../language/model';
import type { Vector } from './activations';

/**
 * g ← Σg/B + λ2·w + λ1·sign(w) for every weight of one layer, in place: gradientSum holds the
 * batch's sum Σg on entry and the penalized mean on return (what the optimizer steps on, and
 * what ∂L/∂W shows). A term whose weight is 0 adds nothing. In precision f32 (docs/language.md
 * §7.2) the arithmetic is single precision: each operation's result, and λ1 and λ2, rounded.
 */
export function penalizeGradient(weights: Vector, gradientSum: Vector, batchSize: number, penalty: Regularization, precision: Precision = 'f64'): void {
  if (precision === 'f32') {
    penalizeGradientSingle(weights, gradientSum, batchSize, penalty);
    return;
  }
  const { l1, l2 } = penalty;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    let g = gradientSum[i] / batchSize;
    if (l2 !== 0) g += l2 * w;
    if (l1 !== 0) g += w > 0 ? l1 : w < 0 ? -l1 : 0;
    gradientSum[i] = g;
  }
}

/**
 * penalizeGradient in single precision: g = f32(Σg/B), then g = f32(g + f32(λ2·w)), then
 * g = f32(g + λ1·sign(w)), with λ1 and λ2 rounded to f32 and a term skipped when its rounded
 * weight is 0. (w, Σg and g are singles, so each double-precision operation rounded once is
 * the single-precision operation.)
 */
function penalizeGradientSingle(weights: Vector, gradientSum: Vector, batchSize: number, penalty: Regularization): void {
  const l1 = Math.fround(penalty.l1);
  const l2 = Math.fround(penalty.l2);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    let g = Math.fround(gradientSum[i] / batchSize);
    if (l2 !== 0) g = Math.fround(g + Math.fround(l2 * w));
    if (l1 !== 0) g = Math.fround(g + (w > 0 ? l1 : w < 0 ? -l1 : 0));
    gradientSum[i] = g;
  }
}

/** λ1 Σ|w| + ½λ2 Σw² over the weights of layers 1..L (index 0 unused), summed layer by layer in order. */
export function penaltyOf(weights: readonly Vector[], penalty: Regularization): number {
  let absolute = 0;
  let squares = 0;
  for (let k = 1; k < weights.length; k++) {
    const w = weights[k];
    for (let i = 0; i < w.length; i++) {
      absolute += Math.abs(w[i]);
      squares += w[i] * w[i];
    }
  }
  return penalty.l1 * absolute + 0.5 * penalty.l2 * squares;
}
