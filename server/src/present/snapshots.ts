// The panel's snapshots of a run: trainer layers as PanelLayers, and the bounded series of live snapshots kept while a run trains.
//
// A snapshot shows W, b, ∂L/∂W and ΔW of the last single update at its time (the
// trainer records them), plus the decision boundary. While a run trains, the worker
// sends one every so often; the host keeps them here, within a budget, so the panel's
// slider covers the training so far. Every snapshot gets a sequence number that never
// changes, so a client that holds some of them is sent only the newer ones.

import type { LayerState, WeightSnapshot } from '../nn/types';
import { COMPARE_POINTS, type Confusion, type CurvePoint, type PanelLayer, type RunCurve, type Snapshot, type UnitPictures } from '../protocol';
import type { Dataset } from '../language/model';

/** A trainer layer as the panel draws it; `line` is the layer statement's offset (the LSP side turns it into a line). */
export function panelLayer(layer: LayerState, line: number): PanelLayer {
  return {
    name: layer.name,
    units: layer.units,
    inputs: layer.inputs,
    activation: layer.activation,
    line,
    weights: Array.from(layer.weights),
    biases: Array.from(layer.biases),
    // All zeros means "no update yet", unless an update was recorded (a zero input gives a zero gradient).
    weightGradient: layer.lastUpdate || layer.gradientNorm > 0 || hasNonZero(layer.weightGradient) ? Array.from(layer.weightGradient) : null,
    lastUpdate: layer.lastUpdate ? Array.from(layer.lastUpdate) : null,
  };
}

/** A recorded snapshot as PanelLayers, named and shaped like `final` (the run's last layers). */
export function snapshotLayers(final: readonly PanelLayer[], snapshot: WeightSnapshot): PanelLayer[] {
  return final.map((layer, k) => ({
    ...layer,
    weights: Array.from(snapshot.weights[k]),
    biases: Array.from(snapshot.biases[k]),
    weightGradient: snapshot.weightGradients ? Array.from(snapshot.weightGradients[k]) : null,
    lastUpdate: snapshot.lastUpdates ? Array.from(snapshot.lastUpdates[k]) : null,
  }));
}

function hasNonZero(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return true;
  return false;
}

/** Numbers one layer's state holds as a live snapshot sends it: W, b, δ, ∂L/∂W, ∂L/∂b and ΔW. */
export function layerStateSize(layer: LayerState): number {
  return layer.weights.length * 2 + layer.biases.length * 3 + (layer.lastUpdate?.length ?? 0);
}

/** Numbers a snapshot's per-unit pictures hold. */
export function unitPicturesSize(units: UnitPictures | null | undefined): number {
  if (!units) return 0;
  return units.layers.reduce((sum, values) => sum + values.length, 0) + (units.ranges?.reduce((sum, values) => sum + values.length, 0) ?? 0);
}

/** Numbers one snapshot holds (what the budget counts). */
export function snapshotSize(snapshot: Snapshot): number {
  let size = (snapshot.boundary?.length ?? 0) + unitPicturesSize(snapshot.units);
  for (const layer of snapshot.layers) {
    size += layer.weights.length + layer.biases.length + (layer.weightGradient?.length ?? 0) + (layer.lastUpdate?.length ?? 0);
  }
  return size;
}

export interface LiveSnapshotBudget {
  /** At most this many snapshots (the slider's stops). */
  maxSnapshots: number;
  /** At most this many numbers over all of them. */
  maxValues: number;
}

/**
 * The live snapshots of one training, oldest first. When the budget is exceeded every
 * other snapshot is dropped (the first and the newest stay), so they stay spread over
 * the whole training however long it runs.
 */
export class LiveSnapshots {
  private readonly entries: { seq: number; snapshot: Snapshot; size: number }[] = [];
  private nextSeq = 0;
  private values = 0;

  constructor(private readonly budget: LiveSnapshotBudget) {}

  add(snapshot: Snapshot): void {
    const size = snapshotSize(snapshot);
    this.entries.push({ seq: this.nextSeq++, snapshot, size });
    this.values += size;
    while (this.entries.length > 2 && (this.entries.length > this.budget.maxSnapshots || this.values > this.budget.maxValues)) this.thin();
  }

  get length(): number {
    return this.entries.length;
  }

  /** Sequence numbers of the kept snapshots, oldest first. */
  seqs(): number[] {
    return this.entries.map((e) => e.seq);
  }

  /** The kept snapshots whose sequence number is above `after` (all when null). */
  snapshotsAfter(after: number | null): { seq: number; snapshot: Snapshot }[] {
    return this.entries.filter((e) => after === null || e.seq > after);
  }

  /** Drops every other snapshot between the first and the newest. */
  private thin(): void {
    const last = this.entries.length - 1;
    const kept = this.entries.filter((_e, i) => i === 0 || i === last || i % 2 === 0);
    if (kept.length === this.entries.length) kept.splice(1, 1);
    this.values = kept.reduce((sum, e) => sum + e.size, 0);
    this.entries.length = 0;
    this.entries.push(...kept);
  }
}

const seriesIds = new WeakMap<object, number>();
let lastSeriesId = 0;

/** A number naming a snapshot series for as long as its owner (a LiveSnapshots, a finished record) lives. */
export function seriesId(owner: object): number {
  let id = seriesIds.get(owner);
  if (id === undefined) {
    id = ++lastSeriesId;
    seriesIds.set(owner, id);
  }
  return id;
}

/** What nn/training sends of a series (TrainingView.series, seqs, after, snapshots): only what the asker lacks. */
export function snapshotsToSend(
  series: number,
  entries: readonly { seq: number; snapshot: Snapshot }[],
  held: { series: number; upTo: number } | undefined,
): { series: number; seqs: number[]; after?: number; snapshots: Snapshot[] } {
  const seqs = entries.map((e) => e.seq);
  if (held && held.series === series && Number.isInteger(held.upTo)) {
    const after = held.upTo;
    return { series, seqs, after, snapshots: entries.filter((e) => e.seq > after).map((e) => e.snapshot) };
  }
  return { series, seqs, snapshots: entries.map((e) => e.snapshot) };
}

/** A trainer's confusion matrices with their class names (`onehot`'s labels, else 0 and 1), or null for regression. */
export function confusionOf(data: Dataset, matrices: { training: number[][]; validation: number[][] | null } | null): Confusion | null {
  if (!matrices) return null;
  const classes = data.classes && data.classes.length === matrices.training.length ? [...data.classes] : matrices.training.map((_row, c) => String(c));
  return { classes, ...matrices };
}

/**
 * One run's curve for the panel's comparison (protocol.ts RunCurve): at most COMPARE_POINTS
 * evenly spaced points (the last kept), non-finite losses as gaps.
 */
export function runCurve(label: string, line: number, curve: readonly CurvePoint[]): RunCurve {
  const step = Math.max(1, Math.ceil(curve.length / COMPARE_POINTS));
  const kept = curve.filter((_p, i) => i % step === 0 || i === curve.length - 1);
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  const validation = kept.some((p) => finite(p.validationLoss) !== null);
  return {
    label,
    line,
    epochs: kept.map((p) => p.epoch),
    loss: kept.map((p) => finite(p.loss)),
    validationLoss: validation ? kept.map((p) => finite(p.validationLoss)) : null,
  };
}
