// Copies of the weights as training goes, evenly spaced within a budget, for the training panel's animation (TrainControl.snapshots).

import type { Vector } from './activations';
import type { SnapshotOptions, WeightSnapshot } from './types';

/** Per layer 0..L (index 0 unused), as the trainer holds them; gradients and ΔW null when they are not of the last update. */
export interface SnapshotSource {
  weights: readonly Vector[];
  biases: readonly Vector[];
  weightGradients: readonly Vector[] | null;
  weightUpdates: readonly Float64Array[] | null;
}

/** Keeps evenly spaced copies of the weights within a budget (TrainControl.snapshots). */
export class SnapshotRecorder {
  readonly snapshots: WeightSnapshot[] = [];
  private every = 1;
  private readonly limit: number;

  constructor(options: SnapshotOptions, parameters: number) {
    // A snapshot holds W, b, ∂L/∂W and ΔW: about three times the parameters.
    const bySize = Math.floor((options.maxValues ?? 1_000_000) / Math.max(3 * parameters, 1));
    this.limit = Math.max(2, Math.min(options.maxSnapshots ?? 200, 200, bySize));
  }

  /** The first epoch after `epoch` that record() keeps (the grid may widen when it does). */
  nextEpoch(epoch: number): number {
    return (Math.floor(epoch / this.every) + 1) * this.every;
  }

  record(epoch: number, loss: number, source: SnapshotSource): void {
    if (epoch % this.every !== 0) return;
    if (this.snapshots.length > 0 && this.snapshots[this.snapshots.length - 1].epoch === epoch) return;
    this.snapshots.push(this.copy(epoch, loss, source));
    while (this.snapshots.length > this.limit) this.thin();
  }

  /** The final weights are always the last snapshot, on the grid or not. */
  finish(epoch: number, loss: number, source: SnapshotSource): void {
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && last.epoch === epoch) return;
    if (this.snapshots.length >= this.limit) this.thin();
    this.snapshots.push(this.copy(epoch, loss, source));
  }

  private thin(): void {
    this.every *= 2;
    const kept = this.snapshots.filter((snapshot) => snapshot.epoch % this.every === 0);
    this.snapshots.length = 0;
    this.snapshots.push(...kept);
  }

  private copy(epoch: number, loss: number, source: SnapshotSource): WeightSnapshot {
    const copies = (vectors: readonly ArrayLike<number>[]) => vectors.slice(1).map((v) => Float64Array.from(v));
    const snapshot: WeightSnapshot = { epoch, loss, weights: copies(source.weights), biases: copies(source.biases) };
    if (source.weightGradients && source.weightUpdates) {
      snapshot.weightGradients = copies(source.weightGradients);
      snapshot.lastUpdates = copies(source.weightUpdates);
    }
    return snapshot;
  }
}
