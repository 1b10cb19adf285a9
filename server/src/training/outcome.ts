// What a finished (or stepped, or reset) run leaves behind for the editor features: the trainer's result plus per-row explanations.
//
// The worker computes all of it, so the LSP thread only reads numbers (it never trains
// or runs a network). Keyed by the run's content key (RunSpec.key): an edit elsewhere
// in the file keeps a run's outcome.

import type { LayerState, SampleExplanation, StepReport, TrainResult } from '../nn/types';
import type { RunHealth } from '../present/health';

export interface RunOutcome {
  /** RunSpec.key of the run this came from. */
  key: string;
  /** Whole-run result of the last training; null when the run was only stepped or reset, or stepped from other weights. */
  result: TrainResult | null;
  /** Set after ⏭ Step: the latest update's W before, gradient, W after. */
  step: StepReport | null;
  /** Wall time of the last training itself, in seconds (a step or a reset leaves it as it was). */
  seconds: number;
  /**
   * For inline data: forward and backward pass of every row through the current weights
   * (the trained ones, or the stepped or reset ones), in row order (hover on a row, inlay
   * hint ŷ). Null for CSV and generated data.
   */
  rows: SampleExplanation[] | null;
  /** Set by Step and Reset: where the weights stand since they left the trained (or initial) ones. */
  position?: StepPosition | null;
  /** After a training: the health figures of the final weights, the flat-loss rule, a divergence's layer (docs/editor.md "Training health"). */
  health?: RunHealth | null;
}

/** The weights of a run that Step or Reset moved (docs/editor.md "Step and Reset"). */
export interface StepPosition {
  /** What the steps started from: the seed's initial weights (a run never trained, or Reset) or the trained ones. */
  from: 'initial' | 'trained';
  /** Updates made by Step since then: 0 right after Reset. */
  steps: number;
  /** The epoch the weights are at: the last update's epoch, 0 after Reset. */
  epoch: number;
  /** Mean loss of these weights on the training part. */
  loss: number | null;
  /** W, b and the last update's δ and gradients of every layer. */
  layers: LayerState[];
}
