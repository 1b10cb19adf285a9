// What a faster implementation of the trainer's arithmetic provides: the interface server/src/engine/ implements and the Trainer calls; nn/ never imports an implementation.
//
// The Trainer computes with plain loops (backprop.ts, optimizers.ts) unless it is
// given a FastPath (engine/index.ts createTrainer picks one per run). A fast
// path must give the reference's numbers bit for bit (see docs/ARCHITECTURE.md
// "The reference and the engine"): test/engine compares every path with the
// reference, and test/engine/bits.test.ts with the numbers recorded before.

import type { LossKind, OptimizerSpec, Precision, Regularization } from '../language/model';
import type { Vector } from './activations';
import type { Products } from './backprop';
import type { DropoutLayers } from './dropout';
import type { NetworkMatrices } from './network';

export type { Precision } from '../language/model';

/** The optimizers' elementwise passes of optimizers.ts, done faster with the same numbers. */
export interface OptimizerPasses {
  /** sgd: g ← Σg / batchSize (written back), v ← μv − ηg, θ ← θ + v. */
  sgdUpdate(parameters: Vector, gradientSum: Vector, velocity: Vector, batchSize: number, momentum: number, learningRate: number): void;
  /** adam: g ← Σg / batchSize; m, v updated; θ ← θ − η (m / c1) / (√(v / c2) + ε). */
  adamUpdate(
    parameters: Vector, gradientSum: Vector, firstMoments: Vector, secondMoments: Vector, batchSize: number,
    beta1: number, beta2: number, learningRate: number, epsilon: number, correction1: number, correction2: number,
  ): void;
}

/**
 * A fast path: the trainer's buffers allocated in its memory, the products of backprop.ts, the
 * optimizers' passes, and optionally a batch runner that runs whole batches and epochs of the
 * trainer's loop in one call.
 */
export interface FastPath extends Products, OptimizerPasses {
  /** The path's name, as Trainer.engine reports it (tests, benchmarks). */
  readonly name: string;
  readonly precision: Precision;
  /** Threads that large products are shared between right now (1, or 1 + helpers once they run). */
  readonly threads: number;
  /** A zeroed vector of `length` elements of the precision, in the path's memory. */
  allocate(length: number): Vector;
  /** Zeroed f64 and i32 arrays in the same memory (the data, ΔW, a shuffle order). */
  allocateFloat64(length: number): Float64Array;
  allocateInt32(length: number): Int32Array;
  /**
   * The trainer's batch loop for these buffers, or null: the trainer then runs its own loop
   * (trainer.ts runBatch) on this path's products.
   */
  batchRunner(buffers: TrainerBuffers): BatchRunner | null;
}

/**
 * Every buffer of a trainer that a batch runner reads or writes, allocated by the fast path: the
 * network's matrices (network.ts; per-layer arrays indexed 0..L) and the run's.
 */
export interface TrainerBuffers extends NetworkMatrices {
  /** Columns of every z, a, δ buffer. */
  capacity: number;
  loss: LossKind;
  classification: 'binary' | 'onehot' | null;
  optimizer: OptimizerSpec;
  /** sgd's velocity, or adam's first and second moments (optimizers.ts state). */
  optimizerState: Vector[];
  trainCount: number;
  batchSize: number;
  order: Int32Array;
  trainInputs: Float64Array;
  trainTargets: Float64Array;
  validationCount: number;
  validationInputs: Float64Array;
  validationTargets: Float64Array;
  stopLoss: number | null;
  /** `stop when validation loss < T` (docs/language.md §7.4), or null. */
  stopValidationLoss: number | null;
  /** The layers' dropout (docs/language.md §7.2; its masks and outputs allocated by the path), or null. */
  dropout: DropoutLayers | null;
  /** `regularize` (docs/language.md §7.2), or null. */
  regularization: Regularization | null;
}

/** The trainer's counters that a call reads and moves on. */
export interface BatchState {
  /** Position in the epoch's order of the next batch. */
  cursor: number;
  /** Updates made so far. */
  updates: number;
  /** Correct samples so far this epoch, and the epoch's loss sum so far. */
  correct: number;
  epochLoss: number;
  /** The learning rate of the call's updates (a schedule changes it between calls). */
  rate: number;
  /** The dropout stream's state (Rng.saveState): in, and out as the call's draws left it. */
  random: Int32Array;
}

/** What a call did. The object and its records are valid until the next call. */
export interface CallOutcome {
  /** Batches run (a diverged one included). */
  batches: number;
  /** Epochs finished by the call. */
  epochs: number;
  /** Their numbers: loss, accuracy, validation loss, validation accuracy, penalty, each a column of `recordColumn` entries. */
  records: Float64Array;
  recordColumn: number;
  /** A batch's loss was not finite: it was not applied, and its epoch is unfinished. */
  divergedBatch: boolean;
}

/**
 * The trainer's batch loop (trainer.ts runBatch, and the end of each epoch it finishes: its
 * record, the validation pass, the hooks of epochEnd.ts it names in `appliesHooks`) run as one
 * call, with the numbers the trainer would compute itself.
 */
export interface BatchRunner {
  /**
   * Runs at most `maxBatches` batches from state.cursor, never past the epoch in progress unless the
   * batch is the whole training part, and then at most `maxEpochs` epochs. It stops after an epoch
   * whose loss is not finite or that meets a rule it applies. Moves `state` on.
   */
  run(state: BatchState, maxBatches: number, maxEpochs: number): CallOutcome;
  /** The loss sum and correct count of `rows` samples of a part (trainer.ts evaluate), held in the path's memory. */
  evaluate(inputs: Float64Array, targets: Float64Array, rows: number): { lossSum: number; correct: number };
  /** The epoch hooks (epochEnd.ts EpochHook.name) it applies inside a call; a run with any other gets one epoch per call. */
  readonly appliesHooks: readonly string[];
}
