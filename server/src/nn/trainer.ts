// The backpropagation trainer: batched forward pass, the delta rule, gradients and updates, epochs and stop rules.
//
// Shapes follow the math with one column per sample: for layer k (numbered from
// 1, as in docs/language.md §4.1), W⁽ᵏ⁾ is n_k × n_{k−1}, and z⁽ᵏ⁾, a⁽ᵏ⁾, δ⁽ᵏ⁾ are
// n_k × B for a chunk of B samples, so one step of the derivation is one matrix
// product over the whole chunk:
//   forward   z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾,  a⁽ᵏ⁾ = act(z⁽ᵏ⁾)
//   output    δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾                                (losses.ts)
//   hidden    δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾)
//   gradients ∂L/∂W⁽ᵏ⁾ = mean over the batch of δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ,  ∂L/∂b⁽ᵏ⁾ = mean of δ⁽ᵏ⁾
//   update    W ← W − η ∂L/∂W (or momentum, adam: optimizers.ts)
// Every buffer is allocated once, in the constructor: the training loop
// allocates nothing per batch or sample. A batch larger than CHUNK_COLUMNS
// samples (`batch full` on a big data set) is processed in chunks whose
// gradients are summed, so memory stays bounded; the order of every sum is
// fixed, so the same run gives the same bits every time.

import type { Activation, Dataset, NetworkSpec, TrainSettings } from '../language/model';
import { addBiasAndActivate, multiplyByDerivative, type Vector } from './activations';
import { BatchPlan, EPOCHS_PER_CALL, Status, type BatchState } from './batchPlan';
import { HistoryBuilder } from './history';
import { initializeWeights } from './initializers';
import { outputLoss, type OutputLoss } from './losses';
import { createKernels, type KernelHelpers, type KernelImplementation, type MatrixKernels } from './kernels';
import { fitNormalization, normalizeInput } from './normalize';
import { createOptimizer, type Optimizer } from './optimizers';
import { gatherRows, splitRows } from './parts';
import { Rng, STREAM } from './rng';
import type {
  EpochReport,
  LayerState,
  Normalization,
  SampleExplanation,
  StepReport,
  StopReason,
  TrainControl,
  TrainHistory,
  TrainResult,
  WeightSnapshot,
} from './types';

/** The most samples that go through one forward/backward pass; larger batches are split into chunks. */
export const CHUNK_COLUMNS = 256;

/**
 * The most multiply-adds (about 3 × parameters × samples per batch) that one call of the
 * whole-batch program may do: it checks for a stop between calls, so this bounds how long a
 * cancelled run goes on (2²⁰ is well under a millisecond of arithmetic).
 */
export const CALL_WORK = 1 << 20;

/** Each layer's W and b start on a multiple of this many elements in the parameter block (a 64-byte line in f32). */
const PIECE_ALIGN = 16;

/** How accuracy is judged, decided from the targets (docs/language.md §4.15), or null for regression. */
export type Classification = 'binary' | 'onehot' | null;

export function classificationOf(data: Dataset): Classification {
  if (data.rows === 0) return null;
  const t = data.targets;
  if (data.targetWidth === 1) {
    for (let r = 0; r < data.rows; r++) if (t[r] !== 0 && t[r] !== 1) return null;
    return 'binary';
  }
  for (let r = 0; r < data.rows; r++) {
    let ones = 0;
    for (let c = 0; c < data.targetWidth; c++) {
      const v = t[r * data.targetWidth + c];
      if (v === 1) ones++;
      else if (v !== 0) return null;
    }
    if (ones !== 1) return null;
  }
  return 'onehot';
}

/** How the trainer may run, beyond the run's own settings; none of it changes the numbers. */
export interface TrainerOptions {
  /** Helper threads for the large matrix products (`nn train --threads N`: N − 1 helpers). */
  helpers?: KernelHelpers;
  /** Which matrix kernels run (default: WebAssembly SIMD where available); the numbers are the same. */
  kernels?: KernelImplementation | 'auto';
  /** Compile a small network's training loop to WebAssembly of its own (default true; the numbers are the same). */
  compile?: boolean;
}

export class Trainer {
  readonly network: NetworkSpec;
  readonly data: Dataset;
  readonly settings: TrainSettings;
  /** Fitted on the training part; null without `normalize`. */
  readonly normalization: Normalization | null;
  /** Row indices into the data set of the training and held-out parts, in data order. */
  readonly trainingRows: Int32Array;
  readonly validationRows: Int32Array;
  /** Samples per update (the whole training part for `batch full`). */
  readonly batchSize: number;
  readonly classification: Classification;

  /** Samples one pass can hold (columns of every z, a, δ buffer). */
  private readonly capacity: number;
  /** Layer sizes n_0 (inputs) … n_L. */
  private readonly sizes: number[];
  private readonly layerCount: number;
  /** Per layer k = 1..L; index 0 is unused so the code reads like the math. */
  private readonly activationKinds: Activation[];
  private readonly weights: Vector[];
  private readonly biases: Vector[];
  private readonly weightGradients: Vector[];
  private readonly biasGradients: Vector[];
  /** Every W and b (and, in the same places, every ∂L/∂W and ∂L/∂b): the arrays above are views of these. */
  private readonly parameterBlock: Vector;
  private readonly gradientBlock: Vector;
  /** ΔW⁽ᵏ⁾ of the recorded update (W after − W before), and which update that was (0: none). */
  private readonly weightUpdates: Float64Array[];
  private recordedUpdate = 0;
  /** z⁽ᵏ⁾ and δ⁽ᵏ⁾ of the chunk in flight, n_k × B. */
  private readonly preActivations: Vector[];
  private readonly deltas: Vector[];
  /** a⁽ᵏ⁾ for k = 0..L; a⁽⁰⁾ is the chunk's inputs. */
  private readonly activations: Vector[];
  /** y of the chunk in flight, n_L × B. */
  private readonly targetColumns: Vector;
  private readonly output: OutputLoss;
  private readonly optimizer: Optimizer;
  /** The matrix products (WebAssembly SIMD where it runs, same bits either way); every buffer below lives in their memory. */
  private readonly kernels: MatrixKernels;
  /**
   * The batch loop below as one WebAssembly call (batchPlan.ts), where the kernels run on this
   * thread alone: it trains a small network many times faster than calling a kernel per product,
   * with the same numbers. null on the TypeScript path and with helper threads.
   */
  private readonly plan: BatchPlan | null;
  /** The counters handed to the batch program and back, one object for every call. */
  private readonly planState: BatchState = { cursor: 0, updates: 0, correct: 0, epochLoss: 0 };
  private readonly shuffleRng: Rng;

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

  constructor(network: NetworkSpec, data: Dataset, settings: TrainSettings, options: TrainerOptions = {}) {
    this.network = network;
    this.data = data;
    this.settings = settings;
    this.sizes = [network.input, ...network.layers.map((layer) => layer.units)];
    this.layerCount = network.layers.length;
    const L = this.layerCount;
    const n = this.sizes;
    this.kernels = createKernels(settings.precision, options.kernels ?? 'auto', options.helpers);
    const allocate = (length: number): Vector => this.kernels.allocate(length);

    // The split and the normalization come first: the normalization sees only the training part.
    const split = splitRows(data.rows, settings.validate, settings.seed);
    this.trainingRows = split.training;
    this.validationRows = split.validation;
    this.normalization = data.normalize
      ? fitNormalization(data.normalize, data.inputs, data.inputWidth, this.trainingRows)
      : null;
    [this.trainInputs, this.trainTargets] = this.gatherPart(this.trainingRows);
    [this.validationInputs, this.validationTargets] = this.gatherPart(this.validationRows);
    this.classification = classificationOf(data);
    this.epochHistory = new HistoryBuilder(this.classification !== null, this.validationRows.length > 0, settings.epochs);

    const trainCount = this.trainingRows.length;
    this.batchSize = settings.batch === 'full' ? trainCount : Math.min(settings.batch, trainCount);
    // Room for a whole batch (or a chunk of one), and for evaluating a part in as few passes.
    const columns = Math.max(1, Math.min(CHUNK_COLUMNS, Math.max(trainCount, this.validationRows.length)));
    this.capacity = columns;

    const empty = allocate(0);
    this.activationKinds = ['linear', ...network.layers.map((layer) => layer.activation)];
    this.weights = [empty];
    this.biases = [empty];
    this.weightGradients = [empty];
    this.biasGradients = [empty];
    this.weightUpdates = [new Float64Array(0)];
    this.preActivations = [empty];
    this.deltas = [empty];
    this.activations = [allocate(n[0] * columns)];
    // W⁽ᵏ⁾ and b⁽ᵏ⁾ of every layer are views of one block, their gradients of another (each piece
    // starting on a 64-byte line; the gaps stay 0), so the optimizer moves all parameters in one
    // pass: its steps are elementwise, so one pass gives the numbers of one pass per array.
    const pieceStart: number[] = [];
    let blockLength = 0;
    for (let k = 1; k <= L; k++) {
      pieceStart.push(blockLength);
      blockLength += Math.ceil((n[k] * n[k - 1]) / PIECE_ALIGN) * PIECE_ALIGN;
      pieceStart.push(blockLength);
      blockLength += Math.ceil(n[k] / PIECE_ALIGN) * PIECE_ALIGN;
    }
    this.parameterBlock = allocate(blockLength);
    this.gradientBlock = allocate(blockLength);
    const piece = (block: Vector, start: number, length: number): Vector => block.subarray(start, start + length);
    const initRng = new Rng(settings.seed, STREAM.init);
    for (let k = 1; k <= L; k++) {
      const [weightStart, biasStart] = [pieceStart[2 * (k - 1)], pieceStart[2 * (k - 1) + 1]];
      const weights = piece(this.parameterBlock, weightStart, n[k] * n[k - 1]);
      initializeWeights(weights, network.layers[k - 1].init, n[k - 1], n[k], initRng);
      this.weights.push(weights);
      this.biases.push(piece(this.parameterBlock, biasStart, n[k]));
      this.weightGradients.push(piece(this.gradientBlock, weightStart, n[k] * n[k - 1]));
      this.biasGradients.push(piece(this.gradientBlock, biasStart, n[k]));
      this.weightUpdates.push(this.kernels.allocateFloat64(n[k] * n[k - 1]));
      this.preActivations.push(allocate(n[k] * columns));
      this.deltas.push(allocate(n[k] * columns));
      this.activations.push(allocate(n[k] * columns));
    }
    this.targetColumns = allocate(n[L] * columns);
    this.output = outputLoss(settings.loss, this.activationKinds[L]);
    this.optimizer = createOptimizer(settings.optimizer, [blockLength], allocate, this.kernels);
    this.shuffleRng = new Rng(settings.seed, STREAM.shuffle);
    this.order = this.kernels.allocateInt32(trainCount);
    for (let i = 0; i < trainCount; i++) this.order[i] = i;
    const program = this.kernels.batches;
    this.plan = program
      ? new BatchPlan(program, this.kernels, {
          sizes: n, activations: this.activationKinds, loss: settings.loss, classification: this.classification,
          optimizer: settings.optimizer, optimizerState: this.optimizer.state(0), capacity: columns,
          parameterBlock: this.parameterBlock, gradientBlock: this.gradientBlock, weights: this.weights, biases: this.biases,
          weightGradients: this.weightGradients, biasGradients: this.biasGradients, preActivations: this.preActivations,
          activationValues: this.activations, deltas: this.deltas, weightUpdates: this.weightUpdates, targetColumns: this.targetColumns,
          trainCount, batchSize: this.batchSize, order: this.order, trainInputs: this.trainInputs, trainTargets: this.trainTargets,
          validationCount: this.validationRows.length, validationInputs: this.validationInputs, validationTargets: this.validationTargets,
          stopLoss: settings.stopLoss, compile: options.compile ?? true,
        })
      : null;
  }

  /** Trains until `epochs`, the stop rule, divergence, or control.shouldStop(); continues after step(). */
  train(control: TrainControl = {}): TrainResult {
    const recorder = control.snapshots ? new SnapshotRecorder(control.snapshots, this.parameterCount()) : null;
    recorder?.record(this.epoch, this.lastLoss(), this.snapshotSource());
    const stopped = this.loop(control, null, recorder);
    recorder?.finish(this.epoch, this.lastLoss(), this.snapshotSource());
    return this.result(stopped as StopReason, recorder);
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
    return this.result(this.divergedEpoch !== null ? 'diverged' : stopped, recorder);
  }

  private loop(control: TrainControl, pause: (() => boolean) | null, recorder: SnapshotRecorder | null): StopReason | 'paused' {
    while (this.epoch < this.settings.epochs && this.trainingRows.length > 0 && this.divergedEpoch === null) {
      const reason = control.shouldStop?.() ?? null;
      if (reason) return reason;
      if (pause?.()) return 'paused';
      const reported = this.epochHistory.length;
      if (this.plan) this.runPlanned(this.plan, recorder);
      else this.runBatch();
      const history = this.epochHistory;
      // The epochs finished (a diverged batch's unfinished epoch, last, ends the run).
      if (control.onEpoch || recorder) {
        for (let r = reported; r < history.length; r++) {
          control.onEpoch?.(history.report(r));
          if (this.divergedEpoch !== null && r === history.length - 1) break;
          recorder?.record(r + 1, history.lossAt(r), this.snapshotSource());
          if (this.settings.stopLoss !== null && history.lossAt(r) < this.settings.stopLoss) return 'target';
        }
      } else if (this.settings.stopLoss !== null && this.divergedEpoch === null && this.epoch > 0 && history.length > reported) {
        // Only the last epoch can meet the rule: the batch program stops at the first that does.
        if (history.lossAt(this.epoch - 1) < this.settings.stopLoss) return 'target';
      }
    }
    return this.divergedEpoch !== null ? 'diverged' : 'epochs';
  }

  /** Exactly one update (one batch), continuing where the last step or train left off. */
  step(): StepReport {
    const learningRate = this.settings.optimizer.rate;
    if (this.trainingRows.length === 0) {
      const layers = this.layers();
      return { update: this.updates, epoch: this.epoch, batchLoss: NaN, batchSize: 0, learningRate, before: layers, after: layers };
    }
    const weightsBefore = this.weights.map((w) => Float64Array.from(w));
    const biasesBefore = this.biases.map((b) => Float64Array.from(b));
    const epoch = this.epoch + 1;
    const batchSize = Math.min(this.batchSize, this.trainingRows.length - this.cursor);
    const batchLoss = this.runBatch(true);
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
    for (let k = 1; k <= this.layerCount; k++) {
      const spec = this.network.layers[k - 1];
      const weightGradient = Float64Array.from(this.weightGradients[k]);
      let squares = 0;
      for (let i = 0; i < weightGradient.length; i++) squares += weightGradient[i] * weightGradient[i];
      states.push({
        name: spec.name,
        units: this.sizes[k],
        inputs: this.sizes[k - 1],
        activation: spec.activation,
        weights: Float64Array.from(this.weights[k]),
        biases: Float64Array.from(this.biases[k]),
        delta: Float64Array.from(this.biasGradients[k]),
        weightGradient,
        biasGradient: Float64Array.from(this.biasGradients[k]),
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
    this.loadSample(x, y);
    this.forward(1);
    const loss = this.output.lossAndDelta(
      this.preActivations[this.layerCount], this.activations[this.layerCount], this.targetColumns,
      this.deltas[this.layerCount], this.sizes[this.layerCount], 1, 0,
    );
    this.backpropagate(1);
    const deltas: number[][] = [];
    const activations: number[][] = [];
    for (let k = 1; k <= this.layerCount; k++) {
      deltas.push(Array.from(this.deltas[k].subarray(0, this.sizes[k])));
      activations.push(Array.from(this.activations[k].subarray(0, this.sizes[k])));
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
    this.forward(1);
    return Array.from(this.activations[this.layerCount].subarray(0, this.sizes[this.layerCount]));
  }

  /**
   * The first output ŷ₁ of the current weights for many raw inputs (row-major, normalized
   * here), through the training's own passes a chunk at a time: the decision boundary's
   * grid at the kernels' speed. Overwrites only the forward scratch buffers.
   */
  firstOutputs(inputs: ArrayLike<number>, rows: number): Float64Array {
    const width = this.sizes[0];
    const out = new Float64Array(rows);
    const raw = new Float64Array(width);
    const normalized = new Float64Array(width);
    // A tiny training set leaves room for a few columns only: a grid goes through wider buffers of its own
    // (each column's numbers do not depend on how many go through a pass with it).
    const pass = rows > this.capacity ? this.widePass() : { capacity: this.capacity, preActivations: this.preActivations, activations: this.activations };
    const x = pass.activations[0];
    const y = pass.activations[this.layerCount];
    for (let chunk = 0; chunk < rows; chunk += pass.capacity) {
      const columns = Math.min(pass.capacity, rows - chunk);
      for (let s = 0; s < columns; s++) {
        for (let c = 0; c < width; c++) raw[c] = inputs[(chunk + s) * width + c];
        normalizeInput(this.normalization, raw, normalized);
        for (let c = 0, i = s; c < width; c++, i += columns) x[i] = normalized[c];
      }
      this.forward(columns, pass.preActivations, pass.activations);
      for (let s = 0; s < columns; s++) out[chunk + s] = y[s];
    }
    return out;
  }

  /** z and a buffers of CHUNK_COLUMNS columns for firstOutputs, allocated on first use (its own capacity otherwise). */
  private widePass(): WidePass {
    if (this.wide) return this.wide;
    if (this.capacity >= CHUNK_COLUMNS) {
      this.wide = { capacity: this.capacity, preActivations: this.preActivations, activations: this.activations };
      return this.wide;
    }
    const preActivations: Vector[] = [this.preActivations[0]];
    const activations: Vector[] = [this.kernels.allocate(this.sizes[0] * CHUNK_COLUMNS)];
    for (let k = 1; k <= this.layerCount; k++) {
      preActivations.push(this.kernels.allocate(this.sizes[k] * CHUNK_COLUMNS));
      activations.push(this.kernels.allocate(this.sizes[k] * CHUNK_COLUMNS));
    }
    this.wide = { capacity: CHUNK_COLUMNS, preActivations, activations };
    return this.wide;
  }

  /** Mean per-sample loss of the current weights on the training part (`finalLoss`, docs/cli.md "The JSON document"). */
  trainingLoss(): number {
    return this.evaluate(this.trainInputs, this.trainTargets, this.trainingRows.length).loss;
  }

  /** The training part as the run trains on it (normalized, validation rows held out), row-major copies; for `nn export`. */
  trainingPart(): { inputs: Float64Array; targets: Float64Array } {
    return { inputs: this.trainInputs.slice(), targets: this.trainTargets.slice() };
  }

  /** Overwrites W⁽ᵏ⁾ (row-major, units × inputs) and b⁽ᵏ⁾ of layer k (from 1). */
  setLayer(k: number, weights: ArrayLike<number>, biases: ArrayLike<number>): void {
    if (k < 1 || k > this.layerCount) throw new RangeError(`layer ${k} does not exist (1..${this.layerCount})`);
    if (weights.length !== this.weights[k].length || biases.length !== this.biases[k].length) {
      throw new RangeError(`layer ${k} has ${this.weights[k].length} weights and ${this.biases[k].length} biases`);
    }
    this.weights[k].set(weights);
    this.biases[k].set(biases);
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
    const trainCount = this.trainingRows.length;
    if (this.cursor === 0 && this.batchSize < trainCount) this.shuffleRng.shuffle(this.order);
    const start = this.cursor;
    const end = Math.min(start + this.batchSize, trainCount);
    const L = this.layerCount;
    let lossSum = 0;
    for (let chunk = start; chunk < end; chunk += this.capacity) {
      const columns = Math.min(this.capacity, end - chunk);
      this.gather(this.trainInputs, this.trainTargets, this.order, chunk, columns);
      this.forward(columns);
      for (let s = 0; s < columns; s++) {
        lossSum += this.output.lossAndDelta(
          this.preActivations[L], this.activations[L], this.targetColumns, this.deltas[L], this.sizes[L], columns, s,
        );
        if (this.isCorrect(columns, s)) this.epochCorrect++;
      }
      this.backpropagate(columns);
      this.accumulateGradients(columns, chunk > start);
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
    if (record) for (let k = 1; k <= L; k++) this.weightUpdates[k].set(this.weights[k]);
    this.optimizer.apply(0, this.parameterBlock, this.gradientBlock, size, this.updates);
    if (record) {
      for (let k = 1; k <= L; k++) {
        const update = this.weightUpdates[k];
        const weights = this.weights[k];
        for (let i = 0; i < update.length; i++) update[i] = weights[i] - update[i];
      }
      this.recordedUpdate = this.updates;
    }
    if (end === trainCount) this.finishEpoch();
    return lossSum / size;
  }

  /**
   * runBatch's work, as far as one call of the batch program goes (CALL_WORK, the run's epochs,
   * the next snapshot), with the same numbers; then the same bookkeeping: the reports of the
   * epochs finished, ΔW of the last update, a diverged batch.
   */
  private runPlanned(plan: BatchPlan, recorder: SnapshotRecorder | null): void {
    const trainCount = this.trainingRows.length;
    if (this.cursor === 0 && this.batchSize < trainCount) this.shuffleRng.shuffle(this.order);
    const parameters = this.parameterBlock.length;
    const batchWork = 3 * parameters * this.batchSize;
    const epochWork = 3 * parameters * trainCount + parameters * this.validationRows.length;
    const maxBatches = Math.max(1, Math.floor(CALL_WORK / batchWork));
    let maxEpochs = Math.max(1, Math.min(Math.floor(CALL_WORK / epochWork), this.settings.epochs - this.epoch));
    if (recorder) maxEpochs = Math.min(maxEpochs, recorder.nextEpoch(this.epoch) - this.epoch);
    const state = this.planState;
    state.cursor = this.cursor;
    state.updates = this.updates;
    state.correct = this.epochCorrect;
    state.epochLoss = this.epochLossSum;
    const outcome = plan.run(state, maxBatches, maxEpochs);
    this.cursor = state.cursor;
    this.updates = state.updates;
    this.epochCorrect = state.correct;
    this.epochLossSum = state.epochLoss;
    if (outcome.epochs > 0) {
      this.epochHistory.append(outcome.records, EPOCHS_PER_CALL, outcome.epochs);
      this.epoch += outcome.epochs;
      this.recordedUpdate = this.updates;
      // The program stops at an epoch whose loss is not finite: only the last can be.
      if (!Number.isFinite(this.epochHistory.lossAt(this.epoch - 1))) this.divergedEpoch = this.epoch;
    }
    if (outcome.status === Status.divergedBatch) {
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
    this.epochHistory.push(loss, accuracy, validation ? validation.loss : NaN, validation ? validation.accuracy : NaN);
  }

  // ---- the passes -----------------------------------------------------------

  /** z⁽ᵏ⁾ = W⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ + b⁽ᵏ⁾, a⁽ᵏ⁾ = act(z⁽ᵏ⁾), for k = 1..L, over `columns` samples (in the training's buffers unless given others). */
  private forward(columns: number, preActivations: Vector[] = this.preActivations, activations: Vector[] = this.activations): void {
    const n = this.sizes;
    for (let k = 1; k <= this.layerCount; k++) {
      const activation = this.activationKinds[k];
      if (activation === 'relu' || activation === 'linear') {
        // Bias and activation in the product's own pass (same numbers as the two passes below).
        this.kernels.multiplyAddBiasActivate(
          preActivations[k], activations[k], this.weights[k], activations[k - 1], this.biases[k], n[k], columns, n[k - 1], activation,
        );
        continue;
      }
      this.kernels.multiply(preActivations[k], this.weights[k], activations[k - 1], n[k], columns, n[k - 1]);
      addBiasAndActivate(activation, this.biases[k], preActivations[k], activations[k], n[k], columns);
    }
  }

  /** δ⁽ᵏ⁾ = (W⁽ᵏ⁺¹⁾ᵀ δ⁽ᵏ⁺¹⁾) ⊙ act′(z⁽ᵏ⁾) for k = L−1..1; δ⁽ᴸ⁾ is already in place. */
  private backpropagate(columns: number): void {
    const n = this.sizes;
    for (let k = this.layerCount - 1; k >= 1; k--) {
      if (this.activationKinds[k] === 'relu') {
        // relu′(z) applied in the product's own pass (same numbers as the two passes below).
        this.kernels.multiplyTransposedLeftRelu(this.deltas[k], this.weights[k + 1], this.deltas[k + 1], this.preActivations[k], n[k], columns, n[k + 1]);
        continue;
      }
      this.kernels.multiplyTransposedLeft(this.deltas[k], this.weights[k + 1], this.deltas[k + 1], n[k], columns, n[k + 1]);
      multiplyByDerivative(this.activationKinds[k], this.preActivations[k], this.activations[k], this.deltas[k], n[k] * columns);
    }
  }

  /** ∂L/∂W⁽ᵏ⁾ (+)= δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ and ∂L/∂b⁽ᵏ⁾ (+)= Σ δ⁽ᵏ⁾ over the chunk's samples (divided by the batch size later). */
  private accumulateGradients(columns: number, accumulate: boolean): void {
    const n = this.sizes;
    for (let k = 1; k <= this.layerCount; k++) {
      this.kernels.multiplyTransposedRight(this.weightGradients[k], this.deltas[k], this.activations[k - 1], n[k], n[k - 1], columns, accumulate);
      const delta = this.deltas[k];
      const biasGradient = this.biasGradients[k];
      for (let j = 0; j < n[k]; j++) {
        let sum = 0;
        for (let s = 0, i = j * columns; s < columns; s++, i++) sum += delta[i];
        biasGradient[j] = accumulate ? biasGradient[j] + sum : sum;
      }
    }
  }

  /** Mean loss and accuracy of the current weights on one part, in chunks, without touching gradients. */
  private evaluate(inputs: Float64Array, targets: Float64Array, rows: number): { loss: number; accuracy: number } {
    if (this.plan) {
      const { lossSum, correct } = this.plan.evaluate(inputs, targets, rows);
      return { loss: rows > 0 ? lossSum / rows : NaN, accuracy: rows > 0 ? correct / rows : NaN };
    }
    const L = this.layerCount;
    let lossSum = 0;
    let correct = 0;
    for (let chunk = 0; chunk < rows; chunk += this.capacity) {
      const columns = Math.min(this.capacity, rows - chunk);
      this.gather(inputs, targets, null, chunk, columns);
      this.forward(columns);
      for (let s = 0; s < columns; s++) {
        lossSum += this.output.lossAndDelta(
          this.preActivations[L], this.activations[L], this.targetColumns, this.deltas[L], this.sizes[L], columns, s,
        );
        if (this.isCorrect(columns, s)) correct++;
      }
    }
    return { loss: rows > 0 ? lossSum / rows : NaN, accuracy: rows > 0 ? correct / rows : NaN };
  }

  /** Whether the network's output for sample `s` of the chunk picks the target's class. */
  private isCorrect(columns: number, s: number): boolean {
    const L = this.layerCount;
    const a = this.activations[L];
    const y = this.targetColumns;
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

  /** Copies `columns` samples (positions order[start..] or start.. when order is null) into a⁽⁰⁾ and y, one column each. */
  private gather(inputs: Float64Array, targets: Float64Array, order: Int32Array | null, start: number, columns: number): void {
    const inputWidth = this.sizes[0];
    const targetWidth = this.sizes[this.layerCount];
    const x = this.activations[0];
    const y = this.targetColumns;
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
    this.activations[0].set(normalized);
    if (y) for (let c = 0; c < targetWidth; c++) this.targetColumns[c] = y[c];
  }

  /** The rows of one part, normalized, as row-major input and target matrices. */
  private gatherPart(rows: Int32Array): [Float64Array, Float64Array] {
    const { inputWidth, targetWidth } = this.data;
    const inputs = this.kernels.allocateFloat64(rows.length * inputWidth);
    const targets = this.kernels.allocateFloat64(rows.length * targetWidth);
    gatherRows(this.data, rows, this.normalization, inputs, targets);
    return [inputs, targets];
  }

  // ---- results --------------------------------------------------------------

  /** What a snapshot copies: W and b, and the last update's gradient and ΔW when they are current. */
  private snapshotSource(): SnapshotSource {
    const current = this.hasLastUpdate();
    return {
      weights: this.weights,
      biases: this.biases,
      weightGradients: current ? this.weightGradients : null,
      weightUpdates: current ? this.weightUpdates : null,
    };
  }

  private parameterCount(): number {
    let count = 0;
    for (let k = 1; k <= this.layerCount; k++) count += this.weights[k].length + this.biases[k].length;
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
    const finalLoss = this.trainingRows.length > 0 && !diverged ? finite(this.trainingLoss()) : null;
    const result: TrainResult = {
      stopped,
      epochs: diverged ? (this.divergedEpoch as number) : this.epoch,
      loss: diverged ? null : finite(last?.loss),
      accuracy: diverged ? null : (last?.accuracy ?? null),
      validationLoss: diverged ? null : finite(last?.validationLoss),
      validationAccuracy: diverged ? null : (last?.validationAccuracy ?? null),
      finalLoss,
      history: this.epochHistory.snapshot(),
      layers: this.layers(),
      normalization: this.normalization,
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

/** Per layer 0..L (index 0 unused), as the trainer holds them; gradients and ΔW null when they are not of the last update. */
interface SnapshotSource {
  weights: readonly Vector[];
  biases: readonly Vector[];
  weightGradients: readonly Vector[] | null;
  weightUpdates: readonly Float64Array[] | null;
}

/** Keeps evenly spaced copies of the weights within a budget (TrainControl.snapshots). */
class SnapshotRecorder {
  readonly snapshots: WeightSnapshot[] = [];
  private every = 1;
  private readonly limit: number;

  constructor(options: { maxSnapshots?: number; maxValues?: number }, parameters: number) {
    // A snapshot holds W, b, ∂L/∂W and ΔW: about three times the parameters.
    const bySize = Math.floor((options.maxValues ?? 1_000_000) / Math.max(3 * parameters, 1));
    this.limit = Math.max(2, Math.min(options.maxSnapshots ?? 200, 200, bySize));
  }

  /** The first epoch after `epoch` that record() keeps (the grid may widen when it does). */
  nextEpoch(epoch: number): number {
    return (Math.floor(epoch / this.every) + 1) * this.every;
  }

  record(epoch: number, loss: number, source: SnapshotSource): void {
    if (epoch % this.every !== 0) return;
    if (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1].epoch === epoch) return;
    this.snapshots.push(this.copy(epoch, loss, source));
    while (this.snapshots.length > this.limit) this.thin();
  }

  /** The final weights are always the last snapshot, on the grid or not. */
  finish(epoch: number, loss: number, source: SnapshotSource): void {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && last.epoch === epoch) return;
    if (this.snapshots.length >= this.limit) this.thin();
    this.snapshots.push(this.copy(epoch, loss, source));
  }

  private thin(): void {
    this.every *= 2;
    const kept = this.snapshots.filter((snapshot) => snapshot.epoch % this.every === 0);
    this.snapshots.length = 0;
    this.snapshots.push(...kept);
  }

  private copy(epoch: number, loss: number, source: SnapshotSource): WeightSnapshot {
    const copies = (vectors: readonly ArrayLike<number>[]) => vectors.slice(1).map((v) => Float64Array.from(v));
    const snapshot: WeightSnapshot = { epoch, loss, weights: copies(source.weights), biases: copies(source.biases) };
    if (source.weightGradients && source.weightUpdates) {
      snapshot.weightGradients = copies(source.weightGradients);
      snapshot.lastUpdates = copies(source.weightUpdates);
    }
    return snapshot;
  }
}
