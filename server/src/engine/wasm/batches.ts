// Whole batches and epochs of the trainer in one WebAssembly call: the loop of server/src/nn/trainer.ts and backprop.ts, step for step.
//
// For a small network the arithmetic of a batch is a few hundred multiply-adds,
// and calling a kernel per product (ten calls a batch, each across the
// JavaScript boundary) and running the trainer's JavaScript between them costs
// far more than the arithmetic. This runs what trainer.ts runs for a batch —
// gather, forward, loss and δ⁽ᴸ⁾, backpropagation, gradients, the optimizer —
// and, where the batch is the whole training part (no shuffling), whole epochs
// with their validation pass, then returns. With dropout it draws each chunk's
// masks from the dropout stream (nn/rng.ts's xoshiro128**, its state handed in
// and out by the plan) as nn/dropout.ts does; with a penalty it penalizes the
// weights' gradients as nn/regularization.ts does. The numbers are the trainer's, bit
// for bit (test/engine/batches.test.ts): the same products (kernels.ts), and
// each elementwise formula below is the JavaScript one of activations.ts,
// losses.ts and optimizers.ts, in the same order, in f64, each stored value
// rounded by the storage type (f32 with `precision f32`) and read back rounded,
// as a Float32Array does. e^x, tanh, log and log1p are imported from the
// JavaScript Math object, so they are the functions the JavaScript path calls.
//
// The trainer describes itself once, in a plan (i32 words written by
// engine/batchPlan.ts), and passes run-time numbers in an f64 block; their layout,
// the codes below and the helpers' control block are engine/layout.ts's, through
// layout.ts here, which the build generates from it.

import {
  adam_f32, adam_f64, adam_penalized_f32, adam_penalized_f64, product_f32, product_f64, sgd_f32, sgd_f64, sgd_penalized_f32, sgd_penalized_f64,
  transpose_f32, transpose_f64,
} from './kernels';
import {
  ACTIVATION_LEAKY_RELU, ACTIVATION_LINEAR, ACTIVATION_RELU, ACTIVATION_SIGMOID, ACTIVATION_SOFTMAX, ACTIVATION_TANH,
  CONTROL_FAILED, CONTROL_GENERATION, CONTROL_JOBS, CONTROL_PENDING, CONTROL_READY,
  EPILOGUE_ADD, EPILOGUE_BIAS_COPY, EPILOGUE_BIAS_RELU, EPILOGUE_RELU_MASK, EPILOGUE_STORE, EPOCHS_PER_CALL,
  F_BETA1, F_BETA1_POWER, F_BETA2, F_BETA2_POWER, F_EPOCH_LOSS, F_EPSILON, F_EVALUATED_LOSS, F_L1, F_L2, F_MOMENTUM, F_POWER_UPDATE, F_RATE, F_STOP_LOSS,
  F_STOP_VALIDATION_LOSS,
  JOB_FLOATS, JOB_GATHER_F32, JOB_GATHER_F64, JOB_PRODUCT_F32, JOB_PRODUCT_F64, JOB_SGD_F32, JOB_SGD_F64, JOB_WORDS,
  L_A, L_ACTIVATION, L_BIAS_GRADIENTS, L_BIASES, L_DELTA, L_DROP_THRESHOLD, L_MASK, L_OUTPUT, L_SIZE, L_WEIGHT_GRADIENTS, L_WEIGHT_UPDATES, L_WEIGHTS, L_Z,
  LAYER_WORDS,
  LOSS_CROSS_ENTROPY_SIGMOID, LOSS_CROSS_ENTROPY_SOFTMAX, LOSS_MSE, LOSS_MSE_SOFTMAX,
  MATH_LEAKY_RELU_SLOPE, MATH_LOG_FLOOR,
  P_BATCH_SIZE, P_BLOCK_LENGTH, P_CAPACITY, P_CLASSIFICATION, P_CONTROL, P_CONTROL_FLOATS, P_CORRECT, P_CURSOR, P_DROPOUT, P_DROPOUT_SCALES, P_EPOCHS_DONE,
  P_GRADIENTS, P_HELPERS, P_LAYER_BASE, P_LAYERS, P_LOSS, P_OPTIMIZER, P_ORDER, P_PARAMETERS, P_RANDOM, P_RECORDS, P_REGULARIZE, P_SCRATCH, P_STATE1, P_STATE2,
  P_STATUS,
  P_TARGET_COLUMNS, P_TRAIN_COUNT, P_TRAIN_INPUTS, P_TRAIN_TARGETS, P_UPDATES, P_VALIDATION_COUNT, P_VALIDATION_INPUTS, P_VALIDATION_TARGETS,
  PARALLEL_AWAIT_SPINS, PARALLEL_GATHER_MINIMUM, PARALLEL_PRODUCT_MINIMUM, PARALLEL_SGD_MINIMUM,
  STATUS_DIVERGED_BATCH, STATUS_RUNNING, STATUS_STOPPED,
} from './layout';

// @ts-ignore: decorator
@external('env', 'exp') declare function exp(x: f64): f64;
// @ts-ignore: decorator
@external('env', 'tanh') declare function tanh(x: f64): f64;
// @ts-ignore: decorator
@external('env', 'log') declare function log(x: f64): f64;
// @ts-ignore: decorator
@external('env', 'log1p') declare function log1p(x: f64): f64;

// @ts-ignore: decorator
@inline function word(plan: usize, index: i32): i32 {
  return load<i32>(plan + (<usize>index << 2));
}
// @ts-ignore: decorator
@inline function setWord(plan: usize, index: i32, value: i32): void {
  store<i32>(plan + (<usize>index << 2), value);
}
// @ts-ignore: decorator
@inline function layer(plan: usize, k: i32, field: i32): i32 {
  return word(plan, P_LAYER_BASE + k * LAYER_WORDS + field);
}
// @ts-ignore: decorator
@inline function float(floats: usize, index: i32): f64 {
  return load<f64>(floats + (<usize>index << 3));
}
// @ts-ignore: decorator
@inline function setFloat(floats: usize, index: i32, value: f64): void {
  store<f64>(floats + (<usize>index << 3), value);
}
/** Element i of a vector of the storage type, as the f64 JavaScript reads from it. */
// @ts-ignore: decorator
@inline function get<T>(base: usize, i: i32): f64 {
  return <f64>load<T>(base + (<usize>i << alignof<T>()));
}
/** Stores an f64 into a vector of the storage type: rounded to f32 there, as a Float32Array does. */
// @ts-ignore: decorator
@inline function put<T>(base: usize, i: i32, value: f64): void {
  store<T>(base + (<usize>i << alignof<T>()), <T>value);
}

/** A product of kernels.ts, called (not inlined: one copy of its code keeps the module small and quick to compile). */
// @ts-ignore: decorator
@inline function product<T>(
  c: usize, cStride: i32, p: usize, pRow: i32, pStep: i32, q: usize, qStride: i32,
  m: i32, n: i32, k: i32, mode: i32, bias: usize, other: usize,
): void {
  if (sizeof<T>() == 4) product_f32(c, cStride, p, pRow, pStep, q, qStride, m, n, k, mode, bias, other);
  else product_f64(c, cStride, p, pRow, pStep, q, qStride, m, n, k, mode, bias, other);
}

/** A product, shared with the helper threads when it is large enough (the JavaScript kernels' rule). */
// @ts-ignore: decorator
@inline function multiply<T>(
  c: usize, cStride: i32, p: usize, pRow: i32, pStep: i32, q: usize, qStride: i32,
  m: i32, n: i32, k: i32, mode: i32, bias: usize, other: usize,
): void {
  if (helpersReady() && <i64>m * <i64>n * <i64>k >= <i64>PARALLEL_PRODUCT_MINIMUM && n >= 16) shareProduct<T>(c, cStride, p, pRow, pStep, q, qStride, m, n, k, mode, bias, other);
  else product<T>(c, cStride, p, pRow, pStep, q, qStride, m, n, k, mode, bias, other);
}

// ---- helper threads (nn train --threads N) ------------------------------------
//
// The protocol of engine/threads.ts and engine/kernels.ts, on the same control block
// in this memory: a product's rows or columns, an sgd pass's elements and a gather's
// samples are cut into one range per thread, this one taking the first; every element
// is computed whole by one thread, so the numbers are those of one thread.

/** The helpers of the call in progress, their control block and its f64 area (set from the plan by run and evaluate). */
let helpers: i32 = 0;
let control: usize = 0;
let controlFloats: usize = 0;

// @ts-ignore: decorator
@inline function controlWord(index: i32): usize {
  return control + (<usize>index << 2);
}

/** Whether every helper has started: until then everything runs on this thread. */
// @ts-ignore: decorator
@inline function helpersReady(): bool {
  return helpers > 0 && atomic.load<i32>(controlWord(CONTROL_READY)) == helpers;
}

/** Publishes the jobs written into the control block (the generation's store orders them) and wakes the helpers. */
function wakeHelpers(): void {
  atomic.store<i32>(controlWord(CONTROL_FAILED), 0);
  atomic.store<i32>(controlWord(CONTROL_PENDING), helpers);
  const generation = atomic.load<i32>(controlWord(CONTROL_GENERATION));
  atomic.store<i32>(controlWord(CONTROL_GENERATION), generation >= 0x3fffffff ? 1 : generation + 1);
  atomic.notify(controlWord(CONTROL_GENERATION));
}

/** Waits until every helper has finished its part (watching a while first: the parts take about as long). */
function awaitHelpers(): void {
  const at = controlWord(CONTROL_PENDING);
  let pending = atomic.load<i32>(at);
  for (let spin = 0; pending != 0 && spin < PARALLEL_AWAIT_SPINS; spin++) pending = atomic.load<i32>(at);
  while (pending != 0) {
    atomic.wait<i32>(at, pending);
    pending = atomic.load<i32>(at);
  }
  if (atomic.load<i32>(controlWord(CONTROL_FAILED)) != 0) unreachable(); // a helper's kernel threw
}

/**
 * One product cut into one range per thread, the first on this thread: ranges of rows (whole
 * 4-row tiles) where P has more rows than Q has columns, else of columns (whole 8-column tiles),
 * so that each thread reads a part of the larger operand and all of the smaller.
 */
function shareProduct<T>(
  c: usize, cStride: i32, p: usize, pRow: i32, pStep: i32, q: usize, qStride: i32,
  m: i32, n: i32, k: i32, mode: i32, bias: usize, other: usize,
): void {
  const size = <i32>sizeof<T>();
  const byRows = m > n;
  const tile = byRows ? 4 : 8;
  const extent = byRows ? m : n;
  const part = (extent + tile * (helpers + 1) - 1) / (tile * (helpers + 1)) * tile;
  for (let h = 0; h < helpers; h++) {
    const start = min((h + 1) * part, extent);
    const count = min(part, extent - start);
    // Rows row..row+rows−1 and columns column..column+columns−1 of C.
    const row = byRows ? start : 0, rows = byRows ? count : m;
    const column = byRows ? 0 : start, columns = byRows ? n : count;
    const job = controlWord(CONTROL_JOBS + h * JOB_WORDS);
    store<i32>(job, size == 4 ? JOB_PRODUCT_F32 : JOB_PRODUCT_F64);
    store<i32>(job, <i32>(c + <usize>((row * cStride + column) * size)), 4);
    store<i32>(job, cStride, 8);
    store<i32>(job, <i32>(p + <usize>(row * pRow * size)), 12);
    store<i32>(job, pRow, 16);
    store<i32>(job, pStep, 20);
    store<i32>(job, <i32>(q + <usize>(column * size)), 24);
    store<i32>(job, qStride, 28);
    store<i32>(job, rows, 32);
    store<i32>(job, columns, 36);
    store<i32>(job, k, 40);
    store<i32>(job, mode, 44);
    store<i32>(job, bias ? <i32>(bias + <usize>(row * size)) : 0, 48);
    store<i32>(job, <i32>other, 52);
  }
  wakeHelpers();
  product<T>(c, cStride, p, pRow, pStep, q, qStride, byRows ? min(part, m) : m, byRows ? n : min(part, n), k, mode, bias, other);
  awaitHelpers();
}

/** The sgd pass of kernels.ts, its elements shared with the helpers (ranges of whole cache lines) when it is long enough. */
function sgd<T>(theta: usize, gradient: usize, velocity: usize, n: i32, batch: f64, momentum: f64, rate: f64): void {
  if (!helpersReady() || n < PARALLEL_SGD_MINIMUM) {
    if (sizeof<T>() == 4) sgd_f32(theta, gradient, velocity, n, batch, momentum, rate);
    else sgd_f64(theta, gradient, velocity, n, batch, momentum, rate);
    return;
  }
  const size = <i32>sizeof<T>();
  const width = (n + 16 * (helpers + 1) - 1) / (16 * (helpers + 1)) * 16;
  for (let h = 0; h < helpers; h++) {
    const start = min((h + 1) * width, n);
    const offset = <usize>(start * size);
    const job = controlWord(CONTROL_JOBS + h * JOB_WORDS);
    store<i32>(job, size == 4 ? JOB_SGD_F32 : JOB_SGD_F64);
    store<i32>(job, <i32>(theta + offset), 4);
    store<i32>(job, <i32>(gradient + offset), 8);
    store<i32>(job, <i32>(velocity + offset), 12);
    store<i32>(job, min(width, n - start), 16);
    const at = controlFloats + <usize>(h * JOB_FLOATS * 8);
    store<f64>(at, batch);
    store<f64>(at, momentum, 8);
    store<f64>(at, rate, 16);
  }
  wakeHelpers();
  if (sizeof<T>() == 4) sgd_f32(theta, gradient, velocity, min(width, n), batch, momentum, rate);
  else sgd_f64(theta, gradient, velocity, min(width, n), batch, momentum, rate);
  awaitHelpers();
}

/** The helpers of a plan, for the call that starts. */
// @ts-ignore: decorator
@inline function useHelpers(plan: usize): void {
  helpers = word(plan, P_HELPERS);
  control = <usize>word(plan, P_CONTROL);
  controlFloats = <usize>word(plan, P_CONTROL_FLOATS);
}

// @ts-ignore: decorator
@inline function transposeInto<T>(dst: usize, src: usize, rows: i32, cols: i32): void {
  if (sizeof<T>() == 4) transpose_f32(dst, src, rows, cols);
  else transpose_f64(dst, src, rows, cols);
}

// ---- activations.ts -----------------------------------------------------------

/** σ(z) = 1/(1 + e^−z), written so that e^x never overflows (one e^z where the JavaScript computes it twice: same value). */
// @ts-ignore: decorator
@inline function sigmoid(z: f64): f64 {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}

/** act′(z) given z and a = act(z), for the elementwise activations. */
// @ts-ignore: decorator
@inline function derivative(activation: i32, z: f64, a: f64): f64 {
  if (activation == ACTIVATION_SIGMOID) return a * (1 - a);
  if (activation == ACTIVATION_TANH) return 1 - a * a;
  if (activation == ACTIVATION_RELU) return z > 0 ? 1 : 0;
  if (activation == ACTIVATION_LEAKY_RELU) return z > 0 ? 1 : MATH_LEAKY_RELU_SLOPE;
  return 1;
}

/** softmaxColumn: a = e^{z − max z} / Σ e^{z − max z} down one column; NaN throughout when max z is not finite. */
function softmaxColumn<T>(z: usize, a: usize, units: i32, columns: i32, column: i32): void {
  let max = -Infinity;
  for (let l = 0, i = column; l < units; l++, i += columns) if (get<T>(z, i) > max) max = get<T>(z, i);
  if (!isFinite<f64>(max)) {
    for (let l = 0, i = column; l < units; l++, i += columns) put<T>(a, i, NaN);
    return;
  }
  let sum: f64 = 0;
  for (let l = 0, i = column; l < units; l++, i += columns) sum += exp(get<T>(z, i) - max);
  for (let l = 0, i = column; l < units; l++, i += columns) put<T>(a, i, exp(get<T>(z, i) - max) / sum);
}

/** logSumExpColumn: log Σ e^z of one column, without overflow. */
function logSumExpColumn<T>(z: usize, units: i32, columns: i32, column: i32): f64 {
  let max = -Infinity;
  for (let l = 0, i = column; l < units; l++, i += columns) if (get<T>(z, i) > max) max = get<T>(z, i);
  if (!isFinite<f64>(max)) return max == -Infinity ? -Infinity : NaN;
  let sum: f64 = 0;
  for (let l = 0, i = column; l < units; l++, i += columns) sum += exp(get<T>(z, i) - max);
  return max + log(sum);
}

/** addBiasAndActivate: z ← z + b (z holds W a on entry), a = act(z); the activation sees the sum before z's rounding. */
function addBiasAndActivate<T>(activation: i32, biases: usize, z: usize, a: usize, units: i32, columns: i32): void {
  for (let l = 0; l < units; l++) {
    const b = get<T>(biases, l);
    const end = (l + 1) * columns;
    for (let i = l * columns; i < end; i++) {
      const v = get<T>(z, i) + b;
      put<T>(z, i, v);
      let out = v;
      if (activation == ACTIVATION_SIGMOID) out = sigmoid(v);
      else if (activation == ACTIVATION_TANH) out = tanh(v);
      else if (activation == ACTIVATION_RELU) out = v > 0 ? v : 0;
      else if (activation == ACTIVATION_LEAKY_RELU) out = v > 0 ? v : MATH_LEAKY_RELU_SLOPE * v;
      put<T>(a, i, out);
    }
  }
  if (activation == ACTIVATION_SOFTMAX) for (let s = 0; s < columns; s++) softmaxColumn<T>(z, a, units, columns, s);
}

/** multiplyByDerivative: δ ← δ ⊙ act′(z), in place (never softmax: it is only allowed last). */
function multiplyByDerivative<T>(activation: i32, z: usize, a: usize, delta: usize, count: i32): void {
  if (activation == ACTIVATION_LINEAR) return;
  for (let i = 0; i < count; i++) put<T>(delta, i, get<T>(delta, i) * derivative(activation, get<T>(z, i), get<T>(a, i)));
}

// ---- losses.ts ----------------------------------------------------------------

/** lossAndDelta of sample `column`: writes δ⁽ᴸ⁾ and returns the sample's loss. */
function lossAndDelta<T>(kind: i32, activation: i32, z: usize, a: usize, y: usize, delta: usize, units: i32, columns: i32, column: i32): f64 {
  let sum: f64 = 0;
  if (kind == LOSS_MSE) {
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const error = get<T>(a, i) - get<T>(y, i);
      sum += error * error;
      put<T>(delta, i, error * derivative(activation, get<T>(z, i), get<T>(a, i)));
    }
    return 0.5 * sum;
  }
  if (kind == LOSS_MSE_SOFTMAX) {
    let weighted: f64 = 0;
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const error = get<T>(a, i) - get<T>(y, i);
      sum += error * error;
      weighted += get<T>(a, i) * error;
    }
    for (let l = 0, i = column; l < units; l++, i += columns) put<T>(delta, i, get<T>(a, i) * (get<T>(a, i) - get<T>(y, i) - weighted));
    return 0.5 * sum;
  }
  if (kind == LOSS_CROSS_ENTROPY_SOFTMAX) {
    const lse = logSumExpColumn<T>(z, units, columns, column);
    let targetSum: f64 = 0;
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const target = get<T>(y, i);
      targetSum += target;
      if (target != 0) sum += target * (lse - get<T>(z, i));
    }
    for (let l = 0, i = column; l < units; l++, i += columns) put<T>(delta, i, get<T>(a, i) * targetSum - get<T>(y, i));
    return sum;
  }
  if (kind == LOSS_CROSS_ENTROPY_SIGMOID) {
    for (let l = 0, i = column; l < units; l++, i += columns) {
      const zi = get<T>(z, i);
      // softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^−|z|)
      sum += (zi > 0 ? zi : 0) + log1p(exp(-abs<f64>(zi))) - get<T>(y, i) * zi;
      put<T>(delta, i, get<T>(a, i) - get<T>(y, i));
    }
    return sum;
  }
  // LOSS_CROSS_ENTROPY_OTHER
  for (let l = 0, i = column; l < units; l++, i += columns) {
    const target = get<T>(y, i);
    const output = get<T>(a, i);
    if (target == 0) {
      put<T>(delta, i, 0);
      continue;
    }
    sum -= target * log(max<f64>(output, MATH_LOG_FLOOR)); // f64.max keeps a NaN, as Math.max does
    put<T>(delta, i, output > MATH_LOG_FLOOR ? (-target / output) * derivative(activation, get<T>(z, i), output) : 0);
  }
  return sum;
}

/** isCorrect: whether the output of sample `s` picks the target's class. */
function isCorrect<T>(classification: i32, a: usize, y: usize, units: i32, columns: i32, s: i32): bool {
  if (classification == 1) return (get<T>(a, s) >= 0.5 ? 1 : 0) == get<T>(y, s);
  if (classification == 2) {
    let best = 0;
    let target = 0;
    for (let l = 1, i = columns + s; l < units; l++, i += columns) {
      if (get<T>(a, i) > get<T>(a, best * columns + s)) best = l;
      if (get<T>(y, i) > get<T>(y, target * columns + s)) target = l;
    }
    return best == target && isFinite<f64>(get<T>(a, best * columns + s));
  }
  return false;
}

// ---- rng.ts, dropout.ts and regularization.ts -----------------------------------

/** The dropout stream's xoshiro128** state during a call (loaded from the plan by run, stored back at its end). */
let random0: u32 = 0;
let random1: u32 = 0;
let random2: u32 = 0;
let random3: u32 = 0;

/**
 * drawMasks: m⁽ᵏ⁾ of a chunk's `columns` samples, sample by sample, layer by layer, unit by unit: 0 when the draw is below ⌊P·2³²⌋, else 1/(1 − P).
 * The generator's state is held in locals for the whole chunk (Rng.nextUint32's integer steps, written out): the module's globals live in memory, and a
 * chain of stores and loads through them per draw cost more than the draw's arithmetic.
 */
function drawMasks<T>(plan: usize, columns: i32): void {
  const L = word(plan, P_LAYERS);
  const scales = <usize>word(plan, P_DROPOUT_SCALES);
  let s0 = random0, s1 = random1, s2 = random2, s3 = random3;
  for (let s = 0; s < columns; s++) {
    for (let k = 1; k < L; k++) {
      const mask = <usize>layer(plan, k, L_MASK);
      if (!mask) continue;
      const threshold = <u32>layer(plan, k, L_DROP_THRESHOLD);
      // The scale's bits, and-ed with all ones (kept) or zeros (dropped): +0 or the scale without a branch per draw.
      const scale = load<f64>(scales + (<usize>k << 3));
      const bits32 = reinterpret<u32>(<f32>scale);
      const bits64 = reinterpret<u64>(scale);
      const units = layer(plan, k, L_SIZE);
      const step = <usize>columns << alignof<T>();
      let at = mask + (<usize>s << alignof<T>());
      for (let j = 0; j < units; j++, at += step) {
        const draw = rotl<u32>(s1 * 5, 7) * 9;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        const kept = -<u32>(draw >= threshold);
        if (sizeof<T>() == 4) store<u32>(at, bits32 & kept);
        else store<u64>(at, bits64 & (<u64>kept | (<u64>kept << 32)));
      }
    }
  }
  random0 = s0;
  random1 = s1;
  random2 = s2;
  random3 = s3;
}

/**
 * multiplyByMask: out ← a ⊙ m over `count` elements, a vector at a time. In f32 the product of two singles
 * is exact in f64, so the single-precision product is the JavaScript's f64 product rounded as it stores it.
 */
function multiplyByMask<T>(a: usize, mask: usize, out: usize, count: i32): void {
  const lanes = <i32>(16 / sizeof<T>());
  let i = 0;
  for (; i + lanes <= count; i += lanes) {
    const at = <usize>i * sizeof<T>();
    v128.store(out + at, sizeof<T>() == 4 ? f32x4.mul(v128.load(a + at), v128.load(mask + at)) : f64x2.mul(v128.load(a + at), v128.load(mask + at)));
  }
  for (; i < count; i++) put<T>(out, i, get<T>(a, i) * get<T>(mask, i));
}

/** penaltyOf: λ1 Σ|w| + ½λ2 Σw² over the weights of layers 1..L, summed layer by layer in order. */
function penaltyOf<T>(plan: usize, floats: usize): f64 {
  const L = word(plan, P_LAYERS);
  let absolute: f64 = 0;
  let squares: f64 = 0;
  for (let k = 1; k <= L; k++) {
    const w = <usize>layer(plan, k, L_WEIGHTS);
    const count = layer(plan, k, L_SIZE) * layer(plan, k - 1, L_SIZE);
    for (let i = 0; i < count; i++) {
      const v = get<T>(w, i);
      absolute += abs<f64>(v);
      squares += v * v;
    }
  }
  return float(floats, F_L1) * absolute + 0.5 * float(floats, F_L2) * squares;
}

// ---- backprop.ts and trainer.ts: the passes -----------------------------------

/** gather: samples start.. of a part (through `order` when it is not 0) into a⁽⁰⁾ and y, one column each. */
function gather<T>(plan: usize, inputs: usize, targets: usize, order: usize, start: i32, columns: i32): void {
  const width = layer(plan, 0, L_SIZE) + layer(plan, word(plan, P_LAYERS), L_SIZE);
  if (!helpersReady() || columns * width < PARALLEL_GATHER_MINIMUM) {
    gatherColumns<T>(plan, inputs, targets, order, start, columns, 0, columns);
    return;
  }
  // The chunk's columns in one range per thread (whole 16-column runs), the first on this thread.
  const part = (columns + 16 * (helpers + 1) - 1) / (16 * (helpers + 1)) * 16;
  const size = <i32>sizeof<T>();
  for (let h = 0; h < helpers; h++) {
    const job = controlWord(CONTROL_JOBS + h * JOB_WORDS);
    store<i32>(job, size == 4 ? JOB_GATHER_F32 : JOB_GATHER_F64);
    store<i32>(job, <i32>plan, 4);
    store<i32>(job, <i32>inputs, 8);
    store<i32>(job, <i32>targets, 12);
    store<i32>(job, <i32>order, 16);
    store<i32>(job, start, 20);
    store<i32>(job, columns, 24);
    store<i32>(job, min((h + 1) * part, columns), 28);
    store<i32>(job, min((h + 2) * part, columns), 32);
  }
  wakeHelpers();
  gatherColumns<T>(plan, inputs, targets, order, start, columns, 0, min(part, columns));
  awaitHelpers();
}

/** gather's columns from..to−1 of a chunk of `columns` (a helper thread's part, or all of them). */
function gatherColumns<T>(plan: usize, inputs: usize, targets: usize, order: usize, start: i32, columns: i32, from: i32, to: i32): void {
  const L = word(plan, P_LAYERS);
  const inputWidth = layer(plan, 0, L_SIZE);
  const targetWidth = layer(plan, L, L_SIZE);
  const x = <usize>layer(plan, 0, L_A);
  const y = <usize>word(plan, P_TARGET_COLUMNS);
  for (let s = from; s < to; s++) {
    const row = order ? load<i32>(order + (<usize>(start + s) << 2)) : start + s;
    for (let c = 0, i = s; c < inputWidth; c++, i += columns) put<T>(x, i, load<f64>(inputs + (<usize>(row * inputWidth + c) << 3)));
    for (let c = 0, i = s; c < targetWidth; c++, i += columns) put<T>(y, i, load<f64>(targets + (<usize>(row * targetWidth + c) << 3)));
  }
}

/**
 * forward: z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾, a⁽ᵏ⁾ = act(z⁽ᵏ⁾), k = 1..L (relu and linear in the product's own pass);
 * in `training` with dropout, ã⁽ᵏ⁾ = a⁽ᵏ⁾ ⊙ m⁽ᵏ⁾ of each layer with a mask, which the next layer reads.
 */
function forward<T>(plan: usize, columns: i32, training: bool): void {
  const L = word(plan, P_LAYERS);
  const input = training ? L_OUTPUT : L_A;
  for (let k = 1; k <= L; k++) {
    const units = layer(plan, k, L_SIZE);
    const inputs = layer(plan, k - 1, L_SIZE);
    const activation = layer(plan, k, L_ACTIVATION);
    const z = <usize>layer(plan, k, L_Z);
    const a = <usize>layer(plan, k, L_A);
    const w = <usize>layer(plan, k, L_WEIGHTS);
    const b = <usize>layer(plan, k, L_BIASES);
    const previous = <usize>layer(plan, k - 1, input);
    if (activation == ACTIVATION_RELU || activation == ACTIVATION_LINEAR) {
      multiply<T>(z, columns, w, inputs, 1, previous, columns, units, columns, inputs, activation == ACTIVATION_RELU ? EPILOGUE_BIAS_RELU : EPILOGUE_BIAS_COPY, b, a - z);
    } else {
      multiply<T>(z, columns, w, inputs, 1, previous, columns, units, columns, inputs, EPILOGUE_STORE, 0, 0);
      addBiasAndActivate<T>(activation, b, z, a, units, columns);
    }
    const mask = <usize>layer(plan, k, L_MASK);
    if (training && mask) multiplyByMask<T>(a, mask, <usize>layer(plan, k, L_OUTPUT), units * columns);
  }
}

/** backpropagate: δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾), k = L−1..1, then ⊙ m⁽ᵏ⁾ for a layer with a mask (training only calls this). */
function backpropagate<T>(plan: usize, columns: i32): void {
  const L = word(plan, P_LAYERS);
  for (let k = L - 1; k >= 1; k--) {
    const units = layer(plan, k, L_SIZE);
    const above = layer(plan, k + 1, L_SIZE);
    const activation = layer(plan, k, L_ACTIVATION);
    const delta = <usize>layer(plan, k, L_DELTA);
    const z = <usize>layer(plan, k, L_Z);
    const w = <usize>layer(plan, k + 1, L_WEIGHTS);
    const deltaAbove = <usize>layer(plan, k + 1, L_DELTA);
    if (activation == ACTIVATION_RELU) {
      multiply<T>(delta, columns, w, 1, units, deltaAbove, columns, units, columns, above, EPILOGUE_RELU_MASK, 0, z - delta);
    } else {
      multiply<T>(delta, columns, w, 1, units, deltaAbove, columns, units, columns, above, EPILOGUE_STORE, 0, 0);
      multiplyByDerivative<T>(activation, z, <usize>layer(plan, k, L_A), delta, units * columns);
    }
    const mask = <usize>layer(plan, k, L_MASK);
    if (mask) multiplyByMask<T>(delta, mask, delta, units * columns);
  }
}

/** accumulateGradients: ∂L/∂W⁽ᵏ⁾ (+)= δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ (ã⁽ᵏ⁻¹⁾ with dropout), ∂L/∂b⁽ᵏ⁾ (+)= Σ δ⁽ᵏ⁾ over the chunk. */
function accumulateGradients<T>(plan: usize, columns: i32, accumulate: bool): void {
  const L = word(plan, P_LAYERS);
  const scratch = <usize>word(plan, P_SCRATCH);
  for (let k = 1; k <= L; k++) {
    const units = layer(plan, k, L_SIZE);
    const inputs = layer(plan, k - 1, L_SIZE);
    const delta = <usize>layer(plan, k, L_DELTA);
    // The kernel reads rows of Q: a⁽ᵏ⁻¹⁾ᵀ is made once (n·k moves against m·n·k multiply-adds).
    transposeInto<T>(scratch, <usize>layer(plan, k - 1, L_OUTPUT), inputs, columns);
    multiply<T>(<usize>layer(plan, k, L_WEIGHT_GRADIENTS), inputs, delta, columns, 1, scratch, inputs, units, inputs, columns, accumulate ? EPILOGUE_ADD : EPILOGUE_STORE, 0, 0);
    const biasGradient = <usize>layer(plan, k, L_BIAS_GRADIENTS);
    for (let j = 0; j < units; j++) {
      let sum: f64 = 0;
      for (let s = 0, i = j * columns; s < columns; s++, i++) sum += get<T>(delta, i);
      put<T>(biasGradient, j, accumulate ? get<T>(biasGradient, j) + sum : sum);
    }
  }
}

/** The loss sum and correct count of `rows` samples of a part under the current weights (trainer.ts evaluate). */
function evaluatePart<T>(plan: usize, floats: usize, inputs: usize, targets: usize, rows: i32): i32 {
  const L = word(plan, P_LAYERS);
  const capacity = word(plan, P_CAPACITY);
  const kind = word(plan, P_LOSS);
  const classification = word(plan, P_CLASSIFICATION);
  const activation = layer(plan, L, L_ACTIVATION);
  const units = layer(plan, L, L_SIZE);
  const z = <usize>layer(plan, L, L_Z), a = <usize>layer(plan, L, L_A), delta = <usize>layer(plan, L, L_DELTA);
  const y = <usize>word(plan, P_TARGET_COLUMNS);
  let lossSum: f64 = 0;
  let correct = 0;
  for (let chunk = 0; chunk < rows; chunk += capacity) {
    const columns = min(capacity, rows - chunk);
    gather<T>(plan, inputs, targets, 0, chunk, columns);
    forward<T>(plan, columns, false);
    for (let s = 0; s < columns; s++) {
      lossSum += lossAndDelta<T>(kind, activation, z, a, y, delta, units, columns, s);
      if (isCorrect<T>(classification, a, y, units, columns, s)) correct++;
    }
  }
  setFloat(floats, F_EVALUATED_LOSS, lossSum);
  return correct;
}

/**
 * The optimizer's step on the whole parameter block (optimizers.ts apply, as the kernels run it); with a penalty,
 * as trainer.ts applyUpdate: per layer, W's step on its penalized gradient (one pass of the penalized kernel:
 * the numbers of the penalty pass then a step with batch 1), then b's step.
 */
function applyOptimizer<T>(plan: usize, floats: usize, batchSize: i32, update: i32): void {
  const parameters = <usize>word(plan, P_PARAMETERS);
  const gradients = <usize>word(plan, P_GRADIENTS);
  if (word(plan, P_OPTIMIZER) != 0) {
    // adam's β1ᵗ and β2ᵗ by repeated multiplication, once per update.
    let beta1Power = float(floats, F_BETA1_POWER);
    let beta2Power = float(floats, F_BETA2_POWER);
    let powerUpdate = <i32>float(floats, F_POWER_UPDATE);
    while (powerUpdate < update) {
      beta1Power *= float(floats, F_BETA1);
      beta2Power *= float(floats, F_BETA2);
      powerUpdate++;
    }
    setFloat(floats, F_BETA1_POWER, beta1Power);
    setFloat(floats, F_BETA2_POWER, beta2Power);
    setFloat(floats, F_POWER_UPDATE, <f64>powerUpdate);
  }
  const batch = <f64>batchSize;
  if (word(plan, P_REGULARIZE) == 0) {
    stepPiece<T>(plan, floats, parameters, gradients, word(plan, P_BLOCK_LENGTH), batch, 0, 0);
    return;
  }
  const l1 = float(floats, F_L1), l2 = float(floats, F_L2);
  const L = word(plan, P_LAYERS);
  for (let k = 1; k <= L; k++) {
    const units = layer(plan, k, L_SIZE);
    stepPiece<T>(plan, floats, <usize>layer(plan, k, L_WEIGHTS), <usize>layer(plan, k, L_WEIGHT_GRADIENTS), units * layer(plan, k - 1, L_SIZE), batch, l1, l2);
    stepPiece<T>(plan, floats, <usize>layer(plan, k, L_BIASES), <usize>layer(plan, k, L_BIAS_GRADIENTS), units, batch, 0, 0);
  }
}

/**
 * The optimizer's pass over `length` parameters from `theta` (their gradient sums at `gradient`, their state at
 * the same offset in the state arrays), penalized with l1 or l2; adam's powers are the f64 block's.
 */
function stepPiece<T>(plan: usize, floats: usize, theta: usize, gradient: usize, length: i32, batch: f64, l1: f64, l2: f64): void {
  const offset = theta - <usize>word(plan, P_PARAMETERS);
  const state1 = <usize>word(plan, P_STATE1) + offset;
  const rate = float(floats, F_RATE);
  const penalty = l1 != 0 || l2 != 0;
  if (word(plan, P_OPTIMIZER) == 0) {
    const momentum = float(floats, F_MOMENTUM);
    if (!penalty) sgd<T>(theta, gradient, state1, length, batch, momentum, rate);
    else if (sizeof<T>() == 4) sgd_penalized_f32(theta, gradient, state1, length, batch, momentum, rate, l1, l2);
    else sgd_penalized_f64(theta, gradient, state1, length, batch, momentum, rate, l1, l2);
    return;
  }
  const state2 = <usize>word(plan, P_STATE2) + offset;
  const beta1 = float(floats, F_BETA1), beta2 = float(floats, F_BETA2), epsilon = float(floats, F_EPSILON);
  const c1 = 1 - float(floats, F_BETA1_POWER), c2 = 1 - float(floats, F_BETA2_POWER);
  // 1 − β is formed here, in f64, as optimizers.ts forms it.
  if (sizeof<T>() == 4) {
    if (penalty) adam_penalized_f32(theta, gradient, state1, state2, length, batch, beta1, 1 - beta1, beta2, 1 - beta2, rate, epsilon, c1, c2, l1, l2);
    else adam_f32(theta, gradient, state1, state2, length, batch, beta1, 1 - beta1, beta2, 1 - beta2, rate, epsilon, c1, c2);
  } else if (penalty) adam_penalized_f64(theta, gradient, state1, state2, length, batch, beta1, 1 - beta1, beta2, 1 - beta2, rate, epsilon, c1, c2, l1, l2);
  else adam_f64(theta, gradient, state1, state2, length, batch, beta1, 1 - beta1, beta2, 1 - beta2, rate, epsilon, c1, c2);
}

/** ΔW bookkeeping of an epoch's last update: W before it (as f64) into the ΔW buffers, or ΔW = W after − W before. */
function recordWeights<T>(plan: usize, after: bool): void {
  const L = word(plan, P_LAYERS);
  for (let k = 1; k <= L; k++) {
    const count = layer(plan, k, L_SIZE) * layer(plan, k - 1, L_SIZE);
    const w = <usize>layer(plan, k, L_WEIGHTS);
    const dw = <usize>layer(plan, k, L_WEIGHT_UPDATES);
    for (let i = 0; i < count; i++) {
      const at = dw + (<usize>i << 3);
      store<f64>(at, after ? get<T>(w, i) - load<f64>(at) : get<T>(w, i));
    }
  }
}

/**
 * trainer.ts runBatch, up to `maxBatches` batches from the cursor, never past the
 * end of the epoch in progress; with a whole-part batch (nothing to shuffle), up
 * to `maxEpochs` epochs, each finished as finishEpoch does (its record, the
 * validation pass, the stop rule). Leaves the state in the plan and f64 block;
 * returns the batches run (a diverged one included).
 */
function run<T>(plan: usize, floats: usize, maxBatches: i32, maxEpochs: i32): i32 {
  const L = word(plan, P_LAYERS);
  const capacity = word(plan, P_CAPACITY);
  const kind = word(plan, P_LOSS);
  const classification = word(plan, P_CLASSIFICATION);
  const activation = layer(plan, L, L_ACTIVATION);
  const units = layer(plan, L, L_SIZE);
  const z = <usize>layer(plan, L, L_Z), a = <usize>layer(plan, L, L_A), delta = <usize>layer(plan, L, L_DELTA);
  const y = <usize>word(plan, P_TARGET_COLUMNS);
  const trainCount = word(plan, P_TRAIN_COUNT);
  const batchSize = word(plan, P_BATCH_SIZE);
  const order = <usize>word(plan, P_ORDER);
  const inputs = <usize>word(plan, P_TRAIN_INPUTS), targets = <usize>word(plan, P_TRAIN_TARGETS);
  const validationCount = word(plan, P_VALIDATION_COUNT);
  const records = <usize>word(plan, P_RECORDS);
  const stopLoss = float(floats, F_STOP_LOSS);
  const stopValidationLoss = float(floats, F_STOP_VALIDATION_LOSS);
  const dropout = word(plan, P_DROPOUT) != 0;
  const regularize = word(plan, P_REGULARIZE) != 0;
  random0 = <u32>word(plan, P_RANDOM);
  random1 = <u32>word(plan, P_RANDOM + 1);
  random2 = <u32>word(plan, P_RANDOM + 2);
  random3 = <u32>word(plan, P_RANDOM + 3);
  let cursor = word(plan, P_CURSOR);
  let updates = word(plan, P_UPDATES);
  let correct = word(plan, P_CORRECT);
  let epochLoss = float(floats, F_EPOCH_LOSS);
  let status = STATUS_RUNNING;
  let epochs = 0;
  let batches = 0;
  while (batches < maxBatches) {
    const start = cursor;
    const end = min(start + batchSize, trainCount);
    let lossSum: f64 = 0;
    for (let chunk = start; chunk < end; chunk += capacity) {
      const columns = min(capacity, end - chunk);
      gather<T>(plan, inputs, targets, order, chunk, columns);
      if (dropout) drawMasks<T>(plan, columns);
      forward<T>(plan, columns, true);
      for (let s = 0; s < columns; s++) {
        lossSum += lossAndDelta<T>(kind, activation, z, a, y, delta, units, columns, s);
        if (isCorrect<T>(classification, a, y, units, columns, s)) correct++;
      }
      backpropagate<T>(plan, columns);
      accumulateGradients<T>(plan, columns, chunk > start);
    }
    batches++;
    epochLoss += lossSum;
    cursor = end;
    if (!isFinite<f64>(lossSum)) {
      status = STATUS_DIVERGED_BATCH;
      break;
    }
    updates++;
    const last = end == trainCount;
    if (last) recordWeights<T>(plan, false);
    applyOptimizer<T>(plan, floats, end - start, updates);
    if (!last) continue;
    recordWeights<T>(plan, true);
    // finishEpoch, and the epoch report's validation pass.
    const loss = epochLoss / <f64>trainCount;
    const record = records + (<usize>epochs << 3);
    const column = <usize>EPOCHS_PER_CALL << 3;
    store<f64>(record, loss);
    store<f64>(record + column, <f64>correct / <f64>trainCount);
    if (regularize) store<f64>(record + 4 * column, penaltyOf<T>(plan, floats));
    let validationLoss: f64 = NaN;
    if (validationCount > 0) {
      const validationCorrect = evaluatePart<T>(
        plan, floats, <usize>word(plan, P_VALIDATION_INPUTS), <usize>word(plan, P_VALIDATION_TARGETS), validationCount,
      );
      validationLoss = float(floats, F_EVALUATED_LOSS) / <f64>validationCount;
      store<f64>(record + 2 * column, validationLoss);
      store<f64>(record + 3 * column, <f64>validationCorrect / <f64>validationCount);
    }
    epochs++;
    cursor = 0;
    epochLoss = 0;
    correct = 0;
    if (!isFinite<f64>(loss) || loss < stopLoss || validationLoss < stopValidationLoss) {
      status = STATUS_STOPPED;
      break;
    }
    // Another epoch only when its order needs no shuffle (the batch is the whole part).
    if (epochs >= maxEpochs || batchSize < trainCount) break;
  }
  setWord(plan, P_CURSOR, cursor);
  setWord(plan, P_UPDATES, updates);
  setWord(plan, P_CORRECT, correct);
  setWord(plan, P_STATUS, status);
  setWord(plan, P_EPOCHS_DONE, epochs);
  setWord(plan, P_RANDOM, <i32>random0);
  setWord(plan, P_RANDOM + 1, <i32>random1);
  setWord(plan, P_RANDOM + 2, <i32>random2);
  setWord(plan, P_RANDOM + 3, <i32>random3);
  setFloat(floats, F_EPOCH_LOSS, epochLoss);
  return batches;
}

export function run_f64(plan: usize, floats: usize, maxBatches: i32, maxEpochs: i32): i32 {
  useHelpers(plan);
  return run<f64>(plan, floats, maxBatches, maxEpochs);
}

export function run_f32(plan: usize, floats: usize, maxBatches: i32, maxEpochs: i32): i32 {
  useHelpers(plan);
  return run<f32>(plan, floats, maxBatches, maxEpochs);
}

/** trainer.ts evaluate on `rows` samples at inputs/targets (f64, row-major): returns the correct count, the loss sum in the f64 block. */
export function evaluate_f64(plan: usize, floats: usize, inputs: usize, targets: usize, rows: i32): i32 {
  useHelpers(plan);
  return evaluatePart<f64>(plan, floats, inputs, targets, rows);
}

export function evaluate_f32(plan: usize, floats: usize, inputs: usize, targets: usize, rows: i32): i32 {
  useHelpers(plan);
  return evaluatePart<f32>(plan, floats, inputs, targets, rows);
}

/** A helper thread's part of a gather (JOB_GATHER_*). */
export function gather_f64(plan: usize, inputs: usize, targets: usize, order: usize, start: i32, columns: i32, from: i32, to: i32): void {
  gatherColumns<f64>(plan, inputs, targets, order, start, columns, from, to);
}

export function gather_f32(plan: usize, inputs: usize, targets: usize, order: usize, start: i32, columns: i32, from: i32, to: i32): void {
  gatherColumns<f32>(plan, inputs, targets, order, start, columns, from, to);
}
