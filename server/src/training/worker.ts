// The training worker thread: trains and steps runs with the Trainer, and computes everything the editor shows of them.
//
// It runs off the LSP thread (dist/worker.js). A run is synchronous; it stops when the
// host raises the shared cancel flag (read between batches) or when it passes its time
// limit. Progress goes out at most ~10 times a second. A finished job sends its outcome
// (result and per-row explanations) first, then the panel's record (curve, snapshots,
// boundary grids), so the LSP thread only reads numbers and results are not held up.

import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Trainer } from '../nn/trainer';
import type { LayerState, TrainResult } from '../nn/types';
import type { RunSpec } from '../language/model';
import type { PanelLayer } from '../protocol';
import { CancelFlag, type HostMessage, type RunRecord, type WorkerMessage } from './messages';
import type { RunOutcome } from './outcome';
import { boundaryGrid, dataPoints, BOUNDARY_GRID } from './boundary';
import { measureThroughput } from './measure';

/** Snapshots kept per run, evenly spaced over its epochs (the panel's scrubber). */
const SNAPSHOTS = 40;
/** At most this many weights over all of a run's snapshots. */
const SNAPSHOT_VALUES = 1_000_000;
/** Curve points kept per run; longer runs are thinned evenly. */
const CURVE_POINTS = 2000;
/** Trainers kept for ⏭ Step (most recently used). */
const KEPT_TRAINERS = 4;
const PROGRESS_INTERVAL_MS = 100;

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
  const trainer = new Trainer(run.network, run.data, run.settings);
  let lastPost = started;
  const shouldStop = stopControl(message.cancel, started, message.maxSeconds);
  const result = trainer.train({
    onEpoch(report) {
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
  const outcome: RunOutcome = { key: run.key, result: { ...result, history: thin(result.history) }, step: null, seconds, rows: explainRows(run, trainer) };
  post({ type: 'done', job, version, key: run.key, outcome });

  // What only the panel needs comes second.
  const final = panelLayers(run, result.layers);
  const snapshots = weightSnapshots.map((snapshot) => ({
    epoch: snapshot.epoch,
    // The last snapshot holds the final weights: give it the last update's gradients too.
    layers:
      snapshot.epoch === result.epochs
        ? final
        : final.map((layer, k) => ({ ...layer, weights: Array.from(snapshot.weights[k]), biases: Array.from(snapshot.biases[k]), weightGradient: null })),
  }));
  if (snapshots.length === 0) snapshots.push({ epoch: result.epochs, layers: final });
  post({ type: 'record', job, version, key: run.key, record: record(run, result, snapshots, result.normalization) });
}

function step(message: Extract<HostMessage, { type: 'step' }>): void {
  const { job, version, run } = message;
  const started = performance.now();
  let trainer = kept.get(run.key);
  let trained: TrainResult | null = null;
  if (!trainer) {
    trainer = new Trainer(run.network, run.data, run.settings);
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
  const snapshots = [{ epoch: report.epoch, layers }];
  post({ type: 'done', job, version, key: run.key, outcome });
  post({ type: 'record', job, version, key: run.key, record: record(run, null, snapshots, trainer.normalization) });
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
  return layers.map((layer, k) => ({
    name: layer.name,
    units: layer.units,
    inputs: layer.inputs,
    activation: layer.activation,
    // The panel reveals the layer by its statement; the host turns offsets into lines.
    line: lines[k]?.span.start ?? 0,
    weights: Array.from(layer.weights),
    biases: Array.from(layer.biases),
    weightGradient: layer.gradientNorm > 0 || hasNonZero(layer.weightGradient) ? Array.from(layer.weightGradient) : null,
    lastUpdate: null,
  }));
}

function hasNonZero(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return true;
  return false;
}

/** At most CURVE_POINTS evenly spaced entries, always with the last one. */
function thin<T>(items: readonly T[]): T[] {
  const every = Math.max(1, Math.ceil(items.length / CURVE_POINTS));
  return items.filter((_item, i) => i % every === 0 || i === items.length - 1);
}

function record(
  run: RunSpec,
  result: TrainResult | null,
  snapshots: { epoch: number; layers: PanelLayer[] }[],
  normalization: TrainResult['normalization'],
): RunRecord {
  const curve = thin(result?.history ?? []).map((r) => ({
    epoch: r.epoch,
    loss: r.loss,
    validationLoss: r.validationLoss,
    accuracy: r.accuracy,
    validationAccuracy: r.validationAccuracy,
  }));
  const points = dataPoints(run.data);
  const box = points ? points.box : null;
  // The weight change since the previous snapshot, so the panel can show what moved.
  const withUpdates = snapshots.map((s, i) => {
    const previous = snapshots[i - 1];
    const layers = s.layers.map((layer, k) => ({
      ...layer,
      lastUpdate: previous ? layer.weights.map((w, j) => w - previous.layers[k].weights[j]) : null,
    }));
    return { epoch: s.epoch, layers, boundary: box ? boundaryGrid(layers, normalization, box, BOUNDARY_GRID) : null };
  });
  return {
    inputNames: run.data.inputNames,
    curve,
    snapshots: withUpdates,
    points: points ? points.points : null,
    box,
    grid: box ? BOUNDARY_GRID : 0,
  };
}
