// How long a run will take: a cost model of the trainer's loop, scaled by this machine's measured speed; auto-train compares it with its budget (docs/editor.md "Auto-train and the estimate").
//
// A run's time is not parameters × samples: for the small networks of a spec, the loop's
// fixed costs dominate. Per epoch the trainer shuffles and reports; per update it calls the
// batch program and the optimizer touches every parameter; per sample and unit it computes an
// activation (e^x, tanh: tens of nanoseconds, far more than a multiply-add); per sample and
// parameter it multiplies and adds. The model sums these, each with its own cost, in the
// seconds of a reference machine; the worker measures how this machine compares (measure.ts),
// and finished runs correct it. A `stop when` target may end a run sooner: the estimate is of
// every epoch, a bound.

import { heldOutRows, type NetworkSpec, type RunSpec } from '../language/model';

/** Trainable parameters: Σ units × (inputs + 1). */
export function parameterCount(network: NetworkSpec): number {
  let inputs = network.input;
  let count = 0;
  for (const layer of network.layers) {
    count += layer.units * (inputs + 1);
    inputs = layer.units;
  }
  return count;
}

/** What a run's training time depends on: its size and its loop's counts. */
export interface RunFeatures {
  parameters: number;
  /**
   * Units of every layer (each computes an activation and its derivative per sample), weighted
   * by what their activation costs against tanh's (ACTIVATION_COST).
   */
  units: number;
  trainRows: number;
  heldOutRows: number;
  /** Rows per update (the whole training part for `batch full`). */
  batch: number;
  /** Updates (batches) per epoch. */
  updatesPerEpoch: number;
  epochs: number;
}

/** The counts of a run (a checked RunSpec, or any network, data and settings). */
export function runFeatures(run: Pick<RunSpec, 'network' | 'data' | 'settings'>): RunFeatures {
  const held = heldOutRows(run.data.rows, run.settings.validate);
  const trainRows = Math.max(1, run.data.rows - held);
  const batch = run.settings.batch === 'full' ? trainRows : Math.min(run.settings.batch, trainRows);
  return {
    parameters: parameterCount(run.network),
    units: run.network.layers.reduce((sum, layer) => sum + layer.units * (ACTIVATION_COST[layer.activation] ?? 1), 0),
    trainRows,
    heldOutRows: held,
    batch,
    updatesPerEpoch: Math.ceil(trainRows / batch),
    epochs: run.settings.epochs,
  };
}

/**
 * What an activation costs per unit and sample against tanh (Math.tanh from WebAssembly): e^x
 * about half, a comparison a tenth. Measured on 2-16-1 and 2-64-1 networks (bench/README.md "Estimates").
 */
export const ACTIVATION_COST: Readonly<Record<string, number>> = {
  tanh: 1,
  sigmoid: 0.55,
  softmax: 0.6,
  leaky_relu: 0.4,
  relu: 0.1,
  linear: 0.1,
};

/**
 * Seconds of the reference machine for each count of the loop, fitted (least squares on the
 * relative error) to the CPU time of 192 runs of the trainer: 2-3-1 to 2-32-32-1, 8 to 1,000
 * rows, batch 1 to full, with and without validation; the run's own cost from the editor's
 * short runs (bench/README.md "Estimates").
 */
export const COSTS = {
  /** Per run in the editor's worker: building the trainer, its first live snapshot, explaining the rows. */
  run: 0.02,
  epoch: 5.1e-8,
  update: 2.9e-7,
  /** Per update and parameter: the optimizer's step. */
  updateParameter: 3.1e-9,
  /** Per training sample and parameter: forward, backward and gradient products. */
  sampleParameter: 2.2e-10,
  /** Per held-out sample and parameter: the validation pass, forward only. */
  heldOutParameter: 1.3e-10,
  /** Per training sample and (tanh) unit: activations and their derivatives. */
  sampleUnit: 2.7e-8,
  heldOutUnit: 2.4e-8,
} as const;

/** The run's cost in seconds of the reference machine, every epoch counted. */
export function referenceSeconds(f: RunFeatures): number {
  const perEpoch =
    COSTS.epoch +
    f.updatesPerEpoch * (COSTS.update + COSTS.updateParameter * f.parameters) +
    f.trainRows * (COSTS.sampleParameter * f.parameters + COSTS.sampleUnit * f.units) +
    f.heldOutRows * (COSTS.heldOutParameter * f.parameters + COSTS.heldOutUnit * f.units);
  return COSTS.run + f.epochs * perEpoch;
}

/** Runs shorter than this are mostly fixed costs and start-up: they say little of the machine's speed. */
const MEANINGFUL_SECONDS = 0.2;
/** How far one finished run moves the scale (in log space), and how far from the measured scale it may go. */
const LEARNING = 0.5;
const LIMIT = 4;

/**
 * Turns a run's reference cost into seconds on this machine: × its scale (this machine's seconds
 * per reference second), measured by a worker at start, then corrected by every finished run of
 * 0.2 s or more (the time it took against what it was estimated to take).
 */
export class SpeedEstimate {
  private scale = 1;
  /** The worker's measurement, which finished runs correct within a factor of LIMIT. */
  private measuredScale = 1;

  /** The worker's start-up measurement (seconds per reference second); once finished runs have corrected the scale, it no longer moves it. */
  measured(scale: number): void {
    if (!Number.isFinite(scale) || scale <= 0) return;
    this.measuredScale = scale;
    if (!this.corrected) this.scale = scale;
  }

  private corrected = false;

  /** A finished run: how long it took for the epochs it ran. */
  finished(run: RunSpec, epochsDone: number, seconds: number): void {
    if (seconds < MEANINGFUL_SECONDS || epochsDone < 1) return;
    const predicted = referenceSeconds({ ...runFeatures(run), epochs: epochsDone });
    const observed = seconds / predicted;
    const next = Math.exp((1 - LEARNING) * Math.log(this.scale) + LEARNING * Math.log(observed));
    this.scale = Math.min(this.measuredScale * LIMIT, Math.max(this.measuredScale / LIMIT, next));
    this.corrected = true;
  }

  /** Estimated seconds for the run on this machine, every epoch, even if a stop target ends it sooner. */
  seconds(run: RunSpec): number {
    return this.scale * referenceSeconds(runFeatures(run));
  }

  /** This machine's seconds per reference second, as estimates use it now. */
  get speed(): number {
    return this.scale;
  }
}
