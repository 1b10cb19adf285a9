// Live snapshots with real worker threads: while a run trains the host gains the network, its last update and the boundary, throttled, and the record that follows shows the last single update.

import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_SNAPSHOTS, TrainingHost } from '../../server/src/training/host';
import { bundledWorker, checked, Events, xorSpec } from './helpers';

const URI = 'file:///live.nn';
const RATE = 0.5;
/** Far longer than the test waits (XOR never reaches loss < 0); batch 1 so an epoch is several updates. */
const LONG = `optimizer sgd rate ${RATE}\n  epochs 100000000\n  batch 1\n  seed 3`;

let host: TrainingHost | null = null;
afterEach(() => {
  host?.dispose();
  host = null;
});

function expectLastUpdateIsOneSgdStep(layers: { weightGradient: number[] | null; lastUpdate: number[] | null }[]): void {
  for (const layer of layers) {
    expect(layer.lastUpdate).not.toBeNull();
    // Plain sgd: one update moves W by −η ∂L/∂W; an epoch (four updates here) would not.
    layer.lastUpdate!.forEach((delta, i) => expect(delta).toBeCloseTo(-RATE * layer.weightGradient![i], 12));
  }
}

describe('live snapshots', () => {
  it('arrive while the run trains: initial weights first, then throttled, with the last update and a changing boundary', async () => {
    host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1 });
    const events = new Events(host);
    const runs = checked(xorSpec(LONG)).runs;
    const key = runs[0].key;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);

    let count = 0;
    await events.next((e) => e.kind === 'snapshot' && ++count >= 6, 20_000, 'six live snapshots');
    const live = host.record(URI, key).live!;
    expect(live).not.toBeNull();
    expect(host.state(URI, runs[0]).phase).toBe('running');

    const entries = live.snapshots.snapshotsAfter(null);
    expect(entries.length).toBeGreaterThanOrEqual(6);
    const first = entries[0].snapshot;
    const latest = entries[entries.length - 1].snapshot;
    expect(first.epoch).toBe(0);
    expect(first.layers.every((l) => l.lastUpdate === null && l.weightGradient === null)).toBe(true);
    const epochs = entries.map((e) => e.snapshot.epoch);
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
    expect(latest.epoch).toBeGreaterThan(0);
    expectLastUpdateIsOneSgdStep(latest.layers);

    // The boundary is the network's output on the grid over the data's box, and it moves as the network learns.
    expect(live.frame?.grid).toBeGreaterThan(0);
    expect(live.frame?.points).toHaveLength(4);
    expect(latest.boundary).toHaveLength(live.frame!.grid ** 2);
    expect(latest.boundary).not.toEqual(first.boundary);

    // Throttled by time: at most ~10 a second (the first is sent at once, before any epoch).
    const stamps = events.seen.filter((e) => e.kind === 'snapshot').map((e) => e.at);
    const seconds = (stamps[stamps.length - 1] - stamps[0]) / 1000;
    expect((stamps.length - 1) / seconds).toBeLessThanOrEqual(11);
    expect(entries.length).toBeLessThanOrEqual(LIVE_SNAPSHOTS.maxSnapshots);

    // Stopped: the record that follows holds the last single update in every snapshot at an
    // epoch's end (the final weights, stopped mid-epoch, may not have theirs recorded).
    host.stop(URI, null);
    await events.next((e) => e.key === key && e.kind === 'record', 10_000, 'the record of the stopped run');
    const record = host.record(URI, key).cached!.record!;
    expect(record.snapshots.length).toBeGreaterThan(2);
    for (const snapshot of record.snapshots.slice(1, -1)) expectLastUpdateIsOneSgdStep(snapshot.layers);
  });

  it('drops the live snapshots of a run whose text changed', async () => {
    host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1 });
    const events = new Events(host);
    const runs = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'snapshot', 20_000, 'a live snapshot');
    const edited = checked(xorSpec(LONG.replace('seed 3', 'seed 4'))).runs;
    host.update(URI, 2, edited);
    expect(host.record(URI, runs[0].key).live).toBeNull();
    // Whatever the stopped job still sends lands nowhere: no snapshot event after the cancel.
    const cancelledAt = events.seen.findIndex((e) => e.kind === 'cancelled');
    expect(cancelledAt).toBeGreaterThanOrEqual(0);
    host.update(URI, 3, checked(xorSpec('epochs 10')).runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'record', 20_000, 'the next run to finish');
    expect(events.seen.slice(cancelledAt).filter((e) => e.kind === 'snapshot' && e.key === runs[0].key)).toEqual([]);
  });
});

describe('live numbers of the training vocabulary (docs/language.md §7.2–§7.4)', () => {
  it('progress carries the rate of a schedule, the penalty and the best epoch of patience, as the run goes', async () => {
    host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1 });
    const events = new Events(host);
    const runs = checked(xorSpec(`optimizer sgd rate ${RATE}\n  epochs 100000000\n  batch 1\n  seed 3\n  regularize l2 0.001\n  schedule exponential factor 0.9999\n  patience 100000000`)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    let count = 0;
    await events.next((e) => e.kind === 'progress' && ++count >= 3, 20_000, 'three progress reports');
    const progress = host.state(URI, runs[0]).progress!;
    expect(progress.epoch).toBeGreaterThan(1);
    // The rate the reported epoch trained at: η γ^(epoch − 1), by repeated multiplication as the schedule does.
    let rate = RATE;
    for (let e = 1; e < progress.epoch; e++) rate *= 0.9999;
    expect(progress.rate).toBe(rate);
    expect(progress.penalty).toBeGreaterThan(0);
    expect(progress.bestEpoch).toBeGreaterThan(0);
    expect(progress.bestEpoch).toBeLessThanOrEqual(progress.epoch);
    const curve = host.record(URI, runs[0].key).live!.curve;
    expect(curve[curve.length - 1]).toMatchObject({ rate: progress.rate, penalty: progress.penalty });
  });
});
