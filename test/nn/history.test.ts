// A run's history as columns: what a result holds, how it is thinned for a curve, and that it matches the epochs reported one by one.
import { describe, expect, it } from 'vitest';
import { HistoryBuilder, reportAt, reportsOf, thinHistory } from '../../server/src/nn/history';
import { Trainer } from '../../server/src/nn/trainer';
import type { EpochReport } from '../../server/src/nn/types';
import { XOR_ROWS, dataset, network, randomOneHot, randomRows, settings } from './helpers';

describe('a trainer’s history', () => {
  it('holds every epoch, 1..n, with the numbers onEpoch reported', () => {
    const rows = randomRows(40, 3, 4, randomOneHot(3));
    const seen: EpochReport[] = [];
    const trainer = new Trainer(network(3, [5, 'tanh'], [3, 'softmax']), dataset(rows), settings({ loss: 'cross_entropy', epochs: 300, batch: 8, validate: 0.25 }));
    const result = trainer.train({ onEpoch: (report) => seen.push(report) });
    expect(Array.from(result.history.epoch)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(reportsOf(result.history)).toEqual(seen);
    expect(seen[299].validationAccuracy).toEqual(expect.any(Number));
    expect(result.loss).toBe(seen[299].loss);
  });

  it('has no accuracy columns for regression and no validation columns without a held-out part', () => {
    const result = new Trainer(network(2, [1, 'linear']), dataset([[[0, 1], [0.5]], [[1, 0], [0.25]]]), settings({ epochs: 3 })).train();
    expect(result.history).toMatchObject({ accuracy: null, validationLoss: null, validationAccuracy: null });
    expect(reportAt(result.history, 2)).toMatchObject({ epoch: 3, accuracy: null, validationLoss: null });
  });

  it('copies: training on does not change a result already returned', () => {
    const trainer = new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 50 }));
    const first = trainer.train();
    const before = Float64Array.from(first.history.loss);
    trainer.step();
    expect(first.history.loss).toEqual(before);
    expect(trainer.history().loss.length).toBe(51);
  });
});

describe('thinHistory', () => {
  const builder = new HistoryBuilder(true, false);
  for (let i = 0; i < 10_000; i++) builder.push(1 / (i + 1), i / 10_000, NaN, NaN);
  const history = builder.snapshot();

  it('keeps at most the given number of evenly spaced epochs, first and last included', () => {
    const thin = thinHistory(history, 2000);
    expect(thin.loss.length).toBeLessThanOrEqual(2001);
    expect(thin.epoch[0]).toBe(1);
    expect(thin.epoch[thin.epoch.length - 1]).toBe(10_000);
    expect(thin.epoch[1] - thin.epoch[0]).toBe(5);
    expect(thin.loss[1]).toBe(history.loss[5]);
    expect(thin.accuracy?.[1]).toBe(history.accuracy?.[5]);
    expect(thin.validationLoss).toBeNull();
  });

  it('leaves a short history as it is', () => {
    expect(thinHistory(history, 20_000)).toBe(history);
  });
});
