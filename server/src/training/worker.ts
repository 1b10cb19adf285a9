// The training worker thread: trains and steps runs with the Trainer, and computes everything the editor shows of them.
//
// It runs off the LSP thread (dist/worker.js). A run is synchronous; it stops when the
// host raises the shared cancel flag (read between batches) or when it passes its time
// limit. Progress goes out at most ~10 times a second. A finished job sends its outcome
// (result and per-row explanations) first, then the panel's record (curve, snapshots,
// boundary grids), so the LSP thread only reads numbers and results are not held up.
// While a run trains, live snapshots (weights, the last update, the boundary) go out
// too: the initial weights at once, then at most ~10 a second, fewer for a large network
// (a tenth of the training time, a bounded number of values a second).

import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { reportsOf, thinHistory } from '../nn/history';
import { createTrainer } from '../engine';
import type { Trainer } from '../nn/trainer';
import type { EpochReport, LayerState, TrainResult, WeightSnapshot } from '../nn/types';
import type { RunSpec } from '../language/model';
import type { PanelLayer, Snapshot } from '../protocol';
import { CancelFlag, type HostMessage, type ProgressReport, type RunFrame, type RunRecord, type WorkerMessage } from './messages';
import type { RunOutcome } from './outcome';
import { dataPoints, trainerBoundary, BOUNDARY_GRID, type Box } from '../present/boundary';
import { measureThroughput } from './measure';
import { panelLayer, snapshotLayers, snapshotSize } from '../present/snapshots';

/** Snapshots kept per run, evenly spaced over its epochs (the panel's scrubber). */
const SNAPSHOTS = 40;
/** At most this many weights over all of a run's snapshots. */
const SNAPSHOT_VALUES = 1_000_000;
/** Curve points kept per run; longer runs are thinned evenly. */
const CURVE_POINTS = 2000;
/** Trainers kept for ⏭ Step (most recently used). */
const KEPT_TRAINERS = 4;
const PROGRESS_INTERVAL_MS = 100;
/** Live snapshots: at most one per this many ms… */
const LIVE_SNAPSHOT_INTERVAL_MS = 100;
/** …at most this share of the training time goes into them… */
const LIVE_SNAPSHOT_SHARE = 0.1;
/** …and at most this many numbers a second go out in them (a large network's W, ∂L/∂W and ΔW are a lot to send on to the editor). */
const LIVE_VALUES_PER_SECOND = 250_000;

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');

/** Trainers of finished or stepped runs, by RunSpec.key, so ⏭ Step continues them. */
const kept = new Map<string, Trainer>();

function keep(key: string, trainer: Trainer): void {
  kept.delete(key);
  kept.set(key, trainer);
  while (kept.size > KEPT_TRAINERS) kept.delete(kept.keys().next().value as string);
}

function post(message: WorkerMessage): void {
  port!.postMessage(message);
}

port.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'forget':
      kept.delete(message.key);
      return;
    case 'train':
    case 'step': {
      const { job, version, run } = message;
      try {
        if (message.type === 'train') train(message);
        else step(message);
      } catch (error) {
        post({ type: 'failed', job, version, key: run.key, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
  }
});

// The speed measurement waits until the thread is idle, so a run sent at start-up is not delayed by it.
let measured = false;
function measureWhenIdle(): void {
  if (measured) return;
  measured = true;
  post({ type: 'ready', throughput: measureThroughput() });
}
setTimeout(measureWhenIdle, 200);

function stopControl(cancel: SharedArrayBuffer, started: number, maxSeconds: number) {
  const flag = new Int32Array(cancel);
  return (): 'cancelled' | 'time' | null => {
    const value = Atomics.load(flag, 0);
    if (value === CancelFlag.cancel) return 'cancelled';
    // The host's crash test: leave the way an out-of-memory or a native fault would.
    if (value === CancelFlag.crash) process.exit(70);
    if (performance.now() - started > maxSeconds * 1000) return 'time';
    return null;
  };
}

function train(message: Extract<HostMessage, { type: 'train' }>): void {
  const { job, version, run } = message;
  const started = performance.now();
  const trainer = createTrainer(run.network, run.data, run.settings);
  let lastPost = started;
  const shouldStop = stopControl(message.cancel, started, message.maxSeconds);
  const live = liveSnapshots(message, trainer);
  live.send(0);
  const result = trainer.train({
    onEpoch(report) {
      live.maybeSend(report.epoch);
      const now = performance.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS) return;
      lastPost = now;
      post({
        type: 'progress',
        job,
        version,
        key: run.key,
        progress: {
          epoch: report.epoch,
          epochs: run.settings.epochs,
          loss: report.loss,
          validationLoss: report.validationLoss,
          accuracy: report.accuracy,
          seconds: (now - started) / 1000,
          ...liveVocabulary(report, trainer),
        },
      });
    },
    shouldStop,
    snapshots: { maxSnapshots: SNAPSHOTS, maxValues: SNAPSHOT_VALUES },
  });
  const seconds = (performance.now() - started) / 1000;
  const weightSnapshots = result.snapshots ?? [];
  // The weights travel once, in the record; the outcome keeps the final layers only.
  delete result.snapshots;
  keep(run.key, trainer);
  // Every epoch's report of a long run is a large message to copy across threads just
  // when the user waits for the result; the LSP side needs only the curve's shape.
  const outcome: RunOutcome = { key: run.key, result: { ...result, history: thinHistory(result.history, CURVE_POINTS) }, step: null, seconds, rows: explainRows(run, trainer) };
  post({ type: 'done', job, version, key: run.key, outcome });

  // What only the panel needs comes second.
  const final = panelLayers(run, result.layers);
  const box = dataPoints(run.data)?.box ?? null;
  // With patience the run ends on the weights of the epoch it kept (docs/language.md §7.4): so do the snapshots.
  const kept = result.bestEpoch ?? result.epochs;
  const shown = weightSnapshots.filter((snapshot) => snapshot.epoch <= kept);
  const boundaries = box ? snapshotBoundaries(trainer, result.layers, shown, box) : null;
  const snapshots = shown.map((snapshot, i) => ({
    epoch: snapshot.epoch,
    // The last snapshot holds the final weights: the final layers say the same and more.
    layers: snapshot.epoch === kept ? final : snapshotLayers(final, snapshot),
    boundary: boundaries ? boundaries[i] : null,
  }));
  if (snapshots[snapshots.length - 1]?.epoch !== kept) snapshots.push({ epoch: kept, layers: final, boundary: box ? trainerBoundary(trainer, box, BOUNDARY_GRID) : null });
  post({ type: 'record', job, version, key: run.key, record: record(run, result, snapshots) });
}

/** What a progress report adds for docs/language.md §7.2–§7.4: the rate, the penalty, the best epoch so far. */
function liveVocabulary(report: EpochReport, trainer: Trainer): Pick<ProgressReport, 'rate' | 'penalty' | 'bestEpoch'> {
  const best = trainer.bestEpoch;
  return {
    ...(report.rate !== undefined ? { rate: report.rate } : {}),
    ...(report.penalty !== undefined ? { penalty: report.penalty } : {}),
    ...(best !== null ? { bestEpoch: best } : {}),
  };
}

/**
 * The boundary of every recorded snapshot, computed by the trainer itself (its kernels)
 * with the snapshot's weights loaded, then the final weights put back exactly, so ⏭ Step
 * continues from them.
 */
function snapshotBoundaries(trainer: Trainer, finalLayers: readonly LayerState[], snapshots: readonly WeightSnapshot[], box: Box): number[][] {
  const boundaries = snapshots.map((snapshot) => {
    snapshot.weights.forEach((weights, k) => trainer.setLayer(k + 1, weights, snapshot.biases[k]));
    return trainerBoundary(trainer, box, BOUNDARY_GRID);
  });
  finalLayers.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));
  return boundaries;
}

function step(message: Extract<HostMessage, { type: 'step' }>): void {
  const { job, version, run } = message;
  const started = performance.now();
  let trainer = kept.get(run.key);
  let trained: TrainResult | null = null;
  if (!trainer) {
    trainer = createTrainer(run.network, run.data, run.settings);
    // Same seed, same numbers: retraining gives back the weights the finished run had.
    if (message.from === 'trained') trained = trainer.train({ shouldStop: stopControl(message.cancel, started, Infinity) });
  }
  if (trained && trained.stopped === 'cancelled') {
    post({ type: 'failed', job, version, key: run.key, message: 'cancelled' });
    return;
  }
  const report = trainer.step();
  keep(run.key, trainer);
  const seconds = (performance.now() - started) / 1000;
  const outcome: RunOutcome = { key: run.key, result: null, step: report, seconds, rows: explainRows(run, trainer) };
  const layers = panelLayers(run, report.after);
  const box = dataPoints(run.data)?.box ?? null;
  const snapshots = [{ epoch: report.epoch, layers, boundary: box ? trainerBoundary(trainer, box, BOUNDARY_GRID) : null }];
  post({ type: 'done', job, version, key: run.key, outcome });
  post({ type: 'record', job, version, key: run.key, record: record(run, null, snapshots) });
}

/** Forward and backward pass of every inline row through the current weights (hover on a row, ŷ hints). */
function explainRows(run: RunSpec, trainer: Trainer): RunOutcome['rows'] {
  const data = run.data;
  if (!data.rowSpans) return null;
  const rows = [];
  for (let r = 0; r < data.rows; r++) {
    const x = Array.from(data.inputs.subarray(r * data.inputWidth, (r + 1) * data.inputWidth));
    const y = Array.from(data.targets.subarray(r * data.targetWidth, (r + 1) * data.targetWidth));
    rows.push(trainer.explain(x, y));
  }
  return rows;
}

function panelLayers(run: RunSpec, layers: LayerState[]): PanelLayer[] {
  const lines = run.network.layers;
  // The panel reveals the layer by its statement; the host turns offsets into lines.
  return layers.map((layer, k) => panelLayer(layer, lines[k]?.span.start ?? 0));
}

/**
 * The live snapshots of one training: the current weights, the last update and the
 * boundary, sent when due. Due means at least LIVE_SNAPSHOT_INTERVAL_MS since the last
 * one and, for a large network, enough time between two that snapshots take at most
 * LIVE_SNAPSHOT_SHARE of the time and LIVE_VALUES_PER_SECOND of the traffic.
 */
function liveSnapshots(message: Extract<HostMessage, { type: 'train' }>, trainer: Trainer) {
  const { job, version, run } = message;
  const data = dataPoints(run.data);
  let frame: RunFrame | undefined = { points: data ? data.points : null, box: data ? data.box : null, grid: data ? BOUNDARY_GRID : 0 };
  let lastSent = -Infinity;
  let wait = LIVE_SNAPSHOT_INTERVAL_MS;
  const send = (epoch: number) => {
    const began = performance.now();
    const layers = panelLayers(run, trainer.layers());
    const snapshot: Snapshot = { epoch, layers, boundary: data ? trainerBoundary(trainer, data.box, BOUNDARY_GRID) : null };
    post({ type: 'snapshot', job, version, key: run.key, snapshot, ...(frame ? { frame } : {}) });
    frame = undefined;
    const now = performance.now();
    wait = Math.max(LIVE_SNAPSHOT_INTERVAL_MS, (now - began) / LIVE_SNAPSHOT_SHARE, (1000 * snapshotSize(snapshot)) / LIVE_VALUES_PER_SECOND);
    lastSent = now;
  };
  return {
    send,
    maybeSend(epoch: number) {
      if (performance.now() - lastSent >= wait) send(epoch);
    },
  };
}

function record(run: RunSpec, result: TrainResult | null, snapshots: Snapshot[]): RunRecord {
  const curve = result ? reportsOf(thinHistory(result.history, CURVE_POINTS)) : [];
  const points = dataPoints(run.data);
  const box = points ? points.box : null;
  return {
    inputNames: run.data.inputNames,
    curve,
    snapshots,
    points: points ? points.points : null,
    box,
    grid: box ? BOUNDARY_GRID : 0,
  };
}
