// The editor's data loads: the DataLoader its checks use, which loads large data sets on a worker thread and answers "pending" until they are in (docs/ARCHITECTURE.md "Data sets off the LSP thread").
//
// A check never waits for data. A small file or set is loaded on the spot (a worker's
// round trip would cost more than the load); a larger one becomes a job for the data
// worker (worker.ts), and the check goes on without it: its declaration is pending and
// its runs wait. When the job is done its load goes into the workspace's DataStore, and
// the documents that waited for it are checked again, this time finding it there.
//
// Each open document is an owner: after each check it says which loads it uses
// (`settle`), which pins them in the store (never evicted while shown) and keeps the jobs
// it waits for. A job no document waits for any more is cancelled. Jobs run one at a
// time; a worker that dies fails its job with a message and is replaced.

import { Worker } from 'node:worker_threads';
import { csvGroup, csvKey, generatedKey, loadNow, type DataLoader, type GeneratedRequest } from '../data/load';
import type { DataStore } from '../data/store';
import { LoadFlag, type LoadJob, type LoaderMessage, type LoadTask } from './messages';

export interface DataLoadsOptions {
  /** Path of the bundled data worker (dist/loader.js). */
  workerPath: string;
  store: DataStore;
  /** Files up to this many bytes are read on the checking thread (default 1 MB). */
  inlineBytes?: number;
  /** Generated sets up to this many samples are drawn on the checking thread (default 50,000). */
  inlineSamples?: number;
  /** A load is in: these owners waited for it and should check again. */
  onLoaded(owners: string[]): void;
  /** The jobs or their progress changed (work-done progress reports follow `jobs()`). */
  onJobs?(): void;
}

/** A job as progress reports show it. */
export interface LoadJobState {
  id: number;
  /** `reading digits.csv`, `drawing spiral(samples 16000000)`. */
  activity: string;
  /** The share done: a file's read from 0 (its size is known before it starts), null for a generated set. */
  fraction: number | null;
}

interface Job extends LoadJobState {
  key: string;
  group: string | null;
  message: LoadTask;
  cancel: Int32Array;
  /** Sent to the worker (else queued). */
  started: boolean;
}

/** The per-document view of the loads: a DataLoader for its checks, and what its last check used. */
export interface OwnerLoader extends DataLoader {
  /** Call before a check: the loads it uses are counted from here. */
  begin(): void;
  /** Call after a check: the owner uses exactly the loads since `begin`. */
  settle(): void;
}

export class DataLoads {
  private readonly store: DataStore;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  /** The keys each owner's last check used. */
  private readonly uses = new Map<string, Set<string>>();
  /** Loads whose job failed, by key, with the reason: answered as failed until the file changes or forgetFiles(). */
  private readonly failures = new Map<string, string>();
  private worker: Worker | null = null;
  private running: Job | null = null;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: DataLoadsOptions) {
    this.store = options.store;
  }

  /** The DataLoader of one owner (an open document). */
  owner(owner: string): OwnerLoader {
    const now = loadNow(this.store);
    let used = new Set<string>();
    const inlineBytes = this.options.inlineBytes ?? 1024 * 1024;
    const inlineSamples = this.options.inlineSamples ?? 50_000;
    return {
      begin: () => {
        used = new Set();
      },
      settle: () => this.settle(owner, used),
      csv: (request, file) => {
        const key = csvKey(request, file);
        used.add(key);
        if ('text' in file || file.file.size <= inlineBytes) return now.csv(request, file);
        const known = this.store.load(key);
        if (known?.kind === 'csv') return { ready: known.load };
        const failed = this.failures.get(key);
        if (failed !== undefined) return { failed };
        const job = this.job(key, csvGroup(file), `reading ${request.fileLabel}`, { type: 'csv', request, file: file.file }, 0);
        return { pending: { activity: job.activity, fraction: job.fraction } };
      },
      generated: (request: GeneratedRequest) => {
        const key = generatedKey(request);
        used.add(key);
        if (request.samples <= inlineSamples) return now.generated(request);
        const known = this.store.load(key);
        if (known?.kind === 'generated') return { ready: known.dataset };
        const failed = this.failures.get(key);
        if (failed !== undefined) return { failed };
        const activity = `drawing ${request.generator}(samples ${request.samples})`;
        const job = this.job(key, null, activity, { type: 'generated', request });
        return { pending: { activity: job.activity, fraction: job.fraction } };
      },
    };
  }

  /** An owner is gone (its document closed): its loads may be evicted, its jobs cancelled. */
  release(owner: string): void {
    this.settle(owner, new Set());
  }

  /** The jobs queued or running, oldest first. */
  current(): LoadJobState[] {
    return [...this.jobs.values()].map(({ id, activity, fraction }) => ({ id, activity, fraction }));
  }

  /** Data files changed on disk: failures are forgotten (the next check finds the new versions). */
  forgetFiles(): void {
    this.failures.clear();
    this.store.forgetFiles();
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.jobs.values()) Atomics.store(job.cancel, 0, LoadFlag.cancel);
    this.jobs.clear();
    this.queue.length = 0;
    void this.worker?.terminate();
    this.worker = null;
  }

  // ---------------------------------------------------------------- jobs

  private settle(owner: string, used: Set<string>): void {
    if (used.size > 0) this.uses.set(owner, used);
    else this.uses.delete(owner);
    this.store.retain(owner, used);
    // A job no owner waits for is not worth its time any more.
    for (const job of [...this.jobs.values()]) if (!this.wanted(job.key)) this.cancel(job);
  }

  private wanted(key: string): boolean {
    for (const used of this.uses.values()) if (used.has(key)) return true;
    return false;
  }

  private job(key: string, group: string | null, activity: string, message: Job['message'], fraction: number | null = null): Job {
    const existing = this.jobs.get(key);
    if (existing !== undefined) return existing;
    const job: Job = { id: this.nextId++, key, group, activity, fraction, message, cancel: new Int32Array(new SharedArrayBuffer(4)), started: false };
    this.jobs.set(key, job);
    this.queue.push(job);
    // Start on the next turn: the check that asked settles first, so the job is wanted by then.
    queueMicrotask(() => this.pump());
    this.options.onJobs?.();
    return job;
  }

  private cancel(job: Job): void {
    Atomics.store(job.cancel, 0, LoadFlag.cancel);
    this.jobs.delete(job.key);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.options.onJobs?.();
  }

  private pump(): void {
    if (this.disposed || this.running !== null) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    if (!this.wanted(job.key)) {
      this.cancel(job);
      this.pump();
      return;
    }
    this.running = job;
    job.started = true;
    const message: LoadJob = { ...job.message, job: job.id, cancel: job.cancel.buffer as SharedArrayBuffer };
    this.spawn().postMessage(message);
  }

  private spawn(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.options.workerPath);
    this.worker = worker;
    worker.on('message', (message: LoaderMessage) => {
      if (this.worker === worker) this.receive(message);
    });
    const lost = (reason: string) => {
      if (this.worker !== worker || this.disposed) return;
      this.worker = null;
      void worker.terminate();
      const job = this.running;
      this.running = null;
      if (job !== null) this.finish(job, () => this.failures.set(job.key, `the data worker stopped (${reason}); edit the data block or save the file to try again`));
      this.pump();
    };
    worker.on('error', (error: Error) => lost(error.message));
    worker.on('exit', (code) => lost(`it exited with code ${code}`));
    // The worker must not keep the server alive, nor its idle thread.
    worker.unref();
    return worker;
  }

  private receive(message: LoaderMessage): void {
    const job = this.running;
    if (job === null || job.id !== message.job) return;
    if (message.type === 'progress') {
      job.fraction = message.fraction;
      this.options.onJobs?.();
      return;
    }
    this.running = null;
    switch (message.type) {
      case 'done':
        this.finish(job, () => {
          const dataset = message.load.kind === 'csv' ? message.load.load.dataset : message.load.dataset;
          if (dataset !== null && message.digest !== null) this.store.knowDatasetDigest(dataset, message.digest);
          this.store.putLoad(job.key, message.load, job.group);
        });
        break;
      case 'failed':
        this.finish(job, () => this.failures.set(job.key, message.message));
        break;
      // A changed file is found again by the next check (under a new key); a cancelled job is no one's.
      case 'changed':
      case 'cancelled':
        this.finish(job, () => undefined);
        break;
    }
    this.pump();
    if (this.running === null) this.retire();
  }

  /**
   * No job left: the worker goes. An idle thread's heap is never collected, so the arrays of
   * the loads it made (shared with this thread) would stay alive in it after the store let
   * them go: a file rewritten five times kept five loads. The next job starts a new worker.
   */
  private retire(): void {
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    void worker.terminate();
  }

  /** A job ended: record what it left (if it was still wanted), and have its owners check again. */
  private finish(job: Job, record: () => void): void {
    const cancelled = Atomics.load(job.cancel, 0) === LoadFlag.cancel;
    if (this.jobs.get(job.key) === job) this.jobs.delete(job.key);
    if (!cancelled) record();
    const owners = [...this.uses].filter(([, used]) => used.has(job.key)).map(([owner]) => owner);
    this.options.onJobs?.();
    if (owners.length > 0) this.options.onLoaded(owners);
  }
}
