// Backpropagation, as the derivation reads: the forward pass, the output δ, the delta rule and the gradients over a chunk of samples, with the plain matrix products they are made of.
//
// Shapes follow the math with one column per sample: for layer k (numbered from
// 1, as in docs/language.md §4.1), W⁽ᵏ⁾ is n_k × n_{k−1}, and z⁽ᵏ⁾, a⁽ᵏ⁾, δ⁽ᵏ⁾ are
// n_k × B for a chunk of B samples, so one step of the derivation is one matrix
// product over the whole chunk:
//   forward   z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾,  a⁽ᵏ⁾ = act(z⁽ᵏ⁾)           (activations.ts)
//   output    δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾, and the loss L of each sample           (losses.ts)
//   hidden    δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾)
//   gradients ∂L/∂W⁽ᵏ⁾ = Σ over the batch of δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ,  ∂L/∂b⁽ᵏ⁾ = Σ δ⁽ᵏ⁾
//             (summed here; the optimizer divides by the batch size: optimizers.ts)
// In training, a layer with dropout (dropout.ts) passes ã⁽ᵏ⁾ = a⁽ᵏ⁾ ⊙ m⁽ᵏ⁾ on
// instead of a⁽ᵏ⁾, and its δ⁽ᵏ⁾ is multiplied by the same mask.
// trainer.ts runs these steps batch by batch. The products are the plain loops
// at the end of this file, or a fast path's (fastPath.ts) with the same bits.

import type { Activation } from '../language/model';
import { addBiasAndActivate, multiplyByDerivative, type Vector } from './activations';
import { multiplyByMask, type DropoutLayers } from './dropout';
import type { OutputLoss } from './losses';
import type { Precision } from './fastPath';

/** The three matrix products of the derivation. Every matrix is row-major and packed. */
export interface Products {
  /** C (m×n) = A (m×k) · B (k×n): z = W a. */
  multiply(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void;
  /** C (m×n) = Aᵀ · B, with A stored k×m and B k×n: Wᵀ δ. */
  multiplyTransposedLeft(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void;
  /** C (m×n) = A · Bᵀ, with A stored m×k and B n×k; with `accumulate`, C += A · Bᵀ (the sum formed first): δ aᵀ. */
  multiplyTransposedRight(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number, accumulate: boolean): void;
}

/** The matrices of a network and of the chunk in flight; per-layer arrays are indexed by k = 0..L so the code reads like the math. */
export interface Layers {
  /** n_0 (inputs) … n_L. */
  sizes: number[];
  /** act of layer k (index 0 unused). */
  act: Activation[];
  /** W⁽ᵏ⁾ (n_k × n_{k−1}) and b⁽ᵏ⁾; ∂L/∂W⁽ᵏ⁾ and ∂L/∂b⁽ᵏ⁾ (index 0 unused). */
  weights: Vector[];
  biases: Vector[];
  weightGradients: Vector[];
  biasGradients: Vector[];
  /** z⁽ᵏ⁾, a⁽ᵏ⁾ (a⁽⁰⁾: the chunk's inputs) and δ⁽ᵏ⁾ of the chunk in flight, n_k × capacity. */
  preActivations: Vector[];
  activations: Vector[];
  deltas: Vector[];
  /** y of the chunk in flight, n_L × capacity. */
  targets: Vector;
}

/**
 * z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾, a⁽ᵏ⁾ = act(z⁽ᵏ⁾), for k = 1..L, over `columns` samples (in the layers' own z
 * and a unless given others). With `dropout` (training only, its masks drawn): ã⁽ᵏ⁾ = a⁽ᵏ⁾ ⊙ m⁽ᵏ⁾ of each
 * layer with dropout, which the next layer reads.
 */
export function forward(
  net: Layers, products: Products, columns: number, z: Vector[] = net.preActivations, a: Vector[] = net.activations,
  dropout: DropoutLayers | null = null,
): void {
  const n = net.sizes;
  const inputs = dropout ? dropout.outputs : a;
  for (let k = 1; k < n.length; k++) {
    products.multiply(z[k], net.weights[k], inputs[k - 1], n[k], columns, n[k - 1]);
    addBiasAndActivate(net.act[k], net.biases[k], z[k], a[k], n[k], columns);
    const mask = dropout?.masks[k];
    if (mask) multiplyByMask(a[k], mask, dropout.outputs[k], n[k] * columns);
  }
}

/** δ⁽ᴸ⁾ of sample `s` of the chunk (written in place), and its loss L. */
export function outputDelta(net: Layers, loss: OutputLoss, columns: number, s: number): number {
  const L = net.sizes.length - 1;
  return loss.lossAndDelta(net.preActivations[L], net.activations[L], net.targets, net.deltas[L], net.sizes[L], columns, s);
}

/** δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾) for k = L−1..1, then ⊙ m⁽ᵏ⁾ for a layer with dropout; δ⁽ᴸ⁾ is already in place. */
export function backpropagate(net: Layers, products: Products, columns: number, dropout: DropoutLayers | null = null): void {
  const n = net.sizes;
  for (let k = n.length - 2; k >= 1; k--) {
    products.multiplyTransposedLeft(net.deltas[k], net.weights[k + 1], net.deltas[k + 1], n[k], columns, n[k + 1]);
    multiplyByDerivative(net.act[k], net.preActivations[k], net.activations[k], net.deltas[k], n[k] * columns);
    const mask = dropout?.masks[k];
    if (mask) multiplyByMask(net.deltas[k], mask, net.deltas[k], n[k] * columns);
  }
}

/**
 * ∂L/∂W⁽ᵏ⁾ (+)= δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ and ∂L/∂b⁽ᵏ⁾ (+)= Σ δ⁽ᵏ⁾ over the chunk's samples (ã⁽ᵏ⁻¹⁾ with `dropout`);
 * `accumulate` adds to an earlier chunk's.
 */
export function accumulateGradients(net: Layers, products: Products, columns: number, accumulate: boolean, dropout: DropoutLayers | null = null): void {
  const n = net.sizes;
  const inputs = dropout ? dropout.outputs : net.activations;
  for (let k = 1; k < n.length; k++) {
    products.multiplyTransposedRight(net.weightGradients[k], net.deltas[k], inputs[k - 1], n[k], n[k - 1], columns, accumulate);
    const delta = net.deltas[k];
    const biasGradient = net.biasGradients[k];
    for (let j = 0; j < n[k]; j++) {
      let sum = 0;
      for (let s = 0, i = j * columns; s < columns; s++, i++) sum += delta[i];
      biasGradient[j] = accumulate ? biasGradient[j] + sum : sum;
    }
  }
}

// ---- the products, as plain loops -------------------------------------------
//
// Each element of C is ONE sum over t = 0..k−1 in increasing order, started at
// +0, a multiply then an add per term (JavaScript never fuses them): the order
// every fast path keeps, so every path gives these numbers bit for bit
// (docs/ARCHITECTURE.md, "Architecture invariants"). In f32 every product and
// every partial sum is rounded to single precision (Math.fround), which is IEEE
// f32 arithmetic: a product of two f32 values is exact in f64, and a sum of two
// rounded once is the f32 sum. Storing into a Float32Array rounds the rest.

/** The products of one precision as plain loops: the reference every fast path reproduces. */
export function plainProducts(precision: Precision): Products {
  const dot = precision === 'f32' ? dot32 : dot64;
  return {
    multiply(c, a, b, m, n, k) {
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] = dot(a, i * k, 1, b, j, n, k);
    },
    multiplyTransposedLeft(c, a, b, m, n, k) {
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] = dot(a, i, m, b, j, n, k);
    },
    multiplyTransposedRight(c, a, b, m, n, k, accumulate) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const sum = dot(a, i * k, 1, b, j * k, 1, k);
          c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
        }
      }
    },
  };
}

/** Σ_t p[p0 + t·pStep] · q[q0 + t·qStep] for t = 0..k−1, in f64. */
function dot64(p: Vector, p0: number, pStep: number, q: Vector, q0: number, qStep: number, k: number): number {
  let sum = 0;
  for (let t = 0; t < k; t++) sum += p[p0 + t * pStep] * q[q0 + t * qStep];
  return sum;
}

/** The same sum in f32: each product and each partial sum rounded to single precision. */
function dot32(p: Vector, p0: number, pStep: number, q: Vector, q0: number, qStep: number, k: number): number {
  let sum = 0;
  for (let t = 0; t < k; t++) sum = Math.fround(sum + Math.fround(p[p0 + t * pStep] * q[q0 + t * qStep]));
  return sum;
}
