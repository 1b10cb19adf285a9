// `missing mean` (docs/language.md §7.6): missing inputs are filled with their column's mean over the run's training part, as normalization is fitted, before it.
import { describe, expect, it } from 'vitest';
import { splitRows, trainingPart } from '../../server/src/nn/parts';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, settings } from './helpers';

const NA = NaN;

/** Ten rows, x2 missing in three of them; the target is x1 + x2 where both are known. */
const ROWS: [number[], number[]][] = [
  [[1, 2], [3]],
  [[2, NA], [0]],
  [[3, 4], [7]],
  [[4, 8], [12]],
  [[5, NA], [0]],
  [[6, 1], [7]],
  [[7, 3], [10]],
  [[8, NA], [0]],
  [[9, 5], [14]],
  [[10, 6], [16]],
];

describe('missing mean', () => {
  it('fills each missing input with its column’s mean over the training part only, held-out rows included', () => {
    const data = dataset(ROWS, { missing: 'mean' });
    const run = settings({ validate: 0.3, seed: 4, epochs: 1 });
    const { training, validation } = splitRows(data.rows, run.validate, run.seed);
    const known = [...training].map((r) => ROWS[r][0][1]).filter((x) => !Number.isNaN(x));
    const mean = known.reduce((a, b) => a + b, 0) / known.length;
    // The held-out part holds a known x2 the mean must not see.
    expect([...validation].some((r) => !Number.isNaN(ROWS[r][0][1]))).toBe(true);
    const trainer = new Trainer(network(2, [1, 'linear']), data, run);
    expect(trainer.missingMeans).toEqual([[...training].reduce((a, r) => a + ROWS[r][0][0], 0) / training.length, mean]);
    for (const r of [1, 4, 7]) expect(trainer.data.inputs[2 * r + 1]).toBe(mean);
    // The loaded data set is shared and stays as it was.
    expect(Number.isNaN(data.inputs[3])).toBe(true);
    expect(trainer.train().missingMeans).toEqual(trainer.missingMeans);
  });

  it('trains as on the same rows filled by hand, bit for bit, and the exported training part is the trainer’s', () => {
    const data = dataset(ROWS, { missing: 'mean', normalize: 'zscore' });
    const run = settings({ validate: 0.2, seed: 2, epochs: 50, optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } });
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'linear']), data, run);
    const means = trainer.missingMeans!;
    const filled = dataset(ROWS.map(([x, y]) => [x.map((v, c) => (Number.isNaN(v) ? means[c] : v)), y]), { normalize: 'zscore' });
    const byHand = new Trainer(network(2, [3, 'tanh'], [1, 'linear']), filled, run);
    const a = trainer.train();
    const b = byHand.train();
    expect(a.loss).toBe(b.loss);
    expect(a.layers.map((l) => [...l.weights])).toEqual(b.layers.map((l) => [...l.weights]));
    expect(trainingPart(data, run, a.normalization, a.missingMeans ?? null)).toEqual(trainer.trainingPart());
  });

  it('fills a column with no value in the training part with 0', () => {
    const data = dataset(
      [
        [[1, NA], [0]],
        [[2, NA], [1]],
      ],
      { missing: 'mean' },
    );
    const trainer = new Trainer(network(2, [1, 'sigmoid']), data, settings({ epochs: 1 }));
    expect(trainer.missingMeans).toEqual([1.5, 0]);
  });

  it('without `missing mean` there is no fill: no means, and the loaded rows themselves, not a copy', () => {
    const data = dataset(ROWS.filter(([x]) => !Number.isNaN(x[1])));
    const trainer = new Trainer(network(2, [1, 'linear']), data, settings({ epochs: 1 }));
    expect(trainer.missingMeans).toBeNull();
    expect(trainer.data.inputs).toBe(data.inputs);
    expect(trainer.train().missingMeans).toBeNull();
  });

  it('fills each column with its own mean, row after row (three columns, two missing in one row)', () => {
    const rows: [number[], number[]][] = [
      [[1, NA, 10], [0]],
      [[NA, 4, NA], [1]],
      [[3, 6, 20], [0]],
    ];
    const trainer = new Trainer(network(3, [1, 'linear']), dataset(rows, { missing: 'mean' }), settings({ epochs: 1 }));
    expect(trainer.missingMeans).toEqual([2, 5, 15]);
    expect(Array.from(trainer.data.inputs)).toEqual([1, 5, 10, 2, 4, 15, 3, 6, 20]);
  });
});
