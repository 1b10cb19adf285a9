// A run's history as columns: what a result holds, how it is thinned for a curve, and that it matches the epochs reported one by one.
import { describe, expect, it } from 'vitest';
import { HistoryBuilder, reportAt, reportsOf, thinHistory } from '../../server/src/nn/history';
import { Trainer } from '../../server/src/nn/trainer';
import type { EpochReport } from '../../server/src/nn/types';
import { TRAINING_PATHS, XOR_ROWS, dataset, lazy, network, randomOneHot, randomRows, settings } from './helpers';

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
    // No rate without a schedule, no penalty without regularize (docs/language.md §7.2–§7.3): not even as NaN.
    expect('rate' in result.history || 'penalty' in result.history).toBe(false);
    expect('rate' in reportAt(result.history, 2) || 'penalty' in reportAt(result.history, 2)).toBe(false);
  });

  it('takes room for at most 65,536 epochs at first: a run of 100,000,000 epochs does not reserve gigabytes it may never use', () => {
    const before = process.memoryUsage().arrayBuffers;
    const builder = new HistoryBuilder(true, true, 100_000_000, { rate: true, penalty: true });
    // Seven columns of 65,536 doubles: 3.7 MB (with room for the whole run: 5.6 GB, or a RangeError).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8e6);
    expect(builder.length).toBe(0);
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

describe.each(TRAINING_PATHS)('the curve of a run on the $name path', ({ engine, make }) => {
  /** 24 rows of a sign rule, six held out; `batch full`, so an epoch is one update from the weights the last one ended with. */
  const data = lazy(() => dataset(randomRows(24, 2, 5, (rng) => [rng.uniform(-1, 1) > 0 ? 1 : 0]).map(([x]): [number[], number[]] => [x, [x[0] * x[1] > 0 ? 1 : 0]])));
  const run = () => make(network(2, [4, 'tanh'], [1, 'sigmoid']), data(), settings({ epochs: 8, validate: 0.25, optimizer: { kind: 'sgd', rate: 2, momentum: 0 } }));

  it('shows for epoch k the training numbers of the weights it started from, and the validation numbers of those it ended with', () => {
    const trainer = run();
    expect(trainer.engine).toBe(engine);
    const { history } = trainer.train();
    // The same run one epoch at a time: the scores of its weights after 0, 1, …, 8 epochs. The training loss to the
    // bit: `batch full` sums the rows in data order, unshuffled, as the scores do.
    const stepper = run();
    const scores = [stepper.finalScores()];
    for (let k = 1; k <= 8; k++) {
      stepper.step();
      scores.push(stepper.finalScores());
    }
    expect(Array.from(history.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const accuracies = new Set<number>();
    for (let k = 1; k <= 8; k++) {
      expect(history.accuracy![k - 1]).toBe(scores[k - 1].accuracy);
      expect(history.loss[k - 1]).toBe(scores[k - 1].loss);
      expect(history.validationAccuracy![k - 1]).toBe(scores[k].validationAccuracy);
      expect(history.validationLoss![k - 1]).toBeCloseTo(scores[k].validationLoss!, 12);
      accuracies.add(history.accuracy![k - 1]);
    }
    // The accuracy moves while it trains: a column left at 0, or at one epoch's value, would not pass.
    expect(accuracies.size).toBeGreaterThan(1);
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

  it('keeps the last epoch once, whether or not the spacing reaches it', () => {
    const short = new HistoryBuilder(false, false, 10, { rate: true, penalty: true });
    for (let i = 0; i < 10; i++) short.push(i, NaN, NaN, NaN, 0.1 * i, 10 * i);
    const columns = short.snapshot();
    // 10 epochs in 3 points: every 4th from the first, and the last.
    const kept = [0, 4, 8, 9];
    expect(thinHistory(columns, 3)).toMatchObject({
      epoch: Float64Array.from(kept, (i) => i + 1),
      loss: Float64Array.from(kept),
      rate: Float64Array.from(kept, (i) => 0.1 * i),
      penalty: Float64Array.from(kept, (i) => 10 * i),
    });
    // 9 epochs in 5 points: every 2nd from the first reaches the last, which is not kept twice.
    const nine = new HistoryBuilder(false, false, 9);
    for (let i = 0; i < 9; i++) nine.push(i, NaN, NaN, NaN);
    expect(Array.from(thinHistory(nine.snapshot(), 5).epoch)).toEqual([1, 3, 5, 7, 9]);
  });

  it('leaves a short history as it is', () => {
    expect(thinHistory(history, 20_000)).toBe(history);
  });
});
