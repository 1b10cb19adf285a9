// The gradient check: every layer's backprop gradient against the central difference of the loss at the same weights, the slope backprop claims to compute (docs/editor.md "Checking gradients").
//
// For a parameter θ of layer k, with L(θ) the mean loss over the checked training rows:
//   backprop   g = ∂L/∂θ from Trainer.lossAndGradient (the derivation of backprop.ts)
//   slope      s = (L(θ − 2h) − 8 L(θ − h) + 8 L(θ + h) − L(θ + 2h)) / 12h,  h = CHECK_STEP · max(1, |θ|)
//   error      |g − s| / max(|g| + |s|, CHECK_FLOOR)
// and a layer's figure is its largest error. In f64, with h ≈ 1e-4, this central difference is
// right to about h⁴ (the two-point one only to h², too coarse where a trained network curves
// sharply) and the rounding of L costs about 1e-16 / h, so a correct backprop reads well below
// 1e-6 and a wrong one (a missing factor, a transposed product) near 1.

import type { Trainer } from './trainer';

/** The step of the central difference, relative to the parameter (and absolute below 1). */
export const CHECK_STEP = 1e-4;
/** Below this, |g| + |s| is taken as this: a gradient of 0 differs from a slope of 1e-13 by rounding, not by a bug. */
export const CHECK_FLOOR = 1e-6;
/** At most this many training rows (an evenly strided sample of a larger part, as the health measures). */
export const CHECK_ROWS = 256;
/** At most this many weights of each layer are checked (evenly strided), and every bias up to as many. */
export const CHECK_PER_LAYER = 64;

export interface LayerCheck {
  /** The largest relative error over the layer's checked weights and biases. */
  error: number;
  /** How many parameters were checked, of how many. */
  checked: number;
  of: number;
}

export interface GradientCheck {
  /** Training rows the loss was taken over, of the training part's. */
  rows: number;
  of: number;
  /** Mean loss at the checked weights. */
  loss: number;
  /** Index 0 is layer 1. */
  layers: LayerCheck[];
}

export interface CheckOptions {
  rows?: number;
  perLayer?: number;
  /** A test hook: changes backprop's gradient before it is compared (index 0 is layer 1), to show a wrong one is caught. */
  corrupt?: (weights: Float64Array[], biases: Float64Array[]) => void;
}

/** Positions 0..n−1, or `limit` of them evenly strided. */
function strided(n: number, limit: number): number[] {
  const count = Math.min(n, limit);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/**
 * Checks backprop at the trainer's current weights (give it f64 ones: the slope needs the
 * precision). The weights are moved one parameter at a time and put back exactly.
 */
export function checkGradients(trainer: Trainer, options: CheckOptions = {}): GradientCheck {
  const rows = options.rows ?? CHECK_ROWS;
  const perLayer = options.perLayer ?? CHECK_PER_LAYER;
  const backprop = trainer.lossAndGradient(rows);
  options.corrupt?.(backprop.weights, backprop.biases);
  const layers = trainer.layers();
  const lossAt = () => trainer.lossAndGradient(rows).loss;
  const checks = layers.map((layer, index): LayerCheck => {
    const k = index + 1;
    const weights = Float64Array.from(layer.weights);
    const biases = Float64Array.from(layer.biases);
    let error = 0;
    const compare = (values: Float64Array, gradient: Float64Array, i: number) => {
      const original = values[i];
      const h = CHECK_STEP * Math.max(1, Math.abs(original));
      const at = (step: number) => {
        values[i] = original + step;
        trainer.setLayer(k, weights, biases);
        return lossAt();
      };
      const slope = (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h);
      values[i] = original;
      const g = gradient[i];
      const e = Math.abs(g - slope) / Math.max(Math.abs(g) + Math.abs(slope), CHECK_FLOOR);
      error = Math.max(error, Number.isFinite(e) ? e : Infinity);
    };
    const weightPositions = strided(weights.length, perLayer);
    const biasPositions = strided(biases.length, perLayer);
    for (const i of weightPositions) compare(weights, backprop.weights[index], i);
    for (const i of biasPositions) compare(biases, backprop.biases[index], i);
    trainer.setLayer(k, layer.weights, layer.biases);
    return { error, checked: weightPositions.length + biasPositions.length, of: weights.length + biases.length };
  });
  return { rows: backprop.rows, of: trainer.trainingRows.length, loss: backprop.loss, layers: checks };
}
