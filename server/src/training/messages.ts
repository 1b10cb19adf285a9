// The messages between the training host (LSP thread) and a training worker, declared once for both sides.
//
// Every job message carries the job id and the document version (the generation)
// it was started for; the worker echoes both, and the host drops whatever no longer
// belongs to the live job of its run. Cancellation does not travel as a message (a
// synchronous training loop never sees one): it is a SharedArrayBuffer flag the
// trainer polls between batches.

import type { GradientCheck } from '../nn/gradientCheck';
import type { HealthMeasure } from '../nn/health';
import type { RunSpec } from '../language/model';
import type { LayerState, SampleExplanation } from '../nn/types';
import type { Confusion, CurvePoint, Snapshot, UnitPictures } from '../protocol';
import type { RunOutcome } from './outcome';

/** Values of the shared cancel flag (Int32Array of length 1). */
export const CancelFlag = {
  run: 0,
  cancel: 1,
  /** Test hook: the worker exits as if it had crashed, at the next check between batches. */
  crash: 2,
} as const;

/** The data's points and the boundary grid's box, for two-input data (what the boundary is drawn on). */
export interface RunFrame {
  points: { x: number; y: number; label: number }[] | null;
  box: { xMin: number; xMax: number; yMin: number; yMax: number } | null;
  grid: number;
}

/** What the panel shows of a run besides its outcome: curve, snapshots, the data's points. Computed in the worker. */
export interface RunRecord extends RunFrame {
  inputNames: string[];
  curve: CurvePoint[];
  snapshots: Snapshot[];
  /** Classification runs: the final weights' confusion matrices. */
  confusion?: Confusion | null;
}

interface JobMessage {
  job: number;
  /** Document version the job was started for (echoed back, so the host can drop stale answers). */
  version: number;
  run: RunSpec;
  /** Int32Array(1) over this buffer: CancelFlag.cancel asks the run to stop after the current batch. */
  cancel: SharedArrayBuffer;
}

export type HostMessage =
  /** Train the run from fresh weights; `maxSeconds` stops it with reason 'time'. */
  | (JobMessage & { type: 'train'; maxSeconds: number })
  /**
   * One update of ⏭ Step. `from` says where the weights come from when this worker
   * holds no trainer for the key: 'trained' retrains first (deterministic, same result),
   * 'fresh' starts from the seed. A worker that holds the key's trainer continues it.
   */
  | (JobMessage & { type: 'step'; from: StepStart; replay: number })
  /** ⏭ Reset: a trainer with the seed's initial weights, kept for the next Step; answers with them (epoch 0). */
  | (JobMessage & { type: 'reset' })
  /** "NN: Check Gradients": backprop against the central difference at these weights (index 0 is layer 1), in f64. */
  | (JobMessage & { type: 'gradcheck'; layers: GivenLayer[] })
  /** Forget the trainer kept for this key (a new training discards the stepped state). */
  | { type: 'forget'; key: string };

/**
 * Where a step starts when the worker holds no trainer for the run: 'trained' retrains first
 * (deterministic, so the same weights as the finished run), 'fresh' takes the seed's initial
 * weights. `replay` updates are made first, so a worker that did not make the earlier steps
 * reaches the same weights as the one that did.
 */
export type StepStart = 'trained' | 'fresh';

/** What a live snapshot carries for the hovers and hints: the weights at an epoch of a training in progress. */
export interface LiveWeights {
  epoch: number;
  /** The epoch's mean training loss (NaN at epoch 0). */
  loss: number;
  /** W, b, the last update's δ and gradients, as the trainer has them. */
  layers: LayerState[];
  /** Every inline row through these weights (the row hovers and ŷ hints); null for CSV and generated data. */
  rows: SampleExplanation[] | null;
  /** The training-health figures of these weights, when this snapshot was measured (within the budget: docs/editor.md "Training health"). */
  health?: HealthMeasure;
  /** The panel's per-unit pictures of these weights (present/boundary.ts). */
  units?: UnitPictures | null;
}

export interface ProgressReport {
  epoch: number;
  epochs: number;
  loss: number;
  validationLoss: number | null;
  accuracy: number | null;
  seconds: number;
  /** docs/language.md §7.2–§7.4: the epoch's rate (with a schedule) and penalty (with regularization), the best epoch so far (with patience). */
  rate?: number;
  penalty?: number;
  bestEpoch?: number;
}

export type WorkerMessage =
  /** Sent once at start: this machine's measured speed, in seconds per second of the estimate's reference machine (estimate.ts). */
  | { type: 'ready'; scale: number }
  /** At most ~10 per second per job. */
  | { type: 'progress'; job: number; version: number; key: string; progress: ProgressReport }
  /**
   * While a run trains: the network and its boundary as they are now (the initial weights
   * first, then at most ~10 per second, fewer when a snapshot is costly). The first one
   * carries the frame (points and box), which does not change during the run. A snapshot
   * taken with a progress report carries it, so both name the same epoch.
   */
  | { type: 'snapshot'; job: number; version: number; key: string; weights: LiveWeights; boundary: number[] | null; frame?: RunFrame; progress?: ProgressReport }
  /**
   * The outcome first (diagnostics, hovers and lenses wait for it)… Its
   * `result.history` is thinned to at most 2,000 evenly spaced epochs (the last always
   * kept): a long run's every epoch is too much to copy while the user waits.
   */
  | { type: 'done'; job: number; version: number; key: string; outcome: RunOutcome }
  /** …then, right after, what only the panel needs (curve, snapshots, boundary grids). */
  | { type: 'record'; job: number; version: number; key: string; record: RunRecord }
  | { type: 'failed'; job: number; version: number; key: string; message: string }
  /** The answer to 'gradcheck'. */
  | { type: 'gradients'; job: number; version: number; key: string; check: GradientCheck };

/** One layer's W (row-major) and b, as a gradient check is given them. */
export interface GivenLayer {
  weights: Float64Array;
  biases: Float64Array;
}
