// Every number stays the same through changes to the engine: each run of examples/, the test specs and bits.nn, in f64 and f32, on one thread and on two, against digests recorded before the change (bits.golden.json).
//
// The golden file holds, per run and precision, how the run ended, its final loss, and
// SHA-256 digests of its final weights and of its history (every epoch's loss, accuracy,
// validation loss and accuracy), all as the bytes of their Float64Arrays. A change that moves
// one bit of one weight of one run fails here. To record new numbers on purpose (a change
// that is meant to change them, said in its commit message):
//   NN_BITS_WRITE=1 npx vitest run test/engine/bits.test.ts
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language/index';
import type { Dataset, NetworkSpec, Precision, TrainSettings } from '../../server/src/language/model';
import { createTrainer, type KernelHelpers } from '../../server/src/engine';
import { Trainer } from '../../server/src/nn/trainer';
import type { StopReason, TrainResult } from '../../server/src/nn/types';
import { startKernelHelpers } from '../../server/src/training/kernelHelpers';
import { dataset, network, randomOneHot, randomRows, settings } from '../nn/helpers';
import { XOR_EXAMPLE } from '../support/specs';

const root = join(__dirname, '..', '..');
const GOLDEN = join(__dirname, 'bits.golden.json');
const WRITE = process.env.NN_BITS_WRITE === '1';

/** Runs longer than this are cut short (every example stops before it, by its own rule). */
const EPOCH_CAP = 4000;

interface Case {
  name: string;
  network: NetworkSpec;
  data: Dataset;
  settings: TrainSettings;
}

/** Every run of a spec file that checks without errors (data files read beside it). */
function runsOf(path: string, text = readFileSync(path, 'utf8'), epochCap = EPOCH_CAP): Case[] {
  const result = check(text, {
    specPath: path,
    allowedRoot: null,
    readFile: (file) => {
      try {
        return { text: readFileSync(file, 'utf8') };
      } catch (error) {
        return { error: String(error), missing: !existsSync(file) };
      }
    },
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  if (result.problems.some((p) => p.severity === 'error')) return [];
  const name = path.slice(root.length + 1).split('\\').join('/');
  return result.runs.map((run) => ({
    name: `${name} #${run.index}`,
    network: run.network,
    data: run.data,
    settings: { ...run.settings, epochs: Math.min(run.settings.epochs, epochCap) },
  }));
}

const specFiles = (dir: string): string[] =>
  readdirSync(join(root, dir)).filter((f) => f.endsWith('.nn')).sort().map((f) => join(root, dir, f));

/**
 * Wide enough that two threads share the products (≥ 2¹⁷ multiply-adds), the sgd pass (47,397
 * parameters ≥ 2¹⁵) and the batch program's gather (200 samples × 101 numbers ≥ 2¹⁴).
 */
const WIDE = network(96, [160, 'relu'], [192, 'tanh'], [5, 'softmax']);
const WIDE_DATA = dataset(randomRows(300, 96, 4, randomOneHot(5)));
/** With dropout on both hidden layers and a penalty: the 192 × 192 weights (≥ 2¹⁵) step in a shared sgd pass of their own. */
const WIDE_DROPOUT: NetworkSpec = (() => {
  const net = network(96, [192, 'relu'], [192, 'tanh'], [5, 'softmax']);
  return { ...net, layers: net.layers.map((layer, k) => (k < 2 ? { ...layer, dropout: 0.2 / (k + 1) } : layer)) };
})();

const CASES: Case[] = [
  ...specFiles('examples').flatMap((path) => runsOf(path)),
  ...specFiles('test/language/fixtures').flatMap((path) => runsOf(path)),
  ...runsOf(join(root, 'test/e2e/fixtures/long-run.nn'), undefined, 3),
  ...runsOf(join(root, 'test/engine/fixtures/bits.nn')),
  ...runsOf(join(root, 'test/support/specs.ts#XOR_EXAMPLE'), XOR_EXAMPLE),
  ...(['sgd', 'adam'] as const).map((kind) => ({
    name: `wide 96-160-192-5, ${kind}`,
    network: WIDE,
    data: WIDE_DATA,
    settings: settings({
      batch: 200, epochs: 3, loss: 'cross_entropy',
      optimizer: kind === 'sgd' ? { kind, rate: 0.05, momentum: 0.9 } : { kind, rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    }),
  })),
  {
    name: 'wide 96-192-192-5 with dropout and l1 + l2, sgd',
    network: WIDE_DROPOUT,
    data: WIDE_DATA,
    settings: settings({ batch: 200, epochs: 3, loss: 'cross_entropy', optimizer: { kind: 'sgd', rate: 0.05, momentum: 0.9 }, regularization: { l1: 1e-4, l2: 1e-3 } }),
  },
];

/** What the golden file keeps of a run. */
interface Bits {
  stopped: StopReason;
  epochs: number;
  finalLoss: number | null;
  weights: string;
  history: string;
  bestEpoch?: number;
  penalty?: number;
}

function digest(arrays: (Float64Array | null)[]): string {
  const hash = createHash('sha256');
  for (const array of arrays) {
    if (array === null) hash.update('null');
    else hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  return hash.digest('hex');
}

function bitsOf(result: TrainResult): Bits {
  const { history } = result;
  // The columns and fields of docs/language.md §7.2–§7.4 join only where a run has them, so the digests of the others stay as recorded.
  const extra = [history.rate, history.penalty].filter((column): column is Float64Array => column !== undefined);
  return {
    stopped: result.stopped,
    epochs: result.epochs,
    finalLoss: result.finalLoss,
    weights: digest(result.layers.flatMap((layer) => [layer.weights, layer.biases])),
    history: digest([history.loss, history.accuracy, history.validationLoss, history.validationAccuracy, ...extra]),
    ...(result.bestEpoch != null ? { bestEpoch: result.bestEpoch } : {}),
    ...(result.penalty != null ? { penalty: result.penalty } : {}),
  };
}

/** A trainer on `threads` threads, once its helper runs (so the shared path is the one trained on), and how to end the helper. */
async function trainerOn(c: Case, precision: Precision, threads: number, reference = false): Promise<{ trainer: Trainer; stop(): void }> {
  const stoppers: { stop(): void }[] = [];
  const helpers: KernelHelpers | undefined =
    threads > 1
      ? { count: threads - 1, start: (data, count) => { const running = startKernelHelpers(data, count); stoppers.push(running); return running; } }
      : undefined;
  const run = { ...c.settings, precision };
  const trainer = reference ? new Trainer(c.network, c.data, run) : createTrainer(c.network, c.data, run, { helpers });
  expect(trainer.engine).toBe(reference ? 'reference' : 'batch-program');
  if (threads > 1) {
    const deadline = Date.now() + 20_000;
    while (trainer.threads !== threads && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(trainer.threads).toBe(threads);
  }
  return { trainer, stop: () => stoppers.forEach((s) => s.stop()) };
}

/** Trained as the command line does: in slices (a pause after every third look), with epoch reports and snapshots. */
function trainedInSlices(trainer: Trainer): { result: TrainResult; snapshots: string } {
  let looks = 0;
  let reports = 0;
  const control = { onEpoch: () => void reports++, snapshots: { maxSnapshots: 40 } };
  for (;;) {
    const stopped = trainer.advance(control, () => ++looks % 3 === 0);
    if (stopped === 'paused') continue;
    const result = trainer.finish(stopped);
    expect(reports).toBe(result.history.epoch.length);
    const snapshots = result.snapshots ?? [];
    const snapshotDigest = digest(snapshots.flatMap((s) => [Float64Array.of(s.epoch, s.loss), ...s.weights, ...s.biases, ...(s.lastUpdates ?? [null])]));
    return { result, snapshots: snapshotDigest };
  }
}

const golden: Record<string, Bits & { snapshots: string }> = WRITE || !existsSync(GOLDEN) ? {} : JSON.parse(readFileSync(GOLDEN, 'utf8'));
const recorded: Record<string, Bits & { snapshots: string }> = {};

afterAll(() => {
  if (WRITE) writeFileSync(GOLDEN, `${JSON.stringify(recorded, null, 1)}\n`);
});

describe.each(['f64', 'f32'] as const)('%s', (precision) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: the recorded bits, on one thread and two, whole and in slices, and in the reference', async (name, c) => {
    const key = `${name} ${precision}`;
    const one = await trainerOn(c, precision, 1);
    const bits = bitsOf(one.trainer.train());
    const sliced = await trainerOn(c, precision, 1);
    const { result, snapshots } = trainedInSlices(sliced.trainer);
    expect(bitsOf(result)).toEqual(bits);
    const reference = await trainerOn(c, precision, 1, true);
    expect(bitsOf(reference.trainer.train())).toEqual(bits);
    const two = await trainerOn(c, precision, 2);
    try {
      expect(bitsOf(two.trainer.train())).toEqual(bits);
    } finally {
      two.stop();
    }
    if (WRITE) recorded[key] = { ...bits, snapshots };
    else expect({ ...bits, snapshots }).toEqual(golden[key]);
  });
});

it('the golden file has every run, and no run that is gone', () => {
  if (WRITE) return;
  const keys = CASES.flatMap((c) => [`${c.name} f64`, `${c.name} f32`]).sort();
  expect(Object.keys(golden).sort()).toEqual(keys);
});
