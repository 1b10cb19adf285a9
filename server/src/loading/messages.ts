// The messages between the editor's data loads (host.ts, on the LSP thread) and the data worker (worker.ts), declared once for both sides.
//
// A job carries its id and a SharedArrayBuffer cancel flag the worker reads between
// chunks; the answer carries the id back. A data set's arrays are SharedArrayBuffers
// (data/memory.ts), so the load arrives on the LSP thread without a copy.

import type { CsvRequest } from '../data/csv';
import type { FileVersion, GeneratedRequest } from '../data/load';
import type { StoredLoad } from '../data/store';

/** Values of the shared cancel flag (Int32Array of length 1). */
export const LoadFlag = { run: 0, cancel: 1 } as const;

/** What a job does. */
export type LoadTask =
  /** Read a data file as it was found (its version): a file that changed since is not read, the answer says so. */
  | { type: 'csv'; request: CsvRequest; file: FileVersion }
  | { type: 'generated'; request: GeneratedRequest };

export type LoadJob = LoadTask & { job: number; cancel: SharedArrayBuffer };

export type LoaderMessage =
  /** The share of the file read, at most ~10 times a second. */
  | { type: 'progress'; job: number; fraction: number }
  /** The load, and its data set's digest (the run key's part of it), computed off the LSP thread. */
  | { type: 'done'; job: number; load: StoredLoad; digest: string | null }
  /** The file is not the version the job was given (it changed on disk): check again. */
  | { type: 'changed'; job: number }
  /** The job saw its cancel flag and stopped. */
  | { type: 'cancelled'; job: number }
  | { type: 'failed'; job: number; message: string };
