// Memory for a data set's numbers: shared between threads, and able to grow in place while a file is read.
//
// A data set is loaded once and then read by the checker, the language server and the
// training workers. Its arrays live in SharedArrayBuffers, so handing a data set to
// another thread (the editor's data worker to the language server, the server to a
// training worker) shares the memory instead of copying it (see
// docs/ARCHITECTURE.md "Data sets off the LSP thread"). A file's row count is known only once it is read, so the
// arrays a loader fills are growable: the buffer reserves the most it may take and
// commits pages as it grows, without copying. (A resizable ArrayBuffer would do the
// same unshared, but V8 reads typed arrays over one several times slower.)

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Element = Float64Array | Int32Array;

/** A growable array of numbers in shared memory, up to `maxLength` elements. */
export class GrowableArray<T extends Element> {
  private buffer: SharedArrayBuffer;
  /** The numbers so far: valid up to the length the filler tracks, capacity beyond. */
  array: T;

  constructor(
    private readonly make: (buffer: SharedArrayBuffer, length: number) => T,
    private readonly bytesPerElement: number,
    initial: number,
    private readonly maxLength: number,
  ) {
    const capacity = Math.max(1, Math.min(initial, maxLength));
    this.buffer = new SharedArrayBuffer(capacity * bytesPerElement, { maxByteLength: Math.max(capacity, maxLength) * bytesPerElement });
    this.array = make(this.buffer, capacity);
  }

  /** The shared memory itself (a helper thread writes into it). */
  get shared(): SharedArrayBuffer {
    return this.buffer;
  }

  /** Room for at least `length` elements (false when that is over the maximum). Grows by an eighth at least. */
  ensure(length: number): boolean {
    if (length <= this.array.length) return true;
    if (length > this.maxLength) return false;
    const capacity = Math.min(this.maxLength, Math.max(length, Math.ceil(this.array.length * 1.125) + 64));
    this.buffer.grow(capacity * this.bytesPerElement);
    this.array = this.make(this.buffer, capacity);
    return true;
  }

  /** The first `length` elements, as the data set keeps them. */
  finish(length: number): T {
    return this.make(this.buffer, length);
  }
}

export function growableFloat64(initial: number, maxLength: number): GrowableArray<Float64Array> {
  return new GrowableArray((buffer, length) => new Float64Array(buffer, 0, length), 8, initial, maxLength);
}

export function growableInt32(initial: number, maxLength: number): GrowableArray<Int32Array> {
  return new GrowableArray((buffer, length) => new Int32Array(buffer, 0, length), 4, initial, maxLength);
}

/** A Float64Array of a known length in shared memory (generated sets, the arrays a load assembles at its end). */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8), 0, length);
}

let collector: (() => void) | null = null;

/**
 * Collects garbage now, so the shared memory of data sets no one refers to any more is freed.
 *
 * V8 does not count a SharedArrayBuffer's memory toward any thread's reasons to collect
 * (nodejs/node#34703): a server that lets a 400 MB data set go allocates almost nothing
 * on its own heap, so it may not collect for minutes, and a file rewritten on disk five
 * times would hold five versions meanwhile. The store says when it let large loads go
 * (DataStore.takeReleasedBytes); the owner of the memory calls this then. `gc` is not
 * exposed without a flag: the flag is set once here, and a new context hands out the
 * function (the main context was made before the flag).
 */
export function collectSharedMemory(): void {
  if (collector === null) {
    setFlagsFromString('--expose-gc');
    collector = runInNewContext('gc') as () => void;
  }
  collector();
}
