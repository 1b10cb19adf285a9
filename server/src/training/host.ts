// The training host on the LSP thread: one actor per document, a worker pool, and the outcome cache; the server asks it to train, stop and step.
//
// It never trains itself. It hands jobs to the pool, keeps their answers only while
// the owning actor says they are live (actor.ts), caches finished outcomes by run key,
// and tells its listeners what changed so the server can republish.

import { heldOutRows, type RunSpec } from '../language/model';
import type { TrainResult } from '../nn/types';
import type { Snapshot } from '../protocol';
import { DocumentRuns, type LiveJob } from './actor';
import { OutcomeCache, type CachedRun } from './cache';
import { SpeedEstimate } from './estimate';
import type { StepStart } from './messages';
import type { RunOutcome } from './outcome';
import { WorkerPool, defaultPoolSize, type JobRequest } from './pool';
import { runStateOf, type CheckedGradients, type RunState } from './runState';
import { snapshotHealth } from '../present/health';
import { LiveSnapshots, panelLayer, type LiveSnapshotBudget } from '../present/snapshots';

export type { RunState, RunWeights } from './runState';

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

/** What moved: `stopping` is a Stop asked of a running job (its answer follows). */
export type RunEventKind = 'queued' | 'started' | 'progress' | 'snapshot' | 'stopping' | 'done' | 'record' | 'failed' | 'cancelled' | 'checked';

export interface RunEvent {
  uri: string;
  key: string;
  kind: RunEventKind;
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
      onSpeed: (scale) => this.speed.measured(scale),
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
      // A new training discards the stepped or reset state (docs/editor.md "Step and Reset").
      const cached = this.cache.peek(run.key);
      if (cached?.outcome.position) {
        if (cached.outcome.result) this.cache.set(run.key, { ...cached, outcome: { ...cached.outcome, step: null, position: null } });
        else this.cache.delete(run.key);
      }
      doc.failures.delete(run.key);
      this.submit(doc, run, 'train', maxSeconds);
      started.push(run.key);
    }
    return started;
  }

  /**
   * One update of the run (docs/editor.md "Step and Reset"): continues a stepped or reset run,
   * starts from the trained weights when the run finished, from the initial ones otherwise.
   * Refused while the run trains.
   */
  step(uri: string, key: string): boolean {
    return this.move(uri, key, 'step');
  }

  /** Puts the run back at its initial weights, epoch 0, so Step goes from there. Refused while the run trains. */
  reset(uri: string, key: string): boolean {
    return this.move(uri, key, 'reset');
  }

  private move(uri: string, key: string, kind: 'step' | 'reset'): boolean {
    const doc = this.docs.get(uri);
    const run = doc?.run(key);
    if (!doc || !run || doc.live.has(key)) return false;
    doc.failures.delete(key);
    this.submit(doc, run, kind, Infinity);
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
      } else if (!job.stopping) {
        // The views say so at once; the run's own answer (its result) follows within a batch.
        job.stopping = true;
        job.handle?.cancel();
        this.emit({ uri, key, kind: 'stopping' });
      }
      stopped++;
    }
    return stopped;
  }

  /** The state of one run of the document's current version: what every view shows of it. */
  state(uri: string, run: RunSpec): RunState {
    const doc = this.docs.get(uri);
    return runStateOf({
      live: doc?.live.get(run.key) ?? null,
      cached: this.cache.peek(run.key) ?? null,
      failure: doc?.failures.get(run.key) ?? null,
      estimate: this.speed.seconds(run),
      gradientCheck: doc?.checks.get(run.key) ?? null,
    });
  }

  /**
   * "NN: Check Gradients" (docs/editor.md "Checking gradients"): backprop against the central
   * difference at the weights the run stands at now (trained, stepped, reset or live), in a
   * worker. Null when the run has no weights yet or the check could not run. The result is kept
   * in the run's state (hovers show it) until the run changes.
   */
  checkGradients(uri: string, key: string): Promise<CheckedGradients | null> {
    const doc = this.docs.get(uri);
    const run = doc?.run(key);
    if (!doc || !run) return Promise.resolve(null);
    const weights = this.state(uri, run).weights;
    if (!weights) return Promise.resolve(null);
    const layers = weights.layers.map((layer) => ({ weights: Float64Array.from(layer.weights), biases: Float64Array.from(layer.biases) }));
    return new Promise((resolve) => {
      const none = () => resolve(null);
      this.pool.submit({ type: 'gradcheck', version: doc.version, run, layers, express: true }, {
        onProgress: () => undefined,
        onDone: none,
        onRecord: () => undefined,
        onFailed: none,
        onAbandoned: none,
        onChecked: (check) => {
          const checked: CheckedGradients = { check, epoch: weights.epoch, source: weights.source };
          if (doc === this.docs.get(uri) && doc.run(key)) {
            doc.checks.set(key, checked);
            this.emit({ uri, key, kind: 'checked' });
          }
          resolve(checked);
        },
      });
    });
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

  private submit(doc: DocumentRuns, run: RunSpec, kind: LiveJob['kind'], maxSeconds: number): void {
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
      weights: null,
      stopping: false,
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
    const version = doc.version;
    const request: JobRequest =
      kind === 'train'
        ? { type: 'train', version, run, maxSeconds, express }
        : kind === 'step'
          ? { type: 'step', version, run, ...this.stepStart(key), express }
          : { type: 'reset', version, run, express: true };
    const layerOffsets = run.network.layers.map((layer) => layer.span.start);
    job.handle = this.pool.submit(request, {
      onStart: () => {
        if (!live()) return;
        job.started = true;
        this.emit({ uri, key, kind: 'started' });
      },
      onProgress: (progress) => {
        if (!live()) return;
        this.progressed(job, progress);
        this.emit({ uri, key, kind: 'progress' });
      },
      onSnapshot: (weights, boundary, frame, progress) => {
        if (!live()) return;
        const snapshot: Snapshot = {
          epoch: weights.epoch, layers: weights.layers.map((layer, k) => panelLayer(layer, layerOffsets[k] ?? 0)), boundary, health: snapshotHealth(weights.health ?? null),
          units: weights.units ?? null,
        };
        job.snapshots.add(snapshot);
        // A snapshot the health budget left unmeasured keeps the last measured figures.
        job.weights = weights.health || !job.weights?.health ? weights : { ...weights, health: job.weights.health };
        if (frame) job.frame = frame;
        if (progress) this.progressed(job, progress);
        this.emit({ uri, key, kind: 'snapshot' });
        if (progress) this.emit({ uri, key, kind: 'progress' });
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
        // A step adds its picture to the run's; a reset starts the pictures over.
        const merged = kind === 'step' && previousRecord ? { ...previousRecord, snapshots: [...previousRecord.snapshots, ...record.snapshots] } : record;
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
        // A training that had to be terminated after its Stop still ends where the views last
        // saw it: its latest progress and live weights become its (stopped) result.
        if (kind === 'train' && job.stopping) {
          const outcome = stoppedOutcome(run, job);
          if (outcome) this.cache.set(key, { outcome, record: job.frame ? { inputNames: run.data.inputNames, curve: job.curve, snapshots: job.snapshots.snapshotsAfter(null).map((e) => e.snapshot), ...job.frame } : null });
        }
        this.emit({ uri, key, kind: 'cancelled' });
      },
    });
    if (!job.started) this.emit({ uri, key, kind: 'queued' });
  }

  /** A progress report of the job: the latest, and a point of its live curve. */
  private progressed(job: LiveJob, progress: NonNullable<LiveJob['progress']>): void {
    if (job.progress && job.progress.epoch >= progress.epoch) return;
    job.progress = progress;
    job.curve.push({
      epoch: progress.epoch, loss: progress.loss, validationLoss: progress.validationLoss, accuracy: progress.accuracy, validationAccuracy: null,
      ...(progress.rate !== undefined ? { rate: progress.rate } : {}),
      ...(progress.penalty !== undefined ? { penalty: progress.penalty } : {}),
    });
  }

  /**
   * Where a step starts when the worker keeps no trainer of the run
   * (docs/editor.md "Step and Reset"): after Step or Reset, where those steps started, with the steps made so far
   * repeated; else the trained weights when retraining reproduces them (a run that ended by
   * its target, its epochs or a divergence), else the initial ones. A run that was stopped
   * or hit its time limit cannot be reproduced by retraining, so its steps start afresh.
   */
  private stepStart(key: string): { from: StepStart; replay: number } {
    const outcome = this.cache.peek(key)?.outcome;
    const stopped = outcome?.result?.stopped;
    const reproducible = stopped === 'target' || stopped === 'epochs' || stopped === 'patience' || stopped === 'diverged';
    const position = outcome?.position;
    if (position?.from === 'initial') return { from: 'fresh', replay: position.steps };
    if (reproducible) return { from: 'trained', replay: position?.steps ?? 0 };
    return { from: 'fresh', replay: 0 };
  }

  private store(run: RunSpec, outcome: RunOutcome): CachedRun {
    const previous = this.cache.peek(run.key);
    let entry: CachedRun;
    if (outcome.position) {
      // Step and Reset keep the last training's time; a step from the trained weights keeps
      // its result beside it (and, until its own record comes, the panel's record).
      const fromTrained = outcome.position.from === 'trained';
      const result = fromTrained ? (previous?.outcome.result ?? null) : null;
      entry = {
        outcome: { ...outcome, result, seconds: result ? (previous?.outcome.seconds ?? 0) : 0 },
        record: outcome.step && previous?.record ? previous.record : null,
      };
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

/**
 * The result of a training whose worker had to be terminated after its Stop: the epoch, loss
 * and weights of its latest live snapshot and progress, as the views last showed them.
 * Null when it sent none.
 */
function stoppedOutcome(run: RunSpec, job: LiveJob): RunOutcome | null {
  const weights = job.weights;
  const progress = job.progress;
  if (!weights || !progress) return null;
  const held = heldOutRows(run.data.rows, run.settings.validate);
  const curve = job.curve;
  const column = (pick: (point: (typeof curve)[number]) => number | null): Float64Array => Float64Array.from(curve, (p) => pick(p) ?? NaN);
  const result: TrainResult = {
    stopped: 'cancelled',
    epochs: weights.epoch,
    loss: Number.isFinite(weights.loss) ? weights.loss : null,
    accuracy: progress.epoch === weights.epoch ? progress.accuracy : null,
    validationLoss: progress.epoch === weights.epoch ? progress.validationLoss : null,
    validationAccuracy: null,
    finalLoss: null,
    // A stopped run is not graded (docs/language.md §7.5): its final weights are not measured.
    final: null,
    history: {
      epoch: column((p) => p.epoch),
      loss: column((p) => p.loss),
      accuracy: curve.some((p) => p.accuracy !== null) ? column((p) => p.accuracy) : null,
      validationLoss: curve.some((p) => p.validationLoss !== null) ? column((p) => p.validationLoss) : null,
      validationAccuracy: null,
    },
    layers: weights.layers.map((layer) => ({ ...layer })),
    normalization: null,
    trainRows: run.data.rows - held,
    validationRows: held,
    // The snapshot was taken at the end of its epoch: that many epochs of whole batches.
    updates: weights.epoch * Math.ceil((run.data.rows - held) / Math.max(1, run.settings.batch === 'full' ? run.data.rows - held : run.settings.batch)),
  };
  return { key: run.key, result, step: null, seconds: progress.seconds, rows: weights.rows };
}
