// The training host on the LSP thread: one actor per document, a worker pool, and the outcome cache; the server asks it to train, stop and step.
//
// It never trains itself. It hands jobs to the pool, keeps their answers only while
// the owning actor says they are live (actor.ts), caches finished outcomes by run key,
// and tells its listeners what changed so the server can republish.

import type { RunSpec } from '../language/model';
import type { RunPhase } from '../protocol';
import { DocumentRuns, type LiveJob } from './actor';
import { OutcomeCache, type CachedRun } from './cache';
import { SpeedEstimate } from './estimate';
import type { ProgressReport } from './messages';
import type { RunOutcome } from './outcome';
import { WorkerPool, defaultPoolSize } from './pool';
import { LiveSnapshots, type LiveSnapshotBudget } from '../present/snapshots';

/** Live snapshots kept per training: as many slider stops as a finished run has, within a million numbers. */
export const LIVE_SNAPSHOTS: LiveSnapshotBudget = { maxSnapshots: 40, maxValues: 1_000_000 };

/** Runs estimated at most this long count as short: they need not wait behind a long one. */
export const EXPRESS_SECONDS = 2;

export interface HostOptions {
  workerPath: string;
  poolSize?: number;
  cancelGraceMs?: number;
  /** The outcome cache's bound in bytes (cache.ts); what open documents show is kept whatever it is. */
  cacheBytes?: number;
}

export type RunEventKind = 'queued' | 'started' | 'progress' | 'snapshot' | 'done' | 'record' | 'failed' | 'cancelled';

export interface RunEvent {
  uri: string;
  key: string;
  kind: RunEventKind;
}

/** Everything the editor shows about one run of a document. */
export interface RunState {
  phase: RunPhase;
  /** Live progress while training (or the last progress before a stop). */
  progress: ProgressReport | null;
  outcome: RunOutcome | null;
  /** Why the last job failed (crash, error). */
  failure: string | null;
  /** Estimated seconds for the whole run on this machine. */
  estimate: number;
}

export class TrainingHost {
  readonly speed = new SpeedEstimate();
  private readonly pool: WorkerPool;
  private readonly cache: OutcomeCache;
  private readonly docs = new Map<string, DocumentRuns>();
  private readonly listeners = new Set<(event: RunEvent) => void>();

  constructor(options: HostOptions) {
    this.cache = new OutcomeCache(options.cacheBytes);
    this.pool = new WorkerPool({
      workerPath: options.workerPath,
      size: options.poolSize ?? defaultPoolSize(),
      cancelGraceMs: options.cancelGraceMs,
      onThroughput: (throughput) => this.speed.measured(throughput),
    });
  }

  get poolSize(): number {
    return this.pool.size;
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A new version of the document was checked. Jobs of runs whose key is gone are
   * cancelled and their answers dropped; runs whose key survived keep training.
   */
  update(uri: string, version: number, runs: readonly RunSpec[]): void {
    const doc = this.doc(uri);
    for (const key of doc.update(version, runs)) this.emit({ uri, key, kind: 'cancelled' });
  }

  /**
   * The runs the document shows now (its latest check's, trainable or not: a file with an
   * error still shows its results): their outcomes stay cached while it is open.
   */
  show(uri: string, runs: readonly RunSpec[]): void {
    this.cache.hold(uri, runs.map((run) => run.key));
  }

  close(uri: string): void {
    const doc = this.docs.get(uri);
    const live = doc ? [...doc.live.keys()] : [];
    doc?.dispose();
    this.docs.delete(uri);
    this.cache.release(uri);
    // Their answers are dropped from now on; whoever waits for these runs (a test) hears that they will not end.
    for (const key of live) this.emit({ uri, key, kind: 'cancelled' });
  }

  /** Starts (or restarts) training of the runs with these keys (every run when null). Returns the keys started. */
  train(uri: string, keys: readonly string[] | null, maxSeconds: number): string[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const started: string[] = [];
    for (const run of this.select(doc, keys)) {
      this.cancelLive(doc, run.key);
      // A new training discards the stepped state (docs/editor.md "Step").
      const cached = this.cache.peek(run.key);
      if (cached?.outcome.step) {
        if (cached.outcome.result) this.cache.set(run.key, { ...cached, outcome: { ...cached.outcome, step: null } });
        else this.cache.delete(run.key);
      }
      doc.failures.delete(run.key);
      this.submit(doc, run, 'train', maxSeconds);
      started.push(run.key);
    }
    return started;
  }

  /**
   * One update of the run (docs/editor.md "Step"): continues a stepped run, starts from the
   * trained weights when the run finished, from fresh ones otherwise. Refused while
   * the run trains.
   */
  step(uri: string, key: string): boolean {
    const doc = this.docs.get(uri);
    const run = doc?.run(key);
    if (!doc || !run || doc.live.has(key)) return false;
    doc.failures.delete(key);
    this.submit(doc, run, 'step', Infinity);
    return true;
  }

  /** Stops the runs with these keys (every running run when null). Returns how many were asked to stop. */
  stop(uri: string, keys: readonly string[] | null): number {
    const doc = this.docs.get(uri);
    if (!doc) return 0;
    let stopped = 0;
    for (const [key, job] of [...doc.live]) {
      if (keys && !keys.includes(key)) continue;
      if (!job.started) {
        // Still queued: it never ran, so forgetting it is the whole stop.
        doc.live.delete(key);
        job.handle?.cancel();
        this.emit({ uri, key, kind: 'cancelled' });
      } else {
        job.handle?.cancel();
      }
      stopped++;
    }
    return stopped;
  }

  /** The state of one run of the document's current version. */
  state(uri: string, run: RunSpec): RunState {
    const doc = this.docs.get(uri);
    const live = doc?.live.get(run.key);
    const cached = this.cache.peek(run.key);
    const failure = doc?.failures.get(run.key) ?? null;
    const outcome = cached?.outcome ?? null;
    let phase: RunPhase = 'idle';
    if (live) phase = live.started ? 'running' : 'queued';
    else if (failure) phase = 'failed';
    else if (outcome?.result) {
      phase = outcome.result.stopped === 'diverged' ? 'diverged' : outcome.result.stopped === 'cancelled' ? 'cancelled' : 'done';
    }
    return { phase, progress: live?.progress ?? null, outcome, failure, estimate: this.speed.seconds(run) };
  }

  /** True when the run has a cached outcome, a live job, or a failure: auto-train leaves it alone. */
  settled(uri: string, run: RunSpec): boolean {
    const doc = this.docs.get(uri);
    return Boolean(this.cache.peek(run.key) || doc?.live.has(run.key) || doc?.failures.has(run.key));
  }

  /** Outcomes of the document's current runs, by key. */
  outcomes(uri: string): Map<string, RunOutcome> {
    const out = new Map<string, RunOutcome>();
    for (const run of this.docs.get(uri)?.runs ?? []) {
      const cached = this.cache.peek(run.key);
      if (cached) out.set(run.key, cached.outcome);
    }
    return out;
  }

  /** The panel's record of a run (curve, snapshots, points); the live curve while it trains. */
  record(uri: string, key: string): { cached: CachedRun | null; live: LiveJob | null } {
    return { cached: this.cache.get(key) ?? null, live: this.docs.get(uri)?.live.get(key) ?? null };
  }

  /** Runs of the document that are training or waiting to. */
  running(uri: string): string[] {
    return [...(this.docs.get(uri)?.live.keys() ?? [])];
  }

  /** Test hook: crash the worker that runs this run's job. */
  crashWorkerOf(uri: string, key: string): boolean {
    const handle = this.docs.get(uri)?.live.get(key)?.handle;
    return handle ? this.pool.crashWorkerOf(handle.id) : false;
  }

  dispose(): void {
    for (const doc of this.docs.values()) doc.dispose();
    this.docs.clear();
    this.pool.dispose();
  }

  private doc(uri: string): DocumentRuns {
    let doc = this.docs.get(uri);
    if (!doc) {
      doc = new DocumentRuns(uri);
      this.docs.set(uri, doc);
    }
    return doc;
  }

  private select(doc: DocumentRuns, keys: readonly string[] | null): RunSpec[] {
    const wanted = keys ? new Set(keys) : null;
    const seen = new Set<string>();
    return doc.runs.filter((run) => {
      if ((wanted && !wanted.has(run.key)) || seen.has(run.key)) return false;
      seen.add(run.key);
      return true;
    });
  }

  private cancelLive(doc: DocumentRuns, key: string): void {
    const job = doc.live.get(key);
    if (!job) return;
    doc.live.delete(key);
    job.handle?.cancel();
  }

  private submit(doc: DocumentRuns, run: RunSpec, kind: 'train' | 'step', maxSeconds: number): void {
    const uri = doc.uri;
    const key = run.key;
    const job: LiveJob = {
      kind,
      version: doc.version,
      handle: null,
      started: false,
      progress: null,
      curve: [],
      snapshots: new LiveSnapshots(LIVE_SNAPSHOTS),
      frame: null,
    };
    doc.live.set(key, job);
    // Every answer goes through `owns`: once the job is no longer the run's live job
    // (the run changed, was restarted or stopped), what it sends is dropped.
    const live = () => doc === this.docs.get(uri) && doc.owns(key, job);
    let stored: CachedRun | null = null;
    const previousRecord = this.cache.peek(key)?.record ?? null;
    // Short runs (and their steps, which may retrain to reach the finished weights) may use
    // the express worker rather than wait behind a long run.
    const express = this.speed.seconds(run) <= EXPRESS_SECONDS;
    const request =
      kind === 'train'
        ? { type: 'train' as const, version: doc.version, run, maxSeconds, express }
        : { type: 'step' as const, version: doc.version, run, from: this.stepStart(key), express };
    job.handle = this.pool.submit(request, {
      onStart: () => {
        if (!live()) return;
        job.started = true;
        this.emit({ uri, key, kind: 'started' });
      },
      onProgress: (progress) => {
        if (!live()) return;
        job.progress = progress;
        job.curve.push({ epoch: progress.epoch, loss: progress.loss, validationLoss: progress.validationLoss, accuracy: progress.accuracy, validationAccuracy: null });
        this.emit({ uri, key, kind: 'progress' });
      },
      onSnapshot: (snapshot, frame) => {
        if (!live()) return;
        job.snapshots.add(snapshot);
        if (frame) job.frame = frame;
        this.emit({ uri, key, kind: 'snapshot' });
      },
      onDone: (outcome) => {
        if (!live()) return;
        doc.live.delete(key);
        stored = this.store(run, outcome);
        // Until the worker's record comes (right after), the panel keeps the live picture
        // rather than losing its network for a moment.
        if (kind === 'train' && job.snapshots.length > 0 && job.frame) {
          stored = { outcome: stored.outcome, record: { inputNames: run.data.inputNames, curve: job.curve, snapshots: job.snapshots.snapshotsAfter(null).map((e) => e.snapshot), ...job.frame } };
          this.cache.set(key, stored);
        }
        this.emit({ uri, key, kind: 'done' });
      },
      onRecord: (record) => {
        // The record belongs to the outcome this job stored, if that is still the cached one.
        const entry = this.cache.peek(key);
        if (!stored || entry !== stored) return;
        const merged = stored.outcome.step && previousRecord ? { ...previousRecord, snapshots: [...previousRecord.snapshots, ...record.snapshots] } : record;
        const updated: CachedRun = { outcome: stored.outcome, record: merged };
        this.cache.set(key, updated);
        stored = updated;
        this.emit({ uri, key, kind: 'record' });
      },
      onFailed: (message) => {
        if (!live()) return;
        doc.live.delete(key);
        if (message !== 'cancelled') doc.failures.set(key, message);
        this.emit({ uri, key, kind: message === 'cancelled' ? 'cancelled' : 'failed' });
      },
      onAbandoned: () => {
        if (!live()) return;
        doc.live.delete(key);
        this.emit({ uri, key, kind: 'cancelled' });
      },
    });
    if (!job.started) this.emit({ uri, key, kind: 'queued' });
  }

  /**
   * Where a step starts when no worker keeps the run's trainer: from the trained weights
   * when the run finished (retraining reproduces them), else from fresh ones. A run that
   * was stopped or hit its time limit cannot be reproduced by retraining, so it starts fresh.
   */
  private stepStart(key: string): 'trained' | 'fresh' {
    const stopped = this.cache.peek(key)?.outcome.result?.stopped;
    return stopped === 'target' || stopped === 'epochs' || stopped === 'diverged' ? 'trained' : 'fresh';
  }

  private store(run: RunSpec, outcome: RunOutcome): CachedRun {
    const previous = this.cache.peek(run.key);
    let entry: CachedRun;
    if (outcome.step) {
      // A step keeps the finished result beside it (and, until its own record comes, the panel's record).
      entry = { outcome: { ...outcome, result: previous?.outcome.result ?? null }, record: previous?.record ?? null };
    } else {
      if (outcome.result) this.speed.finished(run, outcome.result.epochs, outcome.seconds);
      entry = { outcome, record: null };
    }
    this.cache.set(run.key, entry);
    return entry;
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
