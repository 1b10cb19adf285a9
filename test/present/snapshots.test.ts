// Live snapshot series: the budget keeps them spread and bounded, and nn/training's incremental answers merge back into the whole series on the client side.

import { describe, expect, it } from 'vitest';
import { heldOf, mergeView } from '../../client/src/webview/series';
import type { PanelLayer, Snapshot, TrainingView } from '../../server/src/protocol';
import { Trainer } from '../../server/src/nn/trainer';
import { boundaryGrid, dataPoints, trainerBoundary } from '../../server/src/present/boundary';
import { LiveSnapshots, panelLayer, seriesId, snapshotsToSend, snapshotSize } from '../../server/src/present/snapshots';
import { dataset, network, randomRows, settings } from '../nn/helpers';

function layer(weights: number): PanelLayer {
  const w = Array.from({ length: weights }, (_, i) => i);
  return { name: 'h', units: weights, inputs: 1, activation: 'tanh', line: 0, weights: w, biases: w, weightGradient: w, lastUpdate: w };
}

function snapshot(epoch: number, weights = 4): Snapshot {
  return { epoch, layers: [layer(weights)], boundary: [epoch] };
}

function view(part: Partial<TrainingView>): TrainingView {
  return {
    uri: 'file:///a.nn',
    version: 1,
    status: {
      line: 0, index: 1, network: 'n', data: 'd', phase: 'running', epoch: 0, epochs: 10, loss: null, validationLoss: null, accuracy: null, seconds: 0,
      summary: '', position: 'epoch 0 · loss n/a', step: null, stepFrom: null, stopping: false, target: null, title: 'n on d',
    },
    inputNames: ['x', 'y'],
    curve: [],
    snapshots: [],
    points: null,
    box: null,
    grid: 0,
    ...part,
  };
}

describe('LiveSnapshots', () => {
  it.each([
    { maxSnapshots: 10, maxValues: 1e9, added: 100 },
    { maxSnapshots: 40, maxValues: 17 * 12, added: 100 },
    { maxSnapshots: 3, maxValues: 1e9, added: 7 },
  ])('keeps the first and the newest, spread, within $maxSnapshots snapshots and $maxValues numbers', ({ maxSnapshots, maxValues, added }) => {
    const live = new LiveSnapshots({ maxSnapshots, maxValues });
    for (let epoch = 0; epoch < added; epoch++) live.add(snapshot(epoch));
    const kept = live.snapshotsAfter(null).map((e) => e.snapshot);
    expect(kept.length).toBeLessThanOrEqual(maxSnapshots);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.reduce((sum, s) => sum + snapshotSize(s), 0)).toBeLessThanOrEqual(Math.max(maxValues, 2 * snapshotSize(kept[0])));
    expect(kept[0].epoch).toBe(0);
    expect(kept[kept.length - 1].epoch).toBe(added - 1);
    // Sequence numbers never change: the n-th snapshot added keeps number n.
    expect(live.snapshotsAfter(null).map((e) => e.seq)).toEqual(kept.map((s) => s.epoch));
  });
});

describe('incremental nn/training snapshots', () => {
  it('sends only what the asker lacks, and the merge gives back the whole series through adds and thinning', () => {
    const live = new LiveSnapshots({ maxSnapshots: 8, maxValues: 1e9 });
    const series = seriesId(live);
    expect(seriesId(live)).toBe(series);
    expect(seriesId(new LiveSnapshots({ maxSnapshots: 8, maxValues: 1e9 }))).not.toBe(series);
    let held: TrainingView | null = null;
    let sent = 0;
    for (let epoch = 0; epoch < 50; epoch++) {
      live.add(snapshot(epoch));
      if (epoch % 3 !== 0) continue;
      const part = snapshotsToSend(series, live.snapshotsAfter(null), heldOf(held));
      sent += part.snapshots.length;
      const merged = mergeView(held, view(part));
      expect(merged).not.toBeNull();
      expect(merged!.snapshots.map((s) => s.epoch)).toEqual(live.snapshotsAfter(null).map((e) => e.snapshot.epoch));
      expect(merged!.after).toBeUndefined();
      held = merged;
    }
    // Each snapshot crossed at most once: far fewer than sending the whole series every time.
    expect(sent).toBeLessThanOrEqual(50);
  });

  it('a new series (a new training, a finished record) replaces what is held', () => {
    const first = new LiveSnapshots({ maxSnapshots: 8, maxValues: 1e9 });
    first.add(snapshot(0));
    first.add(snapshot(1));
    const held = mergeView(null, view(snapshotsToSend(seriesId(first), first.snapshotsAfter(null), undefined)))!;
    const second = new LiveSnapshots({ maxSnapshots: 8, maxValues: 1e9 });
    second.add(snapshot(0));
    const part = snapshotsToSend(seriesId(second), second.snapshotsAfter(null), heldOf(held));
    expect(part.after).toBeUndefined();
    expect(mergeView(held, view(part))!.snapshots).toHaveLength(1);
  });

  it('an answer that does not fit what is held is refused (the panel then asks for all)', () => {
    const live = new LiveSnapshots({ maxSnapshots: 8, maxValues: 1e9 });
    for (let epoch = 0; epoch < 4; epoch++) live.add(snapshot(epoch));
    const part = snapshotsToSend(seriesId(live), live.snapshotsAfter(null), { series: seriesId(live), upTo: 1 });
    expect(part.snapshots.map((s) => s.epoch)).toEqual([2, 3]);
    expect(mergeView(null, view(part))).toBeNull();
    const holdsOnlyFirst = view({ series: seriesId(live), seqs: [0], snapshots: [snapshot(0)] });
    expect(mergeView(holdsOnlyFirst, view(part))).toBeNull();
  });
});

describe('trainerBoundary', () => {
  it.each(['f64', 'f32'] as const)('gives the grid boundaryGrid computes from the same weights (%s, zscore inputs, several chunks)', (precision) => {
    const rows = randomRows(40, 2, 7, (rng) => [rng.uniform(0, 1) > 0.5 ? 1 : 0]).map(([x, y]): [number[], number[]] => [[3 * x[0] + 10, x[1] - 4], y]);
    const data = dataset(rows, { normalize: 'zscore' });
    const trainer = new Trainer(network(2, [6, 'tanh'], [5, 'relu'], [1, 'sigmoid']), data, settings({ epochs: 30, batch: 8, precision }));
    trainer.train();
    const box = dataPoints(data)!.box;
    const layers = trainer.layers().map((layer) => panelLayer(layer, 0));
    const expected = boundaryGrid(layers, trainer.normalization, box, 30);
    const actual = trainerBoundary(trainer, box, 30);
    expect(actual).toHaveLength(900);
    actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(precision === 'f64' ? 1e-4 : 1e-3));
    expect(new Set(actual).size).toBeGreaterThan(10);
  });
});
