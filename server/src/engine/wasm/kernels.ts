// Matrix products of the trainer (forward, deltas, weight gradients) as WebAssembly SIMD kernels, in AssemblyScript.
//
// Compiled by build.mjs (`asc`, -O3, SIMD on) for f64 (f64x2) and f32 (f32x4)
// from this one generic source. The numbers must equal, bit for bit, those of
// the reference's plain loops (server/src/nn/backprop.ts plainProducts), so the
// rule is: every output element is ONE sum over t = 0..k−1 in increasing
// order, started at +0, with a separate multiply and add per term (WebAssembly
// has no fused multiply-add). The vectors run across independent output
// elements (the columns j of C), never across the sum, and register tiles,
// edges and scalar tails all keep that order; this is also why the result
// cannot depend on tiling or on a split of the columns between threads.
//
// Addresses are byte offsets into the imported (shared) memory; the JavaScript
// loader owns the memory and places every matrix. Matrices are row-major.
//
// product:  C[i][j] (i < m, j < n) = Σ_t P(i, t) · Q[t][j],  then the epilogue
//   P(i, t) = p[i·pRowStride + t·pStepStride]   (W, or Wᵀ read in place)
//   Q[t][j] = q[t·qStride + j]                   (a row of Q is contiguous)
//   C row stride cStride.
// epilogue (engine/layout.ts EPILOGUE):
//           STORE  C = Σ
//           ADD    C = C + Σ      (a gradient accumulated over chunks)
//           BIAS   C = Σ + bias[i] (z = W a + b, bias per row)
//           BIAS_RELU  z = C = Σ + bias[i];  O = z > 0 ? z : +0   (a = relu(z))
//           BIAS_COPY  z = C = Σ + bias[i];  O = z                (a = z: linear)
//           RELU_MASK  C = Σ · (O > 0 ? 1 : 0)                    (δ = Wᵀδ ⊙ relu′(z), O = z)
// O is a second matrix with C's layout, at byte offset `other` from C.

import { EPILOGUE_ADD, EPILOGUE_BIAS, EPILOGUE_BIAS_COPY, EPILOGUE_BIAS_RELU, EPILOGUE_RELU_MASK } from './layout';

// @ts-ignore: decorator
@inline function finish<T>(sum: v128, c: usize, bias: usize, i: i32, mode: i32, other: usize): void {
  if (mode == EPILOGUE_ADD) sum = v128.add<T>(v128.load(c), sum);
  else if (mode == EPILOGUE_RELU_MASK) {
    const one = v128.and(v128.splat<T>(<T>1), v128.gt<T>(v128.load(c + other), v128.splat<T>(<T>0)));
    sum = v128.mul<T>(sum, one);
  } else if (mode >= EPILOGUE_BIAS) {
    sum = v128.add<T>(sum, v128.load_splat<T>(bias + (<usize>i << alignof<T>())));
    if (mode == EPILOGUE_BIAS_RELU) v128.store(c + other, v128.and(sum, v128.gt<T>(sum, v128.splat<T>(<T>0))));
    else if (mode == EPILOGUE_BIAS_COPY) v128.store(c + other, sum);
  }
  v128.store(c, sum);
}

// @ts-ignore: decorator
@inline function finishScalar<T>(sum: T, c: usize, bias: usize, i: i32, mode: i32, other: usize): void {
  if (mode == EPILOGUE_ADD) sum = load<T>(c) + sum;
  else if (mode == EPILOGUE_RELU_MASK) sum = sum * (load<T>(c + other) > <T>0 ? <T>1 : <T>0);
  else if (mode >= EPILOGUE_BIAS) {
    sum = sum + load<T>(bias + (<usize>i << alignof<T>()));
    if (mode == EPILOGUE_BIAS_RELU) store<T>(c + other, sum > <T>0 ? sum : <T>0);
    else if (mode == EPILOGUE_BIAS_COPY) store<T>(c + other, sum);
  }
  store<T>(c, sum);
}

// @ts-ignore: decorator
@inline function product<T>(
  c: usize, cStride: i32,
  p: usize, pRowStride: i32, pStepStride: i32,
  q: usize, qStride: i32,
  m: i32, n: i32, k: i32,
  mode: i32, bias: usize, other: usize,
): void {
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  const pRow = <usize>pRowStride << shift;
  const pStep = <usize>pStepStride << shift;
  const qStep = <usize>qStride << shift;
  const cRow = <usize>cStride << shift;
  const zero = v128.splat<T>(<T>0);

  let j = 0;
  // Main tiles: 4 rows × 2 vectors of columns (8 accumulators), the columns outer
  // so the strip of Q being read stays in the L1 cache across all rows.
  for (; j + 2 * lanes <= n; j += 2 * lanes) {
    const qj = q + (<usize>j << shift);
    const cj = c + (<usize>j << shift);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let s00 = zero, s01 = zero, s10 = zero, s11 = zero;
      let s20 = zero, s21 = zero, s30 = zero, s31 = zero;
      let pp = p + <usize>i * pRow;
      let qp = qj;
      for (let t = 0; t < k; t++) {
        const q0 = v128.load(qp);
        const q1 = v128.load(qp, 16);
        const x0 = v128.load_splat<T>(pp);
        s00 = v128.add<T>(s00, v128.mul<T>(x0, q0));
        s01 = v128.add<T>(s01, v128.mul<T>(x0, q1));
        const x1 = v128.load_splat<T>(pp + pRow);
        s10 = v128.add<T>(s10, v128.mul<T>(x1, q0));
        s11 = v128.add<T>(s11, v128.mul<T>(x1, q1));
        const x2 = v128.load_splat<T>(pp + 2 * pRow);
        s20 = v128.add<T>(s20, v128.mul<T>(x2, q0));
        s21 = v128.add<T>(s21, v128.mul<T>(x2, q1));
        const x3 = v128.load_splat<T>(pp + 3 * pRow);
        s30 = v128.add<T>(s30, v128.mul<T>(x3, q0));
        s31 = v128.add<T>(s31, v128.mul<T>(x3, q1));
        pp += pStep;
        qp += qStep;
      }
      let cp = cj + <usize>i * cRow;
      finish<T>(s00, cp, bias, i, mode, other);
      finish<T>(s01, cp + 16, bias, i, mode, other);
      cp += cRow;
      finish<T>(s10, cp, bias, i + 1, mode, other);
      finish<T>(s11, cp + 16, bias, i + 1, mode, other);
      cp += cRow;
      finish<T>(s20, cp, bias, i + 2, mode, other);
      finish<T>(s21, cp + 16, bias, i + 2, mode, other);
      cp += cRow;
      finish<T>(s30, cp, bias, i + 3, mode, other);
      finish<T>(s31, cp + 16, bias, i + 3, mode, other);
    }
    for (; i < m; i++) {
      let s0 = zero, s1 = zero;
      let pp = p + <usize>i * pRow;
      let qp = qj;
      for (let t = 0; t < k; t++) {
        const x = v128.load_splat<T>(pp);
        s0 = v128.add<T>(s0, v128.mul<T>(x, v128.load(qp)));
        s1 = v128.add<T>(s1, v128.mul<T>(x, v128.load(qp, 16)));
        pp += pStep;
        qp += qStep;
      }
      const cp = cj + <usize>i * cRow;
      finish<T>(s0, cp, bias, i, mode, other);
      finish<T>(s1, cp + 16, bias, i, mode, other);
    }
  }
  // One vector of columns left.
  for (; j + lanes <= n; j += lanes) {
    const qj = q + (<usize>j << shift);
    const cj = c + (<usize>j << shift);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let pp = p + <usize>i * pRow;
      let qp = qj;
      for (let t = 0; t < k; t++) {
        const q0 = v128.load(qp);
        s0 = v128.add<T>(s0, v128.mul<T>(v128.load_splat<T>(pp), q0));
        s1 = v128.add<T>(s1, v128.mul<T>(v128.load_splat<T>(pp + pRow), q0));
        s2 = v128.add<T>(s2, v128.mul<T>(v128.load_splat<T>(pp + 2 * pRow), q0));
        s3 = v128.add<T>(s3, v128.mul<T>(v128.load_splat<T>(pp + 3 * pRow), q0));
        pp += pStep;
        qp += qStep;
      }
      let cp = cj + <usize>i * cRow;
      finish<T>(s0, cp, bias, i, mode, other);
      cp += cRow;
      finish<T>(s1, cp, bias, i + 1, mode, other);
      cp += cRow;
      finish<T>(s2, cp, bias, i + 2, mode, other);
      cp += cRow;
      finish<T>(s3, cp, bias, i + 3, mode, other);
    }
    for (; i < m; i++) {
      let s = zero;
      let pp = p + <usize>i * pRow;
      let qp = qj;
      for (let t = 0; t < k; t++) {
        s = v128.add<T>(s, v128.mul<T>(v128.load_splat<T>(pp), v128.load(qp)));
        pp += pStep;
        qp += qStep;
      }
      finish<T>(s, cj + <usize>i * cRow, bias, i, mode, other);
    }
  }
  // Fewer columns than a vector: scalar sums, same order.
  for (; j < n; j++) {
    const qj = q + (<usize>j << shift);
    const cj = c + (<usize>j << shift);
    for (let i = 0; i < m; i++) {
      let s = <T>0;
      let pp = p + <usize>i * pRow;
      let qp = qj;
      for (let t = 0; t < k; t++) {
        s = s + load<T>(pp) * load<T>(qp);
        pp += pStep;
        qp += qStep;
      }
      finishScalar<T>(s, cj + <usize>i * cRow, bias, i, mode, other);
    }
  }
}

/**
 * dst (cols × rows) = srcᵀ, src rows × cols. Square tiles of one vector's
 * width (4×4 f32, 2×2 f64) are transposed in registers with shuffles; the
 * edges move one element at a time. Only moves bits: no arithmetic.
 */
// @ts-ignore: decorator
@inline function transpose<T>(dst: usize, src: usize, rows: i32, cols: i32): void {
  const shift = alignof<T>();
  const lanes = 16 / sizeof<T>();
  const srcRow = <usize>cols << shift;
  const dstRow = <usize>rows << shift;
  const rowsTiled = rows - rows % lanes;
  const colsTiled = cols - cols % lanes;
  for (let i = 0; i < rowsTiled; i += lanes) {
    for (let j = 0; j < colsTiled; j += lanes) {
      const from = src + ((<usize>i * cols + j) << shift);
      const to = dst + ((<usize>j * rows + i) << shift);
      if (sizeof<T>() == 4) {
        const r0 = v128.load(from);
        const r1 = v128.load(from + srcRow);
        const r2 = v128.load(from + 2 * srcRow);
        const r3 = v128.load(from + 3 * srcRow);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(to, v128.shuffle<f64>(t0, t2, 0, 2));
        v128.store(to + dstRow, v128.shuffle<f64>(t0, t2, 1, 3));
        v128.store(to + 2 * dstRow, v128.shuffle<f64>(t1, t3, 0, 2));
        v128.store(to + 3 * dstRow, v128.shuffle<f64>(t1, t3, 1, 3));
      } else {
        const r0 = v128.load(from);
        const r1 = v128.load(from + srcRow);
        v128.store(to, v128.shuffle<f64>(r0, r1, 0, 2));
        v128.store(to + dstRow, v128.shuffle<f64>(r0, r1, 1, 3));
      }
    }
  }
  // Edges: the last cols mod lanes columns of every row, then the last rows mod lanes rows.
  for (let i = 0; i < rows; i++) {
    const j0 = i < rowsTiled ? colsTiled : 0;
    for (let j = j0; j < cols; j++) {
      store<T>(dst + ((<usize>j * rows + i) << shift), load<T>(src + ((<usize>i * cols + j) << shift)));
    }
  }
}

export function product_f64(
  c: usize, cStride: i32, p: usize, pRowStride: i32, pStepStride: i32, q: usize, qStride: i32,
  m: i32, n: i32, k: i32, mode: i32, bias: usize, other: usize,
): void {
  product<f64>(c, cStride, p, pRowStride, pStepStride, q, qStride, m, n, k, mode, bias, other);
}

export function product_f32(
  c: usize, cStride: i32, p: usize, pRowStride: i32, pStepStride: i32, q: usize, qStride: i32,
  m: i32, n: i32, k: i32, mode: i32, bias: usize, other: usize,
): void {
  product<f32>(c, cStride, p, pRowStride, pStepStride, q, qStride, m, n, k, mode, bias, other);
}

export function transpose_f64(dst: usize, src: usize, rows: i32, cols: i32): void {
  transpose<f64>(dst, src, rows, cols);
}

export function transpose_f32(dst: usize, src: usize, rows: i32, cols: i32): void {
  transpose<f32>(dst, src, rows, cols);
}

// ---- optimizer updates ------------------------------------------------------
//
// The optimizers' elementwise passes (server/src/nn/optimizers.ts), with the
// numbers of their JavaScript: every step in f64, a stored value rounded to
// the storage type and read back rounded, exactly as a Float32Array does. So
// f32 storage is widened to f64x2 lanes, computed, and narrowed when stored.
// No sum runs across elements, so the order question does not arise.
// The one exception is an f32 run's weight penalty, single-precision arithmetic by definition
// (docs/language.md §7.2): penalize4 computes it in f32x4, four weights at a time.

// Two f32 at a time: loaded into the low half and widened, or narrowed and
// stored from the low half. (Moving the high half down instead costs a shuffle
// per vector, and shuffles share one execution port with the conversions.)
// @ts-ignore: decorator
@inline function widen(ptr: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(ptr));
}
// @ts-ignore: decorator
@inline function narrow(x: v128): v128 {
  return f32x4.demote_f64x2_zero(x);
}
// @ts-ignore: decorator
@inline function store2(ptr: usize, narrowed: v128): void {
  v128.store64_lane(ptr, narrowed, 0);
}
/** The value a Float32Array would hold after storing x, read back: x rounded to f32, in f64. */
// @ts-ignore: decorator
@inline function rounded(narrowed: v128): v128 {
  return f64x2.promote_low_f32x4(narrowed);
}

/**
 * docs/language.md §7.2: a weight's gradient with the penalty, g + λ2·θ + λ1·sign(θ), a term whose weight is 0
 * skipped (so a penalty of 0 is none), as nn/regularization.ts adds it: λ1·sign(θ) is λ1 − 0, 0 − λ1 or 0 − 0.
 */
// @ts-ignore: decorator
@inline function penalized(g: v128, theta: v128, useL1: bool, useL2: bool, L1: v128, L2: v128): v128 {
  let out = g;
  if (useL2) out = f64x2.add(out, f64x2.mul(L2, theta));
  if (useL1) {
    // λ1 with θ's sign bit flipped into it where θ < 0, and +0 where θ is ±0 or NaN (|θ| > 0 false): the values
    // λ1 − 0, 0 − λ1 and 0 − 0 exactly, in four bit operations and one comparison.
    const signed = v128.xor(L1, v128.and(theta, f64x2.splat(-0.0)));
    out = f64x2.add(out, v128.and(signed, f64x2.gt(f64x2.abs(theta), f64x2.splat(0))));
  }
  return out;
}

/** The scalar form of `penalized`. */
// @ts-ignore: decorator
@inline function penalizedScalar(g: f64, theta: f64, l1: f64, l2: f64): f64 {
  let out = g;
  if (l2 != 0) out += l2 * theta;
  if (l1 != 0) out += theta > 0 ? l1 : theta < 0 ? -l1 : 0;
  return out;
}

/**
 * f32: the mean gradient of two elements, stored back rounded (the two lanes of `narrow`); the step uses the
 * unrounded mean, as computed. With `given`, the two are already the gradient to step on (the penalty pass
 * wrote them): read as stored.
 */
// @ts-ignore: decorator
@inline function meanGradient32(gradient: usize, B: v128, given: bool): v128 {
  if (given) return widen(gradient);
  const g = f64x2.div(widen(gradient), B);
  store2(gradient, narrow(g));
  return g;
}

/** The scalar form of meanGradient32, for a last odd element. */
// @ts-ignore: decorator
@inline function meanGradientScalar32(gradient: usize, batch: f64, given: bool): f64 {
  if (given) return <f64>load<f32>(gradient);
  const g = <f64>load<f32>(gradient) / batch;
  store<f32>(gradient, <f32>g);
  return g;
}

/** The largest batch whose size f32 holds exactly (2²⁴): up to it, f32x4.div divides by it as the reference does. */
// @ts-ignore: decorator
@inline const EXACT_F32_INTEGER: f64 = 16777216;

/**
 * docs/language.md §7.2, precision f32: the penalized gradients of four weights in single precision, written over
 * their Σg: g = f32(Σg / B); with λ2, g = f32(g + f32(λ2·θ)); with λ1, g = f32(g + λ1·sign(θ)); λ1 and λ2 are
 * rounded to single precision (nn/regularization.ts penalizeGradient). An f32x4 operation on single-precision
 * operands gives the double-precision result rounded, so these are that function's numbers, when B is exact in
 * f32 (at most 2²⁴; a larger batch takes penalizeScalar32).
 */
// @ts-ignore: decorator
@inline function penalize4(gradient: usize, theta: usize, B: v128, useL1: bool, useL2: bool, L1: v128, L2: v128): void {
  let g = f32x4.div(v128.load(gradient), B);
  const th = v128.load(theta);
  if (useL2) g = f32x4.add(g, f32x4.mul(L2, th));
  if (useL1) {
    // λ1 with θ's sign bit flipped into it where θ < 0, and +0 where θ is ±0 or NaN (|θ| > 0 false).
    const signed = v128.xor(L1, v128.and(th, f32x4.splat(-0.0)));
    g = f32x4.add(g, v128.and(signed, f32x4.gt(f32x4.abs(th), f32x4.splat(0))));
  }
  v128.store(gradient, g);
}

/** The scalar form of penalize4, for one weight and any B (the quotient in double, rounded, as the reference's). */
// @ts-ignore: decorator
@inline function penalizeScalar32(gradient: usize, theta: usize, batch: f64, l1: f32, l2: f32): void {
  const th = load<f32>(theta);
  let g = <f32>(<f64>load<f32>(gradient) / batch);
  if (l2 != 0) g = g + l2 * th;
  if (l1 != 0) g = g + (th > 0 ? l1 : th < 0 ? -l1 : <f32>0);
  store<f32>(gradient, g);
}

/** The f32 penalty's pass on its own over `length` weights (nn/regularization.ts penalizeGradient). */
function penalizePass32(theta: usize, gradient: usize, length: i32, batch: f64, l1: f64, l2: f64): void {
  const useL1 = <f32>l1 != 0, useL2 = <f32>l2 != 0;
  if (batch > EXACT_F32_INTEGER || (!useL1 && !useL2)) penalizeLoop32(theta, gradient, 0, length, batch, l1, l2, false, useL1, useL2);
  else if (!useL1) penalizeLoop32(theta, gradient, length, length, batch, l1, l2, false, false, true);
  else if (!useL2) penalizeLoop32(theta, gradient, length, length, batch, l1, l2, true, true, false);
  else penalizeLoop32(theta, gradient, length, length, batch, l1, l2, true, true, true);
}

/** penalizePass32's loop: the first `vectors` weights (rounded down to fours) by penalize4, the rest one at a time. */
// @ts-ignore: decorator
@inline function penalizeLoop32(theta: usize, gradient: usize, vectors: i32, length: i32, batch: f64, l1: f64, l2: f64, vectorL1: bool, useL1: bool, useL2: bool): void {
  const B = f32x4.splat(<f32>batch), L1 = f32x4.splat(<f32>l1), L2 = f32x4.splat(<f32>l2);
  let i = 0;
  for (; i + 4 <= vectors; i += 4) penalize4(gradient + (<usize>i << 2), theta + (<usize>i << 2), B, vectorL1, useL2, L1, L2);
  for (; i < length; i++) penalizeScalar32(gradient + (<usize>i << 2), theta + (<usize>i << 2), batch, useL1 ? <f32>l1 : 0, useL2 ? <f32>l2 : 0);
}

/**
 * sgd: g ← Σg / batch (stored back); v ← μv − ηg; θ ← θ + v. With l1 or l2 (sgd_penalized), g is the
 * penalized mean, stored and used as stored (nn/trainer.ts applyUpdate: the penalty pass, then the step with batch 1).
 */
// @ts-ignore: decorator
@inline function sgd64(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64): void {
  if (l1 != 0) {
    if (l2 != 0) sgd64Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true, true);
    else sgd64Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true, false);
  } else if (l2 != 0) sgd64Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, false, true);
  else sgd64Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, false, false);
}

/** sgd64's pass, its penalty terms fixed by the constant flags of its caller (a loop per combination), two pairs an iteration. */
// @ts-ignore: decorator
@inline function sgd64Pass(
  theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64, useL1: bool, useL2: bool,
): void {
  const B = f64x2.splat(batch), M = f64x2.splat(momentum), R = f64x2.splat(rate), L1 = f64x2.splat(l1), L2 = f64x2.splat(l2);
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const at = <usize>i << 3;
    sgdPair64(theta + at, gradient + at, velocity + at, B, M, R, useL1, useL2, L1, L2);
    sgdPair64(theta + at + 16, gradient + at + 16, velocity + at + 16, B, M, R, useL1, useL2, L1, L2);
  }
  if (i + 2 <= length) {
    const at = <usize>i << 3;
    sgdPair64(theta + at, gradient + at, velocity + at, B, M, R, useL1, useL2, L1, L2);
    i += 2;
  }
  for (; i < length; i++) {
    const at = <usize>i << 3;
    const g = penalizedScalar(load<f64>(gradient + at) / batch, load<f64>(theta + at), useL1 ? l1 : 0, useL2 ? l2 : 0);
    store<f64>(gradient + at, g);
    const v = momentum * load<f64>(velocity + at) - rate * g;
    store<f64>(velocity + at, v);
    store<f64>(theta + at, load<f64>(theta + at) + v);
  }
}

/** sgd on the two f64 elements at theta, gradient and velocity. */
// @ts-ignore: decorator
@inline function sgdPair64(theta: usize, gradient: usize, velocity: usize, B: v128, M: v128, R: v128, useL1: bool, useL2: bool, L1: v128, L2: v128): void {
  const th = v128.load(theta);
  const g = penalized(f64x2.div(v128.load(gradient), B), th, useL1, useL2, L1, L2);
  v128.store(gradient, g);
  const v = f64x2.sub(f64x2.mul(M, v128.load(velocity)), f64x2.mul(R, g));
  v128.store(velocity, v);
  v128.store(theta, f64x2.add(th, v));
}

/**
 * sgd32's pass. With `penalize`, each block of four weights is first penalized (penalize4, its terms fixed by the
 * constant flags of the caller, so that each combination is a loop of its own) and then steps on its gradient as
 * stored; `given`: the gradients are already the ones to step on. Two independent pairs of elements an iteration.
 */
// @ts-ignore: decorator
@inline function sgd32Pass(
  theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64,
  penalize: bool, useL1: bool, useL2: bool, given: bool,
): void {
  const B = f64x2.splat(batch), M = f64x2.splat(momentum), R = f64x2.splat(rate);
  const B32 = f32x4.splat(<f32>batch), L1 = f32x4.splat(<f32>l1), L2 = f32x4.splat(<f32>l2);
  const stored = given || penalize;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const at = <usize>i << 2;
    if (penalize) penalize4(gradient + at, theta + at, B32, useL1, useL2, L1, L2);
    sgdPair32(theta + at, gradient + at, velocity + at, B, M, R, stored);
    sgdPair32(theta + at + 8, gradient + at + 8, velocity + at + 8, B, M, R, stored);
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    if (penalize) penalizeScalar32(gradient + at, theta + at, batch, useL1 ? <f32>l1 : 0, useL2 ? <f32>l2 : 0);
    const g = meanGradientScalar32(gradient + at, batch, stored);
    store<f32>(velocity + at, <f32>(momentum * <f64>load<f32>(velocity + at) - rate * g));
    store<f32>(theta + at, <f32>(<f64>load<f32>(theta + at) + <f64>load<f32>(velocity + at)));
  }
}

/** sgd on the two f32 elements at theta, gradient and velocity. */
// @ts-ignore: decorator
@inline function sgdPair32(theta: usize, gradient: usize, velocity: usize, B: v128, M: v128, R: v128, given: bool): void {
  const th = widen(theta);
  const g = meanGradient32(gradient, B, given);
  const v = narrow(f64x2.sub(f64x2.mul(M, widen(velocity)), f64x2.mul(R, g)));
  store2(velocity, v);
  store2(theta, narrow(f64x2.add(th, rounded(v))));
}

/**
 * sgd: g ← Σg / batch (stored back); v ← μv − ηg; θ ← θ + v. With `penalty` (sgd_penalized), g is the f32
 * penalized mean of penalize4, stored and used as stored (nn/trainer.ts applyUpdate: the penalty pass, then the
 * step with batch 1).
 */
// @ts-ignore: decorator
@inline function sgd32(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64, penalty: bool): void {
  const useL1 = <f32>l1 != 0, useL2 = <f32>l2 != 0;
  if (!penalty) sgd32Pass(theta, gradient, velocity, length, batch, momentum, rate, 0, 0, false, false, false, false);
  else if (batch > EXACT_F32_INTEGER || (!useL1 && !useL2)) {
    penalizePass32(theta, gradient, length, batch, l1, l2);
    sgd32Pass(theta, gradient, velocity, length, batch, momentum, rate, 0, 0, false, false, false, true);
  } else if (!useL1) sgd32Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true, false, true, false);
  else if (!useL2) sgd32Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true, true, false, false);
  else sgd32Pass(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true, true, true, false);
}

export function sgd_f64(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64): void {
  sgd64(theta, gradient, velocity, length, batch, momentum, rate, 0, 0);
}

export function sgd_f32(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64): void {
  sgd32(theta, gradient, velocity, length, batch, momentum, rate, 0, 0, false);
}

/** sgd on a layer's weights with `regularize` (docs/language.md §7.2): the penalty and the step in one pass. */
export function sgd_penalized_f64(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64): void {
  sgd64(theta, gradient, velocity, length, batch, momentum, rate, l1, l2);
}

export function sgd_penalized_f32(theta: usize, gradient: usize, velocity: usize, length: i32, batch: f64, momentum: f64, rate: f64, l1: f64, l2: f64): void {
  sgd32(theta, gradient, velocity, length, batch, momentum, rate, l1, l2, true);
}

/**
 * adam: g ← Σg / batch (stored back); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g g;
 * θ ← θ − η (m / c1) / (√(v / c2) + ε), with m and v as stored. With l1 or l2, g is the penalized mean, as sgd's.
 */
// @ts-ignore: decorator
@inline function adam64(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64, l1: f64, l2: f64,
  useL1: bool, useL2: bool,
): void {
  const B = f64x2.splat(batch), B1 = f64x2.splat(beta1), C1 = f64x2.splat(oneMinusBeta1);
  const B2 = f64x2.splat(beta2), C2 = f64x2.splat(oneMinusBeta2), R = f64x2.splat(rate), E = f64x2.splat(epsilon);
  const K1 = f64x2.splat(correction1), K2 = f64x2.splat(correction2), L1 = f64x2.splat(l1), L2 = f64x2.splat(l2);
  let i = 0;
  for (; i + 2 <= length; i += 2) {
    const at = <usize>i << 3;
    const th = v128.load(theta + at);
    const g = penalized(f64x2.div(v128.load(gradient + at), B), th, useL1, useL2, L1, L2);
    v128.store(gradient + at, g);
    const m = f64x2.add(f64x2.mul(B1, v128.load(first + at)), f64x2.mul(C1, g));
    v128.store(first + at, m);
    const v = f64x2.add(f64x2.mul(B2, v128.load(second + at)), f64x2.mul(f64x2.mul(C2, g), g));
    v128.store(second + at, v);
    const step = f64x2.div(f64x2.mul(R, f64x2.div(m, K1)), f64x2.add(f64x2.sqrt(f64x2.div(v, K2)), E));
    v128.store(theta + at, f64x2.sub(th, step));
  }
  for (; i < length; i++) {
    const at = <usize>i << 3;
    const g = penalizedScalar(load<f64>(gradient + at) / batch, load<f64>(theta + at), useL1 ? l1 : 0, useL2 ? l2 : 0);
    store<f64>(gradient + at, g);
    const m = beta1 * load<f64>(first + at) + oneMinusBeta1 * g;
    store<f64>(first + at, m);
    const v = beta2 * load<f64>(second + at) + oneMinusBeta2 * g * g;
    store<f64>(second + at, v);
    store<f64>(theta + at, load<f64>(theta + at) - (rate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon));
  }
}

// @ts-ignore: decorator
@inline function adam32(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64, given: bool,
): void {
  const B = f64x2.splat(batch), B1 = f64x2.splat(beta1), C1 = f64x2.splat(oneMinusBeta1);
  const B2 = f64x2.splat(beta2), C2 = f64x2.splat(oneMinusBeta2), R = f64x2.splat(rate), E = f64x2.splat(epsilon);
  const K1 = f64x2.splat(correction1), K2 = f64x2.splat(correction2);
  let i = 0;
  for (; i + 2 <= length; i += 2) {
    const at = <usize>i << 2;
    const th = widen(theta + at);
    const g = meanGradient32(gradient + at, B, given);
    const m = narrow(f64x2.add(f64x2.mul(B1, widen(first + at)), f64x2.mul(C1, g)));
    store2(first + at, m);
    const v = narrow(f64x2.add(f64x2.mul(B2, widen(second + at)), f64x2.mul(f64x2.mul(C2, g), g)));
    store2(second + at, v);
    const step = f64x2.div(f64x2.mul(R, f64x2.div(rounded(m), K1)), f64x2.add(f64x2.sqrt(f64x2.div(rounded(v), K2)), E));
    store2(theta + at, narrow(f64x2.sub(th, step)));
  }
  for (; i < length; i++) {
    const at = <usize>i << 2;
    const g = meanGradientScalar32(gradient + at, batch, given);
    store<f32>(first + at, <f32>(beta1 * <f64>load<f32>(first + at) + oneMinusBeta1 * g));
    store<f32>(second + at, <f32>(beta2 * <f64>load<f32>(second + at) + oneMinusBeta2 * g * g));
    const m = <f64>load<f32>(first + at);
    const v = <f64>load<f32>(second + at);
    store<f32>(theta + at, <f32>(<f64>load<f32>(theta + at) - (rate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon)));
  }
}

export function adam_f64(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64,
): void {
  adam64(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, 0, 0, false, false);
}

export function adam_f32(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64,
): void {
  adam32(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, false);
}

/** adam on a layer's weights with `regularize` (docs/language.md §7.2): the penalty and the step in one pass. */
export function adam_penalized_f64(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64, l1: f64, l2: f64,
): void {
  // One loop per combination of terms (constant flags), as sgd64's.
  if (l1 != 0) {
    if (l2 != 0) adam64(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, l1, l2, true, true);
    else adam64(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, l1, l2, true, false);
  } else if (l2 != 0) adam64(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, l1, l2, false, true);
  else adam64(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, 0, 0, false, false);
}

export function adam_penalized_f32(
  theta: usize, gradient: usize, first: usize, second: usize, length: i32, batch: f64,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, rate: f64, epsilon: f64, correction1: f64, correction2: f64, l1: f64, l2: f64,
): void {
  // The f32 penalty's pass, then the step on its gradients as stored (nn/trainer.ts applyUpdate).
  penalizePass32(theta, gradient, length, batch, l1, l2);
  adam32(theta, gradient, first, second, length, batch, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rate, epsilon, correction1, correction2, true);
}

// ---- whole batches ------------------------------------------------------------
// The trainer's batch and epoch loop for small networks, on these kernels (batches.ts).
export { run_f64, run_f32, evaluate_f64, evaluate_f32, gather_f64, gather_f32 } from './batches';
