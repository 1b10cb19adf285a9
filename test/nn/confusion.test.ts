// Trainer.confusion (docs/editor.md "The training panel"): the confusion matrices of the current weights, which agree with the run's accuracy.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTrainer } from '../../server/src/engine';
import { confusionOf } from '../../server/src/present/snapshots';
import { checkedWithoutErrors } from '../support/check';
import { TRAINING_PATHS, dataset, network, randomOneHot, randomRows, settings } from './helpers';

const EXAMPLES = join(__dirname, '../../examples');

describe('confusion matrices', () => {
  it('of iris: every row counted once, named by onehot, the diagonal the accuracy', () => {
    const run = checkedWithoutErrors(readFileSync(join(EXAMPLES, 'iris.nn'), 'utf8'), EXAMPLES).runs[0];
    const trainer = createTrainer(run.network, run.data, run.settings);
    const result = trainer.train();
    const confusion = confusionOf(run.data, trainer.confusion())!;
    expect(confusion.classes).toEqual(run.data.classes);
    expect(confusion.classes).toHaveLength(3);
    const total = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
    const diagonal = (m: number[][]) => m.reduce((sum, row, c) => sum + row[c], 0);
    expect(total(confusion.training)).toBe(result.trainRows);
    expect(total(confusion.validation!)).toBe(result.validationRows);
    // The same weights and rule as the run's last accuracy figures (of the final weights: the validation pass's).
    expect(diagonal(confusion.validation!) / result.validationRows).toBe(result.validationAccuracy);
    // Each true class has as many rows as the data holds of it in the training part.
    const perClass = [0, 0, 0];
    for (const r of trainer.trainingRows) perClass[run.data.targets.subarray(3 * r, 3 * r + 3).indexOf(1)]++;
    expect(confusion.training.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(perClass);
  });

  it('of a binary run: classes 0 and 1, ŷ ≥ 0.5 is class 1; none for regression', () => {
    const run = checkedWithoutErrors(readFileSync(join(EXAMPLES, 'xor.nn'), 'utf8')).runs[0];
    const trainer = createTrainer(run.network, run.data, run.settings);
    trainer.train();
    expect(confusionOf(run.data, trainer.confusion())).toEqual({ classes: ['0', '1'], training: [[2, 0], [0, 2]], validation: null });
    const houses = checkedWithoutErrors(readFileSync(join(EXAMPLES, 'houses.nn'), 'utf8'), EXAMPLES).runs[0];
    expect(createTrainer(houses.network, houses.data, houses.settings).confusion()).toBeNull();
  });
});

describe.each(TRAINING_PATHS)('confusion matrices at the edges, on the $name path', ({ make }) => {
  it('ŷ of exactly 0.5 is class 1, and equal outputs pick the first class, as the accuracy does', () => {
    // Zero weights: a sigmoid says 0.5 for every row, a softmax 1/3 for each class.
    const rows = randomRows(12, 2, 9, (rng) => [rng.uniform(-1, 1) > 0 ? 1 : 0]);
    const binary = make(network(2, [1, 'sigmoid', 'zeros']), dataset(rows), settings({ epochs: 0 }));
    const ones = rows.filter(([, y]) => y[0] === 1).length;
    expect(binary.confusion()!.training).toEqual([[0, 12 - ones], [0, ones]]);
    // The run's accuracy by the same rule: every row called class 1, right for the rows whose target is 1.
    expect(binary.train().final!.accuracy).toBe(ones / 12);
    const onehot = make(network(2, [3, 'softmax', 'zeros']), dataset(randomRows(12, 2, 9, randomOneHot(3))), settings({ epochs: 0, loss: 'cross_entropy' }));
    const matrix = onehot.confusion()!.training;
    expect(matrix.map((row) => row.slice(1).every((count) => count === 0))).toEqual([true, true, true]);
    expect(matrix.reduce((sum, row) => sum + row[0], 0)).toBe(12);
  });

  it('of more rows than a pass holds: every row counted once', () => {
    const rows = randomRows(300, 2, 9, (rng) => [rng.uniform(-1, 1) > 0 ? 1 : 0]);
    const trainer = make(network(2, [4, 'tanh'], [1, 'sigmoid']), dataset(rows), settings({ epochs: 5 }));
    const result = trainer.train();
    const matrix = trainer.confusion()!.training;
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(300);
    expect((matrix[0][0] + matrix[1][1]) / 300).toBe(result.final!.accuracy);
    // The final loss, measured over the same chunks, is a number: no column past the last row went in.
    expect(result.final!.loss).toBeCloseTo(trainer.trainingLoss(), 14);
    expect(Number.isFinite(result.final!.loss)).toBe(true);
  });
});
