// Training in slices (Trainer.advance and finish): how `nn train` trains so that it sees Ctrl+C between slices (docs/cli.md). A run paused and resumed ends as one trained at once, on every path; the best epoch is live while it trains.

import { describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../server/src/language/model';
import type { Trainer } from '../../server/src/nn/trainer';
import type { StopReason, TrainControl, TrainResult } from '../../server/src/nn/types';
import { TRAINING_PATHS, XOR_ROWS, dataset, lazy, network, randomRows, settings } from './helpers';

/** 30 noisy rows of a sign rule, six held out: a run whose validation loss turns up, so patience ends it. */
const rows = lazy(() => randomRows(30, 2, 7, (rng) => [rng.uniform(-1, 1)]).map(([x], i): [number[], number[]] => [x, [(x[0] * x[1] > 0) !== (i % 5 === 0) ? 1 : 0]]));
const RUN: Partial<TrainSettings> = { epochs: 300, batch: 4, validate: 0.2, patience: 10, optimizer: { kind: 'sgd', rate: 1, momentum: 0.9 } };

/** Trains by advance() until it stops, pausing at every third poll, then finish(): what the CLI does. */
function inSlices(trainer: Trainer, control: TrainControl): { result: TrainResult; pauses: number } {
  let polls = 0;
  let pauses = 0;
  let stopped: StopReason | 'paused';
  while ((stopped = trainer.advance(control, () => ++polls % 3 === 0)) === 'paused') pauses++;
  return { result: trainer.finish(stopped), pauses };
}

const flat = (result: TrainResult) => result.layers.map((layer) => [Array.from(layer.weights), Array.from(layer.biases)]);

describe.each(TRAINING_PATHS)('training in slices on the $name path', ({ engine, make }) => {
  const net = network(2, [8, 'tanh'], [1, 'sigmoid']);
  const run = (overrides: Partial<TrainSettings> = {}) => make(net, dataset(rows()), settings({ ...RUN, ...overrides }));

  it('ends as the run trained at once: the same epochs, weights, kept epoch and snapshots', () => {
    const whole = run().train({ snapshots: { maxSnapshots: 8 } });
    const trainer = run();
    expect(trainer.engine).toBe(engine);
    const { result, pauses } = inSlices(trainer, { snapshots: { maxSnapshots: 8 } });
    expect(pauses).toBeGreaterThan(3);
    expect(whole.stopped).toBe('patience');
    expect(whole.bestEpoch).toBeLessThan(whole.epochs);
    expect(result).toMatchObject({ stopped: 'patience', epochs: whole.epochs, bestEpoch: whole.bestEpoch, loss: whole.loss, validationLoss: whole.validationLoss, finalLoss: whole.finalLoss });
    expect(flat(result)).toEqual(flat(whole));
    // The last update's ΔW belongs to the weights patience left: none is shown for the kept ones.
    expect(result.layers.every((layer) => layer.lastUpdate === undefined)).toBe(true);
    // And the gradients shown are the kept epoch's: those of the run cut there.
    const cut = run({ epochs: whole.bestEpoch!, patience: null }).train();
    expect(result.layers.map((layer) => Array.from(layer.weightGradient))).toEqual(cut.layers.map((layer) => Array.from(layer.weightGradient)));
    expect(cut.bestEpoch).toBeNull();
    expect(Array.from(result.history.loss)).toEqual(Array.from(whole.history.loss));
    // The snapshots, the first (epoch 0) through the last, recorded across the slices.
    expect(result.snapshots!.map((s) => s.epoch)).toEqual(whole.snapshots!.map((s) => s.epoch));
    expect(result.snapshots!.map((s) => s.weights)).toEqual(whole.snapshots!.map((s) => s.weights));
    expect(result.snapshots!.map((s) => s.lastUpdates)).toEqual(whole.snapshots!.map((s) => s.lastUpdates));
  });

  it('stopped between slices (Ctrl+C), keeps its last weights and says cancelled', () => {
    // Patience that never ends the run: a cancelled run is not taken back to its best epoch (docs/language.md §7.4).
    const trainer = run({ patience: 1000, epochs: 5000 });
    let polls = 0;
    const stopped = trainer.advance({ shouldStop: () => (++polls > 3 ? 'cancelled' : null) }, () => false);
    expect(stopped).toBe('cancelled');
    const result = trainer.finish('cancelled');
    expect(result.stopped).toBe('cancelled');
    expect(result.epochs).toBeLessThan(5000);
    expect(result.bestEpoch).toBe(result.epochs);
    expect(result.history.loss.length).toBe(result.epochs);
  });

  it('that diverged in a slice ends as diverged', () => {
    const linear = network(2, [8, 'linear'], [1, 'linear']);
    const settingsOf = settings({ ...RUN, patience: null, validate: null, optimizer: { kind: 'sgd', rate: 0.04, momentum: 0 } });
    const scaled = dataset(rows().map(([x, y]) => [x.map((v) => v * 10), y]));
    const whole = make(linear, scaled, settingsOf).train();
    const { result } = inSlices(make(linear, scaled, settingsOf), {});
    expect(result).toMatchObject({ stopped: 'diverged', epochs: whole.epochs, loss: null, finalLoss: null });
    expect(whole.stopped).toBe('diverged');
  });
});

describe.each(TRAINING_PATHS)('the best epoch while a run trains, on the $name path', ({ make }) => {
  it('is the epoch with the lowest validation loss so far, 0 before the first, and null without patience', () => {
    const trainer = make(network(2, [8, 'tanh'], [1, 'sigmoid']), dataset(rows()), settings(RUN));
    expect(trainer.bestEpoch).toBe(0);
    const live: (number | null)[] = [];
    const result = trainer.train({ onEpoch: () => live.push(trainer.bestEpoch) });
    const validation = result.history.validationLoss!;
    // onEpoch of epoch e comes before e's own hooks: the best of epochs 1..e − 1.
    let best = 0;
    live.forEach((seen, i) => {
      expect(seen).toBe(best);
      if (best === 0 || validation[i] < validation[best - 1]) best = i + 1;
    });
    expect(trainer.bestEpoch).toBe(result.bestEpoch);
    expect(make(network(2, [1, 'sigmoid']), dataset(rows()), settings({ ...RUN, patience: null })).bestEpoch).toBeNull();
  });
});

describe.each(TRAINING_PATHS)('patience beside the other settings, on the $name path', ({ make }) => {
  it('a best epoch that is the last keeps its ΔW; a stop rule that is not met leaves patience and the schedule acting', () => {
    // XOR improving every epoch: the best is the last.
    const xor = dataset(XOR_ROWS);
    const net = network(2, [4, 'tanh'], [1, 'sigmoid']);
    const last = make(net, xor, settings({ epochs: 30, patience: 1000, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0 } })).train();
    expect([last.stopped, last.bestEpoch]).toEqual(['epochs', 30]);
    expect(last.layers.every((layer) => layer.lastUpdate !== undefined)).toBe(true);
    // A stop target never met, patience, a schedule: each hook runs after every epoch, not only the first in the list.
    const all = make(net, dataset(rows()), settings({ ...RUN, stopLoss: 1e-30, schedule: { kind: 'step', factor: 0.5, every: 1 } })).train();
    expect(all.stopped).toBe('patience');
    expect(Array.from(all.history.rate!.subarray(0, 3))).toEqual([1, 0.5, 0.25]);
  });

  it('a regression run that went back to its best epoch has no validation accuracy', () => {
    const regression = dataset(rows().map(([x], i): [number[], number[]] => [x, [x[0] - x[1] + (i % 3) * 0.4]]));
    const result = make(network(2, [16, 'tanh'], [1, 'linear']), regression, settings({ ...RUN, patience: 5 })).train();
    expect(result.stopped).toBe('patience');
    expect(result.bestEpoch).toBeLessThan(result.epochs);
    expect(result.validationAccuracy).toBeNull();
    expect(result.validationLoss).toBe(result.history.validationLoss![result.bestEpoch! - 1]);
  });
});
