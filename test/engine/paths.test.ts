// Every path of the engine trains to the reference's numbers, bit for bit; a path that declines a run hands it to the next, and a batch runner that lacks an epoch hook runs epoch by epoch, with the same numbers.
import { describe, expect, it } from 'vitest';
import { BATCH_PROGRAM, createTrainer, FAST_PATHS, SIMD_KERNELS, type EnginePath } from '../../server/src/engine';
import type { Activation, TrainSettings } from '../../server/src/language/model';
import type { BatchRunner, FastPath, Precision } from '../../server/src/nn/fastPath';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomOneHot, randomRows, settings, XOR_ROWS } from '../nn/helpers';

/** Everything a run reports: the history, weights, biases, gradients, ΔW, the final loss, and an explanation of a sample. */
function fingerprint(trainer: Trainer, x: number[], y: number[]): unknown {
  const result = trainer.train();
  return { result, explanation: trainer.explain(x, y) };
}

const CASES: { name: string; net: [number, [number, Activation][]]; rows: [number[], number[]][]; batch: number | 'full' }[] = [
  { name: 'xor 2-3-1 sigmoid, full batch', net: [2, [[3, 'sigmoid'], [1, 'sigmoid']]], rows: XOR_ROWS, batch: 'full' },
  { name: '13-9-7-3 odd sizes, batch 5', net: [13, [[9, 'tanh'], [7, 'leaky_relu'], [3, 'softmax']]], rows: randomRows(47, 13, 3, randomOneHot(3)), batch: 5 },
  { name: '40-65-4, batch larger than a chunk', net: [40, [[65, 'relu'], [4, 'linear']]], rows: randomRows(300, 40, 5, randomOneHot(4)), batch: 'full' },
];

describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
  it.each(CASES)('$name: the batch program, the SIMD kernels and the reference train to the same bits', ({ net, rows, batch }) => {
    const spec = network(net[0], ...net[1]);
    const data = dataset(rows);
    const run = settings({ precision, batch, epochs: 4, optimizer: { kind: 'sgd', rate: 0.1, momentum: 0.5 } });
    const [x, y] = rows[0];
    const trainers = [createTrainer(spec, data, run), createTrainer(spec, data, run, { paths: [SIMD_KERNELS] }), new Trainer(spec, data, run)];
    expect(trainers.map((trainer) => trainer.engine)).toEqual(['batch-program', 'simd-kernels', 'reference']);
    const [program, kernels, reference] = trainers.map((trainer) => fingerprint(trainer, x, y));
    expect(program).toEqual(reference);
    expect(kernels).toEqual(reference);
  });
});

/** `path`, declining every run. */
const declining = (path: EnginePath): EnginePath => ({ ...path, takes: () => false });

describe('a path that declines a run', () => {
  const spec = network(2, [4, 'tanh'], [1, 'sigmoid']);
  const data = dataset(XOR_ROWS);
  const run = settings({ epochs: 300, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } });
  const expected = fingerprint(createTrainer(spec, data, run), [0, 1], [1]);

  it('the batch program declines: the SIMD kernels take it, with the same bits', () => {
    const trainer = createTrainer(spec, data, run, { paths: [declining(BATCH_PROGRAM), SIMD_KERNELS] });
    expect(trainer.engine).toBe('simd-kernels');
    expect(fingerprint(trainer, [0, 1], [1])).toEqual(expected);
  });

  it('every fast path declines: the reference takes it, with the same bits', () => {
    const trainer = createTrainer(spec, data, run, { paths: FAST_PATHS.map(declining) });
    expect(trainer.engine).toBe('reference');
    expect(fingerprint(trainer, [0, 1], [1])).toEqual(expected);
  });

  it('a path that this runtime cannot run (no WebAssembly SIMD) passes the run on too', () => {
    const unavailable: EnginePath = { name: 'unavailable', takes: () => true, create: () => null };
    const trainer = createTrainer(spec, data, run, { paths: [unavailable, SIMD_KERNELS] });
    expect(trainer.engine).toBe('simd-kernels');
    expect(fingerprint(trainer, [0, 1], [1])).toEqual(expected);
  });

  it('a predicate sees the run: a path can take some runs and decline others', () => {
    const onlyAdam: EnginePath = { ...BATCH_PROGRAM, takes: ({ settings }) => settings.optimizer.kind === 'adam' };
    const paths = [onlyAdam, SIMD_KERNELS];
    expect(createTrainer(spec, data, run, { paths }).engine).toBe('simd-kernels');
    const adam: TrainSettings = { ...run, optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } };
    expect(createTrainer(spec, data, adam, { paths }).engine).toBe('batch-program');
  });
});

/** The fast path's batch runner as it is, recording the most epochs each call was asked for. */
function recording(fast: FastPath, calls: { maxEpochs: number[] }): FastPath {
  const programRunner = fast.batchRunner.bind(fast);
  fast.batchRunner = (buffers) => {
    const runner = programRunner(buffers) as BatchRunner;
    return {
      appliesHooks: runner.appliesHooks,
      evaluate: (inputs, targets, rows) => runner.evaluate(inputs, targets, rows),
      run(state, maxBatches, maxEpochs) {
        calls.maxEpochs.push(maxEpochs);
        return runner.run(state, maxBatches, maxEpochs);
      },
    };
  };
  return fast;
}

describe('a batch runner without a hook the run needs', () => {
  /** The batch program, saying it applies no epoch hook; records the most epochs it was asked for in one call. */
  function hookless(calls: { maxEpochs: number[] }): EnginePath {
    return {
      name: 'hookless',
      takes: () => true,
      create(precision, helpers) {
        const fast = BATCH_PROGRAM.create(precision, helpers) as FastPath & { name: string };
        const programRunner = fast.batchRunner.bind(fast);
        fast.name = 'hookless';
        fast.batchRunner = (buffers) => {
          const runner = programRunner(buffers) as BatchRunner;
          return {
            appliesHooks: [],
            evaluate: (inputs, targets, rows) => runner.evaluate(inputs, targets, rows),
            run(state, maxBatches, maxEpochs) {
              calls.maxEpochs.push(maxEpochs);
              return runner.run(state, maxBatches, maxEpochs);
            },
          };
        };
        return fast;
      },
    };
  }

  it.each(['f64', 'f32'] as const)('runs one epoch per call, and stops on the same epoch with the same bits (%s)', (precision) => {
    const spec = network(2, [4, 'sigmoid'], [1, 'sigmoid']);
    const run = settings({ precision, epochs: 5000, stopLoss: 0.01, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } });
    const calls = { maxEpochs: [] as number[] };
    const trainer = createTrainer(spec, dataset(XOR_ROWS), run, { paths: [hookless(calls)] });
    expect(trainer.engine).toBe('hookless');
    const actual = fingerprint(trainer, [1, 0], [1]);
    const expected = fingerprint(createTrainer(spec, dataset(XOR_ROWS), run), [1, 0], [1]);
    expect(actual).toEqual(expected);
    const { result } = actual as { result: { stopped: string; epochs: number } };
    expect(result.stopped).toBe('target');
    expect(calls.maxEpochs.length).toBe(result.epochs);
    expect(new Set(calls.maxEpochs)).toEqual(new Set([1]));
  });

  it('the batch program applies the validation stop rule itself; a schedule or patience takes one epoch per call', () => {
    const epochsPerCall = (run: Partial<TrainSettings>): number => {
      const calls = { maxEpochs: [] as number[] };
      const path: EnginePath = { ...hookless(calls), create: (precision, helpers) => recording(BATCH_PROGRAM.create(precision, helpers) as FastPath, calls) };
      createTrainer(network(2, [4, 'sigmoid'], [1, 'sigmoid']), dataset([...XOR_ROWS, ...XOR_ROWS]), settings({ epochs: 3000, validate: 0.25, ...run }), { paths: [path] }).train();
      return Math.max(...calls.maxEpochs);
    };
    expect(epochsPerCall({ stopValidationLoss: 1e-9 })).toBeGreaterThan(100);
    expect(epochsPerCall({ regularization: { l1: 0, l2: 0.01 } })).toBeGreaterThan(100);
    expect(epochsPerCall({ schedule: { kind: 'exponential', factor: 0.999 } })).toBe(1);
    expect(epochsPerCall({ patience: 5000 })).toBe(1);
  });

  it('a run without hooks keeps its calls of many epochs', () => {
    const calls = { maxEpochs: [] as number[] };
    createTrainer(network(2, [4, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ epochs: 3000 }), { paths: [hookless(calls)] }).train();
    expect(Math.max(...calls.maxEpochs)).toBeGreaterThan(100);
  });
});

describe('firstOutputs (the decision boundary grid)', () => {
  const make = (path: string, run: TrainSettings) => {
    const spec = network(2, [3, 'tanh'], [4, 'relu'], [1, 'sigmoid']);
    const data = dataset(XOR_ROWS, { normalize: 'zscore' });
    return path === 'reference' ? new Trainer(spec, data, run) : createTrainer(spec, data, run);
  };
  it.each([
    ['f64', 'batch-program'],
    ['f32', 'batch-program'],
    ['f64', 'reference'],
  ] as const)('on a 4-row training set gives predict()’s numbers for 600 inputs, bit for bit (%s, %s)', (precision, path) => {
    // The training's buffers hold 4 columns; the grid goes through wider passes of its own.
    const trainer = make(path, settings({ precision, batch: 'full', epochs: 20 }));
    expect(trainer.engine).toBe(path);
    trainer.train();
    const inputs = Array.from({ length: 1200 }, (_, i) => Math.sin(i * 0.37) * 3);
    const outputs = trainer.firstOutputs(inputs, 600);
    const expected = Array.from({ length: 600 }, (_, r) => trainer.predict(inputs.slice(2 * r, 2 * r + 2))[0]);
    expect(outputs.length).toBe(600);
    expect(Array.from(outputs).filter((v, i) => !Object.is(v, expected[i])).length).toBe(0);
    expect(new Set(expected).size).toBeGreaterThan(100);
    // The training's own passes are untouched: the next explanation is the one before the grid.
    const before = trainer.explain([1, 0], [1]);
    trainer.firstOutputs(inputs, 600);
    expect(trainer.explain([1, 0], [1])).toEqual(before);
  });

  it('every path draws the same grid', () => {
    const inputs = Array.from({ length: 1200 }, (_, i) => Math.cos(i * 0.21) * 3);
    const grids = (['batch-program', 'reference'] as const).map((path) => {
      const trainer = make(path, settings({ batch: 'full', epochs: 20 }));
      trainer.train();
      return Array.from(trainer.firstOutputs(inputs, 600));
    });
    expect(grids[0]).toEqual(grids[1]);
  });
});
