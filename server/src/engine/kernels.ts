// The WebAssembly SIMD fast paths (nn/fastPath.ts): the products and optimizer passes of wasm/kernels.ts on the trainer's matrices placed in their memory, and, on top, the batch program of wasm/batches.ts.
//
// One compiled module per thread (compiled on first use, synchronously: it is a
// few kilobytes); one memory per SimdKernels, so a finished trainer's memory is
// freed with it, and one instance on it, made when a kernel is first called. The
// memory is shared (a SharedArrayBuffer): growing it never detaches the views
// handed out earlier, so `allocate` can be called at any time, and helper
// threads run kernels on the same memory.

import type { Vector } from '../nn/activations';
import type { BatchRunner, FastPath, Precision, TrainerBuffers } from '../nn/fastPath';
import { BatchPlan, type BatchProgram } from './batchPlan';
import { CONTROL, EPILOGUE, JOB, JOB_FLOATS, JOB_WORDS, PARALLEL } from './layout';
import { controlBytes, floatsOffset, helperFailure, type KernelHelpers } from './threads';
import { KERNELS_WASM_BASE64 } from './wasmBinary';

interface KernelExports {
  product_f64: WasmProduct;
  product_f32: WasmProduct;
  transpose_f64: WasmTranspose;
  transpose_f32: WasmTranspose;
  sgd_f64: WasmSgd;
  sgd_f32: WasmSgd;
  adam_f64: WasmAdam;
  adam_f32: WasmAdam;
  run_f64: BatchProgram['run'];
  run_f32: BatchProgram['run'];
  evaluate_f64: BatchProgram['evaluate'];
  evaluate_f32: BatchProgram['evaluate'];
}
type WasmSgd = (theta: number, gradient: number, velocity: number, length: number, batch: number, momentum: number, rate: number) => void;
type WasmAdam = (
  theta: number, gradient: number, first: number, second: number, length: number, batch: number,
  beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, rate: number, epsilon: number,
  correction1: number, correction2: number,
) => void;
type WasmProduct = (
  c: number, cStride: number, p: number, pRow: number, pStep: number, q: number, qStride: number,
  m: number, n: number, k: number, mode: number, bias: number, other: number,
) => void;
type WasmTranspose = (dst: number, src: number, rows: number, cols: number) => void;

// The few WebAssembly APIs used here (the project's `lib` has no DOM types, where they are declared).
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { exports: object };
}
const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** The module declares at most 65536 pages (4 GiB, all of wasm32). */
const MAXIMUM_PAGES = 65536;
/** Every vector starts on a cache line; the first line stays unused so no vector sits at address 0. */
const ALIGN = 64;

/**
 * A module that uses what the kernels need of the runtime: it imports a shared memory and
 * runs a v128 instruction (`(func (drop (v128.const i64x2 0 0))))`, in the binary format).
 */
const PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
  0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x01, // env.memory, shared, 1..1 pages
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x17, 0x01, 0x15, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x1a, 0x0b, // code: v128.const, drop, end
);

let runs: boolean | undefined;

/** Whether this runtime has WebAssembly SIMD and shared memory (checked once, without compiling the kernels). */
export function simdRuns(): boolean {
  if (runs === undefined) {
    try {
      runs = !!WebAssembly && typeof SharedArrayBuffer === 'function' && WebAssembly.validate(PROBE);
    } catch {
      runs = false;
    }
  }
  return runs;
}

let compiled: WasmModule | undefined;

/**
 * The compiled kernels, where they can run, for helper threads started before a trainer
 * (training/kernelHelpers.ts); null where they cannot.
 */
export function compiledKernels(): object | null {
  return simdRuns() ? kernelModule() : null;
}

/** The compiled module (where simdRuns()). */
function kernelModule(): WasmModule {
  if (compiled) return compiled;
  if (!WebAssembly) throw new Error('WebAssembly is not available');
  // Node's Buffer decodes in native code (a character loop costs milliseconds before V8 optimizes it).
  const nodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'base64'): Uint8Array } }).Buffer;
  let bytes: Uint8Array;
  if (nodeBuffer) bytes = nodeBuffer.from(KERNELS_WASM_BASE64, 'base64');
  else {
    const text = atob(KERNELS_WASM_BASE64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

/**
 * What the module imports besides its memory: the JavaScript functions the trainer's
 * elementwise formulas call (wasm/batches.ts), so both paths compute the same values.
 * Every instance, on any thread, is given these (training/kernelHelpers.ts too).
 */
function kernelImports(memory: WasmMemory): object {
  return { env: { memory, exp: Math.exp, tanh: Math.tanh, log: Math.log, log1p: Math.log1p } };
}

/** Stops a collected kernel set's helper threads. */
const helperStopper = new FinalizationRegistry<{ stop(): void }>((helpers) => helpers.stop());

/**
 * The SIMD kernels for one precision, or null where they cannot run; with `batchProgram`, the
 * batch program runs the trainer's loop on them. With `helpers`, large products, sgd passes and
 * the batch program's gathers are shared with that many more threads (same numbers).
 */
export function createSimdKernels(precision: Precision, batchProgram: boolean, helpers?: KernelHelpers): SimdKernels | null {
  if (!simdRuns() || !WebAssembly) return null;
  let memory: WasmMemory;
  try {
    memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
  } catch {
    return null;
  }
  const kernels = new SimdKernels(precision, memory, batchProgram);
  if (helpers && helpers.count > 0) {
    // In the kernels' memory, where the batch program shares its products through it too.
    const control = kernels.allocateInt32(Math.ceil(controlBytes(helpers.count) / 4));
    const running = helpers.start({ module: kernelModule(), memory, control: control.byteOffset, precision }, helpers.count);
    kernels.useHelpers(control, helpers.count);
    helperStopper.register(kernels, running);
  }
  return kernels;
}

/** A region of the memory reused across calls for operands that live outside it. */
interface Scratch {
  address: number;
  bytes: number;
}

export class SimdKernels implements FastPath {
  readonly name: string;
  private readonly size: number;
  /** The module's instance on this memory, once a kernel has been called. */
  private instance: KernelExports | null = null;
  /** Every buffer object the memory has had (one per size it grew to): a vector on one of them is in place. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** The next free byte. Nothing is ever freed: vectors live as long as the kernels. */
  private top = ALIGN;
  /** Copies of operands that live outside the memory (A, B, C; adam's fourth array), and Bᵀ for multiplyTransposedRight. */
  private readonly scratch: Scratch[] = [0, 1, 2, 3, 4].map(() => ({ address: 0, bytes: 0 }));
  /** The helper threads' control block (threads.ts), and how many there are. */
  private control: Int32Array | null = null;
  /** The helpers' f64 job arguments (JOB_FLOATS per helper). */
  private floats: Float64Array | null = null;
  private helperCount = 0;
  private readonly program: BatchProgram;

  constructor(
    readonly precision: Precision,
    private readonly memory: WasmMemory,
    private readonly withBatchProgram: boolean,
  ) {
    this.name = withBatchProgram ? 'batch-program' : 'simd-kernels';
    this.size = precision === 'f32' ? 4 : 8;
    const wide = precision === 'f64';
    const kernel = (): KernelExports => this.kernel;
    const helpers = (): number => this.helperCount;
    const control = (): number => (this.control ? this.control.byteOffset : 0);
    const failed = (): boolean => this.control !== null && Atomics.load(this.control, CONTROL.failed) !== 0;
    this.program = {
      get helpers() {
        return helpers();
      },
      get control() {
        return control();
      },
      get helperFailed() {
        return failed();
      },
      get run() {
        return wide ? kernel().run_f64 : kernel().run_f32;
      },
      get evaluate() {
        return wide ? kernel().evaluate_f64 : kernel().evaluate_f32;
      },
      address: (vector) => {
        if (!this.buffers.has(vector.buffer)) throw new RangeError('the batch program reads only vectors allocated by its kernels');
        return vector.byteOffset;
      },
    };
    this.buffers.add(memory.buffer);
  }

  /** The kernels' exports, the module instantiated on this memory at the first call. */
  private get kernel(): KernelExports {
    if (!this.instance) {
      if (!WebAssembly) throw new Error('WebAssembly is not available');
      this.instance = new WebAssembly.Instance(kernelModule(), kernelImports(this.memory)).exports as unknown as KernelExports;
    }
    return this.instance;
  }

  private get product(): WasmProduct {
    return this.precision === 'f32' ? this.kernel.product_f32 : this.kernel.product_f64;
  }

  private get transpose(): WasmTranspose {
    return this.precision === 'f32' ? this.kernel.transpose_f32 : this.kernel.transpose_f64;
  }

  private get sgd(): WasmSgd {
    return this.precision === 'f32' ? this.kernel.sgd_f32 : this.kernel.sgd_f64;
  }

  private get adam(): WasmAdam {
    return this.precision === 'f32' ? this.kernel.adam_f32 : this.kernel.adam_f64;
  }

  /** The batch program on these kernels' memory (with helper threads, it shares its products through the same control block), or null. */
  batchRunner(buffers: TrainerBuffers): BatchRunner | null {
    return this.withBatchProgram ? new BatchPlan(this.program, this, buffers) : null;
  }

  allocate(length: number): Vector {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot allocate ${length} elements`);
    const address = this.reserve(length * this.size);
    return this.view(address, length);
  }

  allocateFloat64(length: number): Float64Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot allocate ${length} elements`);
    const address = this.reserve(length * 8); // before reading the buffer: reserving may grow it
    return new Float64Array(this.memory.buffer, address, length);
  }

  allocateInt32(length: number): Int32Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot allocate ${length} elements`);
    const address = this.reserve(length * 4);
    return new Int32Array(this.memory.buffer, address, length);
  }

  multiply(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, k * n);
    const pa = this.place(a, m * k, 0);
    const pb = this.place(b, k * n, 1);
    const pc = this.place(c, m * n, 2, false);
    this.run(pc, n, pa, k, 1, pb, n, m, n, k, EPILOGUE.store, 0);
    this.copyBack(c, pc, m * n);
  }

  multiplyTransposedLeft(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number): void {
    checkProduct(this.precision, m, n, k, c, a, k * m, b, k * n);
    const pa = this.place(a, k * m, 0);
    const pb = this.place(b, k * n, 1);
    const pc = this.place(c, m * n, 2, false);
    // P(i, t) = A[t][i]: a row stride of 1 and a step of m; the rows of B are read as they are.
    this.run(pc, n, pa, 1, m, pb, n, m, n, k, EPILOGUE.store, 0);
    this.copyBack(c, pc, m * n);
  }

  multiplyTransposedRight(c: Vector, a: Vector, b: Vector, m: number, n: number, k: number, accumulate: boolean): void {
    checkProduct(this.precision, m, n, k, c, a, m * k, b, n * k);
    const pa = this.place(a, m * k, 0);
    const pb = this.place(b, n * k, 1);
    const pc = this.place(c, m * n, 2, accumulate);
    // The vectors run along the rows of Q = Bᵀ (k × n), so B (n × k, samples
    // contiguous) is transposed once: n·k moves against m·n·k multiply-adds.
    const bt = this.scratchFor(4, n * k);
    this.transpose(bt, pb, n, k);
    this.run(pc, n, pa, k, 1, bt, n, m, n, k, accumulate ? EPILOGUE.add : EPILOGUE.store, 0);
    this.copyBack(c, pc, m * n);
  }

  get threads(): number {
    const control = this.control;
    return control && Atomics.load(control, CONTROL.ready) === this.helperCount ? this.helperCount + 1 : 1;
  }

  sgdUpdate(parameters: Vector, gradientSum: Vector, velocity: Vector, batchSize: number, momentum: number, learningRate: number): void {
    const n = parameters.length;
    checkUpdate(this.precision, n, parameters, gradientSum);
    checkOperand(this.precision, velocity, n, 'velocity');
    const pp = this.place(parameters, n, 0), pg = this.place(gradientSum, n, 1), pv = this.place(velocity, n, 2);
    this.sgdShared(pp, pg, pv, n, batchSize, momentum, learningRate);
    this.copyBack(parameters, pp, n);
    this.copyBack(gradientSum, pg, n);
    this.copyBack(velocity, pv, n);
  }

  adamUpdate(
    parameters: Vector, gradientSum: Vector, firstMoments: Vector, secondMoments: Vector, batchSize: number,
    beta1: number, beta2: number, learningRate: number, epsilon: number, correction1: number, correction2: number,
  ): void {
    const n = parameters.length;
    checkUpdate(this.precision, n, parameters, gradientSum);
    checkOperand(this.precision, firstMoments, n, 'first moments');
    checkOperand(this.precision, secondMoments, n, 'second moments');
    const pp = this.place(parameters, n, 0), pg = this.place(gradientSum, n, 1);
    const pm = this.place(firstMoments, n, 2), pv = this.place(secondMoments, n, 3);
    // 1 − β is formed here, in f64, as optimizers.ts forms it.
    this.adam(pp, pg, pm, pv, n, batchSize, beta1, 1 - beta1, beta2, 1 - beta2, learningRate, epsilon, correction1, correction2);
    this.copyBack(parameters, pp, n);
    this.copyBack(gradientSum, pg, n);
    this.copyBack(firstMoments, pm, n);
    this.copyBack(secondMoments, pv, n);
  }

  /** Lets products be shared with `count` helper threads through `control`. */
  useHelpers(control: Int32Array, count: number): void {
    this.control = control;
    this.floats = new Float64Array(control.buffer, control.byteOffset + floatsOffset(count), JOB_FLOATS * count);
    this.helperCount = count;
  }

  // ---- the threads ----------------------------------------------------------

  /**
   * One product cut into contiguous ranges, one per thread (this one takes the
   * first): of rows (whole 4-row tiles) where P has more rows than Q has columns,
   * else of columns (whole 8-column tiles), so each thread reads a part of the
   * larger operand and all of the smaller (wasm/batches.ts cuts alike).
   * Each element is computed whole by one thread, in the same order, so the
   * split never shows in the numbers.
   */
  private run(
    c: number, cStride: number, p: number, pRow: number, pStep: number, q: number, qStride: number,
    m: number, n: number, k: number, mode: number, bias: number, other = 0,
  ): void {
    const control = this.control;
    if (!control || m * n * k < PARALLEL.productMinimum || n < 16 || Atomics.load(control, CONTROL.ready) !== this.helperCount) {
      this.product(c, cStride, p, pRow, pStep, q, qStride, m, n, k, mode, bias, other);
      return;
    }
    const flag = this.precision === 'f32' ? JOB.productF32 : JOB.productF64;
    // Ranges of whole 4-row tiles, or of whole 8-column tiles (two f32x4 or four f64x2 vectors);
    // a helper past the end gets 0 of them.
    const byRows = m > n;
    const tile = byRows ? 4 : 8;
    const extent = byRows ? m : n;
    const part = Math.ceil(extent / (this.helperCount + 1) / tile) * tile;
    const size = this.size;
    for (let h = 0; h < this.helperCount; h++) {
      const start = Math.min((h + 1) * part, extent);
      const count = Math.min(part, extent - start);
      // Rows row..row+rows−1 and columns column..column+columns−1 of C.
      const [row, rows, column, columns] = byRows ? [start, count, 0, n] : [0, m, start, count];
      const [cAt, pAt, qAt, biasAt] = [c + (row * cStride + column) * size, p + row * pRow * size, q + column * size, bias ? bias + row * size : 0];
      control.set([flag, cAt, cStride, pAt, pRow, pStep, qAt, qStride, rows, columns, k, mode, biasAt, other], CONTROL.jobs + h * JOB_WORDS);
    }
    this.wakeHelpers(control);
    this.product(c, cStride, p, pRow, pStep, q, qStride, byRows ? Math.min(part, m) : m, byRows ? n : Math.min(part, n), k, mode, bias, other);
    this.awaitHelpers(control);
  }

  /**
   * The sgd pass, its elements cut into contiguous ranges, one per thread (this one
   * takes the first). Each element's update reads and writes only that element, so
   * the split never shows in the numbers.
   */
  private sgdShared(theta: number, gradient: number, velocity: number, n: number, batch: number, momentum: number, rate: number): void {
    const control = this.control;
    const floats = this.floats;
    if (!control || !floats || n < PARALLEL.sgdMinimum || Atomics.load(control, CONTROL.ready) !== this.helperCount) {
      this.sgd(theta, gradient, velocity, n, batch, momentum, rate);
      return;
    }
    // Ranges of whole cache lines (16 f32 or 8 f64); a helper past the end gets 0 elements.
    const width = Math.ceil(n / (this.helperCount + 1) / 16) * 16;
    const kind = this.precision === 'f32' ? JOB.sgdF32 : JOB.sgdF64;
    for (let h = 0; h < this.helperCount; h++) {
      const start = Math.min((h + 1) * width, n);
      const offset = start * this.size;
      const base = CONTROL.jobs + h * JOB_WORDS;
      control[base] = kind;
      control[base + 1] = theta + offset;
      control[base + 2] = gradient + offset;
      control[base + 3] = velocity + offset;
      control[base + 4] = Math.min(width, n - start);
      floats[h * JOB_FLOATS] = batch;
      floats[h * JOB_FLOATS + 1] = momentum;
      floats[h * JOB_FLOATS + 2] = rate;
    }
    this.wakeHelpers(control);
    this.sgd(theta, gradient, velocity, Math.min(width, n), batch, momentum, rate);
    this.awaitHelpers(control);
  }

  /** Publishes the jobs written into the control block (the generation's store orders them) and wakes the helpers. */
  private wakeHelpers(control: Int32Array): void {
    Atomics.store(control, CONTROL.failed, 0);
    Atomics.store(control, CONTROL.pending, this.helperCount);
    const generation = Atomics.load(control, CONTROL.generation);
    Atomics.store(control, CONTROL.generation, generation >= 0x3fffffff ? 1 : generation + 1);
    Atomics.notify(control, CONTROL.generation);
  }

  /** Waits until every helper has finished its part (watching a while first: the parts take about as long). */
  private awaitHelpers(control: Int32Array): void {
    let pending = Atomics.load(control, CONTROL.pending);
    for (let spin = 0; pending !== 0 && spin < PARALLEL.awaitSpins; spin++) pending = Atomics.load(control, CONTROL.pending);
    for (; pending !== 0; pending = Atomics.load(control, CONTROL.pending)) {
      Atomics.wait(control, CONTROL.pending, pending);
    }
    if (Atomics.load(control, CONTROL.failed) !== 0) throw helperFailure();
  }

  // ---- the memory -----------------------------------------------------------

  private view(address: number, length: number): Vector {
    const buffer = this.memory.buffer;
    return this.precision === 'f32' ? new Float32Array(buffer, address, length) : new Float64Array(buffer, address, length);
  }

  /** Reserves `bytes` (zeroed: fresh memory is zero and nothing is reused) and returns their address. */
  private reserve(bytes: number): number {
    const address = this.top;
    const end = address + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAXIMUM_PAGES) throw new RangeError('matrix kernels: out of WebAssembly memory (4 GiB)');
      this.memory.grow(pages);
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    return address;
  }

  /** A scratch region of at least `length` elements; grows (by doubling) and is reused across calls. */
  private scratchFor(slot: number, length: number): number {
    const scratch = this.scratch[slot];
    const bytes = length * this.size;
    if (scratch.bytes < bytes) {
      const grown = Math.max(bytes, 2 * scratch.bytes);
      scratch.address = this.reserve(grown);
      scratch.bytes = grown;
    }
    return scratch.address;
  }

  /** The address of a vector in the memory: itself when it lives there, else a scratch copy (copied in when read). */
  private place(vector: Vector, length: number, slot: number, read = true): number {
    if (this.buffers.has(vector.buffer)) return vector.byteOffset;
    const address = this.scratchFor(slot, length);
    if (read) this.view(address, length).set(vector.subarray(0, length));
    return address;
  }

  /** Copies a product out of scratch into a C that lives outside the memory. */
  private copyBack(c: Vector, address: number, length: number): void {
    if (c.byteOffset === address && this.buffers.has(c.buffer)) return;
    c.set(this.view(address, length));
  }
}

// ---- operand checks ---------------------------------------------------------
//
// Done before any kernel touches memory: a wrong operand is a bug in the caller,
// and a kernel would read or write past it without a word.

/** Throws unless the vector has the precision's type and holds the matrix it is said to (no allocation: it runs on every call). */
function checkOperand(precision: Precision, vector: Vector, length: number, name: string): void {
  if (!(precision === 'f32' ? vector instanceof Float32Array : vector instanceof Float64Array)) {
    throw new TypeError(`${name}: expected a ${precision === 'f32' ? 'Float32Array' : 'Float64Array'} for ${precision} kernels`);
  }
  if (vector.length < length) throw new RangeError(`${name}: ${vector.length} elements, the product needs ${length}`);
}

/** The operands of C (m×n) = P · Q: whole dimensions, C of m·n elements, A and B of the lengths their layout needs (k·m for Aᵀ, n·k for Bᵀ). */
function checkProduct(
  precision: Precision, m: number, n: number, k: number, c: Vector, a: Vector, aLength: number, b: Vector, bLength: number,
): void {
  if (!(Number.isInteger(m) && Number.isInteger(n) && Number.isInteger(k) && m >= 0 && n >= 0 && k >= 0)) {
    throw new RangeError(`matrix dimensions must be non-negative integers, got ${m}, ${n}, ${k}`);
  }
  checkOperand(precision, c, m * n, 'C');
  checkOperand(precision, a, aLength, 'A');
  checkOperand(precision, b, bLength, 'B');
}

/** The parameters and gradient of an optimizer pass over n elements (its state arrays are checked beside, by name). */
function checkUpdate(precision: Precision, n: number, parameters: Vector, gradientSum: Vector): void {
  checkOperand(precision, parameters, n, 'parameters');
  checkOperand(precision, gradientSum, n, 'gradient');
}
