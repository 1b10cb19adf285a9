// What a finished (or stepped) run leaves behind for the editor features: the trainer's result plus per-row explanations.
//
// The worker computes all of it, so the LSP thread only reads numbers (it never trains
// or runs a network). Keyed by the run's content key (RunSpec.key): an edit elsewhere
// in the file keeps a run's outcome.

import type { SampleExplanation, StepReport, TrainResult } from '../nn/types';

export interface RunOutcome {
  /** RunSpec.key of the run this came from. */
  key: string;
  /** Whole-run result; null when the run was only stepped. */
  result: TrainResult | null;
  /** Set after ⏭ Step: the latest update's W before, gradient, W after. */
  step: StepReport | null;
  /** Wall time of the training itself, in seconds. */
  seconds: number;
  /**
   * For inline data: forward and backward pass of every row through the final
   * weights, in row order (hover on a row, inlay hint ŷ). Null for CSV and generated data.
   */
  rows: SampleExplanation[] | null;
}
