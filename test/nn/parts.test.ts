// A data set as a run sees it (server/src/nn/parts.ts): whether its targets make a classification (docs/language.md §4.15), and the training part `nn export` embeds in the editor, without a trainer.

import { describe, expect, it } from 'vitest';
import { classificationOf, splitRows, trainingPart } from '../../server/src/nn/parts';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, lazy, network, randomOneHot, randomRows, settings } from './helpers';

describe('accuracy is judged only on targets that name a class', () => {
  it.each([
    ['one 0/1 target', [[0], [1], [1]], 'binary'],
    ['one-hot targets', [[0, 1, 0], [1, 0, 0], [0, 0, 1]], 'onehot'],
    ['two outputs of any value (regression)', [[0.3, 0.7], [1, 0], [0, 1]], null],
    ['0/1 targets with two ones in a row (several labels, not one class)', [[1, 0], [1, 1], [0, 1]], null],
    ['0/1 targets with no one in a row', [[1, 0], [0, 0], [0, 1]], null],
    ['a one beside a value that is not 0 or 1', [[1, 0.5], [1, 0], [0, 1]], null],
    ['one target that is not 0 or 1', [[0], [0.5], [1]], null],
  ])('%s: %s', (_name, targets, expected) => {
    const data = dataset(targets.map((y, i): [number[], number[]] => [[i], y]));
    expect(classificationOf(data)).toBe(expected);
    // What a user reads: a run on these rows reports an accuracy only for a classification.
    const width = targets[0].length;
    const result = new Trainer(network(1, [width, width > 1 && expected === 'onehot' ? 'softmax' : 'sigmoid']), data, settings({ epochs: 2 })).train();
    expect(result.accuracy === null).toBe(expected === null);
    expect(result.history.accuracy === null).toBe(expected === null);
  });

  it('an empty data set is no classification', () => {
    expect(classificationOf(dataset([], { inputWidth: 1, targetWidth: 1 }))).toBeNull();
  });
});

describe('the split (splitRows)', () => {
  it('always keeps a row for training, even when the share rounds to every row', () => {
    // validate 99% of 4 rows rounds to 4: the checker refuses it, and the trainer still trains on one.
    const { training, validation } = splitRows(4, 0.99, 1);
    expect([training.length, validation.length]).toEqual([1, 3]);
    expect([...training, ...validation].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('the training part nn export embeds in the editor (trainingPart, without a trainer)', () => {
  const rowsOf = lazy(() => randomRows(20, 3, 8, randomOneHot(3)));

  it.each([
    ['with validate and normalize', 0.25, 'zscore' as const],
    ['without validate', null, null],
  ])('is the one the trainer trained on, %s', (_name, validate, normalize) => {
    const rows = rowsOf();
    const data = dataset(rows, { normalize });
    const trainer = new Trainer(network(3, [4, 'tanh'], [3, 'softmax']), data, settings({ loss: 'cross_entropy', epochs: 1, validate }));
    const part = trainingPart(data, trainer.settings, trainer.normalization);
    expect(part).toEqual(trainer.trainingPart());
    // Every row of the part is its data row: three targets each, the inputs normalized (or not) as trained on.
    expect(part.targets.length).toBe(3 * trainer.trainingRows.length);
    trainer.trainingRows.forEach((row, i) => {
      expect(Array.from(part.targets.subarray(3 * i, 3 * i + 3))).toEqual(rows[row][1]);
      const raw = rows[row][0];
      const expected = trainer.normalization ? raw.map((x, c) => (x - trainer.normalization!.offset[c]) / trainer.normalization!.scale[c]) : raw;
      expect(Array.from(part.inputs.subarray(3 * i, 3 * i + 3))).toEqual(expected);
    });
    if (validate) expect(part.validation?.targets.length).toBe(3 * trainer.validationRows.length);
    else expect('validation' in part).toBe(false);
  });
});
