// The batch program's driver (nn/fastPath.ts BatchRunner): describes a trainer's buffers to wasm/batches.ts once, in a plan, then runs batches and epochs in single calls.
//
// The program repeats the trainer's batch loop step for step, so the trainer can
// hand it any stretch of training and get the numbers it would have computed
// itself (test/engine/batches.test.ts). The plan's words are layout.ts's, which
// the program reads through the layout generated from it.

import type { BatchRunner, BatchState, CallOutcome, TrainerBuffers } from '../nn/fastPath';
import type { Vector } from '../nn/activations';
import { STOP_WHEN_LOSS_BELOW, STOP_WHEN_VALIDATION_LOSS_BELOW } from '../nn/epochEnd';
import type { SimdKernels } from './kernels';
import { ACTIVATION, EPOCHS_PER_CALL, F, FLOATS, L, LAYER_WORDS, P, RECORD_COLUMNS, STATUS, lossCode } from './layout';
import { floatsOffset, helperFailure } from './threads';

/** The batch program's exports on a kernels' memory; every address is a byte offset in that memory. */
export interface BatchProgram {
  /** Runs batches (and, with a whole-part batch, epochs) as the plan says; returns the batches run. */
  run(plan: number, floats: number, maxBatches: number, maxEpochs: number): number;
  /** The loss sum (into the f64 block) and correct count of `rows` samples at inputs/targets. */
  evaluate(plan: number, floats: number, inputs: number, targets: number, rows: number): number;
  /** The helper threads the program shares its work with (0: none), and the address of their control block. */
  readonly helpers: number;
  readonly control: number;
  /**
   * Whether a helper's kernel threw during the last shared job. The program then stops with a
   * WebAssembly trap (wasm/batches.ts awaitHelpers), which says nothing of why.
   */
  readonly helperFailed: boolean;
  /** The address of a vector, f64 or i32 array allocated by these kernels (throws for any other). */
  address(vector: Vector | Float64Array | Int32Array): number;
}

/** The epoch hooks the program applies inside a call: the stop rules on the training loss (F.stopLoss) and on the validation loss (F.stopValidationLoss). */
const APPLIED_HOOKS = [STOP_WHEN_LOSS_BELOW, STOP_WHEN_VALIDATION_LOSS_BELOW];

export class BatchPlan implements BatchRunner {
  readonly appliesHooks: readonly string[] = APPLIED_HOOKS;
  private readonly words: Int32Array;
  private readonly floats: Float64Array;
  private readonly planAddress: number;
  private readonly floatsAddress: number;
  /** run()'s answer, one object reused by every call (the training loop allocates nothing per batch). */
  private readonly outcome: CallOutcome;

  constructor(
    private readonly program: BatchProgram,
    kernels: SimdKernels,
    buffers: TrainerBuffers,
  ) {
    const layerCount = buffers.sizes.length - 1;
    const address = (vector: Vector | Float64Array | Int32Array): number => program.address(vector);
    this.words = kernels.allocateInt32(P.layerBase + (layerCount + 1) * LAYER_WORDS);
    this.floats = kernels.allocateFloat64(FLOATS);
    const records = kernels.allocateFloat64(EPOCHS_PER_CALL * RECORD_COLUMNS);
    this.outcome = { batches: 0, epochs: 0, records, recordColumn: EPOCHS_PER_CALL, divergedBatch: false };
    this.planAddress = address(this.words);
    this.floatsAddress = address(this.floats);
    const w = this.words;
    const widest = Math.max(...buffers.sizes.slice(0, layerCount));
    const scratch = kernels.allocate(widest * buffers.capacity);
    w[P.layers] = layerCount;
    w[P.capacity] = buffers.capacity;
    w[P.loss] = lossCode(buffers.loss, buffers.act[layerCount]);
    w[P.classification] = buffers.classification === 'binary' ? 1 : buffers.classification === 'onehot' ? 2 : 0;
    w[P.optimizer] = buffers.optimizer.kind === 'sgd' ? 0 : 1;
    w[P.blockLength] = buffers.parameterBlock.length;
    w[P.parameters] = address(buffers.parameterBlock);
    w[P.gradients] = address(buffers.gradientBlock);
    w[P.state1] = address(buffers.optimizerState[0]);
    w[P.state2] = buffers.optimizerState.length > 1 ? address(buffers.optimizerState[1]) : 0;
    w[P.targetColumns] = address(buffers.targets);
    w[P.scratch] = address(scratch);
    w[P.trainCount] = buffers.trainCount;
    w[P.batchSize] = buffers.batchSize;
    w[P.order] = address(buffers.order);
    w[P.trainInputs] = address(buffers.trainInputs);
    w[P.trainTargets] = address(buffers.trainTargets);
    w[P.validationCount] = buffers.validationCount;
    w[P.validationInputs] = address(buffers.validationInputs);
    w[P.validationTargets] = address(buffers.validationTargets);
    w[P.records] = address(records);
    w[P.helpers] = program.helpers;
    w[P.control] = program.control;
    w[P.controlFloats] = program.helpers > 0 ? program.control + floatsOffset(program.helpers) : 0;
    const dropout = buffers.dropout;
    w[P.dropout] = dropout ? 1 : 0;
    if (dropout) {
      const scales = kernels.allocateFloat64(layerCount + 1);
      scales.set(dropout.scales);
      w[P.dropoutScales] = address(scales);
    }
    w[P.regularize] = buffers.regularization ? 1 : 0;
    for (let k = 0; k <= layerCount; k++) {
      const base = P.layerBase + k * LAYER_WORDS;
      w[base + L.size] = buffers.sizes[k];
      w[base + L.a] = address(buffers.activations[k]);
      w[base + L.output] = address(dropout ? dropout.outputs[k] : buffers.activations[k]);
      const mask = dropout?.masks[k];
      w[base + L.mask] = mask ? address(mask) : 0;
      w[base + L.dropThreshold] = dropout ? dropout.thresholds[k] | 0 : 0;
      if (k === 0) continue;
      w[base + L.activation] = ACTIVATION[buffers.act[k]];
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
    f[F.stopValidationLoss] = buffers.stopValidationLoss ?? NaN;
    f[F.l1] = buffers.regularization?.l1 ?? 0;
    f[F.l2] = buffers.regularization?.l2 ?? 0;
  }

  run(state: BatchState, maxBatches: number, maxEpochs: number): CallOutcome {
    const w = this.words;
    w[P.cursor] = state.cursor;
    w[P.updates] = state.updates;
    w[P.correct] = state.correct;
    w.set(state.random, P.random);
    this.floats[F.epochLoss] = state.epochLoss;
    this.floats[F.rate] = state.rate;
    const outcome = this.outcome;
    try {
      outcome.batches = this.program.run(this.planAddress, this.floatsAddress, maxBatches, Math.min(maxEpochs, EPOCHS_PER_CALL));
    } catch (error) {
      throw this.explained(error);
    }
    state.cursor = w[P.cursor];
    state.updates = w[P.updates];
    state.correct = w[P.correct];
    state.random.set(w.subarray(P.random, P.random + 4));
    state.epochLoss = this.floats[F.epochLoss];
    outcome.divergedBatch = w[P.status] === STATUS.divergedBatch;
    outcome.epochs = w[P.epochsDone];
    return outcome;
  }

  evaluate(inputs: Float64Array, targets: Float64Array, rows: number): { lossSum: number; correct: number } {
    let correct: number;
    try {
      correct = this.program.evaluate(this.planAddress, this.floatsAddress, this.program.address(inputs), this.program.address(targets), rows);
    } catch (error) {
      throw this.explained(error);
    }
    return { lossSum: this.floats[F.evaluatedLoss], correct };
  }

  /** The program's error, or, for the trap that a helper's failed kernel ends it with, the kernels' own words. */
  private explained(error: unknown): unknown {
    return this.program.helperFailed ? helperFailure(error) : error;
  }
}
