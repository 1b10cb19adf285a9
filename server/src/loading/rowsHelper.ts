// The helper thread that reads part of each chunk of a large data file while the loading thread reads the rest (docs/ARCHITECTURE.md "Data sets off the LSP thread").
//
// It runs data/plainRows.ts readPlainRecord from the function's own source text (an
// eval'd worker, as the kernel helpers are), so it reads every plain row exactly as the
// loading thread does. It lives here rather than in data/, which starts no threads.

import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { isMissingText, POWERS_OF_TEN } from '../data/decimal';
import { readPlainRecord, type PlainLayout, type PlainShare, type RowsHelper } from '../data/plainRows';
import { DataStore } from '../data/store';

/** A share of a chunk for the helper: the rows in bytes[from, to), read into its own arrays. */
interface ReadJob {
  kind: 'read';
  bytes: SharedArrayBuffer;
  from: number;
  to: number;
  ending: number;
}

/** Where the rows of the last share go, once the rows before them are known: from row `row` of the data set's arrays. */
interface PlaceJob {
  kind: 'place';
  row: number;
  inputs: SharedArrayBuffer;
  targets: SharedArrayBuffer;
}

/** Control words: shares read, shares placed (each counted when done), and 1 once the thread runs. */
const READ = 0;
const PLACED = 1;
const READY = 2;
const FAILED = 3;

const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const readPlainRecord = ${readPlainRecord.toString()};
const layout = {
  columns: null,
  run: 0,
  separator: 0,
  powers: ${JSON.stringify(POWERS_OF_TEN)},
  parse: null,
  isMissing: ${isMissingText.toString()},
  label: null,
};
const port = workerData.port;
const control = new Int32Array(workerData.control);
let file = null;
let inputs = new Float64Array(0);
let targets = new Float64Array(0);
let rows = 0;
function signal(word) {
  Atomics.add(control, word, 1);
  Atomics.notify(control, word);
}
function read(job) {
  const bytes = new Uint8Array(job.bytes);
  const labels = file.onehot ? [] : null;
  rows = 0;
  let p = job.from;
  while (p < job.to) {
    if ((rows + 1) * file.inputWidth > inputs.length) {
      const larger = new Float64Array(Math.max(1 << 16, inputs.length * 2));
      larger.set(inputs);
      inputs = larger;
    }
    if ((rows + 1) * file.targetWidth > targets.length) {
      const larger = new Float64Array(Math.max(1 << 12, targets.length * 2));
      larger.set(targets);
      targets = larger;
    }
    const next = readPlainRecord(bytes, p, job.to, job.ending, layout, inputs, rows * file.inputWidth, targets, rows * file.targetWidth);
    if (next < 0) break;
    if (labels !== null) labels.push(layout.label);
    rows++;
    p = next;
  }
  port.postMessage({ rows, labels, end: p });
}
function place(job) {
  new Float64Array(job.inputs, job.row * file.inputWidth * 8, rows * file.inputWidth).set(inputs.subarray(0, rows * file.inputWidth));
  new Float64Array(job.targets, job.row * file.targetWidth * 8, rows * file.targetWidth).set(targets.subarray(0, rows * file.targetWidth));
}
port.on('message', (job) => {
  if (job.kind === 'file') {
    file = job;
    layout.columns = job.columns;
    layout.run = job.run;
    layout.separator = job.separator;
    return;
  }
  if (job.kind === 'done') {
    // What a load read is not kept between loads.
    inputs = new Float64Array(0);
    targets = new Float64Array(0);
    return;
  }
  const word = job.kind === 'read' ? ${READ} : ${PLACED};
  try {
    if (job.kind === 'read') read(job);
    else place(job);
  } catch {
    if (job.kind === 'read') port.postMessage({ rows: 0, labels: null, end: job.from });
    else Atomics.store(control, ${FAILED}, 1);
  }
  signal(word);
});
Atomics.store(control, ${READY}, 1);
Atomics.notify(control, ${READY});
`;

/** How long a share may take before the helper is taken for broken (it reads a few megabytes). */
const HELPER_TIMEOUT_MS = 60_000;

/** The RowsHelper of data/plainRows.ts on a worker thread. One serves the loads of a thread one after another (rowsHelper()); it never keeps the process alive. */
class PlainRowsHelper implements RowsHelper {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private reads = 0;
  private places = 0;

  constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { port: channel.port2, control: this.control.buffer }, transferList: [channel.port2] });
    this.worker.unref();
    this.port.unref();
    // A thread that cannot start never says it is ready, and loaders read alone.
    this.worker.on('error', () => undefined);
  }

  /** True once the thread runs (booting takes tens of milliseconds; the loader reads alone meanwhile). */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1 && Atomics.load(this.control, FAILED) === 0;
  }

  /** Waits until the thread runs (tests, which read small files on two threads). */
  waitReady(): void {
    this.wait(READY, 1);
  }

  begin(layout: PlainLayout, onehot: boolean, inputWidth: number, targetWidth: number): void {
    this.port.postMessage({ kind: 'file', columns: layout.columns, run: layout.run, separator: layout.separator, onehot, inputWidth, targetWidth });
  }

  read(bytes: SharedArrayBuffer, from: number, to: number, ending: number): void {
    this.reads++;
    this.port.postMessage({ kind: 'read', bytes, from, to, ending } satisfies ReadJob);
  }

  /** What the share started last holds (waits for it). */
  share(): PlainShare {
    this.wait(READ, this.reads);
    const message = receiveMessageOnPort(this.port);
    if (message === undefined) throw new Error('the helper thread reading rows gave no answer');
    return message.message as PlainShare;
  }

  place(row: number, inputs: SharedArrayBuffer, targets: SharedArrayBuffer): void {
    this.places++;
    this.port.postMessage({ kind: 'place', row, inputs, targets } satisfies PlaceJob);
  }

  /** Waits until every share placed is in the arrays, and lets the thread drop what it read. */
  finish(): void {
    this.wait(PLACED, this.places);
    this.port.postMessage({ kind: 'done' });
    if (Atomics.load(this.control, FAILED) === 1) throw new Error('the helper thread reading rows could not place them');
  }

  private wait(word: number, count: number): void {
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.control, word);
      if (seen >= count) return;
      if (Date.now() > deadline || Atomics.wait(this.control, word, seen, HELPER_TIMEOUT_MS) === 'timed-out') {
        // Nothing more is given to it: loaders read alone from now on.
        Atomics.store(this.control, FAILED, 1);
        throw new Error('the helper thread reading rows stopped answering');
      }
    }
  }
}

let helper: PlainRowsHelper | null = null;

/** This thread's helper, started on first use. */
export function rowsHelper(): RowsHelper {
  helper ??= new PlainRowsHelper();
  return helper;
}

/** A store whose file loads read large files on two threads (the command line's). */
export function storeWithRowsHelper(): DataStore {
  const store = new DataStore();
  store.rowsHelper = rowsHelper();
  return store;
}
