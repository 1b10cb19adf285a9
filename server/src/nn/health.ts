// Training health, measured per layer on a set of weights with one evaluation pass (forward and backward, no update), and the rules that judge it (docs/editor.md "Training health").
//
// For layer k, over the M measured samples of the training part:
//   dead       (relu, leaky_relu) units j with z⁽ᵏ⁾_j ≤ 0 for every sample: a⁽ᵏ⁾_j never activates,
//              so relu′ = 0 and no gradient reaches the weights into j
//   saturated  (sigmoid, tanh) units j with |z⁽ᵏ⁾_j| > SATURATION_Z on more than SATURATION_SHARE of
//              the samples: σ′(4) ≈ 0.018, tanh′(4) ≈ 0.0013, so little gradient passes
//   gradient   ‖∂L/∂W⁽ᵏ⁾‖ / ‖W⁽ᵏ⁾‖ with ∂L/∂W⁽ᵏ⁾ the mean over the samples (Frobenius norms): the
//              relative size of the full-batch gradient, below VANISHING_RATIO vanishing, above
//              EXPLODING_RATIO exploding
// The trainer makes the pass (Trainer.health, on its own products); this file holds the
// tallies, the thresholds and the rules, once for every path and view.

import type { Activation } from '../language/model';
import type { Vector } from './activations';

/** |z| above this is saturated for sigmoid and tanh. */
export const SATURATION_Z = 4;
/** A unit is saturated when |z| > SATURATION_Z on more than this share of the samples ("most samples"). */
export const SATURATION_SHARE = 0.9;
/** A layer's relative gradient below this is vanishing… */
export const VANISHING_RATIO = 1e-5;
/** …when the output layer's is at least this many times larger (the gradient shrank on its way back, not a converged run). */
export const VANISHING_DROP = 100;
/** A layer's relative gradient above this is exploding. */
export const EXPLODING_RATIO = 1;
/** A finding about dead or saturated units needs at least this share of the layer's units. */
export const UNIT_SHARE = 0.25;
/** The most training rows one measurement passes (a deterministic, evenly strided sample beyond). */
export const HEALTH_MAX_ROWS = 1024;

/** One layer's figures on one set of weights. */
export interface LayerHealth {
  units: number;
  /** relu and leaky_relu: units that never activate on the measured samples; null for other activations. */
  dead: number | null;
  /** sigmoid and tanh: units saturated on most samples; null for other activations. */
  saturated: number | null;
  /** ‖W⁽ᵏ⁾‖ and ‖mean ∂L/∂W⁽ᵏ⁾‖ (Frobenius), and their ratio (NaN when ‖W‖ is 0). */
  weightNorm: number;
  gradientNorm: number;
  gradientRatio: number;
}

/** The figures of every layer (index 0 is layer 1) on the weights of one epoch. */
export interface HealthMeasure {
  epoch: number;
  /** Training samples measured: all of the training part, or an evenly strided sample of HEALTH_MAX_ROWS. */
  rows: number;
  /** Of this many training rows. */
  of: number;
  /** Mean loss of the measured samples. */
  loss: number;
  layers: LayerHealth[];
}

/** Positions into the training part that a measurement passes: all of them, or `limit` evenly strided. */
export function healthSample(trainRows: number, limit: number = HEALTH_MAX_ROWS): Int32Array {
  const count = Math.max(0, Math.min(trainRows, Math.floor(limit)));
  const sample = new Int32Array(count);
  for (let i = 0; i < count; i++) sample[i] = Math.floor((i * trainRows) / count);
  return sample;
}

/** Counts per unit over the chunks of one measurement, then the figures. */
export class HealthTally {
  private readonly active: Uint8Array[];
  private readonly saturatedSamples: Int32Array[];
  private samples = 0;
  private lossSum = 0;

  constructor(private readonly sizes: readonly number[], private readonly act: readonly Activation[]) {
    this.active = sizes.map((n) => new Uint8Array(n));
    this.saturatedSamples = sizes.map((n) => new Int32Array(n));
  }

  /** One chunk's z⁽ᵏ⁾ (n_k × columns, one column per sample) of every layer, and its loss sum. */
  addChunk(z: readonly Vector[], columns: number, lossSum: number): void {
    this.samples += columns;
    this.lossSum += lossSum;
    for (let k = 1; k < this.sizes.length; k++) {
      const kind = this.act[k];
      const zk = z[k];
      if (kind === 'relu' || kind === 'leaky_relu') {
        const active = this.active[k];
        for (let j = 0; j < this.sizes[k]; j++) {
          if (active[j]) continue;
          for (let s = 0, i = j * columns; s < columns; s++, i++) {
            if (zk[i] > 0) {
              active[j] = 1;
              break;
            }
          }
        }
      } else if (kind === 'sigmoid' || kind === 'tanh') {
        const counts = this.saturatedSamples[k];
        for (let j = 0; j < this.sizes[k]; j++) {
          let count = 0;
          for (let s = 0, i = j * columns; s < columns; s++, i++) if (Math.abs(zk[i]) > SATURATION_Z) count++;
          counts[j] += count;
        }
      }
    }
  }

  /** The figures, given every W⁽ᵏ⁾ and the gradients summed over the measured samples (index 0 unused). */
  finish(epoch: number, of: number, weights: readonly ArrayLike<number>[], gradientSums: readonly ArrayLike<number>[]): HealthMeasure {
    const layers: LayerHealth[] = [];
    const m = this.samples;
    for (let k = 1; k < this.sizes.length; k++) {
      const kind = this.act[k];
      const units = this.sizes[k];
      let dead: number | null = null;
      let saturated: number | null = null;
      if (kind === 'relu' || kind === 'leaky_relu') {
        dead = 0;
        for (let j = 0; j < units; j++) if (!this.active[k][j]) dead++;
      } else if (kind === 'sigmoid' || kind === 'tanh') {
        saturated = 0;
        for (let j = 0; j < units; j++) if (this.saturatedSamples[k][j] > SATURATION_SHARE * m) saturated++;
      }
      const weightNorm = norm(weights[k]);
      const gradientNorm = m > 0 ? norm(gradientSums[k]) / m : 0;
      layers.push({ units, dead, saturated, weightNorm, gradientNorm, gradientRatio: weightNorm > 0 ? gradientNorm / weightNorm : NaN });
    }
    return { epoch, rows: m, of, loss: m > 0 ? this.lossSum / m : NaN, layers };
  }
}

/** The Frobenius norm, summed in index order. */
export function norm(values: ArrayLike<number>): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
  return Math.sqrt(squares);
}

export type HealthFindingKind = 'dead' | 'saturated' | 'vanishing' | 'exploding';

/** What is wrong with one layer (index 0 is layer 1). */
export interface HealthFinding {
  layer: number;
  kind: HealthFindingKind;
  /** Dead or saturated units, of `units`. */
  count: number;
  units: number;
  /** The layer's relative gradient, and the output layer's (vanishing: how far it dropped). */
  ratio: number;
  outputRatio: number;
}

/**
 * The findings of one measurement:
 * - dead: at least UNIT_SHARE of a relu or leaky_relu layer's units (and at least one) never activate;
 * - saturated: at least UNIT_SHARE of a hidden sigmoid or tanh layer's units saturated (the output layer
 *   is left out: a confident classifier's output saturates by design);
 * - vanishing: a hidden layer's relative gradient below VANISHING_RATIO while the output layer's is at least
 *   VANISHING_DROP times larger, and above 0 (a run at its minimum has small gradients everywhere, and one
 *   with no gradient at all, an exact fit, has nothing that shrank on its way back: neither is a finding);
 * - exploding: a layer's relative gradient above EXPLODING_RATIO.
 */
export function healthFindings(measure: HealthMeasure): HealthFinding[] {
  const findings: HealthFinding[] = [];
  const layers = measure.layers;
  const outputRatio = layers.length > 0 ? layers[layers.length - 1].gradientRatio : NaN;
  layers.forEach((layer, k) => {
    const base = { layer: k, units: layer.units, ratio: layer.gradientRatio, outputRatio };
    const hidden = k < layers.length - 1;
    if (layer.dead !== null && layer.dead > 0 && layer.dead >= UNIT_SHARE * layer.units) findings.push({ ...base, kind: 'dead', count: layer.dead });
    if (hidden && layer.saturated !== null && layer.saturated > 0 && layer.saturated >= UNIT_SHARE * layer.units) {
      findings.push({ ...base, kind: 'saturated', count: layer.saturated });
    }
    if (hidden && layer.gradientRatio < VANISHING_RATIO && outputRatio > 0 && outputRatio >= VANISHING_DROP * layer.gradientRatio) {
      findings.push({ ...base, kind: 'vanishing', count: 0 });
    }
    if (layer.gradientRatio > EXPLODING_RATIO) findings.push({ ...base, kind: 'exploding', count: 0 });
  });
  return findings;
}

/** A loss that stopped moving well above its target (docs/editor.md "Training health"). */
export interface FlatLoss {
  /** The first epoch of the flat stretch, and the loss there. */
  since: number;
  loss: number;
}

/** The flat stretch covers at least this share of the epochs run… */
export const FLAT_SHARE = 0.25;
/** …and at least this many epochs… */
export const FLAT_MIN_EPOCHS = 100;
/** …every epoch's loss within this relative distance of the last one… */
export const FLAT_TOLERANCE = 0.01;
/** …and the last loss at least this many times the target. */
export const FLAT_ABOVE_TARGET = 5;

/**
 * The flat-loss rule: with a target T, the run did not reach it, and over the last stretch of
 * epochs, at least FLAT_MIN_EPOCHS and FLAT_SHARE of the epochs run, every epoch's loss is within
 * FLAT_TOLERANCE (relative) of the last epoch's loss L, with L ≥ FLAT_ABOVE_TARGET · T. `since` is
 * the first epoch of the longest such stretch. Null otherwise (or without a target).
 */
export function flatLoss(epochs: ArrayLike<number>, losses: ArrayLike<number>, target: number | null): FlatLoss | null {
  const n = losses.length;
  if (target === null || n === 0) return null;
  const last = losses[n - 1];
  if (!Number.isFinite(last) || last < FLAT_ABOVE_TARGET * target) return null;
  let first = n - 1;
  while (first > 0 && Math.abs(losses[first - 1] - last) <= FLAT_TOLERANCE * last) first--;
  const lastEpoch = epochs[n - 1];
  const since = epochs[first];
  const stretch = lastEpoch - since;
  if (stretch < FLAT_MIN_EPOCHS || stretch < FLAT_SHARE * lastEpoch) return null;
  return { since, loss: last };
}

/** The layer whose weights blew up first in a diverged run (index 0 is layer 1). */
export interface BlownLayer {
  layer: number;
  /** The epoch of the first snapshot where it had grown GROWTH_LIMIT times (or was not finite), and by how much. */
  epoch: number;
  growth: number;
}

/** ‖W⁽ᵏ⁾‖ this many times its first value counts as blown up. */
export const GROWTH_LIMIT = 10;

/**
 * Of a diverged run's weight snapshots (oldest first, index 0 of `weights` is layer 1): the first
 * snapshot where a layer's ‖W‖ is GROWTH_LIMIT times its first snapshot's (or not finite) names
 * the layer that grew most there; with no such snapshot, the layer that grew most by the last.
 */
export function blownLayer(snapshots: readonly { epoch: number; weights: readonly ArrayLike<number>[] }[]): BlownLayer | null {
  if (snapshots.length === 0 || snapshots[0].weights.length === 0) return null;
  const initial = snapshots[0].weights.map(norm);
  const growthAt = (i: number) => snapshots[i].weights.map((w, k) => {
    const size = norm(w);
    return Number.isFinite(size) ? size / Math.max(initial[k], Number.MIN_VALUE) : Infinity;
  });
  const largest = (growth: number[]) => growth.reduce((best, g, k) => (g > growth[best] ? k : best), 0);
  for (let i = 1; i < snapshots.length; i++) {
    const growth = growthAt(i);
    if (growth.some((g) => g >= GROWTH_LIMIT)) {
      const layer = largest(growth);
      return { layer, epoch: snapshots[i].epoch, growth: growth[layer] };
    }
  }
  const last = snapshots.length - 1;
  const growth = growthAt(last);
  const layer = largest(growth);
  return { layer, epoch: snapshots[last].epoch, growth: growth[layer] };
}
