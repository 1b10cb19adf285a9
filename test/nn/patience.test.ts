// Early stopping (docs/language.md §7.4): patience keeps the best epoch's weights, reports the right epochs, and stops a run without improvement on time; stop when validation loss.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../server/src/language/model';
import type { TrainResult } from '../../server/src/nn/types';
import { checkedWithoutErrors } from '../support/check';
import { TRAINING_PATHS, dataset, network, randomRows, settings } from './helpers';

/** examples/overfitting.nn's first run: too large a network for 21 noisy rows; its validation loss turns up after epoch 169. */
const EXAMPLE = checkedWithoutErrors(readFileSync(join(__dirname, '../../examples/overfitting.nn'), 'utf8')).runs[0];
const BIG = EXAMPLE.network;
const WAVY = EXAMPLE.data;
const OVERFIT: Partial<TrainSettings> = { ...EXAMPLE.settings, epochs: 600 };

/** Sixteen noisy rows of a line, for a run without validation whose training loss wanders (rate 0.9, momentum 0.9). */
const NOISY = dataset(randomRows(16, 1, 21, (rng) => [rng.uniform(-1, 1)]).map(([x], i): [number[], number[]] => [x, [0.5 * x[0] + (i % 2 === 0 ? 0.3 : -0.3)]]));
const JUMPY = network(1, [32, 'tanh'], [32, 'tanh'], [1, 'linear']);

/** The first epoch (1-based) with the smallest value of a column. */
function firstBest(column: Float64Array): number {
  let best = 0;
  for (let i = 1; i < column.length; i++) if (column[i] < column[best]) best = i;
  return best + 1;
}

const flat = (result: TrainResult) => result.layers.map((layer) => [Array.from(layer.weights), Array.from(layer.biases)]);

describe.each(TRAINING_PATHS)('patience on the $name path', ({ make }) => {
  it('stops N epochs after the best validation loss and keeps that epoch\'s weights, as a run of that many epochs ends', () => {
    const result = make(BIG, WAVY, settings({ ...OVERFIT, patience: 40 })).train();
    const validation = result.history.validationLoss!;
    const best = firstBest(validation);
    expect(result.stopped).toBe('patience');
    expect(result.bestEpoch).toBe(best);
    expect(result.epochs).toBe(best + 40);
    expect(best).toBeGreaterThan(1);
    // The kept weights are epoch `best`'s: those of the same run cut at that epoch, bit for bit.
    const cut = make(BIG, WAVY, settings({ ...OVERFIT, epochs: best })).train();
    expect(flat(result)).toEqual(flat(cut));
    expect(result.finalLoss).toBe(cut.finalLoss);
    // Re-evaluated on the kept weights: the validation numbers of the best epoch; loss stays the last epoch's.
    expect(result.validationLoss).toBe(validation[best - 1]);
    expect(result.loss).toBe(result.history.loss[result.epochs - 1]);
  });

  it('without validate watches the training loss', () => {
    const run: Partial<TrainSettings> = { optimizer: { kind: 'sgd', rate: 0.9, momentum: 0.9 }, epochs: 400, seed: 2, patience: 15 };
    const result = make(JUMPY, NOISY, settings(run)).train();
    expect(result.history.validationLoss).toBeNull();
    const best = firstBest(result.history.loss);
    expect([result.stopped, result.bestEpoch, result.epochs]).toEqual(['patience', best, best + 15]);
  });

  it('⏭ Step after patience went back goes on from the kept weights', () => {
    const trainer = make(BIG, WAVY, settings({ ...OVERFIT, patience: 40 }));
    const result = trainer.train();
    const step = trainer.step();
    expect(step.before.map((layer) => Array.from(layer.weights))).toEqual(result.layers.map((layer) => Array.from(layer.weights)));
    expect(step.epoch).toBe(result.epochs + 1);
  });

  it('stops a run that never improves after its first epoch plus N', () => {
    // Zero weights and targets of 0.5: ŷ = σ(0) = 0.5 from the start, no gradient, a constant loss.
    const net = network(1, [3, 'tanh', 'zeros'], [1, 'sigmoid', 'zeros']);
    const result = make(net, dataset([[[0], [0.5]], [[1], [0.5]]]), settings({ epochs: 100, patience: 7 })).train();
    expect([result.stopped, result.epochs, result.bestEpoch]).toEqual(['patience', 8, 1]);
  });

  it('keeps the best weights after all epochs too, but not after reaching a stop target', () => {
    const all = make(BIG, WAVY, settings({ ...OVERFIT, epochs: 300, patience: 1000 })).train();
    expect(all.stopped).toBe('epochs');
    const best = firstBest(all.history.validationLoss!);
    expect(best).toBeLessThan(300);
    expect(all.bestEpoch).toBe(best);
    expect(flat(all)).toEqual(flat(make(BIG, WAVY, settings({ ...OVERFIT, epochs: best })).train()));
    const target = make(BIG, WAVY, settings({ ...OVERFIT, patience: 1000, stopLoss: all.history.loss[250] })).train();
    expect(target.stopped).toBe('target');
    expect(target.bestEpoch).toBe(target.epochs);
  });
});

describe('stop when validation loss < T', () => {
  it.each(TRAINING_PATHS)('stops at the first epoch whose validation loss is below T, on the $name path', ({ make }) => {
    const free = make(BIG, WAVY, settings({ ...OVERFIT, epochs: 200 })).train();
    const validation = free.history.validationLoss!;
    const target = validation[59] + 1e-12;
    const first = validation.findIndex((v) => v < target) + 1;
    const result = make(BIG, WAVY, settings({ ...OVERFIT, epochs: 200, stopValidationLoss: target })).train();
    expect([result.stopped, result.epochs]).toEqual(['target', first]);
    expect(Array.from(result.history.loss)).toEqual(Array.from(free.history.loss.subarray(0, first)));
  });
});
