// The plain TypeScript matrix kernels: the specification of the SIMD kernels' numbers, and the path used where WebAssembly SIMD cannot run.
//
// Same contract as server/wasm/kernels.ts, element for element: every output is
// ONE sum over t = 0..k−1 in increasing order, started at +0, each term a
// separate multiply then add (JavaScript never fuses them), then the epilogue.
// f32 is real single-precision arithmetic: every product and every partial sum
// is rounded to f32 with Math.fround. A product of two f32 values is exact in
// f64, and an f64 sum of two f32 values rounded once to f32 equals the f32 sum
// (double rounding is harmless when the wider format has ≥ 2·24 + 2 bits), so
// this equals the IEEE f32 arithmetic of f32x4 lane for lane.
//
// The loops are register-tiled 4 × 4 for speed; the tiling does not change any
// element's order of operations.

import type { Vector } from '../activations';

/** What happens to each finished sum Σ (see server/wasm/kernels.ts); the numbers are the wasm's `mode`. */
export const Epilogue = {
  /** C = Σ */
  Store: 0,
  /** C = C + Σ */
  Add: 1,
  /** C = Σ + bias[i] */
  Bias: 2,
  /** z = C = Σ + bias[i]; O = relu(z) = z > 0 ? z : +0 */
  BiasRelu: 3,
  /** z = C = Σ + bias[i]; O = z */
  BiasCopy: 4,
  /** C = Σ · (O > 0 ? 1 : 0): a delta times relu′(z), O = z */
  ReluMask: 5,
} as const;
export type Epilogue = (typeof Epilogue)[keyof typeof Epilogue];

/**
 * C[i][j] (i < m, j < n) = Σ_t P(i, t) · Q[t][j], then the epilogue, where
 * P(i, t) = p[i·pRow + t·pStep], Q[t][j] = q[t·qStep + j·qColumn], C[i][j] = c[i·cStride + j].
 * (The wasm reads Q rows contiguously, qColumn = 1; here any stride works, so
 * A·Bᵀ reads B in place.)
 */
export type Product = (
  c: Vector, cStride: number,
  p: Vector, pRow: number, pStep: number,
  q: Vector, qStep: number, qColumn: number,
  m: number, n: number, k: number,
  epilogue: Epilogue, bias: Vector | null, other: Vector | null,
) => void;

/** Writes one finished sum through the epilogue. Values are read back from their arrays, so f32 sees them rounded as stored. */
function finish(c: Vector, index: number, sum: number, epilogue: Epilogue, bias: Vector | null, i: number, other: Vector | null): void {
  switch (epilogue) {
    case Epilogue.Store: c[index] = sum; return;
    case Epilogue.Add: c[index] = c[index] + sum; return;
    case Epilogue.Bias: c[index] = sum + bias![i]; return;
    case Epilogue.ReluMask: c[index] = sum * (other![index] > 0 ? 1 : 0); return;
    case Epilogue.BiasRelu: {
      c[index] = sum + bias![i];
      const z = c[index];
      other![index] = z > 0 ? z : 0;
      return;
    }
    case Epilogue.BiasCopy:
      c[index] = sum + bias![i];
      other![index] = c[index];
      return;
  }
}

/** Products of at most this many elements of C run as cells64 alone (f64; same numbers). */
const TINY_CELLS = 16;

/** f64: one product, every element summed in increasing t. */
export const product64: Product = (c, cStride, p, pRow, pStep, q, qStep, qColumn, m, n, k, epilogue, bias, other) => {
  // A tiny product (XOR's are 4 × 4 and smaller) goes element by element: the same sums in the
  // same order as the 4 × 4 blocks, with less code to run while V8 still interprets it.
  if (m * n <= TINY_CELLS) {
    cells64(c, cStride, p, pRow, pStep, q, qStep, qColumn, 0, m, 0, n, k, epilogue, bias, other);
    return;
  }
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j += 4) {
    for (let i = 0; i < m4; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0, pp = i * pRow, qp = j * qColumn; t < k; t++, pp += pStep, qp += qStep) {
        const y0 = q[qp], y1 = q[qp + qColumn], y2 = q[qp + 2 * qColumn], y3 = q[qp + 3 * qColumn];
        const x0 = p[pp];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        const x1 = p[pp + pRow];
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        const x2 = p[pp + 2 * pRow];
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        const x3 = p[pp + 3 * pRow];
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      let o = i * cStride + j;
      finish(c, o, s00, epilogue, bias, i, other); finish(c, o + 1, s01, epilogue, bias, i, other);
      finish(c, o + 2, s02, epilogue, bias, i, other); finish(c, o + 3, s03, epilogue, bias, i, other);
      o += cStride;
      finish(c, o, s10, epilogue, bias, i + 1, other); finish(c, o + 1, s11, epilogue, bias, i + 1, other);
      finish(c, o + 2, s12, epilogue, bias, i + 1, other); finish(c, o + 3, s13, epilogue, bias, i + 1, other);
      o += cStride;
      finish(c, o, s20, epilogue, bias, i + 2, other); finish(c, o + 1, s21, epilogue, bias, i + 2, other);
      finish(c, o + 2, s22, epilogue, bias, i + 2, other); finish(c, o + 3, s23, epilogue, bias, i + 2, other);
      o += cStride;
      finish(c, o, s30, epilogue, bias, i + 3, other); finish(c, o + 1, s31, epilogue, bias, i + 3, other);
      finish(c, o + 2, s32, epilogue, bias, i + 3, other); finish(c, o + 3, s33, epilogue, bias, i + 3, other);
    }
  }
  // Edges: the last m mod 4 rows of the blocked columns, then the last n mod 4 columns.
  cells64(c, cStride, p, pRow, pStep, q, qStep, qColumn, m4, m, 0, n4, k, epilogue, bias, other);
  cells64(c, cStride, p, pRow, pStep, q, qStep, qColumn, 0, m, n4, n, k, epilogue, bias, other);
};

function cells64(
  c: Vector, cStride: number, p: Vector, pRow: number, pStep: number, q: Vector, qStep: number, qColumn: number,
  i0: number, i1: number, j0: number, j1: number, k: number, epilogue: Epilogue, bias: Vector | null, other: Vector | null,
): void {
  // Store and Add, the epilogues of the backward products, written out here: no call per element.
  if (epilogue === Epilogue.Store || epilogue === Epilogue.Add) {
    const add = epilogue === Epilogue.Add;
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        let s = 0;
        for (let t = 0, pp = i * pRow, qp = j * qColumn; t < k; t++, pp += pStep, qp += qStep) s += p[pp] * q[qp];
        const index = i * cStride + j;
        c[index] = add ? c[index] + s : s;
      }
    }
    return;
  }
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let t = 0, pp = i * pRow, qp = j * qColumn; t < k; t++, pp += pStep, qp += qStep) s += p[pp] * q[qp];
      finish(c, i * cStride + j, s, epilogue, bias, i, other);
    }
  }
}

const f = Math.fround;

/** f32: the same loops with every product and partial sum rounded to single precision. */
export const product32: Product = (c, cStride, p, pRow, pStep, q, qStep, qColumn, m, n, k, epilogue, bias, other) => {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j += 4) {
    for (let i = 0; i < m4; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0, pp = i * pRow, qp = j * qColumn; t < k; t++, pp += pStep, qp += qStep) {
        const y0 = q[qp], y1 = q[qp + qColumn], y2 = q[qp + 2 * qColumn], y3 = q[qp + 3 * qColumn];
        const x0 = p[pp];
        s00 = f(s00 + f(x0 * y0)); s01 = f(s01 + f(x0 * y1)); s02 = f(s02 + f(x0 * y2)); s03 = f(s03 + f(x0 * y3));
        const x1 = p[pp + pRow];
        s10 = f(s10 + f(x1 * y0)); s11 = f(s11 + f(x1 * y1)); s12 = f(s12 + f(x1 * y2)); s13 = f(s13 + f(x1 * y3));
        const x2 = p[pp + 2 * pRow];
        s20 = f(s20 + f(x2 * y0)); s21 = f(s21 + f(x2 * y1)); s22 = f(s22 + f(x2 * y2)); s23 = f(s23 + f(x2 * y3));
        const x3 = p[pp + 3 * pRow];
        s30 = f(s30 + f(x3 * y0)); s31 = f(s31 + f(x3 * y1)); s32 = f(s32 + f(x3 * y2)); s33 = f(s33 + f(x3 * y3));
      }
      // Storing into a Float32Array rounds the epilogue's one f64 operation on two f32 values: the f32 result.
      let o = i * cStride + j;
      finish(c, o, s00, epilogue, bias, i, other); finish(c, o + 1, s01, epilogue, bias, i, other);
      finish(c, o + 2, s02, epilogue, bias, i, other); finish(c, o + 3, s03, epilogue, bias, i, other);
      o += cStride;
      finish(c, o, s10, epilogue, bias, i + 1, other); finish(c, o + 1, s11, epilogue, bias, i + 1, other);
      finish(c, o + 2, s12, epilogue, bias, i + 1, other); finish(c, o + 3, s13, epilogue, bias, i + 1, other);
      o += cStride;
      finish(c, o, s20, epilogue, bias, i + 2, other); finish(c, o + 1, s21, epilogue, bias, i + 2, other);
      finish(c, o + 2, s22, epilogue, bias, i + 2, other); finish(c, o + 3, s23, epilogue, bias, i + 2, other);
      o += cStride;
      finish(c, o, s30, epilogue, bias, i + 3, other); finish(c, o + 1, s31, epilogue, bias, i + 3, other);
      finish(c, o + 2, s32, epilogue, bias, i + 3, other); finish(c, o + 3, s33, epilogue, bias, i + 3, other);
    }
  }
  cells32(c, cStride, p, pRow, pStep, q, qStep, qColumn, m4, m, 0, n4, k, epilogue, bias, other);
  cells32(c, cStride, p, pRow, pStep, q, qStep, qColumn, 0, m, n4, n, k, epilogue, bias, other);
};

function cells32(
  c: Vector, cStride: number, p: Vector, pRow: number, pStep: number, q: Vector, qStep: number, qColumn: number,
  i0: number, i1: number, j0: number, j1: number, k: number, epilogue: Epilogue, bias: Vector | null, other: Vector | null,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      for (let t = 0, pp = i * pRow, qp = j * qColumn; t < k; t++, pp += pStep, qp += qStep) s = f(s + f(p[pp] * q[qp]));
      finish(c, i * cStride + j, s, epilogue, bias, i, other);
    }
  }
}

// ---- optimizer updates -------------------------------------------------------
//
// The optimizers' elementwise passes exactly as server/src/nn/optimizers.ts
// writes them: every step in f64, each stored value rounded by its typed array
// and read back as stored. The wasm versions (sgd_*, adam_* in kernels.ts)
// repeat these steps in f64x2 lanes.

/** g ← Σg / batch (written back, so the layer shows the mean); v ← μv − ηg; θ ← θ + v. */
export function sgdUpdate(
  parameters: Vector, gradient: Vector, velocity: Vector, batchSize: number, momentum: number, learningRate: number,
): void {
  for (let i = 0; i < parameters.length; i++) {
    const g = (gradient[i] /= batchSize);
    velocity[i] = momentum * velocity[i] - learningRate * g;
    parameters[i] += velocity[i];
  }
}

/** g ← Σg / batch; m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; θ ← θ − η (m / c1) / (√(v / c2) + ε). */
export function adamUpdate(
  parameters: Vector, gradient: Vector, m: Vector, v: Vector, batchSize: number,
  beta1: number, beta2: number, learningRate: number, epsilon: number, correction1: number, correction2: number,
): void {
  for (let i = 0; i < parameters.length; i++) {
    const g = (gradient[i] /= batchSize);
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    parameters[i] -= (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
  }
}
