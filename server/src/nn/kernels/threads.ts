// Helper threads for the SIMD matrix kernels: the protocol on a shared control block, and the code each helper runs.
//
// nn/ starts no threads itself (it is pure math); a caller that may use
// worker_threads passes a `StartHelpers` (server/src/training/kernelHelpers.ts,
// which also holds the helpers' program).
// A product's columns are cut into one contiguous range per thread, the calling
// thread included. Every element of C is still one sum in the same order,
// computed whole by one thread, so the numbers do not depend on how many
// threads there are (LANGUAGE.md §4): no sum is split, nothing is reduced.

/** Starts `count` helper threads that run the jobs of the control block on the given kernel memory; stop() ends them. */
export type StartHelpers = (data: HelperData, count: number) => { stop(): void };

/** What a helper needs: the compiled kernels, the memory they work on, the control block, its index. */
export interface HelperData {
  module: object;
  memory: object;
  control: SharedArrayBuffer;
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

/** A job: precision (0 f64, 1 f32), then the 13 arguments of product_f64/product_f32. */
export const JOB_WORDS = 14;

export function controlBytes(helpers: number): number {
  return (CONTROL.jobs + JOB_WORDS * helpers) * 4;
}
