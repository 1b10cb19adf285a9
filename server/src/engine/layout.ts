// The layout the engine's TypeScript and WebAssembly share, written once: the batch plan's words, its f64 block and epoch records, the codes of activations, losses, epilogues and statuses, the helper threads' control block, and the numbers of the math the WebAssembly repeats.
//
// The AssemblyScript side, engine/wasm/layout.ts, is generated from this module
// by engine/wasm/compile.mjs at build time (committed, so a fresh clone compiles;
// test/engine/build.test.ts fails when it is stale). Every exported number
// becomes a constant of the same name, and every exported object of numbers one
// constant per key (`P.weightGradients` → `P_WEIGHT_GRADIENTS`): an i32, except
// MATH's, which are f64. Functions stay on this side.

import type { Activation, LossKind } from '../language/model';
import { LEAKY_RELU_SLOPE } from '../nn/activations';
import { LOG_FLOOR } from '../nn/losses';

/** The plan: i32 words describing a trainer's buffers (byte addresses in the kernels' memory) and the counters a call moves on. */
export const P = {
  /** L, the number of layers. */
  layers: 0,
  /** Columns of every z, a, δ buffer. */
  capacity: 1,
  /** LOSS code. */
  loss: 2,
  /** 0 regression, 1 binary, 2 one-hot. */
  classification: 3,
  /** 0 sgd, 1 adam. */
  optimizer: 4,
  /** Parameters in the block, alignment gaps included; the parameter and gradient blocks. */
  blockLength: 5, parameters: 6, gradients: 7,
  /** sgd's velocity or adam's m, and adam's v. */
  state1: 8, state2: 9,
  /** y of the chunk in flight, n_L × capacity; room for a⁽ᵏ⁻¹⁾ᵀ of the gradient products. */
  targetColumns: 10, scratch: 11,
  trainCount: 12, batchSize: 13,
  /** i32 positions into the training part: the epoch's order. */
  order: 14,
  /** f64, row-major. */
  trainInputs: 15, trainTargets: 16,
  validationCount: 17, validationInputs: 18, validationTargets: 19,
  /** In and out: the position of the next batch in the epoch, the updates made, the epoch's correct samples so far. */
  cursor: 20, updates: 21, correct: 22,
  /** Out: how the call ended (STATUS), and the epochs it finished. */
  status: 23, epochsDone: 24,
  /** The epochs a call finished, in RECORD_COLUMNS columns of EPOCHS_PER_CALL f64 each. */
  records: 25,
  /** Helper threads sharing the large products, the sgd pass and the gather (0: none), their control block, and its f64 area (threads.ts floatsOffset). */
  helpers: 26, control: 27, controlFloats: 28,
  /** In and out: the dropout stream's xoshiro128** state, four words (nn/rng.ts). */
  random: 29,
  /** 1 when a layer has dropout (docs/language.md §7.2), and the f64 array of each layer's 1/(1 − P), k = 0..L. */
  dropout: 33, dropoutScales: 34,
  /** 1 with `regularize` (docs/language.md §7.2): F.l1 and F.l2 penalize the weights' gradients. */
  regularize: 35,
  /** Where the layers' words start: LAYER_WORDS per layer k = 0..L (layer 0: size, a and output only). */
  layerBase: 40,
} as const;

/**
 * A layer's words, from P.layerBase + k · LAYER_WORDS. With dropout, `mask` is m⁽ᵏ⁾ (0: none), `output`
 * ã⁽ᵏ⁾ = a⁽ᵏ⁾ ⊙ m⁽ᵏ⁾ (else a itself), `dropThreshold` ⌊P·2³²⌋ as the bits of a u32 (nn/dropout.ts).
 */
export const L = {
  size: 0, activation: 1, weights: 2, biases: 3, weightGradients: 4, biasGradients: 5, z: 6, a: 7, delta: 8, weightUpdates: 9,
  mask: 10, output: 11, dropThreshold: 12,
} as const;
export const LAYER_WORDS = 13;

/**
 * The f64 block: the optimizer's numbers (the rate in before every call), the epoch's loss sum (in and out), adam's β1ᵗ, β2ᵗ
 * and t, the stop rules' losses (NaN: none), evaluate's loss sum (out), the penalties' weights.
 */
export const F = {
  rate: 0, momentum: 1, beta1: 2, beta2: 3, epsilon: 4, epochLoss: 5, beta1Power: 6, beta2Power: 7, powerUpdate: 8, stopLoss: 9, evaluatedLoss: 10,
  l1: 11, l2: 12, stopValidationLoss: 13,
} as const;
export const FLOATS = 14;

/** A call's epoch records: loss, accuracy, validation loss, validation accuracy, penalty, each a column of EPOCHS_PER_CALL. */
export const RECORD_COLUMNS = 5;
/** Epochs one call can finish and report (the records' room). */
export const EPOCHS_PER_CALL = 1024;

export const ACTIVATION: Record<Activation, number> = { sigmoid: 0, tanh: 1, relu: 2, leaky_relu: 3, linear: 4, softmax: 5 };

/** The loss and δ⁽ᴸ⁾ formulas of losses.ts that a loss and output activation select (lossCode). */
export const LOSS = { mse: 0, mseSoftmax: 1, crossEntropySoftmax: 2, crossEntropySigmoid: 3, crossEntropyOther: 4 } as const;

/** How a call ended: at its batch or epoch limit; at a batch whose loss was not finite (not applied, the epoch unfinished); after an epoch whose loss was not finite or met the stop rule. */
export const STATUS = { running: 0, divergedBatch: 1, stopped: 2 } as const;

/**
 * What a product does with each finished sum Σ (engine/wasm/kernels.ts): store it; add it to C;
 * add the row's bias; add the bias and write relu(z) (or z, linear) beside; multiply by relu′(z).
 */
export const EPILOGUE = { store: 0, add: 1, bias: 2, biasRelu: 3, biasCopy: 4, reluMask: 5 } as const;

/** The helper threads' control block (i32 words; threads.ts). */
export const CONTROL = {
  /** Incremented for every job; helpers wait on it. −1 tells them to exit. */
  generation: 0,
  /** Helpers still working on the current job; the caller waits on it. */
  pending: 1,
  /** Set to 1 by a helper whose job threw. */
  failed: 2,
  /** Helpers that have instantiated the kernels; jobs go to helpers only once all are ready. */
  ready: 3,
  /** The first helper's job: JOB_WORDS words per helper, then JOB_FLOATS f64 per helper (threads.ts floatsOffset). */
  jobs: 4,
} as const;

/**
 * A job's first word; then its integer arguments: the 13 of product_f64/product_f32; for an sgd
 * pass theta, gradient, velocity and length (batch, momentum and rate are the helper's three
 * f64); for the batch program's gather the 8 of gather_f64/gather_f32.
 */
export const JOB = { productF64: 0, productF32: 1, sgdF64: 2, sgdF32: 3, gatherF64: 4, gatherF32: 5 } as const;
export const JOB_WORDS = 14;
export const JOB_FLOATS = 3;

/**
 * When work is shared with helper threads: products of at least this many multiply-adds (and 16
 * columns), sgd passes of this many parameters, gathers of this many numbers; below, waking a
 * helper costs more. The caller reads the control block this many times, waiting, before it sleeps.
 */
export const PARALLEL = { productMinimum: 1 << 17, sgdMinimum: 1 << 15, gatherMinimum: 1 << 14, awaitSpins: 100_000 } as const;

/** The constants of activations.ts and losses.ts that the WebAssembly's formulas repeat (f64 there). */
export const MATH = { leakyReluSlope: LEAKY_RELU_SLOPE, logFloor: LOG_FLOOR } as const;

/** The LOSS formula a loss and output activation select. */
export function lossCode(loss: LossKind, output: Activation): number {
  if (loss === 'mse') return output === 'softmax' ? LOSS.mseSoftmax : LOSS.mse;
  if (output === 'softmax') return LOSS.crossEntropySoftmax;
  return output === 'sigmoid' ? LOSS.crossEntropySigmoid : LOSS.crossEntropyOther;
}
