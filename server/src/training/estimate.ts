// How long a run will take: the machine's measured training speed and the cost estimate auto-train compares with its budget.

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

/** The work of a whole run in parameter·sample updates: parameters × training rows × epochs. */
export function runWork(run: RunSpec): number {
  const trainRows = Math.max(1, run.data.rows - heldOutRows(run.data.rows, run.settings.validate));
  return parameterCount(run.network) * trainRows * run.settings.epochs;
}

/** A speed to start from before the worker measured one (a modest laptop core, f64, small batches). */
export const DEFAULT_THROUGHPUT = 1e7;

/** Turns work into seconds, from the worker's measurement and then from finished runs. */
export class SpeedEstimate {
  private throughput = DEFAULT_THROUGHPUT;
  private calibrated = false;

  /** The worker's start-up measurement; ignored once real runs have calibrated the speed. */
  measured(throughput: number): void {
    if (!this.calibrated && Number.isFinite(throughput) && throughput > 0) this.throughput = throughput;
  }

  /** A finished run's real speed. Short runs are dominated by fixed costs and say little. */
  finished(run: RunSpec, epochsDone: number, seconds: number): void {
    if (seconds < 0.2 || epochsDone < 1) return;
    const observed = (runWork(run) / run.settings.epochs) * epochsDone / seconds;
    this.throughput = this.calibrated ? 0.5 * this.throughput + 0.5 * observed : observed;
    this.calibrated = true;
  }

  /** Upper bound for the run: every epoch, even if a stop target ends it sooner. */
  seconds(run: RunSpec): number {
    return runWork(run) / this.throughput;
  }

  get speed(): number {
    return this.throughput;
  }
}
