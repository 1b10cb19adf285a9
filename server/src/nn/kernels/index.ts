// The matrix kernels of the trainer's forward and backward passes: one interface, a WebAssembly SIMD implementation and a plain TypeScript one with bit-identical results.
//
// Every matrix is row-major and packed (row stride = its column count), as in
// the trainer, where activations and deltas are units × samples:
//   forward   Z = W A (+ b)      multiply / multiplyAddBias / …Activate (relu, linear fused)
//   deltas    D⁽ᵏ⁻¹⁾ = Wᵀ D⁽ᵏ⁾  multiplyTransposedLeft / …Relu (⊙ relu′(z) fused)
//   gradient  G (+)= D Aᵀ        multiplyTransposedRight
// and the optimizers' elementwise updates (sgdUpdate, adamUpdate), which only
// repeat optimizers.ts's JavaScript steps in SIMD lanes.
// Contract on the numbers (docs/language.md §4.17: same file, seed and precision give
// the same numbers bit for bit): each element of C is ONE sum over the shared
// dimension in increasing order, started at +0, with a separate multiply and
// add per term; then + C (accumulate) or + b. `f32` kernels use Float32Array
// storage and single-precision arithmetic throughout. Both implementations obey
// it exactly (test/kernels), so which one runs never shows in the results.
//
// Buffers: `allocate` returns zeroed vectors that the WebAssembly kernels use in
// place. Any other Float64Array/Float32Array of the right precision works too
// (it is copied in and out), only slower. C must not overlap A, B or b.

import type { Vector } from '../activations';
import { adamUpdate, Epilogue, product32, product64, sgdUpdate, type Product } from './reference';
import { createWasmKernels, type KernelHelpers } from './wasm';

export { compiledKernels, helperFailure } from './wasm';

export type { KernelHelpers } from './wasm';
export type { StartHelpers } from './threads';

export type Precision = 'f64' | 'f32';
export type KernelImplementation = 'wasm-simd' | 'typescript';

export interface MatrixKernels {
  readonly precision: Precision;
  /** Which implementation runs; results are the same either way. */
  readonly implementation: KernelImplementation;
  /** Threads that large products are shared between right now (1, or 1 + helpers once they have started). */
  readonly threads: number;
  /** A zeroed vector of `length` elements that the kernels read and write without copying. */
  allocate(length: number): Vector;
  /** Zeroed f64 and i32 arrays beside the vectors (data, ΔW, a shuffle order), for the batch program. */
  allocateFloat64(length: number): Float64Array;
  allocateInt32(length: number): Int32Array;
  /**
   * The trainer's batch and epoch loop in one call (server/wasm/batches.ts, driven by
   * nn/batchPlan.ts), or null where it cannot run: on the TypeScript path. With helper
   * threads it shares its large products and sgd passes with them, as the kernels do.
   */
  readonly batches: BatchProgram | null;
  /** C (m×n) = A (m×k) · B (k×n). */
  multiply(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void;
  /** C (m×n) = A (m×k) · B (k×n) + bias (one per row of C): z = W a + b, the sum formed first. */
  multiplyAddBias(c: Vector, a: Vector, b: Vector, bias: Vector, m: number, n: number, k: number): void;
  /**
   * The forward step of a layer in one pass: z = C (m×n) = A (m×k) · B (k×n) + bias,
   * and out = act(z) for act = relu (z > 0 ? z : +0) or linear (z): the numbers of
   * multiplyAddBias followed by that activation on the stored z.
   */
  multiplyAddBiasActivate(
    c: Vector, out: Vector, a: Vector, b: Vector, bias: Vector, m: number, n: number, k: number, activation: 'relu' | 'linear',
  ): void;
  /** C (m×n) = Aᵀ · B, with A stored k×m and B k×n. */
  multiplyTransposedLeft(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void;
  /** C = (Aᵀ · B) ⊙ relu′(z): each sum times (z > 0 ? 1 : 0), z m×n; the hidden delta of a relu layer in one pass. */
  multiplyTransposedLeftRelu(c: Vector, a: Vector, b: Vector, z: Vector, m: number, n: number, k: number): void;
  /** C (m×n) = A · Bᵀ, with A stored m×k and B n×k; with `accumulate`, C += A · Bᵀ (the sum formed first). */
  multiplyTransposedRight(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number, accumulate: boolean): void;
  /**
   * The sgd step of optimizers.ts on whole arrays: g ← Σg / batchSize (written
   * back), v ← μv − ηg, θ ← θ + v. Each element on its own, with the numbers of
   * that JavaScript (f64 steps, stored values rounded by their array).
   */
  sgdUpdate(parameters: Vector, gradientSum: Vector, velocity: Vector, batchSize: number, momentum: number, learningRate: number): void;
  /** The adam step of optimizers.ts: g ← Σg / batchSize; m, v updated; θ ← θ − η (m / c1) / (√(v / c2) + ε). */
  adamUpdate(
    parameters: Vector, gradientSum: Vector, firstMoments: Vector, secondMoments: Vector, batchSize: number,
    beta1: number, beta2: number, learningRate: number, epsilon: number, correction1: number, correction2: number,
  ): void;
}

/** The whole-batch program of the WebAssembly kernels; every address is a byte offset in their memory. */
export interface BatchProgram {
  /** Runs batches (and, with a whole-part batch, epochs) as the plan says; returns the batches run. */
  run(plan: number, floats: number, maxBatches: number, maxEpochs: number): number;
  /** The loss sum (into the f64 block) and correct count of `rows` samples at inputs/targets. */
  evaluate(plan: number, floats: number, inputs: number, targets: number, rows: number): number;
  /** The helper threads the program shares its work with (0: none), and the address of their control block. */
  readonly helpers: number;
  readonly control: number;
  /**
   * Whether a helper's kernel threw during the last shared job. The program then stops with a
   * WebAssembly trap (server/wasm/batches.ts awaitHelpers), which says nothing of why.
   */
  readonly helperFailed: boolean;
  /** The address of a vector, f64 or i32 array allocated by these kernels (throws for any other). */
  address(vector: Vector | Float64Array | Int32Array): number;
  /**
   * Instantiates a module of the network compiler (nn/codegen) on these kernels' memory, with
   * Math's functions and these kernels' optimizer passes as its imports: its run and evaluate.
   */
  instantiate(bytes: Uint8Array): Pick<BatchProgram, 'run' | 'evaluate'>;
}

/**
 * The kernels for one precision. 'auto' (the default) picks WebAssembly SIMD
 * where it can run and the TypeScript path otherwise; naming an implementation
 * forces it (and throws if WebAssembly SIMD is unavailable). With `helpers`,
 * the SIMD kernels share large products with that many more threads (same
 * numbers; the TypeScript path ignores them).
 */
export function createKernels(
  precision: Precision,
  implementation: KernelImplementation | 'auto' = 'auto',
  helpers?: KernelHelpers,
): MatrixKernels {
  if (implementation !== 'typescript') {
    const wasm = createWasmKernels(precision, helpers);
    if (wasm) return wasm;
    if (implementation === 'wasm-simd') throw new Error('WebAssembly SIMD kernels are not available in this runtime');
  }
  return new TypeScriptKernels(precision);
}

/** Throws unless the vector has the precision's type and holds the matrix it is said to (no allocation: it runs on every call). */
export function checkOperand(precision: Precision, vector: Vector, length: number, name: string): void {
  if (!(precision === 'f32' ? vector instanceof Float32Array : vector instanceof Float64Array)) {
    throw new TypeError(`${name}: expected a ${precision === 'f32' ? 'Float32Array' : 'Float64Array'} for ${precision} kernels`);
  }
  if (vector.length < length) throw new RangeError(`${name}: ${vector.length} elements, the product needs ${length}`);
}

/** The epilogue that writes act(z) beside z. */
export function activationEpilogue(activation: 'relu' | 'linear'): Epilogue {
  if (activation === 'relu') return Epilogue.BiasRelu;
  if (activation === 'linear') return Epilogue.BiasCopy;
  throw new RangeError(`no fused epilogue for ${String(activation)}`);
}

/**
 * The operands of C (m×n) = P · Q, checked before any kernel touches memory: whole dimensions,
 * C of m·n elements, A and B of the lengths their layout needs (k·m for Aᵀ, n·k for Bᵀ).
 * Both implementations call this, so they refuse the same inputs with the same words.
 */
export function checkProduct(
  precision: Precision, m: number, n: number, k: number, c: Vector, a: Vector, aLength: number, b: Vector, bLength: number,
): void {
  checkDimensions(m, n, k);
  checkOperand(precision, c, m * n, 'C');
  checkOperand(precision, a, aLength, 'A');
  checkOperand(precision, b, bLength, 'B');
}

/** The parameters and gradient of an optimizer pass over n elements (its state arrays are checked beside, by name). */
export function checkUpdate(precision: Precision, n: number, parameters: Vector, gradientSum: Vector): void {
  checkOperand(precision, parameters, n, 'parameters');
  checkOperand(precision, gradientSum, n, 'gradient');
}

/** Checks that the dimensions are whole non-negative numbers. */
function checkDimensions(m: number, n: number, k: number): void {
  if (!(Number.isInteger(m) && Number.isInteger(n) && Number.isInteger(k) && m >= 0 && n >= 0 && k >= 0)) {
    throw new RangeError(`matrix dimensions must be non-negative integers, got ${m}, ${n}, ${k}`);
  }
}

/** The plain TypeScript path (reference.ts), on ordinary typed arrays. */
class TypeScriptKernels implements MatrixKernels {
  readonly implementation = 'typescript';
  readonly threads = 1;
  readonly batches = null;
  private readonly product: Product;

  constructor(readonly precision: Precision) {
    this.product = precision === 'f32' ? product32 : product64;
  }

  allocate(length: number): Vector {
    return this.precision === 'f32' ? new Float32Array(length) : new Float64Array(length);
  }

  allocateFloat64(length: number): Float64Array {
    return new Float64Array(length);
  }

  allocateInt32(length: number): Int32Array {
    return new Int32Array(length);
  }

  multiply(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, k * n);
    this.product(c, n, a, k, 1, b, n, 1, m, n, k, Epilogue.Store, null, null);
  }

  multiplyAddBias(c: Vector, a: Vector, b: Vector, bias: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, k * n);
    checkOperand(this.precision, bias, m, 'bias');
    this.product(c, n, a, k, 1, b, n, 1, m, n, k, Epilogue.Bias, bias, null);
  }

  multiplyAddBiasActivate(
    c: Vector, out: Vector, a: Vector, b: Vector, bias: Vector, m: number, n: number, k: number, activation: 'relu' | 'linear',
  ): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, k * n);
    checkOperand(this.precision, out, m * n, 'out');
    checkOperand(this.precision, bias, m, 'bias');
    this.product(c, n, a, k, 1, b, n, 1, m, n, k, activationEpilogue(activation), bias, out);
  }

  multiplyTransposedLeftRelu(c: Vector, a: Vector, b: Vector, z: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, k * m, b, k * n);
    checkOperand(this.precision, z, m * n, 'z');
    this.product(c, n, a, 1, m, b, n, 1, m, n, k, Epilogue.ReluMask, null, z);
  }

  multiplyTransposedLeft(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, k * m, b, k * n);
    this.product(c, n, a, 1, m, b, n, 1, m, n, k, Epilogue.Store, null, null);
  }

  multiplyTransposedRight(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number, accumulate: boolean): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, n * k);
    // Q[t][j] = B[j][t]: B read in place, a step of 1 along t and k between columns.
    this.product(c, n, a, k, 1, b, 1, k, m, n, k, accumulate ? Epilogue.Add : Epilogue.Store, null, null);
  }

  sgdUpdate(parameters: Vector, gradientSum: Vector, velocity: Vector, batchSize: number, momentum: number, learningRate: number): void {
    const n = parameters.length;
    checkUpdate(this.precision, n, parameters, gradientSum);
    checkOperand(this.precision, velocity, n, 'velocity');
    sgdUpdate(parameters, gradientSum, velocity, batchSize, momentum, learningRate);
  }

  adamUpdate(
    parameters: Vector, gradientSum: Vector, firstMoments: Vector, secondMoments: Vector, batchSize: number,
    beta1: number, beta2: number, learningRate: number, epsilon: number, correction1: number, correction2: number,
  ): void {
    const n = parameters.length;
    checkUpdate(this.precision, n, parameters, gradientSum);
    checkOperand(this.precision, firstMoments, n, 'first moments');
    checkOperand(this.precision, secondMoments, n, 'second moments');
    adamUpdate(parameters, gradientSum, firstMoments, secondMoments, batchSize, beta1, beta2, learningRate, epsilon, correction1, correction2);
  }
}
