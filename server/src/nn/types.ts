// What the trainer reports: plain data that crosses the worker boundary (structured-clone safe).
//
// Contract (implemented in trainer.ts; the engine's createTrainer builds one on the fastest path, same numbers):
//   const trainer = createTrainer(run.network, run.data, run.settings)  // weights drawn from settings.seed, or settings.start's
//   trainer.train(control): TrainResult      // whole run; polls control.shouldStop() between batches (or calls of a batch runner)
//   trainer.advance(control, pause) / finish(stopped)  // the same run in slices (the CLI, to see Ctrl+C)
//   trainer.step(): StepReport               // exactly one update (one batch), for the editor's ⏭ Step
//   trainer.layers(): LayerState[]           // W, b, last δ and gradients of every layer
//   trainer.explain(x, y): SampleExplanation // forward + backward of one sample, no update
//   trainer.predict(x): number[]             // ŷ for a raw input x (normalized inside)
//   trainer.firstOutputs(xs, n) / unitOutputs(xs, n, perLayer) // ŷ₁, or every shown unit's a, for many raw inputs (panel pictures)
//   trainer.trainingLoss(): number           // mean loss of the current weights on the training part
//   trainer.confusion()                      // classification: confusion matrices of the current weights (training, validation)
//   trainer.health(limit): HealthMeasure      // per-layer training health of the current weights, one evaluation pass (health.ts)
//   trainer.lossAndGradient(limit)           // mean loss and backprop gradient of the current weights, no update (gradientCheck.ts)
//   trainer.setLayer(k, weights, biases)     // overwrite W⁽ᵏ⁾, b⁽ᵏ⁾ (k from 1): tests, experiments
//   trainer.trainingRows / validationRows    // the split (row indices into the data set), for export
//   trainer.trainingPart()                   // the normalized training rows as trained on, for export
//   trainer.history(): TrainHistory          // every epoch's numbers so far
// nn/ is pure: no timers, no I/O, no Math.random; time limits and cancellation come in through control.

/** Why a run ended; 'patience' (docs/language.md §7.4): its monitored loss stopped improving. */
export type StopReason = 'target' | 'epochs' | 'diverged' | 'time' | 'cancelled' | 'patience';

export interface EpochReport {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean per-sample training loss of the epoch (docs/language.md §4.13). */
  loss: number;
  validationLoss: number | null;
  /** On the training part, for classification; null otherwise. */
  accuracy: number | null;
  validationAccuracy: number | null;
  /** With a schedule: the learning rate the epoch trained at (docs/language.md §7.3). */
  rate?: number;
  /** With regularization: λ1 Σ|w| + ½λ2 Σw² of the weights at the epoch's end (docs/language.md §7.2). */
  penalty?: number;
}

/**
 * Every epoch's numbers as columns, entry i for epoch epoch[i]: 1, 2, 3, … in a trainer's result (a
 * thinned copy keeps some; nn/history.ts). Columns, not an object per epoch: a long run keeps 8 bytes
 * a number, and a result crosses a worker boundary as a few buffers.
 */
export interface TrainHistory {
  epoch: Float64Array;
  /** Mean per-sample training loss of each epoch (docs/language.md §4.13). */
  loss: Float64Array;
  /** On the training part, for classification; null for regression. */
  accuracy: Float64Array | null;
  /** On the validation part; null without one (NaN for a diverged epoch, reported without it). */
  validationLoss: Float64Array | null;
  /** For classification with a validation part; null otherwise. */
  validationAccuracy: Float64Array | null;
  /** With a schedule: each epoch's learning rate; absent otherwise (the optimizer's rate throughout). */
  rate?: Float64Array;
  /** With regularization: the penalty at each epoch's end; absent otherwise. */
  penalty?: Float64Array;
}

export interface TrainControl {
  /** Called after every epoch. */
  onEpoch?(report: EpochReport): void;
  /**
   * Polled between batches (on a batch runner: between its calls, each at most CALL_WORK
   * multiply-adds, under a millisecond); a non-null answer ends the run with that reason.
   */
  shouldStop?(): 'cancelled' | 'time' | null;
  /**
   * Record the weights as training goes, for the training panel's animation:
   * the initial weights, every N-th epoch and the final weights, with N doubling
   * (and every other snapshot dropped) whenever the budget is exceeded, so the
   * snapshots stay evenly spaced. Absent: no snapshots (the default, free).
   */
  snapshots?: SnapshotOptions;
}

export interface SnapshotOptions {
  /** At most this many snapshots (default and upper bound 200). */
  maxSnapshots?: number;
  /** At most this many numbers over all snapshots (default 1,000,000). */
  maxValues?: number;
}

/** The network's parameters at the end of an epoch (epoch 0: the initial weights). */
export interface WeightSnapshot {
  epoch: number;
  /** The epoch's training loss (NaN for epoch 0). */
  loss: number;
  /** Per layer 1..L (index 0 is layer 1): W row-major units × inputs, and b. */
  weights: Float64Array[];
  biases: Float64Array[];
  /** Per layer: ∂L/∂W of the last update before the snapshot, and that update's ΔW (W after − W before); absent for epoch 0. */
  weightGradients?: Float64Array[];
  lastUpdates?: Float64Array[];
}

/** The state of one layer, in the math's names. Matrices are row-major, units × inputs. */
export interface LayerState {
  name: string;
  /** n_k and n_{k-1}. */
  units: number;
  inputs: number;
  activation: string;
  weights: Float64Array;
  biases: Float64Array;
  /** δ⁽ᵏ⁾ of the last update, averaged over its batch; zeros before the first update. */
  delta: Float64Array;
  /** ∂L/∂W⁽ᵏ⁾ and ∂L/∂b⁽ᵏ⁾ of the last update. */
  weightGradient: Float64Array;
  biasGradient: Float64Array;
  /** Frobenius norm of weightGradient. */
  gradientNorm: number;
  /**
   * ΔW of the last update: W after − W before the optimizer's step (−η ∂L/∂W for plain
   * sgd; momentum and adam differ). Recorded for the last batch of every epoch and for
   * every step(); absent before the first update or when the last one was not recorded.
   */
  lastUpdate?: Float64Array;
}

export interface Normalization {
  kind: 'zscore' | 'minmax';
  /** x' = (x − offset) / scale, per input, fitted on the training part. */
  offset: number[];
  scale: number[];
}

export interface TrainResult {
  stopped: StopReason;
  /** Epochs completed; for a diverged run, the epoch whose loss stopped being finite. */
  epochs: number;
  /** Loss of the last completed epoch; null when not finite. */
  loss: number | null;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
  /** Mean loss of the final weights on the training part (`finalLoss`, docs/cli.md "The JSON document"). */
  finalLoss: number | null;
  /**
   * The final weights measured once after training, on each part (what `expect` is graded on,
   * docs/language.md §7 "Expectations"); null after a divergence or without training rows.
   */
  final: FinalScores | null;
  /**
   * With `patience`: the epoch whose weights the run ended with (docs/language.md §7.4: the best,
   * unless the run met its target or was stopped); null otherwise.
   */
  bestEpoch?: number | null;
  /** With regularization: the penalty of the final weights (docs/language.md §7.2); null otherwise. */
  penalty?: number | null;
  /** The learning rate of the last epoch (the optimizer's, unless a schedule changed it). */
  rate?: number;
  /** Every epoch's numbers, in order. */
  history: TrainHistory;
  layers: LayerState[];
  normalization: Normalization | null;
  /** With `missing mean`: what each input that was missing is filled with (its column's mean over the training part); absent or null otherwise. */
  missingMeans?: number[] | null;
  /** Number of rows trained on and held out. */
  trainRows: number;
  validationRows: number;
  /** Updates applied; a diverged run with none had a loss that was not finite at its initial weights. */
  updates: number;
  /** Present when TrainControl.snapshots asked for them, oldest first. */
  snapshots?: WeightSnapshot[];
}

/**
 * Loss and accuracy of a run's final weights (the weights it ends with), evaluated once after
 * its last update: on the training part, and on the held-out part with `validate`. Each is null
 * where it does not apply (accuracy for regression, validation without `validate`) or is not finite.
 */
export interface FinalScores {
  loss: number | null;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
}

/**
 * One update of ⏭ Step: every layer's W before, the gradient and W after.
 * `before` and `after` both carry this update's δ and gradients; they differ in weights and biases.
 */
export interface StepReport {
  /** 1-based count of updates so far, and the epoch the update belongs to. */
  update: number;
  epoch: number;
  /** Mean loss of the batch before the update. */
  batchLoss: number;
  batchSize: number;
  learningRate: number;
  before: LayerState[];
  after: LayerState[];
}

/** Forward and backward pass of one sample through the current weights, without an update. */
export interface SampleExplanation {
  input: number[];
  target: number[];
  /** ŷ: the network's output. */
  output: number[];
  loss: number;
  /** δ⁽ᵏ⁾ of this sample for every layer k = 1..L (index 0 is layer 1). */
  deltas: number[][];
  /** a⁽ᵏ⁾ of every layer k = 1..L for this sample (index 0 is layer 1; x itself is `input`). */
  activations: number[][];
}
