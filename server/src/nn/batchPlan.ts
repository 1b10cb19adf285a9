// Drives the whole-batch program (server/wasm/batches.ts): describes a trainer's buffers to it once, then runs batches and epochs in single calls.
//
// The program repeats trainer.ts's batch loop step for step, so the trainer
// can hand it any stretch of training and get the numbers it would have
// computed itself (test/kernels/batches.test.ts). The plan below is the
// program's view of the trainer; the layout must match batches.ts word for word.

import type { Activation, LossKind, OptimizerSpec } from '../language/model';
import type { Vector } from './activations';
import { compilable, compileNetwork } from './codegen/compile';
import { helperFailure, type BatchProgram, type MatrixKernels } from './kernels';

import { ACTIVATION_CODES, EPOCHS_PER_CALL, F, FLOATS, L, LAYER_WORDS, P, RECORD_COLUMNS, lossCode } from './planLayout';

export { EPOCHS_PER_CALL, Status } from './planLayout';

/** Everything of a trainer the program reads or writes; per-layer arrays are indexed 0..L like the trainer's (index 0: inputs). */
export interface PlanBuffers {
  sizes: number[];
  activations: Activation[];
  loss: LossKind;
  classification: 'binary' | 'onehot' | null;
  optimizer: OptimizerSpec;
  optimizerState: Vector[];
  capacity: number;
  parameterBlock: Vector;
  gradientBlock: Vector;
  weights: Vector[];
  biases: Vector[];
  weightGradients: Vector[];
  biasGradients: Vector[];
  preActivations: Vector[];
  activationValues: Vector[];
  deltas: Vector[];
  weightUpdates: Float64Array[];
  targetColumns: Vector;
  trainCount: number;
  batchSize: number;
  order: Int32Array;
  trainInputs: Float64Array;
  trainTargets: Float64Array;
  validationCount: number;
  validationInputs: Float64Array;
  validationTargets: Float64Array;
  stopLoss: number | null;
  /** Compile a small network's loop to WebAssembly of its own (codegen/compile.ts; same numbers). */
  compile: boolean;
}

/** The trainer's counters that a call reads and moves on. */
export interface BatchState {
  cursor: number;
  updates: number;
  correct: number;
  epochLoss: number;
}

/** What a call did: its status, the batches run and the epochs finished, with their numbers in four columns of EPOCHS_PER_CALL (planLayout.ts). */
export interface CallOutcome {
  status: number;
  batches: number;
  epochs: number;
  records: Float64Array;
}

export class BatchPlan {
  private readonly words: Int32Array;
  private readonly floats: Float64Array;
  private readonly records: Float64Array;
  private readonly planAddress: number;
  private readonly floatsAddress: number;
  /** The network's own compiled loop and evaluation, or the general ones of batches.ts. */
  private readonly loop: BatchProgram['run'];
  private readonly evaluator: BatchProgram['evaluate'];
  /** Whether the program is the network's compiled one. */
  readonly compiled: boolean;
  /** run()'s answer, one object reused by every call (the training loop allocates nothing per batch). */
  private readonly outcome: CallOutcome;

  constructor(
    private readonly general: BatchProgram,
    kernels: MatrixKernels,
    buffers: PlanBuffers,
  ) {
    const layerCount = buffers.sizes.length - 1;
    const address = (vector: Vector | Float64Array | Int32Array): number => general.address(vector);
    this.words = kernels.allocateInt32(P.layerBase + (layerCount + 1) * LAYER_WORDS);
    this.floats = kernels.allocateFloat64(FLOATS);
    this.records = kernels.allocateFloat64(EPOCHS_PER_CALL * RECORD_COLUMNS);
    this.outcome = { status: 0, batches: 0, epochs: 0, records: this.records };
    this.planAddress = address(this.words);
    this.floatsAddress = address(this.floats);
    const w = this.words;
    const widest = Math.max(...buffers.sizes.slice(0, layerCount));
    const scratch = kernels.allocate(widest * buffers.capacity);
    w[P.layers] = layerCount;
    w[P.capacity] = buffers.capacity;
    w[P.loss] = lossCode(buffers.loss, buffers.activations[layerCount]);
    w[P.classification] = buffers.classification === 'binary' ? 1 : buffers.classification === 'onehot' ? 2 : 0;
    w[P.optimizer] = buffers.optimizer.kind === 'sgd' ? 0 : 1;
    w[P.blockLength] = buffers.parameterBlock.length;
    w[P.parameters] = address(buffers.parameterBlock);
    w[P.gradients] = address(buffers.gradientBlock);
    w[P.state1] = address(buffers.optimizerState[0]);
    w[P.state2] = buffers.optimizerState.length > 1 ? address(buffers.optimizerState[1]) : 0;
    w[P.targetColumns] = address(buffers.targetColumns);
    w[P.scratch] = address(scratch);
    w[P.trainCount] = buffers.trainCount;
    w[P.batchSize] = buffers.batchSize;
    w[P.order] = address(buffers.order);
    w[P.trainInputs] = address(buffers.trainInputs);
    w[P.trainTargets] = address(buffers.trainTargets);
    w[P.validationCount] = buffers.validationCount;
    w[P.validationInputs] = address(buffers.validationInputs);
    w[P.validationTargets] = address(buffers.validationTargets);
    w[P.records] = address(this.records);
    w[P.helpers] = general.helpers;
    w[P.control] = general.control;
    for (let k = 0; k <= layerCount; k++) {
      const base = P.layerBase + k * LAYER_WORDS;
      w[base + L.size] = buffers.sizes[k];
      w[base + L.a] = address(buffers.activationValues[k]);
      if (k === 0) continue;
      w[base + L.activation] = ACTIVATION_CODES[buffers.activations[k]];
      w[base + L.weights] = address(buffers.weights[k]);
      w[base + L.biases] = address(buffers.biases[k]);
      w[base + L.weightGradients] = address(buffers.weightGradients[k]);
      w[base + L.biasGradients] = address(buffers.biasGradients[k]);
      w[base + L.z] = address(buffers.preActivations[k]);
      w[base + L.delta] = address(buffers.deltas[k]);
      w[base + L.weightUpdates] = address(buffers.weightUpdates[k]);
    }
    const f = this.floats;
    const spec = buffers.optimizer;
    f[F.rate] = spec.rate;
    if (spec.kind === 'sgd') f[F.momentum] = spec.momentum;
    else [f[F.beta1], f[F.beta2], f[F.epsilon]] = [spec.beta1, spec.beta2, spec.epsilon];
    f[F.beta1Power] = 1;
    f[F.beta2Power] = 1;
    f[F.stopLoss] = buffers.stopLoss ?? NaN;
    this.compiled = buffers.compile && compilable(buffers.sizes);
    const program = this.compiled ? general.instantiate(compileNetwork(w, kernels.precision, spec.kind)) : general;
    this.loop = program.run;
    this.evaluator = program.evaluate;
  }

  /**
   * Runs at most `maxBatches` batches from state.cursor, never past the epoch in progress unless the
   * batch is the whole training part, and then at most `maxEpochs` epochs (≤ EPOCHS_PER_CALL).
   * Moves `state` on; the outcome (the same object every call) and its records are valid until the next call.
   */
  run(state: BatchState, maxBatches: number, maxEpochs: number): CallOutcome {
    const w = this.words;
    w[P.cursor] = state.cursor;
    w[P.updates] = state.updates;
    w[P.correct] = state.correct;
    this.floats[F.epochLoss] = state.epochLoss;
    const outcome = this.outcome;
    try {
      outcome.batches = this.loop(this.planAddress, this.floatsAddress, maxBatches, Math.min(maxEpochs, EPOCHS_PER_CALL));
    } catch (error) {
      throw this.explained(error);
    }
    state.cursor = w[P.cursor];
    state.updates = w[P.updates];
    state.correct = w[P.correct];
    state.epochLoss = this.floats[F.epochLoss];
    outcome.status = w[P.status];
    outcome.epochs = w[P.epochsDone];
    return outcome;
  }

  /** trainer.ts evaluate on rows of a part held in the kernels' memory: the loss sum and correct count. */
  evaluate(inputs: Float64Array, targets: Float64Array, rows: number): { lossSum: number; correct: number } {
    let correct: number;
    try {
      correct = this.evaluator(this.planAddress, this.floatsAddress, this.general.address(inputs), this.general.address(targets), rows);
    } catch (error) {
      throw this.explained(error);
    }
    return { lossSum: this.floats[F.evaluatedLoss], correct };
  }

  /** The program's error, or, for the trap that a helper's failed kernel ends it with, the kernels' own words. */
  private explained(error: unknown): unknown {
    return this.general.helperFailed ? helperFailure(error) : error;
  }
}
