/** `steps` Steps, the rest of the run in pieces (paused at every third poll), then one Step more: the weights and result at the end. */
function stepsPausesSteps(steps: number): (trainer: Trainer) => TrainResult {
  return (trainer) => {
    for (let i = 0; i < steps; i++) trainer.step();
    let polls = 0;
    while (trainer.advance({}, () => ++polls % 3 === 0) === 'paused');
    const result = trainer.finish('epochs');
    trainer.step();
    return { ...result, layers: trainer.layers() };
  };
}

// The batch program (engine/wasm/batches.ts) trains to the numbers of the trainer's own batch loop, bit for bit, whatever the run does: on the SIMD kernels and on the reference's plain loops.
import { describe, expect, it } from 'vitest';
import { createTrainer, SIMD_KERNELS, type EngineOptions } from '../../server/src/engine';
import type { Activation, LossKind, OptimizerSpec, TrainSettings } from '../../server/src/language/model';
import { CALL_WORK, Trainer } from '../../server/src/nn/trainer';
import type { TrainControl, TrainResult } from '../../server/src/nn/types';
import { Rng } from '../../server/src/nn/rng';
import { dataset, network, randomOneHot, randomRows, settings, XOR_ROWS } from '../nn/helpers';

type Rows = [number[], number[]][];

/** Every number a run reports: history, layers (W, b, δ, gradients, ΔW), final loss, snapshots, an explanation. */
function fingerprint(result: TrainResult, trainer: Trainer, sample: [number[], number[]]): unknown {
  return { result, explanation: trainer.explain(sample[0], sample[1]) };
}

/** A trainer on the batch program, on the SIMD kernels with the trainer's own loop, or on the reference. */
function trainerOn(path: 'batch-program' | 'simd-kernels' | 'reference', layers: [number, Activation][], rows: Rows, run: Partial<TrainSettings>): Trainer {
  const [spec, data, spelled] = [network(rows[0][0].length, ...layers), dataset(rows), settings(run)];
  const options: EngineOptions = path === 'simd-kernels' ? { paths: [SIMD_KERNELS] } : {};
  const trainer = path === 'reference' ? new Trainer(spec, data, spelled) : createTrainer(spec, data, spelled, options);
  expect(trainer.engine).toBe(path);
  return trainer;
}

/**
 * Trains on the batch program, on the SIMD kernels' loop and on the reference; checks that the last
 * two agree; returns the batch program's fingerprint and the reference's.
 */
function both(
  layers: [number, Activation][],
  rows: Rows,
  run: Partial<TrainSettings>,
  drive: (trainer: Trainer) => TrainResult = (trainer) => trainer.train(),
): [unknown, unknown] {
  const fingerprints = (['batch-program', 'simd-kernels', 'reference'] as const).map((path) => {
    const trainer = trainerOn(path, layers, rows, run);
    return fingerprint(drive(trainer), trainer, rows[0]);
  });
  expect(fingerprints[1]).toEqual(fingerprints[2]);
  return [fingerprints[0], fingerprints[2]];
}

const REGRESSION = randomRows(23, 3, 7, (rng) => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
const BINARY = randomRows(23, 3, 8, (rng) => [rng.int(2)]);
const ONE_HOT = randomRows(23, 3, 9, randomOneHot(3));
const HIDDEN: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear'];
const OUTPUTS: [Activation, Rows][] = [
  ['sigmoid', BINARY], ['tanh', REGRESSION], ['relu', REGRESSION], ['leaky_relu', REGRESSION], ['linear', REGRESSION], ['softmax', ONE_HOT],
];
const LOSSES: LossKind[] = ['mse', 'cross_entropy'];

describe.each(['f64', 'f32'] as const)('%s', (precision) => {
  const cases = HIDDEN.flatMap((hidden) => OUTPUTS.flatMap(([output, rows]) => LOSSES.map((loss) => ({ hidden, output, rows, loss }))));
  it.each(cases)('$hidden hidden, $output output, $loss: same bits', ({ hidden, output, rows, loss }) => {
    const units = output === 'sigmoid' ? 1 : rows[0][1].length;
    const [a, b] = both([[5, hidden], [4, 'tanh'], [units, output]], rows, { precision, loss, batch: 5, epochs: 6, validate: 0.2, optimizer: { kind: 'sgd', rate: 0.05, momentum: 0.5 } });
    expect(a).toEqual(b);
  });

  const optimizers: OptimizerSpec[] = [
    { kind: 'sgd', rate: 0.3, momentum: 0 },
    { kind: 'sgd', rate: 0.3, momentum: 0.9 },
    { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  ];
  it.each(optimizers)('$kind (momentum $momentum), full batch: same bits', (optimizer) => {
    const [a, b] = both([[4, 'sigmoid'], [1, 'sigmoid']], XOR_ROWS, { precision, optimizer, epochs: 300 });
    expect(a).toEqual(b);
  });

  it('given start weights (start from, docs/language.md §7.1), momentum, batches of 4: same bits, and they are the weights trained from', () => {
    // W⁽¹⁾ 5×3, b⁽¹⁾ 5, W⁽²⁾ 1×5, b⁽²⁾ 1 from a formula, not from a seed.
    const layers = [
      { weights: Float64Array.from({ length: 15 }, (_, i) => 0.9 * Math.sin(1.3 * i + 0.2)), biases: Float64Array.from({ length: 5 }, (_, j) => 0.1 * j - 0.2) },
      { weights: Float64Array.from({ length: 5 }, (_, i) => 0.7 * Math.cos(2.1 * i)), biases: Float64Array.of(0.05) },
    ];
    const run: Partial<TrainSettings> = { precision, batch: 4, epochs: 30, optimizer: { kind: 'sgd', rate: 0.2, momentum: 0.9 }, start: { name: 'given', layers } };
    const [a, b] = both([[5, 'tanh'], [1, 'sigmoid']], BINARY, run);
    expect(a).toEqual(b);
    const initial = trainerOn('batch-program', [[5, 'tanh'], [1, 'sigmoid']], BINARY, run).layers();
    const stored = (values: Float64Array) => Array.from(precision === 'f32' ? Float32Array.from(values) : values);
    expect(initial.map((l) => [Array.from(l.weights), Array.from(l.biases)])).toEqual(layers.map((l) => [stored(l.weights), stored(l.biases)]));
  });

  const ROWS_261 = randomRows(261, 3, 15, (rng) => [rng.int(2)]);
  it('a full batch of 261: chunks of 256 and 5, several epochs per call: same bits', () => {
    const [a, b] = both([[5, 'sigmoid'], [1, 'sigmoid']], ROWS_261, { precision, batch: 'full', epochs: 5, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.5 } });
    expect(a).toEqual(b);
  });

  it('a batch larger than a chunk (600 rows in passes of 256), adam, normalized inputs: same bits', () => {
    const rows = randomRows(600, 6, 11, randomOneHot(4));
    const make = (path: 'batch-program' | 'reference') => {
      const spec = network(6, [9, 'relu'], [4, 'softmax']);
      const data = dataset(rows, { normalize: 'zscore' });
      const run = settings({
        precision, loss: 'cross_entropy', epochs: 4, validate: 0.1, optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      });
      return path === 'reference' ? new Trainer(spec, data, run) : createTrainer(spec, data, run);
    };
    const [program, reference] = [make('batch-program'), make('reference')];
    expect(program.engine).toBe('batch-program');
    expect(fingerprint(program.train(), program, rows[0])).toEqual(fingerprint(reference.train(), reference, rows[0]));
  });

  it('products large enough for the SIMD tiles (64-48-10, batch 40): same bits', () => {
    const rows = randomRows(120, 64, 12, randomOneHot(10));
    const [a, b] = both([[48, 'tanh'], [10, 'softmax']], rows, { precision, loss: 'cross_entropy', batch: 40, epochs: 3 });
    expect(a).toEqual(b);
  });
});

/** `network`'s layers with dropout shares (docs/language.md §7.2), index 0 being layer 1. */
function withDropout(layers: [number, Activation][], rows: Rows, shares: number[]): (run: Partial<TrainSettings>) => [unknown, unknown] {
  return (run) => {
    const fingerprints = (['batch-program', 'simd-kernels', 'reference'] as const).map((path) => {
      const net = network(rows[0][0].length, ...layers);
      const spec = { ...net, layers: net.layers.map((layer, k) => (shares[k] ? { ...layer, dropout: shares[k] } : layer)) };
      const options: EngineOptions = path === 'simd-kernels' ? { paths: [SIMD_KERNELS] } : {};
      const trainer = path === 'reference' ? new Trainer(spec, dataset(rows), settings(run)) : createTrainer(spec, dataset(rows), settings(run), options);
      expect(trainer.engine).toBe(path);
      return fingerprint(trainer.train(), trainer, rows[0]);
    });
    expect(fingerprints[1]).toEqual(fingerprints[2]);
    return [fingerprints[0], fingerprints[2]];
  };
}

describe.each(['f64', 'f32'] as const)('the training vocabulary of docs/language.md §7.2–§7.4 (%s)', (precision) => {
  const WIDE_ROWS = randomRows(300, 3, 11, randomOneHot(3));
  it.each(HIDDEN)('dropout after a %s layer, in mini-batches: same bits', (hidden) => {
    const [a, b] = withDropout([[6, hidden], [5, 'relu'], [3, 'softmax']], ONE_HOT, [0.3, 0.5])({ precision, loss: 'cross_entropy', batch: 4, epochs: 5, validate: 0.2 });
    expect(a).toEqual(b);
  });

  it('dropout in a whole-part batch of 300 (chunks of 256 and 44), many epochs per call: same bits', () => {
    const [a, b] = withDropout([[7, 'tanh'], [3, 'softmax']], WIDE_ROWS, [0.25])({ precision, loss: 'cross_entropy', epochs: 12, optimizer: { kind: 'sgd', rate: 0.3, momentum: 0.9 } });
    expect(a).toEqual(b);
  });

  it.each([
    ['l2 with sgd', { kind: 'sgd', rate: 0.1, momentum: 0 }, { l1: 0, l2: 0.05 }],
    ['l1 with momentum', { kind: 'sgd', rate: 0.1, momentum: 0.9 }, { l1: 0.01, l2: 0 }],
    ['both with adam', { kind: 'adam', rate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, { l1: 0.003, l2: 0.02 }],
  ] as const)('%s, in mini-batches and whole batches: same bits', (_name, optimizer, regularization) => {
    for (const batch of [5, 'full'] as const) {
      const [a, b] = both([[5, 'relu'], [4, 'tanh'], [2, 'linear']], REGRESSION, { precision, batch, epochs: 8, optimizer, regularization, validate: 0.2 });
      expect((a as { result: TrainResult }).result.penalty).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
  });

  it.each([
    { kind: 'step', factor: 0.5, every: 2 },
    { kind: 'exponential', factor: 0.8 },
    { kind: 'cosine', min: 0.001 },
    { kind: 'plateau', factor: 0.5, patience: 0 },
  ] as const)('schedule $kind with momentum, whole batches (one epoch per call): same bits', (schedule) => {
    const [a, b] = both([[6, 'sigmoid'], [1, 'sigmoid']], BINARY, { precision, epochs: 30, schedule, validate: 0.3, optimizer: { kind: 'sgd', rate: 2, momentum: 0.9 } });
    expect(new Set((a as { result: TrainResult }).result.history.rate).size).toBeGreaterThan(1);
    expect(a).toEqual(b);
  });

  it('patience going back to its best epoch, and the validation stop rule: same bits', () => {
    const [a, b] = both([[12, 'tanh'], [2, 'linear']], REGRESSION, { precision, epochs: 400, batch: 4, patience: 10, validate: 0.3, optimizer: { kind: 'sgd', rate: 0.3, momentum: 0.9 } });
    const patience = (a as { result: TrainResult }).result;
    expect(patience.stopped).toBe('patience');
    expect(patience.bestEpoch).toBeLessThan(patience.epochs);
    expect(a).toEqual(b);
    const target = patience.history.validationLoss![5];
    const [c, d] = both([[12, 'tanh'], [2, 'linear']], REGRESSION, { precision, epochs: 400, stopValidationLoss: target, validate: 0.3, optimizer: { kind: 'sgd', rate: 0.3, momentum: 0.9 } });
    expect((c as { result: TrainResult }).result.stopped).toBe('target');
    expect(c).toEqual(d);
  });

  it('steps across epochs, a paused and resumed run, with dropout, a penalty and a schedule: same bits', () => {
    const drive = stepsPausesSteps(11);
    const run: Partial<TrainSettings> = { precision, batch: 4, epochs: 9, loss: 'cross_entropy', regularization: { l1: 0.001, l2: 0.01 }, schedule: { kind: 'exponential', factor: 0.9 } };
    const fingerprints = (['batch-program', 'reference'] as const).map((path) => {
      const net = network(3, [5, 'relu'], [3, 'softmax']);
      const spec = { ...net, layers: [{ ...net.layers[0], dropout: 0.4 }, net.layers[1]] };
      const trainer = path === 'reference' ? new Trainer(spec, dataset(ONE_HOT), settings(run)) : createTrainer(spec, dataset(ONE_HOT), settings(run));
      return fingerprint(drive(trainer), trainer, ONE_HOT[0]);
    });
    expect(fingerprints[0]).toEqual(fingerprints[1]);
  });
});

describe('runs that end early or are taken apart', () => {
  it('the stop rule, with mini-batches and with full batches, ends on the same epoch', () => {
    for (const batch of [3, 'full'] as const) {
      const [a, b] = both([[4, 'sigmoid'], [1, 'sigmoid']], XOR_ROWS, { batch, stopLoss: 0.05, epochs: 20000, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } });
      expect((a as { result: TrainResult }).result.stopped).toBe('target');
      expect(a).toEqual(b);
    }
  });

  it('a diverging run diverges at the same epoch, whether a batch or an epoch total overflows', () => {
    for (const batch of [2, 'full'] as const) {
      const [a, b] = both([[6, 'linear'], [2, 'linear']], REGRESSION, { batch, epochs: 500, optimizer: { kind: 'sgd', rate: 3, momentum: 0.9 } });
      expect((a as { result: TrainResult }).result.stopped).toBe('diverged');
      expect(a).toEqual(b);
    }
  });

  it('snapshots (a thinning grid) hold the same weights at the same epochs', () => {
    const control: TrainControl = { snapshots: { maxSnapshots: 7 } };
    const [a, b] = both([[3, 'tanh'], [1, 'sigmoid']], XOR_ROWS, { epochs: 150, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.5 } }, (trainer) => trainer.train(control));
    const snapshots = (a as { result: TrainResult }).result.snapshots ?? [];
    expect(snapshots.map((s) => s.epoch)).toEqual([0, 32, 64, 96, 128, 150]);
    expect(a).toEqual(b);
  });

  it('steps, a paused and resumed run, and steps again give the same numbers as the TypeScript path', () => {
    const drive = stepsPausesSteps(5);
    const [a, b] = both([[5, 'relu'], [3, 'softmax']], ONE_HOT, { batch: 4, epochs: 40, loss: 'cross_entropy' }, drive);
    expect(a).toEqual(b);
  });

  it('is polled at least once per epoch of mini-batches, and a cancelled run goes on to the same numbers', () => {
    const rows = randomRows(10, 2, 5, () => [0]).map(([x]): [number[], number[]] => [x, [0.5 * x[0] - 0.25 * x[1]]]);
    const make = () => createTrainer(network(2, [3, 'tanh'], [1, 'linear']), dataset(rows), settings({ batch: 3, epochs: 50 }));
    let polls = 0;
    const whole = make();
    const uninterrupted = whole.train({ shouldStop: () => (polls++, null) });
    expect(polls).toBeGreaterThanOrEqual(50);
    let calls = 0;
    const trainer = make();
    const cancelled = trainer.train({ shouldStop: () => (++calls > 7 ? 'cancelled' : null) });
    expect(cancelled.stopped).toBe('cancelled');
    expect(cancelled.epochs).toBe(7); // one call per epoch: the batches of an epoch are a few hundred multiply-adds
    const resumed = trainer.train();
    expect(resumed.epochs).toBe(50);
    expect(resumed.history).toEqual(uninterrupted.history);
    expect(resumed.layers).toEqual(uninterrupted.layers);
  });

  it('onEpoch sees every epoch, in order, with the reports of the history', () => {
    const seen: number[] = [];
    const trainer = createTrainer(network(2, [4, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 3000 }));
    const result = trainer.train({ onEpoch: (report) => seen.push(report.epoch) });
    expect(seen).toEqual(Array.from(result.history.epoch));
    expect(seen.length).toBe(3000);
  });

  it('one call does at most CALL_WORK multiply-adds: a large batch is polled between batches', () => {
    // 3 × (parameters ≈ 120·200) × 64 samples ≫ CALL_WORK: one batch per call.
    const rows = randomRows(256, 120, 13, randomOneHot(8));
    let polls = 0;
    const trainer = createTrainer(network(120, [200, 'relu'], [8, 'softmax']), dataset(rows), settings({ batch: 64, epochs: 2, loss: 'cross_entropy' }));
    expect(3 * 120 * 200 * 64).toBeGreaterThan(CALL_WORK);
    trainer.train({ shouldStop: () => (polls++, null) });
    expect(polls).toBe(8); // 4 batches per epoch, 2 epochs
  });
});

describe('random runs (seeded): the batch program, the SIMD kernels and the reference agree', () => {
  // Shapes, activations, losses, optimizers, batch sizes (chunks of 256 included), held-out parts,
  // precisions, dropout, penalties, schedules and patience the hand-picked cases above do not combine.
  const rng = new Rng(2024, 7);
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)];
  const runs = Array.from({ length: 40 }, (_, index) => {
    const inputs = 1 + rng.int(6);
    const hidden = Array.from({ length: rng.int(4) }, () => [1 + rng.int(7), pick(HIDDEN)] as [number, Activation]);
    const [output, kind] = pick([['sigmoid', 'binary'], ['softmax', 'onehot'], ['linear', 'regression'], ['tanh', 'regression'], ['leaky_relu', 'regression'], ['relu', 'regression']] as const);
    const units = kind === 'binary' ? 1 : 2 + rng.int(3);
    const rows = randomRows(kind === 'onehot' && rng.int(4) === 0 ? 300 + rng.int(40) : 5 + rng.int(40), inputs, 100 + index, (r) =>
      kind === 'binary' ? [r.int(2)] : kind === 'onehot' ? randomOneHot(units)(r) : Array.from({ length: units }, () => r.uniform(-1, 1)),
    );
    const optimizer: OptimizerSpec = pick([
      { kind: 'sgd', rate: 0.05, momentum: 0 },
      { kind: 'sgd', rate: 0.1, momentum: 0.9 },
      { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    ]);
    const run: Partial<TrainSettings> = {
      loss: pick(LOSSES), optimizer, epochs: 1 + rng.int(6), batch: rng.int(3) === 0 ? 'full' : 1 + rng.int(12),
      validate: rng.int(2) === 0 ? null : 0.2, precision: pick(['f64', 'f32'] as const), seed: index,
    };
    // The training vocabulary of docs/language.md §7.2–§7.4, each in about a third of the runs.
    if (rng.int(3) === 0) run.regularization = pick([{ l1: 0.01, l2: 0 }, { l1: 0, l2: 0.05 }, { l1: 0.002, l2: 0.01 }]);
    if (rng.int(3) === 0) run.schedule = pick([{ kind: 'step', factor: 0.5, every: 2 }, { kind: 'exponential', factor: 0.9 }, { kind: 'cosine', min: 0 }, { kind: 'plateau', factor: 0.5, patience: 1 }] as const);
    if (rng.int(3) === 0) run.patience = 1 + rng.int(3);
    const dropout = hidden.map(() => (rng.int(3) === 0 ? pick([0.1, 0.5, 0.8]) : 0));
    return { index, layers: [...hidden, [units, output]] as [number, Activation][], rows, run, dropout };
  });
  it.each(runs)('run $index', ({ layers, rows, run, dropout }) => {
    const [a, b] = withDropout(layers, rows, dropout)(run);
    expect(a).toEqual(b);
  });
});


describe('what a run instantiates', () => {
  /** The WebAssembly instances made while `work` runs, by the names of their first exports. */
  function instancesDuring(work: () => void): string[] {
    const api = (globalThis as unknown as { WebAssembly: { Instance: new (module: object, imports: object) => { exports: object } } }).WebAssembly;
    const original = api.Instance;
    const made: string[] = [];
    api.Instance = new Proxy(original, {
      construct(target, args: [object, object]) {
        const instance = new target(...args);
        made.push(Object.keys(instance.exports).slice(0, 2).join(','));
        return instance;
      },
    });
    try {
      work();
    } finally {
      api.Instance = original;
    }
    return made;
  }
  const xor = (options: EngineOptions = {}) => () => {
    createTrainer(network(2, [4, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 50 }), options).train();
  };

  it('a run on a fast path: the kernels’ module, once, on the trainer’s memory', () => {
    expect(instancesDuring(xor())).toEqual(['product_f64,product_f32']);
    expect(instancesDuring(xor({ paths: [SIMD_KERNELS] }))).toEqual(['product_f64,product_f32']);
  });
  it('on the reference: no WebAssembly at all', () => {
    expect(instancesDuring(xor({ paths: [] }))).toEqual([]);
  });
});
