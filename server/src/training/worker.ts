// The training worker thread: trains and steps runs with the Trainer, and computes everything the editor shows of them.
//
// It runs off the LSP thread (dist/worker.js). A run is synchronous; it stops when the
// host raises the shared cancel flag (read between batches) or when it passes its time
// limit. Progress goes out at most ~10 times a second. A finished job sends its outcome
// (result and per-row explanations) first, then the panel's record (curve, snapshots,
// boundary grids), so the LSP thread only reads numbers and results are not held up.
// While a run trains, live snapshots (weights, the last update, the boundary) go out
// too: the initial weights at once, then at most ~10 a second, fewer for a large network
// (a tenth of the training time, a bounded number of values a second), each with every
// inline row explained through those weights (the live hovers and ŷ hints). Step and
// Reset keep their trainer, so the next Step continues it.

import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { reportsOf, thinHistory } from '../nn/history';
import { createTrainer } from '../engine';
import type { Trainer } from '../nn/trainer';
import type { EpochReport, LayerState, TrainResult } from '../nn/types';
import type { RunSpec } from '../language/model';
import type { PanelLayer, Snapshot } from '../protocol';
import { CancelFlag, type HostMessage, type LiveWeights, type ProgressReport, type RunFrame, type RunRecord, type WorkerMessage } from './messages';
import type { RunOutcome, StepPosition } from './outcome';
import { dataPoints, drawSnapshots, pictures, BOUNDARY_GRID } from '../present/boundary';
import { measureScale } from './measure';
import { checkGradients } from '../nn/gradientCheck';
import { confusionOf, layerStateSize, panelLayer, snapshotLayers, unitPicturesSize } from '../present/snapshots';
import { HEALTH_SHARE, healthPlan, measureSnapshots, parameterCount, snapshotHealth, trainedHealth } from '../present/health';
import type { HealthMeasure } from '../nn/health';

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

/** A trainer kept for ⏭ Step, and where its weights stand (docs/editor.md "Step and Reset"). */
interface KeptTrainer {
  trainer: Trainer;
  /** What its steps started from: the trained weights (kept after a training) or the initial ones (after Reset). */
  from: StepPosition['from'];
  /** Steps made since. */
  steps: number;
}

/** Trainers of finished, stepped or reset runs, by RunSpec.key, so ⏭ Step continues them. */
const kept = new Map<string, KeptTrainer>();

function keep(key: string, entry: KeptTrainer): void {
  kept.delete(key);
  kept.set(key, entry);
  while (kept.size > KEPT_TRAINERS) kept.delete(kept.keys().next().value as string);
}

/** A trainer of the run on the fastest path of the engine that takes it. */
function newTrainer(run: RunSpec): Trainer {
  return createTrainer(run.network, run.data, run.settings);
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
    case 'step':
    case 'reset':
    case 'gradcheck': {
      const { job, version, run } = message;
      try {
        if (message.type === 'train') train(message);
        else if (message.type === 'step') step(message);
        else if (message.type === 'gradcheck') gradcheck(message);
        else reset(message);
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
  post({ type: 'ready', scale: measureScale() });
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
  const trainer = newTrainer(run);
  let lastPost = started;
  const shouldStop = stopControl(message.cancel, started, message.maxSeconds);
  const live = liveSnapshots(message, trainer);
  live.send(0, NaN);
  const result = trainer.train({
    onEpoch(report) {
      const now = performance.now();
      const progressDue = now - lastPost >= PROGRESS_INTERVAL_MS;
      // A cheap snapshot (a small network's) goes with every progress report, so the hovers show the epoch the lens shows.
      const snapshotDue = live.due(now) || (progressDue && live.cheap());
      if (!snapshotDue && !progressDue) return;
      lastPost = now;
      const progress: ProgressReport = {
        epoch: report.epoch,
        epochs: run.settings.epochs,
        loss: report.loss,
        validationLoss: report.validationLoss,
        accuracy: report.accuracy,
        seconds: (now - started) / 1000,
        ...liveVocabulary(report, trainer),
      };
      // A snapshot goes with a progress report of its epoch, so the lens and the hover name the same one.
      if (snapshotDue) live.send(report.epoch, report.loss, progress);
      else post({ type: 'progress', job, version, key: run.key, progress });
    },
    shouldStop,
    snapshots: { maxSnapshots: SNAPSHOTS, maxValues: SNAPSHOT_VALUES },
  });
  const seconds = (performance.now() - started) / 1000;
  const weightSnapshots = result.snapshots ?? [];
  // The weights travel once, in the record; the outcome keeps the final layers only.
  delete result.snapshots;
  keep(run.key, { trainer, from: 'trained', steps: 0 });
  // Training health (docs/editor.md "Training health"): the final weights' figures go with the outcome, the
  // other measured snapshots' with the record, all within the plan's share of the training's work.
  const { plan, health } = trainedHealth(trainer, run, result, weightSnapshots);
  const finalHealth = health.measure;
  // Every epoch's report of a long run is a large message to copy across threads just
  // when the user waits for the result; the LSP side needs only the curve's shape.
  const outcome: RunOutcome = {
    key: run.key, result: { ...result, history: thinHistory(result.history, CURVE_POINTS) }, step: null, seconds, rows: explainRows(run, trainer),
    health,
  };
  post({ type: 'done', job, version, key: run.key, outcome });

  // What only the panel needs comes second.
  const final = panelLayers(run, result.layers);
  // With patience the run ends on the weights of the epoch it kept (docs/language.md §7.4): so do the snapshots.
  const kept = result.bestEpoch ?? result.epochs;
  const shown = weightSnapshots.filter((snapshot) => snapshot.epoch <= kept);
  const drawing = pictures(run, trainer);
  const drawn = drawSnapshots(trainer, result.layers, shown, drawing, plan.measured);
  const measures = measureSnapshots(trainer, result.layers, shown, plan, finalHealth);
  const snapshots: Snapshot[] = shown.map((snapshot, i) => ({
    epoch: snapshot.epoch,
    // The last snapshot holds the final weights: the final layers say the same and more.
    layers: snapshot.epoch === kept ? final : snapshotLayers(final, snapshot),
    ...drawn[i],
    health: snapshotHealth(measures[i]),
  }));
  if (snapshots[snapshots.length - 1]?.epoch !== kept) snapshots.push({ epoch: kept, layers: final, ...drawing.draw(true), health: snapshotHealth(finalHealth) });
  post({ type: 'record', job, version, key: run.key, record: { ...record(run, result, snapshots), confusion: confusionOf(run.data, trainer.confusion()) } });
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
 * One update of ⏭ Step: continues the trainer this worker keeps for the run, else starts
 * where the host says (the trained weights, retrained; or the initial ones) and first
 * repeats the steps made before (`replay`), so any worker reaches the same weights.
 */
function step(message: Extract<HostMessage, { type: 'step' }>): void {
  const { job, version, run } = message;
  const started = performance.now();
  let entry = kept.get(run.key);
  if (!entry) {
    const trainer = newTrainer(run);
    // Same seed, same numbers: retraining gives back the weights the finished run had.
    if (message.from === 'trained') {
      const trained = trainer.train({ shouldStop: stopControl(message.cancel, started, Infinity) });
      if (trained.stopped === 'cancelled') {
        post({ type: 'failed', job, version, key: run.key, message: 'cancelled' });
        return;
      }
    }
    for (let i = 0; i < message.replay; i++) trainer.step();
    entry = { trainer, from: message.from === 'trained' ? 'trained' : 'initial', steps: message.replay };
  }
  const trainer = entry.trainer;
  const report = trainer.step();
  entry = { ...entry, steps: entry.steps + 1 };
  keep(run.key, entry);
  const position: StepPosition = { from: entry.from, steps: entry.steps, epoch: report.epoch, loss: finiteOrNull(trainer.trainingLoss()), layers: report.after };
  finishMove(message, trainer, { key: run.key, result: null, step: report, seconds: (performance.now() - started) / 1000, rows: explainRows(run, trainer), position });
}

/** ⏭ Reset: the seed's initial weights, kept for the next Step (epoch 0). */
function reset(message: Extract<HostMessage, { type: 'reset' }>): void {
  const { run } = message;
  const trainer = newTrainer(run);
  keep(run.key, { trainer, from: 'initial', steps: 0 });
  const position: StepPosition = { from: 'initial', steps: 0, epoch: 0, loss: finiteOrNull(trainer.trainingLoss()), layers: trainer.layers() };
  finishMove(message, trainer, { key: run.key, result: null, step: null, seconds: 0, rows: explainRows(run, trainer), position });
}

/** "NN: Check Gradients": a trainer of the run in f64 at the given weights, backprop against the slope (nn/gradientCheck.ts). */
function gradcheck(message: Extract<HostMessage, { type: 'gradcheck' }>): void {
  const { job, version, run } = message;
  const trainer = createTrainer(run.network, run.data, { ...run.settings, precision: 'f64' });
  message.layers.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));
  post({ type: 'gradients', job, version, key: run.key, check: checkGradients(trainer) });
}

/** Sends a step's or reset's outcome, then the panel's picture of the weights it left. */
function finishMove(message: Extract<HostMessage, { type: 'step' | 'reset' }>, trainer: Trainer, outcome: RunOutcome): void {
  const { job, version, run } = message;
  const position = outcome.position!;
  const snapshots = [{ epoch: position.epoch, layers: panelLayers(run, position.layers), ...pictures(run, trainer).draw(true) }];
  post({ type: 'done', job, version, key: run.key, outcome });
  post({ type: 'record', job, version, key: run.key, record: record(run, null, snapshots) });
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
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
 * The live snapshots of one training: the current weights, the last update, the boundary
 * and every inline row through them, sent when due. Due means at least
 * LIVE_SNAPSHOT_INTERVAL_MS since the last one and, for a large network, enough time
 * between two that snapshots take at most LIVE_SNAPSHOT_SHARE of the time and
 * LIVE_VALUES_PER_SECOND of the traffic.
 */
function liveSnapshots(message: Extract<HostMessage, { type: 'train' }>, trainer: Trainer) {
  const { job, version, run } = message;
  const data = dataPoints(run.data);
  let frame: RunFrame | undefined = { points: data ? data.points : null, box: data ? data.box : null, grid: data ? BOUNDARY_GRID : 0 };
  let lastSent = -Infinity;
  let wait = LIVE_SNAPSHOT_INTERVAL_MS;
  let sent = 0;
  const drawing = pictures(run, trainer);
  // Live health figures: not of the initial weights, and within HEALTH_SHARE of the time trained so far
  // (the last measurement's cost counted ahead), each of as many rows as the finished run's plan allows.
  const started = performance.now();
  const healthRows = healthPlan(trainer.trainingRows.length, run.settings.epochs, 1, parameterCount(trainer.layers())).rows;
  let healthSpent = 0;
  let healthCost = 0;
  const measureHealth = (epoch: number): HealthMeasure | undefined => {
    if (epoch === 0 || trainer.trainingRows.length === 0) return undefined;
    const began = performance.now();
    if (healthSpent + healthCost > HEALTH_SHARE * (began - started)) return undefined;
    const measure = trainer.health(healthRows, epoch);
    healthCost = performance.now() - began;
    healthSpent += healthCost;
    return measure;
  };
  const send = (epoch: number, loss: number, progress?: ProgressReport) => {
    const began = performance.now();
    const layers = trainer.layers();
    const health = measureHealth(epoch);
    const { boundary, units } = drawing.draw(true);
    const weights: LiveWeights = { epoch, loss, layers, rows: explainRows(run, trainer), units, ...(health ? { health } : {}) };
    post({ type: 'snapshot', job, version, key: run.key, weights, boundary, ...(frame ? { frame } : {}), ...(progress ? { progress } : {}) });
    frame = undefined;
    const now = performance.now();
    const values = layers.reduce((sum, layer) => sum + layerStateSize(layer), (boundary?.length ?? 0) + unitPicturesSize(units));
    // The first snapshot's time is mostly compiling the code that takes it: it says little of the next ones'.
    const cost = sent === 0 ? 0 : now - began;
    sent++;
    wait = Math.max(LIVE_SNAPSHOT_INTERVAL_MS, cost / LIVE_SNAPSHOT_SHARE, (1000 * values) / LIVE_VALUES_PER_SECOND);
    lastSent = now;
  };
  return {
    send,
    due: (now: number) => now - lastSent >= wait,
    /** Whether a snapshot costs little enough to go with every progress report. */
    cheap: () => wait <= 2 * PROGRESS_INTERVAL_MS,
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
