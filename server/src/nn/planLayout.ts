// The layout of a batch plan: the i32 words and f64 values through which the trainer and its WebAssembly programs share state.
//
// Spelled out three times and kept in step: here (batchPlan.ts writes it), in
// server/wasm/batches.ts ("the plan"), and in the network compiler
// (codegen/compile.ts), which bakes the constant parts into its code.

import type { Activation, LossKind } from '../language/model';

export const P = {
  layers: 0, capacity: 1, loss: 2, classification: 3, optimizer: 4, blockLength: 5, parameters: 6, gradients: 7,
  state1: 8, state2: 9, targetColumns: 10, scratch: 11, trainCount: 12, batchSize: 13, order: 14, trainInputs: 15,
  trainTargets: 16, validationCount: 17, validationInputs: 18, validationTargets: 19, cursor: 20, updates: 21,
  correct: 22, status: 23, epochsDone: 24, records: 25, helpers: 26, control: 27, layerBase: 32,
} as const;
export const L = { size: 0, activation: 1, weights: 2, biases: 3, weightGradients: 4, biasGradients: 5, z: 6, a: 7, delta: 8, weightUpdates: 9 } as const;
export const LAYER_WORDS = 10;
export const F = { rate: 0, momentum: 1, beta1: 2, beta2: 3, epsilon: 4, epochLoss: 5, beta1Power: 6, beta2Power: 7, powerUpdate: 8, stopLoss: 9, evaluatedLoss: 10 } as const;
export const FLOATS = 11;
/** A call's epoch records: four columns (loss, accuracy, validation loss, validation accuracy) of EPOCHS_PER_CALL each. */
export const RECORD_COLUMNS = 4;

export const ACTIVATION_CODES: Record<Activation, number> = { sigmoid: 0, tanh: 1, relu: 2, leaky_relu: 3, linear: 4, softmax: 5 };

/** How a call ended (batches.ts STATUS_*). */
export const Status = { running: 0, divergedBatch: 1, stopped: 2 } as const;

/** Epochs one call can finish and report (the records' room). */
export const EPOCHS_PER_CALL = 1024;

/** The loss and δ⁽ᴸ⁾ formulas of losses.ts (batches.ts LOSS_*). */
export const LOSS = { mse: 0, mseSoftmax: 1, crossEntropySoftmax: 2, crossEntropySigmoid: 3, crossEntropyOther: 4 } as const;

/** The formula a loss and output activation select. */
export function lossCode(loss: LossKind, output: Activation): number {
  if (loss === 'mse') return output === 'softmax' ? LOSS.mseSoftmax : LOSS.mse;
  if (output === 'softmax') return LOSS.crossEntropySoftmax;
  return output === 'sigmoid' ? LOSS.crossEntropySigmoid : LOSS.crossEntropyOther;
}

