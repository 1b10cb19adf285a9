// The training panel's snapshots (TrainControl.snapshots, docs/editor.md's training panel): evenly spaced copies of
// the weights within a budget of snapshots and of numbers, the final weights always last.

import { describe, expect, it } from 'vitest';
import { SnapshotRecorder, type SnapshotSource } from '../../server/src/nn/snapshotRecorder';

/** A two-layer network's vectors (index 0 unused) whose weights all hold `value`. */
function source(value: number, current = true): SnapshotSource {
  const vector = (length: number) => new Float64Array(length).fill(value);
  return {
    weights: [vector(0), vector(6), vector(3)],
    biases: [vector(0), vector(3), vector(1)],
    weightGradients: current ? [vector(0), vector(6).fill(-value), vector(3).fill(-value)] : null,
    weightUpdates: current ? [new Float64Array(0), new Float64Array(6).fill(0.5), new Float64Array(3).fill(0.25)] : null,
  };
}

const epochs = (recorder: SnapshotRecorder) => recorder.snapshots.map((snapshot) => snapshot.epoch);

describe('the budget', () => {
  it('at most 200 snapshots, or fewer when asked; thinning doubles the spacing and keeps its multiples', () => {
    const recorder = new SnapshotRecorder({}, 13);
    for (let epoch = 0; epoch <= 1000; epoch++) recorder.record(epoch, epoch, source(epoch));
    expect(recorder.snapshots.length).toBeLessThanOrEqual(200);
    // 1,001 epochs thinned to every 8th: 0, 8, … 1000, 126 snapshots.
    expect(epochs(recorder)).toEqual(Array.from({ length: 126 }, (_, i) => 8 * i));
    const five = new SnapshotRecorder({ maxSnapshots: 5 }, 13);
    for (let epoch = 0; epoch <= 10; epoch++) five.record(epoch, epoch, source(epoch));
    expect(epochs(five)).toEqual([0, 4, 8]);
    expect(five.nextEpoch(8)).toBe(12);
    expect(five.nextEpoch(9)).toBe(12);
    // More than 200 asked is 200; fewer than 2 is 2.
    const many = new SnapshotRecorder({ maxSnapshots: 1000 }, 13);
    for (let epoch = 0; epoch <= 300; epoch++) many.record(epoch, epoch, source(epoch));
    expect(many.snapshots.length).toBe(151);
    const one = new SnapshotRecorder({ maxSnapshots: 1 }, 13);
    for (let epoch = 0; epoch <= 2; epoch++) one.record(epoch, epoch, source(epoch));
    expect(epochs(one)).toEqual([0, 2]);
  });

  it('a snapshot holds about three numbers a parameter: maxValues / (3 × parameters) snapshots at most', () => {
    // 13 parameters, 39 numbers a snapshot: 400 numbers hold 10.
    const recorder = new SnapshotRecorder({ maxValues: 400 }, 13);
    for (let epoch = 0; epoch <= 10; epoch++) recorder.record(epoch, epoch, source(epoch));
    expect(epochs(recorder)).toEqual([0, 2, 4, 6, 8, 10]);
    const bound = new SnapshotRecorder({ maxValues: 390 }, 13);
    for (let epoch = 0; epoch <= 9; epoch++) bound.record(epoch, epoch, source(epoch));
    expect(epochs(bound)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A network too large for two still gets two; one of no parameters is no division by 0.
    const large = new SnapshotRecorder({ maxValues: 10 }, 13);
    for (let epoch = 0; epoch <= 2; epoch++) large.record(epoch, epoch, source(epoch));
    expect(epochs(large)).toEqual([0, 2]);
    const none = new SnapshotRecorder({ maxSnapshots: 3 }, 0);
    for (let epoch = 0; epoch <= 3; epoch++) none.record(epoch, epoch, source(epoch));
    expect(epochs(none)).toEqual([0, 2]);
  });
});

describe('what a snapshot holds', () => {
  it('copies of W and b per layer, with the last update’s gradient and ΔW when they are current', () => {
    const recorder = new SnapshotRecorder({}, 13);
    const live = source(2);
    recorder.record(0, NaN, source(1, false));
    recorder.record(1, 0.75, live);
    const [initial, first] = recorder.snapshots;
    expect(initial.weightGradients).toBeUndefined();
    expect(initial.lastUpdates).toBeUndefined();
    expect(initial.loss).toBeNaN();
    expect(first.loss).toBe(0.75);
    expect(first.weights.map((w) => Array.from(w))).toEqual([[2, 2, 2, 2, 2, 2], [2, 2, 2]]);
    expect(first.biases.map((b) => Array.from(b))).toEqual([[2, 2, 2], [2]]);
    expect(first.weightGradients?.map((g) => Array.from(g))).toEqual([[-2, -2, -2, -2, -2, -2], [-2, -2, -2]]);
    expect(first.lastUpdates?.map((u) => Array.from(u))).toEqual([[0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25]]);
    // Copies: training on does not move them.
    live.weights[1].fill(9);
    live.weightGradients?.[1].fill(9);
    expect(first.weights[0][0]).toBe(2);
    expect(first.weightGradients?.[0][0]).toBe(-2);
    // Gradients without ΔW (or ΔW without gradients) are not current: neither is kept.
    recorder.record(2, 0.5, { ...source(3), weightUpdates: null });
    expect(recorder.snapshots[2].weightGradients).toBeUndefined();
  });

  it('an epoch is recorded once, off-grid epochs not at all', () => {
    const recorder = new SnapshotRecorder({ maxSnapshots: 3 }, 13);
    recorder.record(0, 1, source(0));
    recorder.record(0, 1, source(5));
    expect(recorder.snapshots.length).toBe(1);
    expect(recorder.snapshots[0].weights[0][0]).toBe(0);
    for (let epoch = 1; epoch <= 4; epoch++) recorder.record(epoch, epoch, source(epoch));
    // Spacing 2 now: epoch 5 is off the grid.
    expect(epochs(recorder)).toEqual([0, 2, 4]);
    recorder.record(5, 5, source(5));
    expect(epochs(recorder)).toEqual([0, 2, 4]);
  });
});

describe('the final weights', () => {
  it('are always the last snapshot, on the grid or not, within the budget', () => {
    const recorder = new SnapshotRecorder({ maxSnapshots: 3 }, 13);
    for (let epoch = 0; epoch <= 4; epoch++) recorder.record(epoch, epoch, source(epoch));
    expect(epochs(recorder)).toEqual([0, 2, 4]);
    recorder.finish(5, 5, source(5));
    // Full: thinned first (spacing 4), then epoch 5 added.
    expect(epochs(recorder)).toEqual([0, 4, 5]);
    expect(recorder.snapshots[2].weights[0][0]).toBe(5);
  });

  it('are not added twice when the last epoch was recorded', () => {
    const recorder = new SnapshotRecorder({ maxSnapshots: 3 }, 13);
    for (let epoch = 0; epoch <= 2; epoch++) recorder.record(epoch, epoch, source(epoch));
    recorder.finish(2, 2, source(7));
    expect(epochs(recorder)).toEqual([0, 1, 2]);
    expect(recorder.snapshots[2].weights[0][0]).toBe(2);
    // Room left: no thinning before the final one.
    const roomy = new SnapshotRecorder({ maxSnapshots: 4 }, 13);
    for (let epoch = 0; epoch <= 2; epoch++) roomy.record(epoch, epoch, source(epoch));
    roomy.finish(3, 3, source(3));
    expect(epochs(roomy)).toEqual([0, 1, 2, 3]);
    // No snapshot yet: the final one alone.
    const empty = new SnapshotRecorder({}, 13);
    empty.finish(0, NaN, source(0));
    expect(epochs(empty)).toEqual([0]);
  });
});
