// Helper threads for the SIMD matrix kernels: the protocol on a shared control block, and the code each helper runs.
//
// nn/ starts no threads itself (it is pure math); a caller that may use
// worker_threads passes a `StartHelpers` (server/src/training/kernelHelpers.ts,
// which also holds the helpers' program).
// A product's columns are cut into one contiguous range per thread, the calling
// thread included. Every element of C is still one sum in the same order,
// computed whole by one thread, so the numbers do not depend on how many
// threads there are (docs/language.md §4.17): no sum is split, nothing is reduced.
// The control block lives in the kernels' memory; server/wasm/batches.ts spells
// its layout (CONTROL, JOB_WORDS, JOB, JOB_FLOATS, floatsOffset) out again, since
// AssemblyScript cannot import this file: keep the two in step.

/** Starts `count` helper threads that run the jobs of the control block on the given kernel memory; stop() ends them. */
export type StartHelpers = (data: HelperData, count: number) => { stop(): void };

/**
 * What a helper needs: the compiled kernels, the memory they work on, and the address of the
 * control block in that memory, where the batch program (server/wasm/batches.ts) finds it too
 * (the helper's index and the helper count are added by the starter).
 */
export interface HelperData {
  module: object;
  memory: { readonly buffer: ArrayBufferLike };
  control: number;
  /** The run's precision, whose kernels a helper has V8 optimize before it takes work. */
  precision: 'f32' | 'f64';
}

/** Layout of the control block (Int32Array). */
export const CONTROL = {
  /** Incremented for every job; helpers wait on it. −1 tells them to exit. */
  generation: 0,
  /** Helpers still working on the current job; the caller waits on it. */
  pending: 1,
  /** Set to 1 by a helper whose product threw. */
  failed: 2,
  /** Helpers that have instantiated the kernels; jobs go to helpers only once all are ready. */
  ready: 3,
  /** The first helper's job: JOB_WORDS words per helper. */
  jobs: 4,
} as const;

/**
 * A job: its kind (JOB), then its integer arguments: the 13 of product_f64/product_f32;
 * for an sgd pass theta, gradient, velocity and length, with batch, momentum and rate as
 * three f64 at the helper's place in the float area (floatsOffset); for the batch
 * program's gather (server/wasm/batches.ts) the 8 of gather_f64/gather_f32.
 */
export const JOB_WORDS = 14;

/** The first word of a job. */
export const JOB = { productF64: 0, productF32: 1, sgdF64: 2, sgdF32: 3, gatherF64: 4, gatherF32: 5 } as const;

/** Doubles per helper in the float area. */
export const JOB_FLOATS = 3;

/** Byte offset of the float area (after the words, 8-byte aligned). */
export function floatsOffset(helpers: number): number {
  return Math.ceil(((CONTROL.jobs + JOB_WORDS * helpers) * 4) / 8) * 8;
}

export function controlBytes(helpers: number): number {
  return floatsOffset(helpers) + JOB_FLOATS * 8 * helpers;
}
