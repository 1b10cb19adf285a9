// The Trainer: a run's data parts, its buffers and initial weights, then batches and epochs of backprop.ts, the optimizer's updates, the end of each epoch (epochEnd.ts), and the results.
//
// One batch (runBatch): the batch's samples go through backprop.ts a chunk at a
// time (a batch larger than CHUNK_COLUMNS samples, `batch full` on a big data
// set, is processed in chunks whose gradients are summed, so memory stays
// bounded), with each chunk's dropout masks drawn first (dropout.ts), then the
// optimizer moves every parameter once (the weights' gradients penalized first:
// regularization.ts). At an epoch's end its numbers are recorded and its hooks
// run (epochEnd.ts: stop rules, patience, the schedule). Every buffer is
// allocated once, in the constructor: the training loop allocates nothing per
// batch or sample. The order of every sum is fixed, so the same run gives the
// same bits every time.
//
// The arithmetic is the plain loops of backprop.ts and optimizers.ts unless the
// trainer is given a fast path (fastPath.ts; server/src/engine/ chooses one per
// run with createTrainer): then its products and passes run instead, and its
// batch runner, if it has one, runs whole batches and epochs of this loop in one call.

import type { Dataset, NetworkSpec, Regularization, TrainSettings } from '../language/model';
import type { Vector } from './activations';
import { accumulateGradients, backpropagate, forward, outputDelta, plainProducts, type Layers, type Products } from './backprop';
import { drawMasks, dropThreshold, type DropoutLayers } from './dropout';
import { epochHooks, type EpochEndActions, type EpochHook } from './epochEnd';
import type { BatchRunner, BatchState, FastPath } from './fastPath';
import { HEALTH_MAX_ROWS, HealthTally, healthSample, type HealthMeasure } from './health';
import { HistoryBuilder } from './history';
import { outputLoss, type OutputLoss } from './losses';
import { fillMissing, fitMissingMeans } from './missing';
import { fitNormalization, normalizeInput } from './normalize';
import { createOptimizer, type Optimizer, type OptimizerSection } from './optimizers';
import { allocateNetwork } from './network';
import { classificationOf, gatherRows, splitRows, type Classification, type PartRows } from './parts';
import { penalizeGradient, penaltyOf } from './regularization';
import { Rng, STREAM } from './rng';
import { SnapshotRecorder, type SnapshotSource } from './snapshotRecorder';
import type {
  EpochReport, FinalScores, LayerState, Normalization, SampleExplanation, StepReport, StopReason, TrainControl, TrainHistory, TrainResult,
} from './types';

/** The most samples that go through one forward/backward pass; larger batches are split into chunks. */
export const CHUNK_COLUMNS = 256;

/**
 * The most multiply-adds (about 3 × parameters × samples per batch) that one call of a batch
 * runner may do: the trainer checks for a stop between calls, so this bounds how long a
 * cancelled run goes on (2²⁰ is well under a millisecond of arithmetic).
 */
export const CALL_WORK = 1 << 20;

export class Trainer {
  readonly network: NetworkSpec;
  readonly data: Dataset;
  readonly settings: TrainSettings;
  /** Fitted on the training part; null without `normalize`. */
  readonly normalization: Normalization | null;
  /** What each missing input is filled with (its column's mean over the training part); null without `missing mean`. */
  readonly missingMeans: number[] | null;
  /** Row indices into the data set of the training and held-out parts, in data order. */
  readonly trainingRows: Int32Array;
  readonly validationRows: Int32Array;
  /** Samples per update (the whole training part for `batch full`). */
  readonly batchSize: number;
  readonly classification: Classification;
  /** Which path computes: the fast path's name, or 'reference' (the plain loops). */
  readonly engine: string;

  /** Samples one pass can hold (columns of every z, a, δ buffer). */
  private readonly capacity: number;
  /** Layer sizes n_0 (inputs) … n_L. */
  private readonly sizes: number[];
  private readonly layerCount: number;
  /** The derivation's matrices (backprop.ts, network.ts); W and b are views of parameterBlock, the gradients of gradientBlock. */
  private readonly net: Layers;
  /** Every W and b (and, in the same places, every ∂L/∂W and ∂L/∂b), so the optimizer moves all parameters in one pass. */
  private readonly parameterBlock: Vector;
  private readonly gradientBlock: Vector;
  /** ΔW⁽ᵏ⁾ of the recorded update (W after − W before), and which update that was (0: none). */
  private readonly weightUpdates: Float64Array[];
  private recordedUpdate = 0;
  private readonly output: OutputLoss;
  private readonly optimizer: Optimizer;
  /** The products: the fast path's, or the plain loops. */
  private readonly products: Products;
  private readonly fastPath: FastPath | null;
  /** The fast path's batch loop in single calls, or null (runBatch runs here). */
  private readonly runner: BatchRunner | null;
  /** The counters handed to the runner and back, one object for every call. */
  private readonly runnerState: BatchState = { cursor: 0, updates: 0, correct: 0, epochLoss: 0, rate: 0, random: new Int32Array(4) };
  /** What runs after every epoch, and whether the runner must stop after each (a hook it does not apply). */
  private readonly hooks: EpochHook[];
  private readonly epochByEpoch: boolean;
  private readonly shuffleRng: Rng;
  /** `dropout` (docs/language.md §7.2): each chunk's masks and the layers' dropped outputs, and the stream the masks come from; null without. */
  private readonly dropout: DropoutLayers | null;
  private readonly dropoutRng: Rng;
  /** `regularize` (docs/language.md §7.2), and the optimizer's step on each layer's W and b apart (the weights' gradients are penalized); null without. */
  private readonly regularization: Regularization | null;
  private readonly sections: { weights: OptimizerSection; biases: OptimizerSection }[] | null;
  /** What the end of an epoch may change (epochEnd.ts): the rate, the weights kept by patience. */
  private readonly epochActions: EpochEndActions;
  /** The weights (and their last update's gradients) of the best epoch so far, kept by `patience`. */
  private best: { epoch: number; parameters: Vector; gradients: Vector } | null = null;
  /** With `patience`: the epoch whose weights the run ended with (docs/language.md §7.4), once it has ended. */
  private keptEpoch: number | null = null;

  /** Normalized inputs and targets of each part, row-major (row i is trainingRows[i]). */
  private readonly trainInputs: Float64Array;
  private readonly trainTargets: Float64Array;
  private readonly validationInputs: Float64Array;
  private readonly validationTargets: Float64Array;
  /** The order of the training part in the epoch in progress (positions into trainInputs). */
  private readonly order: Int32Array;

  /** Epochs completed, position in `order` of the next batch, updates made. */
  private epoch = 0;
  private cursor = 0;
  private updates = 0;
  private epochLossSum = 0;
  private epochCorrect = 0;
  /** Every epoch's numbers, and a diverged batch's unfinished epoch last. */
  private readonly epochHistory: HistoryBuilder;
  /** Snapshots being recorded across advance() slices, until finish(). */
  private sliceRecorder: SnapshotRecorder | null = null;
  /** Set when a batch's loss was not finite: the 1-based epoch it happened in. */
  private divergedEpoch: number | null = null;
  /** firstOutputs' own wider forward buffers, when the training's are narrow (see widePass). */
  private wide: WidePass | null = null;
  /** evaluationPass()'s own ∂L/∂W and ∂L/∂b (index 0 unused), allocated on first use. */
  private healthGradients: { weights: Vector[]; biases: Vector[] } | null = null;

  /** A trainer on the plain loops, or on `fastPath` (engine/index.ts createTrainer picks one). */
  constructor(network: NetworkSpec, data: Dataset, settings: TrainSettings, fastPath: FastPath | null = null) {
    this.network = network;
    this.settings = settings;
    this.fastPath = fastPath;
    this.engine = fastPath?.name ?? 'reference';
    this.products = fastPath ?? plainProducts(settings.precision);
    this.layerCount = network.layers.length;

    // The split, the fill of missing inputs and the normalization come first: both are fitted on the training part only.
    const split = splitRows(data.rows, settings.validate, settings.seed);
    this.trainingRows = split.training;
    this.validationRows = split.validation;
    this.missingMeans = fitMissingMeans(data, this.trainingRows);
    data = fillMissing(data, this.missingMeans);
    this.data = data;
    this.normalization = data.normalize
      ? fitNormalization(data.normalize, data.inputs, data.inputWidth, this.trainingRows)
      : null;
    [this.trainInputs, this.trainTargets] = this.gatherPart(this.trainingRows);
    [this.validationInputs, this.validationTargets] = this.gatherPart(this.validationRows);
    this.classification = classificationOf(data);
    this.regularization = settings.regularization ?? null;
    this.epochHistory = new HistoryBuilder(this.classification !== null, this.validationRows.length > 0, settings.epochs, {
      rate: (settings.schedule ?? null) !== null,
      penalty: this.regularization !== null,
    });

    const trainCount = this.trainingRows.length;
    this.batchSize = settings.batch === 'full' ? trainCount : Math.min(settings.batch, trainCount);
    // Room for a whole batch (or a chunk of one), and for evaluating a part in as few passes.
    const columns = Math.max(1, Math.min(CHUNK_COLUMNS, Math.max(trainCount, this.validationRows.length)));
    this.capacity = columns;

    // The initial weights: drawn from the seed, or those of `start from w` (docs/language.md §7.1).
    const net = allocateNetwork(network, columns, settings.seed, {
      allocate: (length) => this.allocate(length),
      allocateFloat64: (length) => this.allocateFloat64(length),
    }, settings.start?.layers ?? null);
    this.net = net;
    this.sizes = net.sizes;
    this.parameterBlock = net.parameterBlock;
    this.gradientBlock = net.gradientBlock;
    this.weightUpdates = net.weightUpdates;
    this.output = outputLoss(settings.loss, net.act[this.layerCount]);
    this.optimizer = createOptimizer(settings.optimizer, [this.parameterBlock.length], (length) => this.allocate(length), fastPath ?? undefined);
    this.shuffleRng = new Rng(settings.seed, STREAM.shuffle);
    this.dropoutRng = new Rng(settings.seed, STREAM.dropout);
    this.dropout = this.dropoutLayers(network, columns);
    this.sections = this.regularization ? this.layerSections() : null;
    const optimizer = this.optimizer;
    this.epochActions = {
      get rate() {
        return optimizer.rate;
      },
      setRate: (rate) => optimizer.setRate(rate),
      keepWeights: (epoch) => this.keepWeights(epoch),
    };
    this.order = fastPath ? fastPath.allocateInt32(trainCount) : new Int32Array(trainCount);
    for (let i = 0; i < trainCount; i++) this.order[i] = i;
    this.hooks = epochHooks(settings, this.validationRows.length > 0);
    this.runner = fastPath?.batchRunner({
      ...net, capacity: columns, loss: settings.loss, classification: this.classification,
      optimizer: settings.optimizer, optimizerState: this.optimizer.state(0),
      trainCount, batchSize: this.batchSize, order: this.order, trainInputs: this.trainInputs, trainTargets: this.trainTargets,
      validationCount: this.validationRows.length, validationInputs: this.validationInputs, validationTargets: this.validationTargets,
      stopLoss: settings.stopLoss, stopValidationLoss: settings.stopValidationLoss ?? null,
      dropout: this.dropout, regularization: this.regularization,
    }) ?? null;
    const runner = this.runner;
    this.epochByEpoch = runner !== null && this.hooks.some((hook) => !runner.appliesHooks.includes(hook.name));
  }

  /** Threads that the products are shared between right now (1 on the plain loops). */
  get threads(): number {
    return this.fastPath?.threads ?? 1;
  }

  /** Trains until `epochs`, an epoch hook (the stop rule), divergence, or control.shouldStop(); continues after step(). */
  train(control: TrainControl = {}): TrainResult {
    const recorder = control.snapshots ? new SnapshotRecorder(control.snapshots, this.parameterCount()) : null;
    recorder?.record(this.epoch, this.lastLoss(), this.snapshotSource());
    const stopped = this.loop(control, null, recorder) as StopReason;
    recorder?.finish(this.epoch, this.lastLoss(), this.snapshotSource());
    this.keepBestAtEnd(stopped);
    return this.result(stopped, recorder);
  }

  /**
   * Like train(), but also returns 'paused' as soon as `pause()` (polled between
   * batches, after shouldStop) says so, without building a result: a caller that
   * must let its event loop run (the CLI, to see Ctrl+C) trains in slices and
   * calls finish() once. Training resumes exactly where it paused. Snapshots
   * asked for in the first call's control are kept across the slices.
   */
  advance(control: TrainControl, pause: () => boolean): StopReason | 'paused' {
    if (control.snapshots && !this.sliceRecorder) {
      this.sliceRecorder = new SnapshotRecorder(control.snapshots, this.parameterCount());
      this.sliceRecorder.record(this.epoch, this.lastLoss(), this.snapshotSource());
    }
    return this.loop(control, pause, this.sliceRecorder);
  }

  /** The result of the training so far, as train() returns it, for a run ended with `stopped`. */
  finish(stopped: StopReason): TrainResult {
    const recorder = this.sliceRecorder;
    this.sliceRecorder = null;
    recorder?.finish(this.epoch, this.lastLoss(), this.snapshotSource());
    const reason = this.divergedEpoch !== null ? 'diverged' : stopped;
    this.keepBestAtEnd(reason);
    return this.result(reason, recorder);
  }

  private loop(control: TrainControl, pause: (() => boolean) | null, recorder: SnapshotRecorder | null): StopReason | 'paused' {
    const history = this.epochHistory;
    while (this.epoch < this.settings.epochs && this.trainingRows.length > 0 && this.divergedEpoch === null) {
      const reason = control.shouldStop?.() ?? null;
      if (reason) return reason;
      if (pause?.()) return 'paused';
      const reported = history.length;
      if (this.runner) this.runCall(this.runner, recorder);
      else this.runBatch();
      // The epochs finished (a diverged batch's unfinished epoch, last, ends the run).
      for (let r = reported; r < history.length; r++) {
        control.onEpoch?.(history.report(r));
        if (this.divergedEpoch !== null && r === history.length - 1) break;
        recorder?.record(r + 1, history.lossAt(r), this.snapshotSource());
        const ended = this.endEpoch(r + 1);
        if (ended) return ended;
      }
    }
    return this.divergedEpoch !== null ? 'diverged' : 'epochs';
  }

  /** Exactly one update (one batch), continuing where the last step or train left off. */
  step(): StepReport {
    const learningRate = this.optimizer.rate;
    if (this.trainingRows.length === 0) {
      const layers = this.layers();
      return { update: this.updates, epoch: this.epoch, batchLoss: NaN, batchSize: 0, learningRate, before: layers, after: layers };
    }
    const weightsBefore = this.net.weights.map((w) => Float64Array.from(w));
    const biasesBefore = this.net.biases.map((b) => Float64Array.from(b));
    const epoch = this.epoch + 1;
    const batchSize = Math.min(this.batchSize, this.trainingRows.length - this.cursor);
    const epochsBefore = this.epochHistory.length;
    const batchLoss = this.runBatch(true);
    // An epoch a step finishes ends as in training (its schedule sets the next rate), but steps go on whatever a rule says.
    if (this.epochHistory.length > epochsBefore && this.divergedEpoch === null) this.endEpoch(this.epoch);
    const after = this.layers();
    const before = after.map((layer, index) => ({
      ...layer,
      weights: weightsBefore[index + 1],
      biases: biasesBefore[index + 1],
    }));
    return { update: this.updates, epoch, batchLoss, batchSize, learningRate, before, after };
  }

  /** W, b, the last update's δ (= ∂L/∂b, the batch mean) and gradients of every layer, as copies. */
  layers(): LayerState[] {
    const states: LayerState[] = [];
    const net = this.net;
    for (let k = 1; k <= this.layerCount; k++) {
      const spec = this.network.layers[k - 1];
      const weightGradient = Float64Array.from(net.weightGradients[k]);
      let squares = 0;
      for (let i = 0; i < weightGradient.length; i++) squares += weightGradient[i] * weightGradient[i];
      states.push({
        name: spec.name,
        units: this.sizes[k],
        inputs: this.sizes[k - 1],
        activation: spec.activation,
        weights: Float64Array.from(net.weights[k]),
        biases: Float64Array.from(net.biases[k]),
        delta: Float64Array.from(net.biasGradients[k]),
        weightGradient,
        biasGradient: Float64Array.from(net.biasGradients[k]),
        gradientNorm: Math.sqrt(squares),
        ...(this.hasLastUpdate() ? { lastUpdate: Float64Array.from(this.weightUpdates[k]) } : {}),
      });
    }
    return states;
  }

  /** True when weightUpdates hold the most recent update's ΔW. */
  private hasLastUpdate(): boolean {
    return this.updates > 0 && this.recordedUpdate === this.updates;
  }

  /** Forward and backward pass of one raw sample (normalized here), with no update. */
  explain(x: ArrayLike<number>, y: ArrayLike<number>): SampleExplanation {
    const net = this.net;
    this.loadSample(x, y);
    forward(net, this.products, 1);
    const loss = outputDelta(net, this.output, 1, 0);
    backpropagate(net, this.products, 1);
    const deltas: number[][] = [];
    const activations: number[][] = [];
    for (let k = 1; k <= this.layerCount; k++) {
      deltas.push(Array.from(net.deltas[k].subarray(0, this.sizes[k])));
      activations.push(Array.from(net.activations[k].subarray(0, this.sizes[k])));
    }
    return {
      input: Array.from(x),
      target: Array.from(y),
      output: activations[activations.length - 1].slice(),
      loss,
      deltas,
      activations,
    };
  }

  /** ŷ for one raw input (normalized here with the fitted normalization). */
  predict(x: ArrayLike<number>): number[] {
    this.loadSample(x, null);
    forward(this.net, this.products, 1);
    return Array.from(this.net.activations[this.layerCount].subarray(0, this.sizes[this.layerCount]));
  }

  /**
   * The first output ŷ₁ of the current weights for many raw inputs (row-major, normalized
   * here), through the training's own passes a chunk at a time: the decision boundary's
   * grid at the products' speed. Overwrites only the forward scratch buffers.
   */
  firstOutputs(inputs: ArrayLike<number>, rows: number): Float64Array {
    const out = new Float64Array(rows);
    this.forwardRows(inputs, rows, (pass, chunk, columns) => {
      const y = pass.activations[this.layerCount];
      for (let s = 0; s < columns; s++) out[chunk + s] = y[s];
    });
    return out;
  }

  /**
   * a⁽ᵏ⁾ of the first `perLayer` units of every layer k = 1..L (index 0 is layer 1; units × rows,
   * row-major) for many raw inputs, through the same passes as firstOutputs: the panel's
   * per-unit pictures, each unit's output over the input plane.
   */
  unitOutputs(inputs: ArrayLike<number>, rows: number, perLayer: number): Float64Array[] {
    const shown = this.sizes.slice(1).map((units) => Math.min(units, perLayer));
    const out = shown.map((units) => new Float64Array(units * rows));
    this.forwardRows(inputs, rows, (pass, chunk, columns) => {
      for (let k = 1; k <= this.layerCount; k++) {
        const a = pass.activations[k];
        const target = out[k - 1];
        for (let j = 0; j < shown[k - 1]; j++) for (let s = 0; s < columns; s++) target[j * rows + chunk + s] = a[j * columns + s];
      }
    });
    return out;
  }

  /** The forward pass of many raw inputs a chunk at a time; `visit` reads each chunk's z and a. */
  private forwardRows(inputs: ArrayLike<number>, rows: number, visit: (pass: WidePass, chunk: number, columns: number) => void): void {
    const width = this.sizes[0];
    const raw = new Float64Array(width);
    const normalized = new Float64Array(width);
    // A tiny training set leaves room for a few columns only: a grid goes through wider buffers of its own
    // (each column's numbers do not depend on how many go through a pass with it).
    const pass = rows > this.capacity ? this.widePass() : { capacity: this.capacity, preActivations: this.net.preActivations, activations: this.net.activations };
    const x = pass.activations[0];
    for (let chunk = 0; chunk < rows; chunk += pass.capacity) {
      const columns = Math.min(pass.capacity, rows - chunk);
      for (let s = 0; s < columns; s++) {
        for (let c = 0; c < width; c++) raw[c] = inputs[(chunk + s) * width + c];
        normalizeInput(this.normalization, raw, normalized);
        for (let c = 0, i = s; c < width; c++, i += columns) x[i] = normalized[c];
      }
      forward(this.net, this.products, columns, pass.preActivations, pass.activations);
      visit(pass, chunk, columns);
    }
  }

  /** z and a buffers of CHUNK_COLUMNS columns for forwardRows, allocated on first use (its own capacity otherwise). */
  private widePass(): WidePass {
    if (this.wide) return this.wide;
    const net = this.net;
    if (this.capacity >= CHUNK_COLUMNS) {
      this.wide = { capacity: this.capacity, preActivations: net.preActivations, activations: net.activations };
      return this.wide;
    }
    const preActivations: Vector[] = [net.preActivations[0]];
    const activations: Vector[] = [this.allocate(this.sizes[0] * CHUNK_COLUMNS)];
    for (let k = 1; k <= this.layerCount; k++) {
      preActivations.push(this.allocate(this.sizes[k] * CHUNK_COLUMNS));
      activations.push(this.allocate(this.sizes[k] * CHUNK_COLUMNS));
    }
    this.wide = { capacity: CHUNK_COLUMNS, preActivations, activations };
    return this.wide;
  }

  /**
   * The training-health figures of the current weights (nn/health.ts): one forward and backward
   * pass, no update, over the training part or `limit` evenly strided rows of it, on the path's
   * own products. The gradients are summed into buffers of its own and z, a, δ are scratch, so
   * the run, its last update and what layers() shows are untouched.
   */
  health(limit: number = HEALTH_MAX_ROWS, epoch: number = this.epoch): HealthMeasure {
    const tally = new HealthTally(this.sizes, this.net.act);
    const pass = this.evaluationPass(limit, (z, columns, lossSum) => tally.addChunk(z, columns, lossSum));
    return tally.finish(epoch, this.trainingRows.length, this.net.weights, pass.weightGradients);
  }

  /**
   * The mean loss of the current weights on the training part (or `limit` evenly strided rows of
   * it) and its backprop gradient ∂L/∂W⁽ᵏ⁾, ∂L/∂b⁽ᵏ⁾ (means over the rows; index 0 is layer 1), by
   * the same pass as health(), the run untouched: what a gradient check compares with the slope.
   */
  lossAndGradient(limit: number = HEALTH_MAX_ROWS): { loss: number; rows: number; weights: Float64Array[]; biases: Float64Array[] } {
    let lossSum = 0;
    const pass = this.evaluationPass(limit, (_z, _columns, chunkLoss) => {
      lossSum += chunkLoss;
    });
    const mean = (sums: Vector[]) => sums.slice(1).map((sum) => Float64Array.from(sum, (g) => g / pass.rows));
    return { loss: lossSum / pass.rows, rows: pass.rows, weights: mean(pass.weightGradients), biases: mean(pass.biasGradients) };
  }

  /**
   * One forward and backward pass, no update, over `limit` evenly strided rows of the training
   * part, on the path's own products; the gradients are summed into buffers of its own (returned,
   * index 0 unused) and z, a, δ are scratch, so the run and what layers() shows are untouched.
   * `visit` sees each chunk's z and loss sum.
   */
  private evaluationPass(limit: number, visit: (z: Vector[], columns: number, lossSum: number) => void): { rows: number; weightGradients: Vector[]; biasGradients: Vector[] } {
    const net = this.net;
    if (!this.healthGradients) {
      const empty = this.allocate(0);
      const weights = [empty];
      const biases = [empty];
      for (let k = 1; k <= this.layerCount; k++) {
        weights.push(this.allocate(net.weights[k].length));
        biases.push(this.allocate(net.biases[k].length));
      }
      this.healthGradients = { weights, biases };
    }
    const sums: Layers = { ...net, weightGradients: this.healthGradients.weights, biasGradients: this.healthGradients.biases };
    const sample = healthSample(this.trainingRows.length, limit);
    for (let chunk = 0; chunk < sample.length; chunk += this.capacity) {
      const columns = Math.min(this.capacity, sample.length - chunk);
      this.gather(this.trainInputs, this.trainTargets, sample, chunk, columns);
      forward(net, this.products, columns);
      let lossSum = 0;
      for (let s = 0; s < columns; s++) lossSum += outputDelta(net, this.output, columns, s);
      visit(net.preActivations, columns, lossSum);
      backpropagate(net, this.products, columns);
      accumulateGradients(sums, this.products, columns, chunk > 0);
    }
    return { rows: sample.length, weightGradients: sums.weightGradients, biasGradients: sums.biasGradients };
  }

  /** Mean per-sample loss of the current weights on the training part (`finalLoss`, docs/cli.md "The JSON document"). */
  trainingLoss(): number {
    return this.evaluate(this.trainInputs, this.trainTargets, this.trainingRows.length).loss;
  }

  /**
   * Loss and accuracy of the current weights on the training part and, with `validate`, on the
   * held-out part: at the end of a run, the final weights' scores (TrainResult.final), which
   * `expect` is graded on (docs/language.md §7 "Expectations").
   */
  finalScores(): FinalScores {
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    const classification = this.classification !== null;
    const training = this.evaluate(this.trainInputs, this.trainTargets, this.trainingRows.length);
    const held = this.validationRows.length;
    const validation = held > 0 ? this.evaluate(this.validationInputs, this.validationTargets, held) : null;
    return {
      loss: finite(training.loss),
      accuracy: classification ? finite(training.accuracy) : null,
      validationLoss: validation ? finite(validation.loss) : null,
      validationAccuracy: validation && classification ? finite(validation.accuracy) : null,
    };
  }

  /** The training part as the run trains on it (normalized, validation rows held out), and the validation part when there is one, row-major copies; for `nn export`. */
  trainingPart(): PartRows & { validation?: PartRows } {
    const part: PartRows & { validation?: PartRows } = { inputs: this.trainInputs.slice(), targets: this.trainTargets.slice() };
    if (this.validationRows.length > 0) part.validation = { inputs: this.validationInputs.slice(), targets: this.validationTargets.slice() };
    return part;
  }

  /** Overwrites W⁽ᵏ⁾ (row-major, units × inputs) and b⁽ᵏ⁾ of layer k (from 1). */
  setLayer(k: number, weights: ArrayLike<number>, biases: ArrayLike<number>): void {
    if (k < 1 || k > this.layerCount) throw new RangeError(`layer ${k} does not exist (1..${this.layerCount})`);
    const net = this.net;
    if (weights.length !== net.weights[k].length || biases.length !== net.biases[k].length) {
      throw new RangeError(`layer ${k} has ${net.weights[k].length} weights and ${net.biases[k].length} biases`);
    }
    net.weights[k].set(weights);
    net.biases[k].set(biases);
  }

  /** Every epoch's numbers so far (a copy). */
  history(): TrainHistory {
    return this.epochHistory.snapshot();
  }

  // ---- one update ---------------------------------------------------------

  /**
   * Forward, backward and update for the next batch of the epoch; finishes
   * the epoch when it was its last batch. Returns the batch's mean loss. A
   * batch whose loss is not finite is not applied: the run has diverged.
   */
  private runBatch(recordUpdate = false): number {
    const net = this.net;
    const trainCount = this.trainingRows.length;
    if (this.cursor === 0 && this.batchSize < trainCount) this.shuffleRng.shuffle(this.order);
    const start = this.cursor;
    const end = Math.min(start + this.batchSize, trainCount);
    const L = this.layerCount;
    let lossSum = 0;
    for (let chunk = start; chunk < end; chunk += this.capacity) {
      const columns = Math.min(this.capacity, end - chunk);
      this.gather(this.trainInputs, this.trainTargets, this.order, chunk, columns);
      const dropout = this.dropout;
      if (dropout) drawMasks(dropout, this.sizes, columns, this.dropoutRng);
      forward(net, this.products, columns, undefined, undefined, dropout);
      for (let s = 0; s < columns; s++) {
        lossSum += outputDelta(net, this.output, columns, s);
        if (this.isCorrect(columns, s)) this.epochCorrect++;
      }
      backpropagate(net, this.products, columns, dropout);
      accumulateGradients(net, this.products, columns, chunk > start, dropout);
    }
    const size = end - start;
    this.epochLossSum += lossSum;
    this.cursor = end;
    if (!Number.isFinite(lossSum)) {
      this.divergedEpoch = this.epoch + 1;
      this.recordEpoch(this.epochLossSum / end, this.epochCorrect / end, false);
      return lossSum / size;
    }
    this.updates++;
    // ΔW of the epoch's last update (what a snapshot shows) and of every step: two passes
    // over W once per epoch, nothing next to an epoch's products.
    const record = recordUpdate || end === trainCount;
    if (record) for (let k = 1; k <= L; k++) this.weightUpdates[k].set(net.weights[k]);
    this.applyUpdate(size);
    if (record) {
      for (let k = 1; k <= L; k++) {
        const update = this.weightUpdates[k];
        const weights = net.weights[k];
        for (let i = 0; i < update.length; i++) update[i] = weights[i] - update[i];
      }
      this.recordedUpdate = this.updates;
    }
    if (end === trainCount) this.finishEpoch();
    return lossSum / size;
  }

  /**
   * runBatch's work, as far as one call of the batch runner goes (CALL_WORK, the run's epochs,
   * the next snapshot, one epoch when a hook needs every epoch here), with the same numbers;
   * then the same bookkeeping: the epochs finished, ΔW of the last update, a diverged batch.
   */
  private runCall(runner: BatchRunner, recorder: SnapshotRecorder | null): void {
    const trainCount = this.trainingRows.length;
    if (this.cursor === 0 && this.batchSize < trainCount) this.shuffleRng.shuffle(this.order);
    const parameters = this.parameterBlock.length;
    const batchWork = 3 * parameters * this.batchSize;
    const epochWork = 3 * parameters * trainCount + parameters * this.validationRows.length;
    const maxBatches = Math.max(1, Math.floor(CALL_WORK / batchWork));
    let maxEpochs = Math.max(1, Math.min(Math.floor(CALL_WORK / epochWork), this.settings.epochs - this.epoch));
    if (recorder) maxEpochs = Math.min(maxEpochs, recorder.nextEpoch(this.epoch) - this.epoch);
    if (this.epochByEpoch) maxEpochs = 1;
    const state = this.runnerState;
    state.cursor = this.cursor;
    state.updates = this.updates;
    state.correct = this.epochCorrect;
    state.epochLoss = this.epochLossSum;
    state.rate = this.optimizer.rate;
    this.dropoutRng.saveState(state.random);
    const outcome = runner.run(state, maxBatches, maxEpochs);
    this.cursor = state.cursor;
    this.updates = state.updates;
    this.epochCorrect = state.correct;
    this.epochLossSum = state.epochLoss;
    this.dropoutRng.loadState(state.random);
    if (outcome.epochs > 0) {
      this.epochHistory.append(outcome.records, outcome.recordColumn, outcome.epochs, state.rate);
      this.epoch += outcome.epochs;
      this.recordedUpdate = this.updates;
      // The runner stops at an epoch whose loss is not finite: only the last can be.
      if (!Number.isFinite(this.epochHistory.lossAt(this.epoch - 1))) this.divergedEpoch = this.epoch;
    }
    if (outcome.divergedBatch) {
      this.divergedEpoch = this.epoch + 1;
      this.recordEpoch(this.epochLossSum / this.cursor, this.epochCorrect / this.cursor, false);
    }
  }

  private finishEpoch(): void {
    const count = this.trainingRows.length;
    const loss = this.epochLossSum / count;
    this.epoch++;
    this.recordEpoch(loss, this.epochCorrect / count, true);
    if (!Number.isFinite(loss)) this.divergedEpoch = this.epoch;
    this.cursor = 0;
    this.epochLossSum = 0;
    this.epochCorrect = 0;
  }

  /** Appends the next epoch to the history, with the validation part's numbers under the current weights when asked. */
  private recordEpoch(loss: number, accuracy: number, withValidation: boolean): void {
    const validation =
      withValidation && this.validationRows.length > 0
        ? this.evaluate(this.validationInputs, this.validationTargets, this.validationRows.length)
        : null;
    const penalty = this.regularization && withValidation ? penaltyOf(this.net.weights, this.regularization) : NaN;
    this.epochHistory.push(loss, accuracy, validation ? validation.loss : NaN, validation ? validation.accuracy : NaN, this.optimizer.rate, penalty);
  }

  // ---- the vocabulary of docs/language.md §7.2–§7.4 ------------------------------

  /** The optimizer's step for a batch of `size`; with regularization the weights step on their penalized mean gradient. */
  private applyUpdate(size: number): void {
    const penalty = this.regularization;
    const sections = this.sections;
    if (penalty === null || sections === null) {
      this.optimizer.apply(0, this.parameterBlock, this.gradientBlock, size, this.updates);
      return;
    }
    // W: g ← Σg/B + λ2·w + λ1·sign(w), already a mean, so its step divides by 1; b: the step on Σg/B.
    const net = this.net;
    for (let k = 1; k <= this.layerCount; k++) {
      penalizeGradient(net.weights[k], net.weightGradients[k], size, penalty, this.settings.precision);
      sections[k - 1].weights.apply(net.weights[k], net.weightGradients[k], 1, this.updates);
      sections[k - 1].biases.apply(net.biases[k], net.biasGradients[k], size, this.updates);
    }
  }

  /** The optimizer's step on each layer's W and on its b, as sections of the parameter block (the optimizer's slot 0). */
  private layerSections(): { weights: OptimizerSection; biases: OptimizerSection }[] {
    const block = this.parameterBlock;
    const at = (piece: Vector): number => (piece.byteOffset - block.byteOffset) / block.BYTES_PER_ELEMENT;
    const sections = [];
    for (let k = 1; k <= this.layerCount; k++) {
      const weights = this.net.weights[k];
      const biases = this.net.biases[k];
      sections.push({ weights: this.optimizer.section(0, at(weights), weights.length), biases: this.optimizer.section(0, at(biases), biases.length) });
    }
    return sections;
  }

  /** The masks and dropped outputs of the layers with dropout (none on the last: the checker refuses it), or null when none has. */
  private dropoutLayers(network: NetworkSpec, capacity: number): DropoutLayers | null {
    if (!network.layers.some((layer, k) => (layer.dropout ?? 0) > 0 && k < network.layers.length - 1)) return null;
    const net = this.net;
    const dropout: DropoutLayers = { masks: [null], outputs: [net.activations[0]], thresholds: [0], scales: [1] };
    network.layers.forEach((layer, index) => {
      const k = index + 1;
      const share = k < this.layerCount ? (layer.dropout ?? 0) : 0;
      dropout.masks.push(share > 0 ? this.allocate(this.sizes[k] * capacity) : null);
      dropout.outputs.push(share > 0 ? this.allocate(this.sizes[k] * capacity) : net.activations[k]);
      dropout.thresholds.push(dropThreshold(share));
      dropout.scales.push(1 / (1 - share));
    });
    return dropout;
  }

  /** Runs the epoch-end hooks of epoch `epoch` (1-based); the first reason one gives ends the run. */
  private endEpoch(epoch: number): StopReason | null {
    for (const hook of this.hooks) {
      const ended = hook.afterEpoch({ epoch, history: this.epochHistory, run: this.epochActions });
      if (ended) return ended;
    }
    return null;
  }

  /** `patience`: the weights as they are now (and their last update's gradients) become the best epoch's. */
  private keepWeights(epoch: number): void {
    if (this.best === null) this.best = { epoch, parameters: this.parameterBlock.slice(), gradients: this.gradientBlock.slice() };
    else {
      this.best.epoch = epoch;
      this.best.parameters.set(this.parameterBlock);
      this.best.gradients.set(this.gradientBlock);
    }
  }

  /**
   * With `patience` (docs/language.md §7.4), a run that ends by patience or after all its epochs goes back to
   * the weights of its best epoch; one that met its target, diverged or was stopped keeps its last.
   */
  private keepBestAtEnd(stopped: StopReason): void {
    if ((this.settings.patience ?? null) === null) return;
    const best = this.best;
    if (best !== null && (stopped === 'patience' || stopped === 'epochs') && best.epoch !== this.epoch) {
      this.parameterBlock.set(best.parameters);
      this.gradientBlock.set(best.gradients);
      // ΔW of the last update belongs to other weights now.
      this.recordedUpdate = -1;
      this.keptEpoch = best.epoch;
    } else this.keptEpoch = this.epoch;
  }

  /** The best epoch so far by the monitored loss (with `patience`; 0 before the first), for live progress. */
  get bestEpoch(): number | null {
    if ((this.settings.patience ?? null) === null) return null;
    return this.keptEpoch ?? this.best?.epoch ?? 0;
  }

  /** The learning rate of the next update (a schedule's, else the optimizer's). */
  get rate(): number {
    return this.optimizer.rate;
  }

  /** Mean loss and accuracy of the current weights on one part, in chunks, without touching gradients. */
  private evaluate(inputs: Float64Array, targets: Float64Array, rows: number): { loss: number; accuracy: number } {
    if (this.runner) {
      const { lossSum, correct } = this.runner.evaluate(inputs, targets, rows);
      return { loss: rows > 0 ? lossSum / rows : NaN, accuracy: rows > 0 ? correct / rows : NaN };
    }
    let lossSum = 0;
    let correct = 0;
    for (let chunk = 0; chunk < rows; chunk += this.capacity) {
      const columns = Math.min(this.capacity, rows - chunk);
      this.gather(inputs, targets, null, chunk, columns);
      forward(this.net, this.products, columns);
      for (let s = 0; s < columns; s++) {
        lossSum += outputDelta(this.net, this.output, columns, s);
        if (this.isCorrect(columns, s)) correct++;
      }
    }
    return { loss: rows > 0 ? lossSum / rows : NaN, accuracy: rows > 0 ? correct / rows : NaN };
  }

  /**
   * For a classification run (docs/language.md §4.15), the confusion matrix of the current weights
   * on the training part and on the validation part (null without one): entry [t][p] counts the rows
   * of class t the network puts in class p (binary: class 1 when ŷ ≥ 0.5; one-hot: the largest
   * output). Null for regression.
   */
  confusion(): { training: number[][]; validation: number[][] | null } | null {
    if (this.classification === null) return null;
    const classes = this.classification === 'binary' ? 2 : this.sizes[this.layerCount];
    const part = (inputs: Float64Array, targets: Float64Array, rows: number): number[][] => {
      const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
      for (let chunk = 0; chunk < rows; chunk += this.capacity) {
        const columns = Math.min(this.capacity, rows - chunk);
        this.gather(inputs, targets, null, chunk, columns);
        forward(this.net, this.products, columns);
        for (let s = 0; s < columns; s++) {
          const [target, predicted] = this.classesOf(columns, s);
          matrix[target][predicted]++;
        }
      }
      return matrix;
    };
    return {
      training: part(this.trainInputs, this.trainTargets, this.trainingRows.length),
      validation: this.validationRows.length > 0 ? part(this.validationInputs, this.validationTargets, this.validationRows.length) : null,
    };
  }

  /** The target's class and the predicted one of sample `s` of the chunk in flight (classification runs). */
  private classesOf(columns: number, s: number): [number, number] {
    const L = this.layerCount;
    const a = this.net.activations[L];
    const y = this.net.targets;
    if (this.classification === 'binary') return [y[s] === 1 ? 1 : 0, a[s] >= 0.5 ? 1 : 0];
    let best = 0;
    let target = 0;
    for (let l = 1, i = columns + s; l < this.sizes[L]; l++, i += columns) {
      if (a[i] > a[best * columns + s]) best = l;
      if (y[i] > y[target * columns + s]) target = l;
    }
    return [target, best];
  }

  /** Whether the network's output for sample `s` of the chunk picks the target's class. */
  private isCorrect(columns: number, s: number): boolean {
    const L = this.layerCount;
    const a = this.net.activations[L];
    const y = this.net.targets;
    if (this.classification === 'binary') return (a[s] >= 0.5 ? 1 : 0) === y[s];
    if (this.classification === 'onehot') {
      let best = 0;
      let target = 0;
      for (let l = 1, i = columns + s; l < this.sizes[L]; l++, i += columns) {
        if (a[i] > a[best * columns + s]) best = l;
        if (y[i] > y[target * columns + s]) target = l;
      }
      return best === target && Number.isFinite(a[best * columns + s]);
    }
    return false;
  }

  // ---- data movement --------------------------------------------------------

  /** A zeroed vector of the run's precision, in the fast path's memory when there is one. */
  private allocate(length: number): Vector {
    if (this.fastPath) return this.fastPath.allocate(length);
    return this.settings.precision === 'f32' ? new Float32Array(length) : new Float64Array(length);
  }

  private allocateFloat64(length: number): Float64Array {
    return this.fastPath ? this.fastPath.allocateFloat64(length) : new Float64Array(length);
  }

  /** Copies `columns` samples (positions order[start..] or start.. when order is null) into a⁽⁰⁾ and y, one column each. */
  private gather(inputs: Float64Array, targets: Float64Array, order: Int32Array | null, start: number, columns: number): void {
    const inputWidth = this.sizes[0];
    const targetWidth = this.sizes[this.layerCount];
    const x = this.net.activations[0];
    const y = this.net.targets;
    for (let s = 0; s < columns; s++) {
      const row = order ? order[start + s] : start + s;
      for (let c = 0, i = s; c < inputWidth; c++, i += columns) x[i] = inputs[row * inputWidth + c];
      for (let c = 0, i = s; c < targetWidth; c++, i += columns) y[i] = targets[row * targetWidth + c];
    }
  }

  /** Puts one raw sample (normalized here) into column 0; y may be absent (predict). */
  private loadSample(x: ArrayLike<number>, y: ArrayLike<number> | null): void {
    const inputWidth = this.sizes[0];
    const targetWidth = this.sizes[this.layerCount];
    if (x.length !== inputWidth) throw new RangeError(`the network takes ${inputWidth} inputs, got ${x.length}`);
    if (y && y.length !== targetWidth) throw new RangeError(`the network has ${targetWidth} outputs, got ${y.length} targets`);
    const normalized = new Float64Array(inputWidth);
    normalizeInput(this.normalization, x, normalized);
    this.net.activations[0].set(normalized);
    if (y) for (let c = 0; c < targetWidth; c++) this.net.targets[c] = y[c];
  }

  /** The rows of one part, normalized, as row-major input and target matrices. */
  private gatherPart(rows: Int32Array): [Float64Array, Float64Array] {
    const { inputWidth, targetWidth } = this.data;
    const inputs = this.allocateFloat64(rows.length * inputWidth);
    const targets = this.allocateFloat64(rows.length * targetWidth);
    gatherRows(this.data, rows, this.normalization, inputs, targets);
    return [inputs, targets];
  }

  // ---- results --------------------------------------------------------------

  /** What a snapshot copies: W and b, and the last update's gradient and ΔW when they are current. */
  private snapshotSource(): SnapshotSource {
    const current = this.hasLastUpdate();
    return {
      weights: this.net.weights,
      biases: this.net.biases,
      weightGradients: current ? this.net.weightGradients : null,
      weightUpdates: current ? this.weightUpdates : null,
    };
  }

  private parameterCount(): number {
    let count = 0;
    for (let k = 1; k <= this.layerCount; k++) count += this.net.weights[k].length + this.net.biases[k].length;
    return count;
  }

  /** The loss of the last completed epoch (entry epoch − 1: a diverged batch's unfinished epoch comes after it), or NaN. */
  private lastLoss(): number {
    return this.epoch > 0 ? this.epochHistory.lossAt(this.epoch - 1) : NaN;
  }

  private result(stopped: StopReason, recorder: SnapshotRecorder | null): TrainResult {
    const diverged = this.divergedEpoch !== null;
    const last: EpochReport | null = this.epoch > 0 ? this.epochHistory.report(this.epoch - 1) : null;
    const finite = (x: number | null | undefined): number | null => (x !== null && x !== undefined && Number.isFinite(x) ? x : null);
    // The weights the run ends with (the kept ones after patience), measured once: `finalLoss` and what `expect` is graded on.
    const final = this.trainingRows.length > 0 && !diverged ? this.finalScores() : null;
    // After patience went back to an earlier epoch, the validation numbers are the kept weights' (docs/language.md §7.4).
    const restored = this.keptEpoch !== null && this.keptEpoch !== this.epoch && this.validationRows.length > 0;
    const kept = restored ? this.evaluate(this.validationInputs, this.validationTargets, this.validationRows.length) : null;
    const result: TrainResult = {
      stopped,
      epochs: diverged ? (this.divergedEpoch as number) : this.epoch,
      loss: diverged ? null : finite(last?.loss),
      accuracy: diverged ? null : (last?.accuracy ?? null),
      validationLoss: diverged ? null : kept ? finite(kept.loss) : finite(last?.validationLoss),
      validationAccuracy: diverged ? null : kept && last?.validationAccuracy !== null ? kept.accuracy : (last?.validationAccuracy ?? null),
      finalLoss: final?.loss ?? null,
      final,
      bestEpoch: this.keptEpoch,
      penalty: this.regularization && !diverged ? finite(penaltyOf(this.net.weights, this.regularization)) : null,
      rate: last?.rate ?? this.settings.optimizer.rate,
      history: this.epochHistory.snapshot(),
      layers: this.layers(),
      normalization: this.normalization,
      missingMeans: this.missingMeans,
      trainRows: this.trainingRows.length,
      validationRows: this.validationRows.length,
      updates: this.updates,
    };
    if (recorder) result.snapshots = recorder.snapshots;
    return result;
  }
}

/** Forward buffers of `capacity` columns: z⁽ᵏ⁾ and a⁽ᵏ⁾ per layer (a⁽⁰⁾ the inputs; z⁽⁰⁾ unused). */
interface WidePass {
  capacity: number;
  preActivations: Vector[];
  activations: Vector[];
}
