// A fixed pool of training worker threads: queues jobs, cancels them through a shared flag, and replaces workers that crash or hang.
//
// The pool knows nothing about documents: it runs jobs and reports back through the
// handlers given with each job. The per-document actor (actor.ts) decides which
// answers still matter.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { GradientCheck } from '../nn/gradientCheck';
import { CancelFlag, type GivenLayer, type HostMessage, type LiveWeights, type ProgressReport, type RunFrame, type RunRecord, type StepStart, type WorkerMessage } from './messages';
import type { RunSpec } from '../language/model';
import type { RunOutcome } from './outcome';

export interface JobHandlers {
  onStart?(): void;
  onProgress(progress: ProgressReport): void;
  /**
   * A live snapshot of a training job (weights, rows and boundary so far); `frame` comes with the
   * first, and `progress` when the snapshot was taken with a progress report (then both name its epoch).
   */
  onSnapshot?(weights: LiveWeights, boundary: number[] | null, frame: RunFrame | undefined, progress: ProgressReport | undefined): void;
  onDone(outcome: RunOutcome): void;
  /** The panel's record of a finished job, sent by the worker right after onDone. */
  onRecord(record: RunRecord): void;
  /** The job ended without an outcome: `crashed` when its worker died, otherwise the error. */
  onFailed(message: string, crashed: boolean): void;
  /** Cancelled before it started, or its worker had to be terminated to stop it. */
  onAbandoned(): void;
  /** A gradient check's answer (the job has no outcome nor record). */
  onChecked?(check: GradientCheck): void;
}

export type JobRequest = (
  | { type: 'train'; version: number; run: RunSpec; maxSeconds: number }
  | { type: 'step'; version: number; run: RunSpec; from: StepStart; replay: number }
  | { type: 'reset'; version: number; run: RunSpec }
  | { type: 'gradcheck'; version: number; run: RunSpec; layers: GivenLayer[] }
) & {
  /**
   * A short job (a step, a run estimated at a couple of seconds): when every regular
   * worker is busy, it may run on the express worker instead of waiting behind a long run.
   */
  express?: boolean;
};

export interface JobHandle {
  readonly id: number;
  /** Ask the job to stop after its current batch; terminates the worker if it does not within the grace period. */
  cancel(): void;
}

export interface PoolOptions {
  /** Path of the bundled worker script (dist/worker.js). */
  workerPath: string;
  size: number;
  /** After a cancel, how long a worker may take to stop before it is terminated (ms). */
  cancelGraceMs?: number;
  /** The speed a worker measured at start, in seconds per second of the estimate's reference machine. */
  onSpeed?(scale: number): void;
}

interface Job {
  id: number;
  request: JobRequest;
  handlers: JobHandlers;
  cancel: SharedArrayBuffer;
  cancelled: boolean;
  slot: Slot | null;
  killTimer: NodeJS.Timeout | null;
}

interface Slot {
  index: number;
  /** The express slot takes only short jobs, and only when the regular slots are busy. */
  express: boolean;
  worker: Worker;
  job: Job | null;
  /**
   * Keys whose trainer this worker keeps (for ⏭ Step), as far as the host knows. A key is held by
   * at most one worker, the last to train, step or reset it, so a kept trainer is always the latest.
   */
  holds: Set<string>;
}

/** Sized to the machine: one core stays with the LSP thread and the editor. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Started on first use: most sessions never have a short run waiting behind a long one. */
  private expressSlot: Slot | null = null;
  private readonly queue: Job[] = [];
  /** Finished jobs whose record is still on its way, by job id. */
  private readonly awaitingRecord = new Map<number, { slot: Slot; handlers: JobHandlers }>();
  private nextId = 1;
  private disposed = false;
  private readonly grace: number;

  constructor(private readonly options: PoolOptions) {
    this.grace = options.cancelGraceMs ?? 1000;
    for (let i = 0; i < Math.max(1, options.size); i++) {
      const slot: Slot = { index: i, express: false, worker: undefined as unknown as Worker, job: null, holds: new Set() };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  /** Regular workers (the express worker, started on demand, is not counted). */
  get size(): number {
    return this.slots.filter((s) => !s.express).length;
  }

  /** Jobs running or waiting. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  submit(request: JobRequest, handlers: JobHandlers): JobHandle {
    const job: Job = {
      id: this.nextId++,
      request,
      handlers,
      cancel: new SharedArrayBuffer(4),
      cancelled: false,
      slot: null,
      killTimer: null,
    };
    if (request.type === 'train') this.forget(request.run.key);
    this.queue.push(job);
    this.pump();
    return { id: job.id, cancel: () => this.cancel(job) };
  }

  /** Forget every kept trainer of the key (a new training discards the stepped state). */
  forget(key: string): void {
    for (const slot of this.slots) {
      if (slot.holds.delete(key)) this.post(slot, { type: 'forget', key });
    }
  }

  /** Test hook: make the worker running job `id` crash. */
  crashWorkerOf(id: number): boolean {
    const slot = this.slots.find((s) => s.job?.id === id);
    if (!slot?.job) return false;
    Atomics.store(new Int32Array(slot.job.cancel), 0, CancelFlag.crash);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.queue.splice(0)) job.handlers.onAbandoned();
    for (const slot of this.slots) {
      const job = slot.job;
      slot.job = null;
      if (job) {
        if (job.killTimer) clearTimeout(job.killTimer);
        job.handlers.onAbandoned();
      }
      void slot.worker.terminate();
    }
  }

  private cancel(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.handlers.onAbandoned();
      return;
    }
    if (!job.slot) return; // already finished
    Atomics.store(new Int32Array(job.cancel), 0, CancelFlag.cancel);
    // The flag is read between batches; a batch that never ends (a huge network) is
    // the one case where only terminating the thread stops it.
    const slot = job.slot;
    job.killTimer = setTimeout(() => {
      if (slot.job !== job) return;
      slot.job = null;
      job.slot = null;
      this.replace(slot);
      job.handlers.onAbandoned();
      this.pump();
    }, this.grace);
  }

  private pump(): void {
    if (this.disposed) return;
    for (let i = 0; i < this.queue.length; ) {
      // Every worker busy (the express one too, once started): nothing more can start, however long the queue.
      if (this.expressSlot?.job && this.slots.every((s) => s.job)) return;
      const job = this.queue[i];
      const slot = this.slotFor(job);
      if (!slot) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(slot, job);
    }
  }

  /**
   * An idle regular worker (the one that keeps the run's trainer, for a step), else for
   * a short job the express worker; jobs keep their queue order within each kind.
   */
  private slotFor(job: Job): Slot | null {
    const key = job.request.run.key;
    const idle = this.slots.filter((s) => !s.job && !s.express);
    const regular = idle.find((s) => s.holds.has(key)) ?? idle[0];
    if (regular) return regular;
    if (!job.request.express) return null;
    if (!this.expressSlot) {
      this.expressSlot = { index: this.slots.length, express: true, worker: undefined as unknown as Worker, job: null, holds: new Set() };
      this.slots.push(this.expressSlot);
      this.spawn(this.expressSlot);
    }
    return this.expressSlot.job ? null : this.expressSlot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    const request = job.request;
    const base = { job: job.id, version: request.version, run: request.run, cancel: job.cancel };
    // A gradient check moves no run: every kept trainer stays as it is.
    if (request.type === 'gradcheck') {
      this.post(slot, { ...base, type: 'gradcheck', layers: request.layers });
      job.handlers.onStart?.();
      return;
    }
    // Another worker's trainer of this run is about to be out of date.
    for (const other of this.slots) {
      if (other !== slot && other.holds.delete(request.run.key)) this.post(other, { type: 'forget', key: request.run.key });
    }
    if (request.type === 'train') this.post(slot, { ...base, type: 'train', maxSeconds: request.maxSeconds });
    else if (request.type === 'step') this.post(slot, { ...base, type: 'step', from: request.from, replay: request.replay });
    else this.post(slot, { ...base, type: 'reset' });
    job.handlers.onStart?.();
  }

  private post(slot: Slot, message: HostMessage): void {
    slot.worker.postMessage(message);
  }

  private spawn(slot: Slot): void {
    const worker = new Worker(this.options.workerPath);
    slot.worker = worker;
    slot.holds = new Set();
    worker.on('message', (message: WorkerMessage) => {
      if (slot.worker === worker) this.receive(slot, message);
    });
    worker.on('error', (error: Error) => {
      if (slot.worker === worker) this.crashed(slot, error.message);
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker && !this.disposed) this.crashed(slot, `it exited with code ${code}`);
    });
  }

  /** Terminate the slot's worker (if alive) and start a fresh one in its place. */
  private replace(slot: Slot): void {
    const old = slot.worker;
    this.spawn(slot);
    void old.terminate();
  }

  private crashed(slot: Slot, reason: string): void {
    // Records this worker still owed will not come.
    for (const [id, waiting] of this.awaitingRecord) if (waiting.slot === slot) this.awaitingRecord.delete(id);
    const job = slot.job;
    slot.job = null;
    this.replace(slot);
    if (job) {
      job.slot = null;
      if (job.killTimer) clearTimeout(job.killTimer);
      if (job.cancelled) job.handlers.onAbandoned();
      else job.handlers.onFailed(`the training worker crashed (${reason}); it has been restarted`, true);
    }
    this.pump();
  }

  private receive(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      this.options.onSpeed?.(message.scale);
      return;
    }
    if (message.type === 'record') {
      const waiting = this.awaitingRecord.get(message.job);
      this.awaitingRecord.delete(message.job);
      waiting?.handlers.onRecord(message.record);
      return;
    }
    const job = slot.job;
    // An answer for a job this slot no longer runs is stale: drop it.
    if (!job || job.id !== message.job || job.request.version !== message.version) return;
    if (message.type === 'progress') {
      job.handlers.onProgress(message.progress);
      return;
    }
    if (message.type === 'snapshot') {
      job.handlers.onSnapshot?.(message.weights, message.boundary, message.frame, message.progress);
      return;
    }
    slot.job = null;
    job.slot = null;
    if (job.killTimer) clearTimeout(job.killTimer);
    if (message.type === 'gradients') {
      job.handlers.onChecked?.(message.check);
    } else if (message.type === 'done') {
      slot.holds.add(message.key);
      this.awaitingRecord.set(job.id, { slot, handlers: job.handlers });
      job.handlers.onDone(message.outcome);
    } else {
      job.handlers.onFailed(message.message, false);
    }
    this.pump();
  }
}
