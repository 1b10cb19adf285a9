// Learning-rate schedules (docs/language.md §7.3): the rate of every epoch, as the table there gives it, against
// the closed forms of PyTorch's schedulers (StepLR, ExponentialLR, CosineAnnealingLR) and ReduceLROnPlateau's
// rules (strictly below the best, more than N bad epochs, the eps of 1e-8). test/torch/schedules.test.ts
// compares with torch itself; this file holds the meaning where torch is not installed.

import { describe, expect, it } from 'vitest';
import type { ScheduleSpec } from '../../server/src/language/model';
import { PLATEAU_EPSILON, rateSchedule } from '../../server/src/nn/schedules';
import { TRAINING_PATHS, dataset, network, randomRows, settings } from './helpers';

/** The rate of epochs 1..epochs as a trainer sees them: epoch 1 at `base`, then next() after each epoch. */
function rates(spec: ScheduleSpec, base: number, epochs: number, losses: readonly number[] = [], horizon = epochs): number[] {
  const schedule = rateSchedule(spec, base, horizon);
  const out = [base];
  for (let epoch = 1; epoch < epochs; epoch++) out.push(schedule.next(epoch, out[epoch - 1], losses[epoch - 1] ?? 1));
  return out;
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((rate, i) => expect(Math.abs(rate - expected[i]), `epoch ${i + 1}: ${rate} vs ${expected[i]}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected[i]))));
}

describe('schedule step factor γ every N', () => {
  it('keeps the rate for N epochs, then multiplies it by γ (StepLR: η₀·γ^⌊(e−1)/N⌋ in epoch e)', () => {
    const got = rates({ kind: 'step', factor: 0.5, every: 3 }, 0.8, 10);
    expect(got).toEqual([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]);
  });

  it('every 1 changes the rate after every epoch', () => {
    expect(rates({ kind: 'step', factor: 0.1, every: 1 }, 1, 3)).toEqual([1, 0.1, 0.1 * 0.1]);
  });
});

describe('schedule exponential factor γ', () => {
  it('multiplies the rate by γ after every epoch: η₀·γ^(e−1) in epoch e, γ above 1 raising it', () => {
    expectClose(rates({ kind: 'exponential', factor: 0.9 }, 0.5, 6), [0, 1, 2, 3, 4, 5].map((e) => 0.5 * 0.9 ** e));
    expectClose(rates({ kind: 'exponential', factor: 1.5 }, 0.1, 4), [0, 1, 2, 3].map((e) => 0.1 * 1.5 ** e));
  });
});

describe('schedule cosine min η_min', () => {
  // CosineAnnealingLR's closed form, which its recursive form follows: η_min + (η₀ − η_min)(1 + cos(π e/T))/2 after epoch e.
  const closed = (base: number, min: number, T: number, e: number): number => min + ((base - min) * (1 + Math.cos((Math.PI * e) / T))) / 2;

  it.each([
    [0.1, 0, 10],
    [0.5, 0.01, 7],
    [1, 0.2, 1],
  ])('from %s down to %s over %s epochs follows the half cosine, the last epoch at (nearly) η_min', (base, min, T) => {
    const got = rates({ kind: 'cosine', min }, base, T);
    expectClose(got, got.map((_, i) => closed(base, min, T, i)));
    // What the schedule hands on after the last epoch is η_min itself.
    const after = rateSchedule({ kind: 'cosine', min }, base, T).next(T, got[T - 1], 1);
    expect(Math.abs(after - min)).toBeLessThan(1e-12);
  });

  it('past T turns back up as torch does (the step that would divide by 1 + cos π = 0 takes its own formula)', () => {
    const T = 4;
    const got = rates({ kind: 'cosine', min: 0.05 }, 0.4, 3 * T + 2, [], T);
    expectClose(got, got.map((_, i) => closed(0.4, 0.05, T, i)));
    expect(got[T + 1]).toBeGreaterThan(got[T]);
  });
});

describe('schedule plateau factor γ patience N', () => {
  const plateau = (factor: number, patience: number): ScheduleSpec => ({ kind: 'plateau', factor, patience });

  it('lowers the rate at the first bad epoch after N bad ones in a row, then counts again', () => {
    // Epoch 1 sets the best; 2..6 are not below it (a tie is not better): the 3rd bad epoch (> patience 2) lowers.
    const losses = [1, 1, 1.5, 2, 1, 3, 3, 3, 3, 3];
    expect(rates(plateau(0.5, 2), 0.8, 11, losses)).toEqual([0.8, 0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]);
  });

  it('an epoch strictly below the best resets the count', () => {
    const losses = [1, 1, 1, 0.9, 1, 1, 0.8, 1, 1, 1];
    expect(rates(plateau(0.5, 2), 0.8, 11, losses)).toEqual([0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.4]);
  });

  it('patience 0 lowers the rate at every epoch that is not better', () => {
    expect(rates(plateau(0.1, 0), 1, 4, [1, 2, 0.5])).toEqual([1, 1, 0.1, 0.1]);
  });

  it('a NaN loss is never better than the best', () => {
    expect(rates(plateau(0.5, 1), 1, 5, [1, NaN, NaN, NaN])).toEqual([1, 1, 1, 0.5, 0.5]);
  });

  it('skips a lowering of 1e-8 or less (torch eps), so the rate stops near 1e-8/(1 − γ)', () => {
    const schedule = rateSchedule(plateau(0.5, 0), 1, 100);
    schedule.next(1, 1, 1);
    // 2.5e-8 → 1.25e-8 lowers by 1.25e-8: taken. 2e-8 → 1e-8 lowers by exactly eps: skipped.
    expect(schedule.next(2, 2.5e-8, 1)).toBe(1.25e-8);
    expect(schedule.next(3, 2e-8, 1)).toBe(2e-8);
    expect(schedule.next(4, 1.5e-8, 1)).toBe(1.5e-8);
    expect(PLATEAU_EPSILON).toBe(1e-8);
  });
});

describe.each(TRAINING_PATHS)('a run with a schedule on the $name path', ({ make }) => {
  const ROWS = randomRows(30, 2, 4, (rng) => [rng.uniform(-1, 1)]);
  const train = (schedule: ScheduleSpec, validate: number | null) =>
    make(network(2, [4, 'tanh'], [1, 'linear']), dataset(ROWS), settings({ epochs: 12, batch: 5, seed: 3, validate, optimizer: { kind: 'sgd', rate: 0.4, momentum: 0.5 }, schedule })).train();

  it('trains each epoch at the rate the schedule gives, and reports the last', () => {
    const result = train({ kind: 'step', factor: 0.5, every: 4 }, null);
    expect(Array.from(result.history.rate!)).toEqual(rates({ kind: 'step', factor: 0.5, every: 4 }, 0.4, 12));
    expect(result.rate).toBe(0.1);
  });

  it('⏭ Step: an epoch a step finishes sets the next rate, as in training; a step inside an epoch does not', () => {
    const spec: ScheduleSpec = { kind: 'step', factor: 0.5, every: 1 };
    const trainer = make(network(2, [4, 'tanh'], [1, 'linear']), dataset(ROWS), settings({ epochs: 12, batch: 5, seed: 3, optimizer: { kind: 'sgd', rate: 0.4, momentum: 0.5 }, schedule: spec }));
    // 30 rows in batches of 5: six steps an epoch.
    const stepRates = Array.from({ length: 18 }, () => trainer.step().learningRate);
    expect(stepRates).toEqual([0.4, 0.2, 0.1].flatMap((rate) => Array<number>(6).fill(rate)));
    expect(trainer.rate).toBe(0.05);
  });

  it('⏭ Step: a batch that diverges ends no epoch, so the schedule leaves the rate as it was', () => {
    // Targets of 1e200: every batch's squared error is infinite, the first step's included; a run never trains past it,
    // but a Step may be pressed again. Exponential halves the rate at every epoch's end.
    const huge = ROWS.map(([x]): [number[], number[]] => [x, [1e200]]);
    const trainer = make(network(2, [4, 'tanh'], [1, 'linear']), dataset(huge), settings({ epochs: 12, batch: 5, seed: 3, optimizer: { kind: 'sgd', rate: 0.4, momentum: 0 }, schedule: { kind: 'exponential', factor: 0.5 } }));
    const first = trainer.step();
    expect([first.batchLoss, first.learningRate]).toEqual([Infinity, 0.4]);
    expect(trainer.rate).toBe(0.4);
    expect(trainer.step().learningRate).toBe(0.4);
  });

  it.each([
    ['the validation loss when the run holds rows out', 0.3],
    ['the training loss otherwise', null],
  ])('plateau watches %s', (_label, validate) => {
    const spec: ScheduleSpec = { kind: 'plateau', factor: 0.5, patience: 0 };
    const result = train(spec, validate);
    const watched = Array.from(validate === null ? result.history.loss : result.history.validationLoss!);
    const got = Array.from(result.history.rate!);
    expect(got).toEqual(rates(spec, 0.4, 12, watched));
    // Not a schedule that never acts: the rate was lowered at least once.
    expect(got[11]).toBeLessThan(0.4);
  });
});

describe.each(TRAINING_PATHS)('a schedule that takes the rate to 0 on the $name path', ({ make }) => {
  it('momentum keeps a finite velocity: the run ends its epochs, the weights frozen once the rate is 0', () => {
    // 0.5 · 0.01^e underflows to 0 after about 160 epochs; the velocity's rescale by η_new/η_old must not make 0/0.
    const rows = randomRows(8, 2, 5, (rng) => [rng.uniform(-1, 1)]);
    const result = make(network(2, [3, 'tanh'], [1, 'linear']), dataset(rows), settings({
      epochs: 200, batch: 'full', seed: 1, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 }, schedule: { kind: 'exponential', factor: 0.01 },
    })).train();
    expect(result.stopped).toBe('epochs');
    expect(result.rate).toBe(0);
    const loss = Array.from(result.history.loss);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[199]).toBe(loss[180]);
  });
});
