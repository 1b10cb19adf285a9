// Training semantics of docs/language.md §4 through the Trainer API: batches, epoch loss, split, normalization, stop rules, determinism.

import { describe, expect, it } from 'vitest';
import type { TrainSettings } from '../../server/src/language/model';
import type { TrainControl } from '../../server/src/nn/types';
import { createTrainer } from '../../server/src/engine';
import { CALL_WORK, Trainer } from '../../server/src/nn/trainer';
import { reportsOf } from '../../server/src/nn/history';
import { TRAINING_PATHS, XOR_ROWS, dataset, network, randomOneHot, randomRows, settings } from './helpers';

/** Ten rows of a noisy line y = 0.5 x1 − 0.25 x2, for regression runs. */
const LINE_ROWS = randomRows(10, 2, 5, () => [0]).map(([x]): [number[], number[]] => [x, [0.5 * x[0] - 0.25 * x[1]]]);

function allWeights(trainer: Trainer): number[] {
  return trainer.layers().flatMap((layer) => [...layer.weights, ...layer.biases]);
}

describe('determinism', () => {
  const run = (overrides: Partial<TrainSettings>) => {
    const trainer = new Trainer(
      network(3, [5, 'tanh'], [4, 'relu'], [3, 'softmax']),
      dataset(randomRows(23, 3, 1, randomOneHot(3)), { normalize: 'zscore' }),
      settings({
        loss: 'cross_entropy',
        optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
        epochs: 40,
        batch: 5,
        validate: 0.2,
        seed: 11,
        ...overrides,
      }),
    );
    const result = trainer.train();
    return { weights: allWeights(trainer), losses: reportsOf(result.history).map((h) => [h.loss, h.validationLoss]), result };
  };

  it.each(['f64', 'f32'] as const)('two %s runs give bit-identical weights and losses', (precision) => {
    const first = run({ precision });
    const second = run({ precision });
    expect(first.weights.length).toBeGreaterThan(0);
    expect(Object.is(first.result.finalLoss, second.result.finalLoss)).toBe(true);
    expect(second.weights).toEqual(first.weights);
    expect(second.losses).toEqual(first.losses);
  });

  it('f32 stores every weight as a single-precision number, and differs from f64', () => {
    const f32 = run({ precision: 'f32' });
    const f64 = run({ precision: 'f64' });
    expect(f32.weights.every((w) => Math.fround(w) === w)).toBe(true);
    expect(f64.weights.some((w) => Math.fround(w) !== w)).toBe(true);
    expect(f32.weights).not.toEqual(f64.weights);
  });

  it('another seed gives other initial weights', () => {
    const make = (seed: number) => allWeights(new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ seed })));
    expect(make(1)).not.toEqual(make(2));
    expect(make(1)).toEqual(make(1));
  });

  it('train() after step()s continues exactly where the steps left off', () => {
    const make = () => new Trainer(network(2, [4, 'tanh'], [1, 'linear']), dataset(LINE_ROWS), settings({ batch: 4, epochs: 5 }));
    const straight = make();
    straight.train();
    const stepped = make();
    for (let i = 0; i < 4; i++) stepped.step(); // one epoch (4, 4, 2) and one batch of the second
    const result = stepped.train();
    expect(result.epochs).toBe(5);
    expect(allWeights(stepped)).toEqual(allWeights(straight));
  });
});

describe('batches and the epoch loss', () => {
  it('keeps a last, smaller batch, and the epoch loss is the mean of per-sample losses before each update', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'linear']), dataset(LINE_ROWS), settings({ batch: 4 }));
    const steps = [trainer.step(), trainer.step(), trainer.step()];
    expect(steps.map((s) => s.batchSize)).toEqual([4, 4, 2]);
    expect(steps.map((s) => s.epoch)).toEqual([1, 1, 1]);
    expect(steps.map((s) => s.update)).toEqual([1, 2, 3]);
    const [epoch] = reportsOf(trainer.history());
    expect(epoch.epoch).toBe(1);
    expect(epoch.loss).toBeCloseTo((4 * steps[0].batchLoss + 4 * steps[1].batchLoss + 2 * steps[2].batchLoss) / 10, 15);
    expect(trainer.step().epoch).toBe(2);
  });

  it('reshuffles the training rows every epoch (batch 1: the per-row losses come in a new order)', () => {
    const trainer = new Trainer(
      network(2, [1, 'linear']),
      dataset(LINE_ROWS.slice(0, 6)),
      settings({ batch: 1, optimizer: { kind: 'sgd', rate: 1e-300, momentum: 0 } }), // weights stay put
    );
    const orders = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => trainer.step().batchLoss));
    const sorted = orders.map((o) => [...o].sort((a, b) => a - b));
    for (const s of sorted) expect(s).toEqual(sorted[0]); // each epoch sees every row once
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(1);
  });

  it('with batch full, one update per epoch over every row', () => {
    const trainer = new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings());
    expect(trainer.batchSize).toBe(10);
    const step = trainer.step();
    expect(step.batchSize).toBe(10);
    expect(trainer.history().loss.length).toBe(1);
  });

  it('a batch larger than a pass holds is summed over chunks into one update (batch full on 600 rows)', () => {
    const rows = randomRows(600, 3, 2, (rng) => [rng.uniform(-1, 1)]);
    const make = (batch: number | 'full') => new Trainer(network(3, [4, 'tanh'], [1, 'linear']), dataset(rows), settings({ batch }));
    const full = make('full');
    const before = full.layers();
    const step = full.step();
    expect(step.batchSize).toBe(600);
    // The same gradient as the mean over the rows, computed row by row through explain().
    const explainer = make('full');
    let meanBiasDelta = 0;
    for (const [x, y] of rows) meanBiasDelta += explainer.explain(x, y).deltas[1][0] / rows.length;
    expect(step.after[1].biasGradient[0]).toBeCloseTo(meanBiasDelta, 13);
    expect(Array.from(before[1].weights)).toEqual(Array.from(step.before[1].weights));
  });
});

describe('validation split and normalization', () => {
  const rows = randomRows(40, 3, 4, (rng) => [rng.int(2)]).map(([x, y]): [number[], number[]] => [[x[0] * 10 + 3, x[1], 7], y]);
  const make = (seed: number, normalize: 'zscore' | 'minmax' = 'zscore') =>
    new Trainer(network(3, [1, 'linear']), dataset(rows, { normalize }), settings({ validate: 0.25, seed, epochs: 1 }));

  it('holds out round(P% of the rows), chosen by the seed, disjoint from the training part', () => {
    const trainer = make(1);
    expect(trainer.validationRows.length).toBe(10);
    expect(trainer.trainingRows.length).toBe(30);
    const all = [...trainer.trainingRows, ...trainer.validationRows].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(Array.from(make(1).validationRows)).toEqual(Array.from(trainer.validationRows));
    expect(Array.from(make(2).validationRows)).not.toEqual(Array.from(trainer.validationRows));
  });

  it('reports a validation loss (and accuracy for classification) every epoch', () => {
    const result = make(1).train();
    expect(result.validationRows).toBe(10);
    expect(result.history.validationLoss?.[0]).toEqual(expect.any(Number));
    expect(result.validationAccuracy).toEqual(expect.any(Number));
  });

  it('fits zscore on the training part only', () => {
    const trainer = make(3);
    const column = Array.from(trainer.trainingRows, (r) => rows[r][0][0]);
    const mean = column.reduce((s, x) => s + x, 0) / column.length;
    const std = Math.sqrt(column.reduce((s, x) => s + (x - mean) ** 2, 0) / column.length);
    const allMean = rows.reduce((s, [x]) => s + x[0], 0) / rows.length;
    expect(trainer.normalization?.offset[0]).toBeCloseTo(mean, 12);
    expect(trainer.normalization?.scale[0]).toBeCloseTo(std, 12);
    expect(Math.abs(mean - allMean)).toBeGreaterThan(1e-6);
  });

  it('fits minmax on the training part only, maps a constant column to 0, and predict() normalizes raw inputs', () => {
    const trainer = make(3, 'minmax');
    const column = Array.from(trainer.trainingRows, (r) => rows[r][0][0]);
    const [min, max] = [Math.min(...column), Math.max(...column)];
    expect(trainer.normalization).toMatchObject({ kind: 'minmax', offset: [min, expect.any(Number), 7], scale: [max - min, expect.any(Number), 1] });
    // A 3-1 linear network that outputs its first input, then its third.
    trainer.setLayer(1, [1, 0, 0], [0]);
    expect(trainer.predict([max, 0, 7])[0]).toBeCloseTo(1, 15);
    expect(trainer.predict([min, 0, 7])[0]).toBeCloseTo(0, 15);
    trainer.setLayer(1, [0, 0, 1], [0]);
    expect(trainer.predict([5, 0, 7])[0]).toBe(0);
  });
});

describe('stopping', () => {
  it('stop when loss < T ends at the end of the first epoch below T', () => {
    const result = new Trainer(
      network(2, [3, 'sigmoid'], [1, 'sigmoid']),
      dataset(XOR_ROWS),
      settings({ optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 }, epochs: 20000, seed: 1, stopLoss: 0.01 }),
    ).train();
    expect(result.stopped).toBe('target');
    expect(result.epochs).toBe(result.history.loss.length);
    expect(result.loss).toBeLessThan(0.01);
    expect(Array.from(result.history.loss).slice(0, -1).every((loss) => loss >= 0.01)).toBe(true);
  });

  it('runs all epochs when the target is not met', () => {
    const result = new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings({ epochs: 7, stopLoss: 1e-30 })).train();
    expect(result.stopped).toBe('epochs');
    expect(result.epochs).toBe(7);
    expect(Array.from(result.history.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('divergence stops at once, reports the epoch, and leaves the loss null', () => {
    const epochs: number[] = [];
    const result = new Trainer(
      network(2, [8, 'linear'], [1, 'linear']),
      dataset(LINE_ROWS.map(([x, y]) => [x.map((v) => v * 100), y])),
      settings({ optimizer: { kind: 'sgd', rate: 10, momentum: 0 }, epochs: 1000, batch: 2 }),
    ).train({ onEpoch: (report) => epochs.push(report.epoch) });
    expect(result.stopped).toBe('diverged');
    expect(result.loss).toBeNull();
    expect(result.finalLoss).toBeNull();
    const reports = reportsOf(result.history);
    const last = reports[reports.length - 1];
    expect(last.epoch).toBe(result.epochs);
    expect(Number.isFinite(last.loss)).toBe(false);
    expect(reports.slice(0, -1).every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(result.epochs).toBeLessThan(1000);
    expect(epochs[epochs.length - 1]).toBe(result.epochs);
  });

  it.each(TRAINING_PATHS)('divergence on the $name path: onEpoch and the snapshots see every finished epoch, not the unfinished one', ({ make }) => {
    const train = (control: TrainControl) =>
      make(
        network(2, [8, 'linear'], [1, 'linear']),
        dataset(LINE_ROWS.map(([x, y]) => [x.map((v) => v * 10), y])),
        settings({ optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 }, epochs: 1000, batch: 'full' }),
      ).train(control);
    const epochs: number[] = [];
    const result = train({ onEpoch: (report) => epochs.push(report.epoch) });
    // Seven epochs end, the eighth diverges: on the batch program, all eight in one call.
    expect([result.stopped, result.epochs]).toEqual(['diverged', 8]);
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Snapshots (a call of the batch program ends at each) of epochs 0..7, each of finite weights: the diverged epoch has none.
    const { snapshots } = train({ snapshots: {} });
    expect(snapshots!.map((snapshot) => snapshot.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(snapshots!.every((snapshot) => snapshot.weights.every((w) => w.every(Number.isFinite)))).toBe(true);
  });

  it.each(TRAINING_PATHS)('divergence on the $name path in a finished epoch (its mean loss overflows), or before any update', ({ make }) => {
    // Batches of one row whose loss ½ŷ² = 5e307 is finite, four of them an epoch: the epoch's sum overflows. Rate 0 keeps ŷ = 1e154.
    const trainer = make(network(1, [1, 'linear']), dataset([[[1], [0]], [[1], [0]], [[1], [0]], [[1], [0]]]), settings({ optimizer: { kind: 'sgd', rate: 0, momentum: 0 }, epochs: 5, batch: 1 }));
    trainer.setLayer(1, [1e154], [0]);
    const finished = trainer.train();
    expect([finished.stopped, finished.epochs, finished.updates, finished.history.loss.length]).toEqual(['diverged', 1, 4, 1]);
    expect(finished.history.loss[0]).toBe(Infinity);
    // Targets of 1e200: the squared error is infinite at the initial weights, so no update is applied;
    // the unfinished epoch is reported without validation numbers.
    const huge = dataset(LINE_ROWS.map(([x]) => [x, [1e200]]));
    const first = make(network(2, [3, 'tanh'], [1, 'linear']), huge, settings({ epochs: 10, batch: 2, validate: 0.2 })).train();
    expect([first.stopped, first.epochs, first.updates]).toEqual(['diverged', 1, 0]);
    expect(reportsOf(first.history)).toEqual([expect.objectContaining({ epoch: 1, validationLoss: null })]);
    // A classification run infinite at its initial weights (inputs of 1e160): the unfinished epoch's accuracy is the share
    // of its rows the initial weights put in the right class.
    const classes = LINE_ROWS.map(([x], i): [number[], number[]] => [x.map((v) => v * 1e160), [i % 2]]);
    const classifier = make(network(2, [1, 'linear']), dataset(classes), settings({ epochs: 10, batch: 'full' }));
    const right = classes.filter(([x, y]) => (classifier.predict(x)[0] >= 0.5 ? 1 : 0) === y[0]).length;
    expect(right % 10).not.toBe(0);
    const diverged = classifier.train();
    expect([diverged.stopped, diverged.epochs, diverged.updates]).toEqual(['diverged', 1, 0]);
    expect(diverged.history.accuracy![0]).toBe(right / 10);
  });

  it.each(TRAINING_PATHS)('a run cancelled inside an epoch on the $name path shows no ΔW but the last update\'s', ({ make }) => {
    // Ten rows in batches of 3: four updates an epoch, cancelled after the fifth.
    const run = () => make(network(2, [3, 'tanh'], [1, 'linear']), dataset(LINE_ROWS), settings({ batch: 3, epochs: 50 }));
    let polls = 0;
    const result = run().train({ shouldStop: () => (++polls > 5 ? 'cancelled' : null) });
    const stepper = run();
    let step = stepper.step();
    while (step.update < result.updates) step = stepper.step();
    result.layers.forEach((layer, k) => {
      if (layer.lastUpdate === undefined) return;
      expect(Array.from(layer.lastUpdate)).toEqual(Array.from(step.after[k].weights, (w, i) => w - step.before[k].weights[i]));
    });
  });

  it('layers() gives each layer\'s gradient norm, √Σ(∂L/∂W)²', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 3 }));
    trainer.train();
    for (const layer of trainer.layers()) {
      const squares = Array.from(layer.weightGradient).reduce((sum, g) => sum + g * g, 0);
      expect(squares).toBeGreaterThan(0);
      expect(layer.gradientNorm).toBeCloseTo(Math.sqrt(squares), 15);
    }
  });

  it('explain() and predict() refuse a sample of another width, naming both', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'sigmoid']), dataset(XOR_ROWS), settings());
    expect(() => trainer.predict([1, 2, 3])).toThrow('the network takes 2 inputs, got 3');
    expect(() => trainer.explain([1], [0])).toThrow('the network takes 2 inputs, got 1');
    expect(() => trainer.explain([1, 0], [0, 1])).toThrow('the network has 1 outputs, got 2 targets');
  });

  it('setLayer refuses a layer that does not exist, or weights and biases of other sizes', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'sigmoid']), dataset(XOR_ROWS), settings());
    expect(() => trainer.setLayer(0, [], [])).toThrow('layer 0 does not exist (1..2)');
    expect(() => trainer.setLayer(3, [], [])).toThrow('layer 3 does not exist (1..2)');
    expect(() => trainer.setLayer(1, [1, 2, 3, 4, 5, 6], [0, 0])).toThrow('layer 1 has 6 weights and 3 biases');
    expect(() => trainer.setLayer(2, [1, 2], [0])).toThrow('layer 2 has 3 weights and 1 biases');
    trainer.setLayer(2, [1, 2, 3], [4]);
    expect(trainer.layers()[1]).toMatchObject({ weights: Float64Array.from([1, 2, 3]), biases: Float64Array.from([4]) });
  });

  it('a data set without rows trains nothing: no epoch, no update, and a step has no batch', () => {
    const empty = dataset([], { inputWidth: 2, targetWidth: 1 });
    const result = new Trainer(network(2, [1, 'linear']), empty, settings({ epochs: 5 })).train();
    expect(result).toMatchObject({ stopped: 'epochs', epochs: 0, loss: null, finalLoss: null, final: null, updates: 0, trainRows: 0 });
    const trainer = new Trainer(network(2, [1, 'linear']), empty, settings({ epochs: 5 }));
    const step = trainer.step();
    expect(step).toMatchObject({ update: 0, epoch: 0, batchSize: 0 });
    expect(step.batchLoss).toBeNaN();
    expect(step.after).toEqual(step.before);
  });

  it('shouldStop is polled between batches: cancelled after 5 updates', () => {
    let polls = 0;
    const trainer = new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings({ batch: 3 }));
    const result = trainer.train({ shouldStop: () => (++polls > 5 ? 'cancelled' : null) });
    expect(result.stopped).toBe('cancelled');
    expect(result.epochs).toBe(1); // 4 batches per epoch: one epoch done, one batch into the second
    expect(trainer.step().update).toBe(6);
  });

  it('a time limit reports time', () => {
    const result = new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings()).train({ shouldStop: () => 'time' });
    expect(result).toMatchObject({ stopped: 'time', epochs: 0, loss: null });
    expect(result.history.loss.length).toBe(0);
  });
});

describe('results', () => {
  it('accuracy: single output thresholded at 0.5 against 0/1 targets', () => {
    const rows: [number[], number[]][] = [[[-2], [0]], [[-1], [1]], [[1], [1]], [[2], [1]], [[3], [0]]];
    const trainer = new Trainer(network(1, [1, 'sigmoid']), dataset(rows), settings({ optimizer: { kind: 'sgd', rate: 1e-300, momentum: 0 }, epochs: 1 }));
    trainer.setLayer(1, [1], [0]);
    expect(trainer.train().accuracy).toBeCloseTo(3 / 5, 15);
  });

  it('accuracy: argmax against one-hot targets; regression has none', () => {
    const rows: [number[], number[]][] = [[[1, 0], [1, 0]], [[0, 1], [0, 1]], [[1, 1], [0, 1]], [[2, 0], [0, 1]]];
    const trainer = new Trainer(network(2, [2, 'softmax']), dataset(rows), settings({ loss: 'cross_entropy', optimizer: { kind: 'sgd', rate: 1e-300, momentum: 0 }, epochs: 1 }));
    trainer.setLayer(1, [1, 0, 0, 1], [0, 0]); // class = the larger input; ties go to the first
    expect(trainer.train().accuracy).toBeCloseTo(2 / 4, 15);
    expect(new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings({ epochs: 1 })).train().accuracy).toBeNull();
  });

  it('finalLoss is the loss of the final weights on the training part', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'linear']), dataset(LINE_ROWS), settings({ epochs: 20, validate: 0.2 }));
    const result = trainer.train();
    expect(result.finalLoss).toBe(trainer.trainingLoss());
    let sum = 0;
    for (const r of trainer.trainingRows) sum += trainer.explain(LINE_ROWS[r][0], LINE_ROWS[r][1]).loss;
    expect(result.finalLoss).toBeCloseTo(sum / trainer.trainingRows.length, 15);
    expect(result.finalLoss).not.toBe(result.loss);
  });

  it('explain() and predict() do not change the weights or the last gradients', () => {
    const trainer = new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings());
    trainer.step();
    const before = trainer.layers();
    const explained = trainer.explain([1, 0], [1]);
    expect(explained.output).toEqual(trainer.predict([1, 0]));
    expect(explained.deltas.map((d) => d.length)).toEqual([3, 1]);
    expect(trainer.layers()).toEqual(before);
  });

  it('adam: the first update moves each parameter by about η against its gradient', () => {
    const trainer = new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings({ optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } }));
    const step = trainer.step();
    step.after[0].weights.forEach((w, i) => {
      const g = step.after[0].weightGradient[i];
      expect(w - step.before[0].weights[i]).toBeCloseTo((-0.01 * g) / (Math.abs(g) + 1e-8), 12);
    });
  });

  it('snapshots: initial and final weights, evenly spaced, within the budget', () => {
    const trainer = new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 1001 }));
    const result = trainer.train({ snapshots: { maxSnapshots: 10 } });
    const epochs = result.snapshots!.map((s) => s.epoch);
    expect(epochs.length).toBeLessThanOrEqual(10);
    // Each with its epoch's training loss (none for the initial weights).
    expect(result.snapshots![0].loss).toBeNaN();
    for (const snapshot of result.snapshots!.slice(1)) expect(snapshot.loss).toBe(result.history.loss[snapshot.epoch - 1]);
    expect(epochs[0]).toBe(0);
    expect(epochs[epochs.length - 1]).toBe(1001);
    const gaps = new Set(epochs.slice(1, -1).map((e, i) => e - epochs[i]));
    expect(gaps.size).toBe(1);
    expect(Array.from(result.snapshots![epochs.length - 1].weights[0])).toEqual(Array.from(result.layers[0].weights));
    expect(new Trainer(network(2, [1, 'linear']), dataset(LINE_ROWS), settings({ epochs: 3 })).train().snapshots).toBeUndefined();
    // Within a budget of numbers: a snapshot holds about three per parameter (W, b, ∂L/∂W, ΔW); 13 parameters here.
    const budget = new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 1001 })).train({ snapshots: { maxValues: 4 * 3 * 13 } }).snapshots!;
    expect(budget.length).toBeLessThanOrEqual(4);
    expect(budget.length).toBeGreaterThanOrEqual(2);
  });

  it.each(TRAINING_PATHS)('snapshots on the $name path: each the weights of the run cut at its epoch', ({ make }) => {
    const run = (epochs: number) => make(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } }));
    const snapshots = run(40).train({ snapshots: { maxSnapshots: 6 } }).snapshots!;
    expect(snapshots.map((snapshot) => snapshot.epoch)).toEqual([0, 8, 16, 24, 32, 40]);
    for (const snapshot of snapshots.slice(1)) {
      expect(snapshot.weights.map((w) => Array.from(w))).toEqual(run(snapshot.epoch).train().layers.map((layer) => Array.from(layer.weights)));
    }
  });

  it('snapshots carry the last single update: ΔW = −η ∂L/∂W of the epoch\'s last batch, not the change since the previous snapshot', () => {
    // Two batches an epoch: the epoch's change is two updates, the recorded ΔW one.
    const trainer = new Trainer(network(2, [3, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 6, batch: 2, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0 } }));
    const snapshots = trainer.train({ snapshots: { maxSnapshots: 10 } }).snapshots!;
    expect(snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(snapshots[0].lastUpdates).toBeUndefined();
    for (const snapshot of snapshots.slice(1)) {
      snapshot.lastUpdates!.forEach((update, k) =>
        update.forEach((delta, i) => expect(delta).toBeCloseTo(-0.5 * snapshot.weightGradients![k][i], 14)),
      );
    }
    const epochChange = snapshots[2].weights[0].map((w, i) => w - snapshots[1].weights[0][i]);
    expect(Array.from(snapshots[2].lastUpdates![0])).not.toEqual(Array.from(epochChange));
  });

  it('layers() gives ΔW of a step as W after − W before; none before the first update', () => {
    const trainer = new Trainer(network(2, [3, 'tanh'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ batch: 1, optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } }));
    expect(trainer.layers()[0].lastUpdate).toBeUndefined();
    for (let n = 0; n < 3; n++) {
      const step = trainer.step();
      step.after.forEach((layer, k) => {
        expect(Array.from(layer.lastUpdate!)).toEqual(Array.from(layer.weights, (w, i) => w - step.before[k].weights[i]));
      });
    }
  });
});

describe('the batch program is stopped between calls of at most CALL_WORK multiply-adds (a Stop is prompt)', () => {
  /** Polls of shouldStop in a run of `epochs`, and the bound: its work (3 × parameters × training rows + parameters × held-out rows an epoch) over CALL_WORK. */
  const polled = (rows: number, inputs: number, hidden: number, overrides: Partial<TrainSettings>) => {
    const trainer = createTrainer(network(inputs, [hidden, 'tanh'], [1, 'sigmoid']), dataset(randomRows(rows, inputs, 2, (rng) => [rng.uniform(-1, 1) > 0 ? 1 : 0])), settings(overrides));
    expect(trainer.engine).toBe('batch-program');
    let polls = 0;
    const result = trainer.train({ shouldStop: () => (polls++, null) });
    const parameters = inputs * hidden + hidden + hidden + 1;
    const work = result.epochs * (3 * parameters * trainer.trainingRows.length + parameters * trainer.validationRows.length);
    return { polls, calls: Math.ceil(work / CALL_WORK) };
  };

  it('many short epochs in a call, as many as the bound allows, the held-out rows\' pass counted (batch full, 24 of 30 rows held out)', () => {
    const { polls, calls } = polled(30, 2, 16, { epochs: 2000, validate: 0.8 });
    expect(calls).toBe(6);
    expect(polls).toBeGreaterThanOrEqual(calls);
    expect(polls).toBeLessThanOrEqual(2 * calls + 1);
  });

  it('an epoch longer than the bound split between calls (batches of 10 of 2,000 rows)', () => {
    const { polls, calls } = polled(2000, 8, 32, { epochs: 3, batch: 10 });
    expect(calls).toBe(6);
    expect(polls).toBeGreaterThanOrEqual(calls);
    expect(polls).toBeLessThanOrEqual(2 * calls + 1);
  });
});
