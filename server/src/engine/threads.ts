// Helper threads for the SIMD matrix kernels and the batch program: what starting them takes, and where their control block's parts lie.
//
// The engine starts no threads itself; a caller that may use worker_threads
// passes a `StartHelpers` (server/src/training/kernelHelpers.ts, which also holds
// the helpers' program). A product's rows or columns, an sgd pass's elements and
// a gather's samples are cut into one contiguous range per thread, the calling
// thread included. Every element is still one sum in the same order, computed
// whole by one thread, so the numbers do not depend on how many threads there
// are: no sum is split, nothing is reduced. The control block lives in the
// kernels' memory; its words (CONTROL, JOB, JOB_WORDS, JOB_FLOATS) are
// layout.ts's, which the WebAssembly shares.

import { CONTROL, JOB_FLOATS, JOB_WORDS } from './layout';

/** Starts `count` helper threads that run the jobs of the control block on the given kernel memory; stop() ends them. */
export type StartHelpers = (data: HelperData, count: number) => { stop(): void };

/** Helper threads for the kernels: how to start them and how many (besides the calling thread). */
export interface KernelHelpers {
  start: StartHelpers;
  count: number;
}

/**
 * What a helper needs: the compiled kernels, the memory they work on, and the address of the
 * control block in that memory, where the batch program finds it too (the helper's index and
 * the helper count are added by the starter).
 */
export interface HelperData {
  module: object;
  memory: { readonly buffer: ArrayBufferLike };
  control: number;
  /** The run's precision, whose kernels a helper has V8 optimize before it takes work. */
  precision: 'f32' | 'f64';
}

/** Byte offset of the float area (after the words, 8-byte aligned): JOB_FLOATS f64 per helper. */
export function floatsOffset(helpers: number): number {
  return Math.ceil(((CONTROL.jobs + JOB_WORDS * helpers) * 4) / 8) * 8;
}

export function controlBytes(helpers: number): number {
  return floatsOffset(helpers) + JOB_FLOATS * 8 * helpers;
}

/** What a caller sees when a helper thread's kernel threw (a bug in the kernels: the operands are checked before). */
export function helperFailure(cause?: unknown): Error {
  return new Error('matrix kernels: a helper thread failed', cause === undefined ? undefined : { cause });
}
