// Matrix products of the batched forward and backward passes, register-tiled in plain TypeScript: an independent check on the kernels.
//
// The trainer runs its products through the reference's plain loops
// (server/src/nn/backprop.ts) or the engine's WebAssembly SIMD kernels. This was
// the trainer's first implementation; it is kept here, with the tests rather
// than in the product, as a third, independently written one:
// test/engine/matmul.test.ts holds all three bit-identical in f64, and
// bench/kernels.mjs compares their speed.
//
// Every matrix is row-major and packed (row stride = its column count). Three
// shapes cover backpropagation with activations stored units × samples:
//   forward   Z = W A          multiply      (W: units × inputs, A: inputs × samples)
//   deltas    D⁽ᵏ⁻¹⁾ = Wᵀ D⁽ᵏ⁾ multiplyTransposedLeft
//   gradient  G = D Aᵀ         multiplyTransposedRight (optionally accumulating)
// The main loops compute 4×4 blocks of C with 16 accumulators (a micro-kernel:
// each value loaded once feeds four products). Every element of C is one sum
// over p = 0..k−1 in increasing order, whether it falls in a block or on an
// edge, so the result is bit-identical to the naive triple loop and does not
// depend on the tiling (or on how work would be split between threads).

import type { Vector } from '../../server/src/nn/activations';

/** C (m×n) = A (m×k) · B (k×n). */
export function multiply(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
        const x0 = a[a0 + p];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        const x1 = a[a1 + p];
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        const x2 = a[a2 + p];
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        const x3 = a[a3 + p];
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  // Edges: the last n mod 4 columns of the blocked rows, then the last m mod 4 rows.
  multiplyCells(c, a, b, n, k, 0, m4, n4, n);
  multiplyCells(c, a, b, n, k, m4, m, 0, n);
}

function multiplyCells(c: Vector, a: Vector, b: Vector, n: number, k: number, i0: number, i1: number, j0: number, j1: number): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum = 0;
      for (let p = 0, ap = i * k, bp = j; p < k; p++, ap++, bp += n) sum += a[ap] * b[bp];
      c[i * n + j] = sum;
    }
  }
}

/** C (m×n) = Aᵀ · B, with A stored k×m and B k×n. */
export function multiplyTransposedLeft(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) {
        const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
        const x0 = a[ap];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        const x1 = a[ap + 1];
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        const x2 = a[ap + 2];
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        const x3 = a[ap + 3];
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  multiplyTransposedLeftCells(c, a, b, m, n, k, 0, m4, n4, n);
  multiplyTransposedLeftCells(c, a, b, m, n, k, m4, m, 0, n);
}

function multiplyTransposedLeftCells(
  c: Vector, a: Vector, b: Vector, m: number, n: number, k: number,
  i0: number, i1: number, j0: number, j1: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum = 0;
      for (let p = 0, ap = i, bp = j; p < k; p++, ap += m, bp += n) sum += a[ap] * b[bp];
      c[i * n + j] = sum;
    }
  }
}

/**
 * C (m×n) = A · Bᵀ, with A stored m×k and B n×k; with `accumulate`, C += A · Bᵀ
 * (the sum over p is formed first, then added to C).
 */
export function multiplyTransposedRight(
  c: Vector, a: Vector, b: Vector, m: number, n: number, k: number, accumulate: boolean,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
        const x0 = a[a0 + p];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        const x1 = a[a1 + p];
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        const x2 = a[a2 + p];
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        const x3 = a[a3 + p];
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * n + j;
      if (accumulate) {
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += n;
        c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += n;
        c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += n;
        c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      } else {
        c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
        c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
        c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
        c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
      }
    }
  }
  multiplyTransposedRightCells(c, a, b, n, k, accumulate, 0, m4, n4, n);
  multiplyTransposedRightCells(c, a, b, n, k, accumulate, m4, m, 0, n);
}

function multiplyTransposedRightCells(
  c: Vector, a: Vector, b: Vector, n: number, k: number, accumulate: boolean,
  i0: number, i1: number, j0: number, j1: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum = 0;
      for (let p = 0, ap = i * k, bp = j * k; p < k; p++, ap++, bp++) sum += a[ap] * b[bp];
      if (accumulate) c[i * n + j] += sum;
      else c[i * n + j] = sum;
    }
  }
}
