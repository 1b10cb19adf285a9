// What `expect` is graded on (docs/language.md §7.5): TrainResult.final, the final weights measured once after the last update, on each part, the same on every path.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../server/src/language/model';
import { checkedWithoutErrors } from '../support/check';
import { dataset, network, randomOneHot, randomRows, settings, TRAINING_PATHS, XOR_ROWS } from './helpers';

/** Loss and accuracy of the trainer's current weights, sample by sample through explain() (a forward pass of its own), on the given rows. */
function measured(trainer: ReturnType<(typeof TRAINING_PATHS)[number]['make']>, rows: Int32Array, classes: 'binary' | 'onehot'): { loss: number; accuracy: number } {
  const data = trainer.data;
  let loss = 0;
  let correct = 0;
  for (const r of rows) {
    const x = Array.from(data.inputs.subarray(r * data.inputWidth, (r + 1) * data.inputWidth));
    const y = Array.from(data.targets.subarray(r * data.targetWidth, (r + 1) * data.targetWidth));
    const sample = trainer.explain(x, y);
    loss += sample.loss;
    const predicted = classes === 'binary' ? (sample.output[0] >= 0.5 ? 1 : 0) : sample.output.indexOf(Math.max(...sample.output));
    const target = classes === 'binary' ? y[0] : y.indexOf(1);
    if (predicted === target) correct++;
  }
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}

describe('the final weights measured once after training', () => {
  const onehot: Partial<TrainSettings> = { loss: 'cross_entropy', optimizer: { kind: 'adam', rate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, epochs: 30, batch: 7, validate: 0.25, seed: 4 };
  const spec = network(3, [6, 'tanh'], [3, 'softmax']);
  const data = dataset(randomRows(40, 3, 5, randomOneHot(3)), { normalize: 'zscore' });

  it.each(TRAINING_PATHS)('on the $name path: loss and accuracy of each part, as a forward pass of those weights gives them', ({ make }) => {
    const trainer = make(spec, data, settings(onehot));
    const result = trainer.train();
    const final = result.final!;
    const training = measured(trainer, trainer.trainingRows, 'onehot');
    const validation = measured(trainer, trainer.validationRows, 'onehot');
    expect(final.loss).toBeCloseTo(training.loss, 12);
    expect(final.accuracy).toBe(training.accuracy);
    expect(final.validationLoss).toBeCloseTo(validation.loss, 12);
    expect(final.validationAccuracy).toBe(validation.accuracy);
    // finalLoss is the same measure; the last epoch's accuracy was counted while the weights still moved.
    expect(Object.is(result.finalLoss, final.loss)).toBe(true);
  });

  it('gives the same bits on every path', () => {
    const finals = TRAINING_PATHS.map(({ make }) => make(spec, data, settings(onehot)).train().final);
    for (const final of finals.slice(1)) expect(final).toEqual(finals[0]);
  });

  it('has no accuracy for regression and no validation numbers without validate', () => {
    const line = dataset(randomRows(12, 2, 3, () => [0.5]));
    const result = TRAINING_PATHS[0].make(network(2, [3, 'tanh'], [1, 'linear']), line, settings({ epochs: 20 })).train();
    expect(result.final).toEqual({ loss: expect.any(Number), accuracy: null, validationLoss: null, validationAccuracy: null });
  });

  it('is null after a divergence: there are no final weights to measure', () => {
    const big = dataset([[[3000], [1]], [[-3000], [2]]]);
    const result = TRAINING_PATHS[0].make(network(1, [1, 'linear']), big, settings({ optimizer: { kind: 'sgd', rate: 100, momentum: 0 }, epochs: 50 })).train();
    expect(result.stopped).toBe('diverged');
    expect(result.final).toBeNull();
  });

  it('after patience went back to the best epoch, are those of the kept weights: what the run ends with', () => {
    // examples/overfitting.nn's first run overfits after epoch ~170: patience keeps an early epoch's weights.
    const run = checkedWithoutErrors(readFileSync(join(__dirname, '../../examples/overfitting.nn'), 'utf8')).runs[0];
    for (const { make } of TRAINING_PATHS) {
      const trainer = make(run.network, run.data, settings({ ...run.settings, epochs: 600, patience: 40 }));
      const result = trainer.train();
      expect(result.stopped).toBe('patience');
      const final = result.final!;
      // Measured on the kept weights: the best epoch's validation loss, not the last epoch's.
      expect(final.validationLoss).toBe(result.validationLoss);
      expect(final.validationLoss).toBe(result.history.validationLoss![result.bestEpoch! - 1]);
      expect(final.validationLoss).toBeLessThan(result.history.validationLoss![result.epochs - 1]);
      expect(final.loss).toBeCloseTo(measured(trainer, trainer.trainingRows, 'binary').loss, 12);
    }
  });

  it('binary classification judges ŷ ≥ 0.5 as class 1', () => {
    const trainer = TRAINING_PATHS[2].make(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 }, epochs: 400, seed: 1 }));
    const result = trainer.train();
    expect(result.final!.accuracy).toBe(measured(trainer, trainer.trainingRows, 'binary').accuracy);
  });
});
