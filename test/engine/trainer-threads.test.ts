// A run trained with helper threads (`nn train --threads N`) ends with the same weights, bit for bit, as on one thread (docs/language.md §4.17).
import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../server/src/language/model';
import { compiledKernels, createTrainer, type KernelHelpers } from '../../server/src/engine';
import type { Precision } from '../../server/src/nn/fastPath';
import { startKernelHelpers, startKernelHelpersEarly } from '../../server/src/training/kernelHelpers';
import { dataset, network, randomOneHot, randomRows, settings } from '../nn/helpers';

/**
 * Wide enough layers that the products are shared between threads (≥ 2¹⁷ multiply-adds), enough
 * parameters (47,397, over 2¹⁵) that the sgd pass is shared too, and batches of 200 so the batch
 * program shares its gather (200 × 101 numbers, over 2¹⁴; the last batch of 100 is not shared).
 */
const NET = network(96, [160, 'relu'], [192, 'tanh'], [5, 'softmax']);
const DATA = dataset(randomRows(300, 96, 4, randomOneHot(5)));
const OPTIMIZERS: OptimizerSpec[] = [
  { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  { kind: 'sgd', rate: 0.05, momentum: 0.9 },
];

async function trained(
  precision: Precision, optimizer: OptimizerSpec, threads: number, helpers: KernelHelpers['start'] = startKernelHelpers,
): Promise<{ weights: number[][]; losses: number[]; threads: number; batchProgram: boolean }> {
  const trainer = createTrainer(
    NET, DATA,
    settings({ precision, batch: 200, epochs: 3, loss: 'cross_entropy', optimizer }),
    threads > 1 ? { helpers: { start: helpers, count: threads - 1 } } : {},
  );
  // Poll (with a deadline) until the helpers run, so the shared path is the one tested.
  const deadline = Date.now() + 20_000;
  while (trainer.threads !== threads && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  const result = trainer.train();
  return {
    weights: result.layers.map((layer) => [...layer.weights, ...layer.biases]),
    losses: Array.from(result.history.loss),
    threads: trainer.threads,
    // The batch program (engine/wasm/batches.ts) drives the run and shares its products itself.
    batchProgram: trainer.engine === 'batch-program',
  };
}

describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
  it.each(OPTIMIZERS)('$kind: 3 threads train to the same bits as 1', async (optimizer) => {
    const one = await trained(precision, optimizer, 1);
    const three = await trained(precision, optimizer, 3);
    expect(three.threads).toBe(3);
    expect(three.batchProgram).toBe(true);
    expect(three.losses).toEqual(one.losses);
    const expected = one.weights.flat();
    const actual = three.weights.flat();
    expect(actual.length).toBe(96 * 160 + 160 + 160 * 192 + 192 + 192 * 5 + 5);
    expect(actual.filter((w, i) => !Object.is(w, expected[i])).length).toBe(0);
  });
});

describe('helpers started before their trainer (nn train --threads N)', () => {
  const kernels = compiledKernels();
  if (kernels === null) throw new Error('the SIMD kernels cannot run here');

  it('train to the same bits as one thread, and a second trainer starts its own', async () => {
    const early = startKernelHelpersEarly(2, kernels);
    const sgd = OPTIMIZERS[1];
    const one = await trained('f32', sgd, 1);
    const first = await trained('f32', sgd, 3, early.start);
    const second = await trained('f32', sgd, 3, early.start);
    const expected = one.weights.flat();
    for (const run of [first, second]) {
      expect(run.threads).toBe(3);
      expect(run.batchProgram).toBe(true);
      expect(run.losses).toEqual(one.losses);
      expect(run.weights.flat().filter((w, i) => !Object.is(w, expected[i])).length).toBe(0);
    }
    // The first trainer took both: none was left to end.
    expect(await early.dispose()).toBe(0);
  });

  it('end when no trainer takes them', async () => {
    const early = startKernelHelpersEarly(2, kernels);
    expect(await early.dispose()).toBe(2);
    // Taken by nobody and ended: a trainer that asks now starts its own.
    const run = await trained('f64', OPTIMIZERS[0], 3, early.start);
    expect(run.threads).toBe(3);
  });
});

describe('a helper whose kernel throws', () => {
  /** Unsigned LEB128, as the WebAssembly binary format writes counts and sizes. */
  const leb = (value: number): number[] => {
    const bytes: number[] = [];
    do {
      let byte = value & 0x7f;
      value >>>= 7;
      if (value !== 0) byte |= 0x80;
      bytes.push(byte);
    } while (value !== 0);
    return bytes;
  };
  const section = (id: number, items: number[][]): number[] => {
    const body = [...leb(items.length), ...items.flat()];
    return [id, ...leb(body.length), ...body];
  };

  /** The kernels a helper calls, each a WebAssembly trap (`unreachable`): what a bug in one would look like. */
  function trappingKernels(): object {
    const [i32, f64] = [0x7f, 0x7c];
    const product = Array<number>(13).fill(i32);
    const sgd = [i32, i32, i32, i32, f64, f64, f64];
    const gather = Array<number>(8).fill(i32);
    const kernels: [string, number[]][] = [
      ['product_f64', product], ['product_f32', product], ['sgd_f64', sgd], ['sgd_f32', sgd], ['gather_f64', gather], ['gather_f32', gather],
    ];
    const bytes = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, kernels.map(([, parameters]) => [0x60, ...leb(parameters.length), ...parameters, 0x00])),
      ...section(3, kernels.map((_, index) => leb(index))),
      ...section(7, kernels.map(([name], index) => [...leb(name.length), ...Buffer.from(name), 0x00, ...leb(index)])),
      ...section(10, kernels.map(() => [0x03, 0x00, 0x00, 0x0b])), // no locals; unreachable; end
    ]);
    // The WebAssembly API (the project's `lib` has no DOM types, where it is declared).
    const api = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
    return new api.Module(bytes);
  }

  it('stops the run with the kernels\' message, not a bare WebAssembly trap', async () => {
    const module = trappingKernels();
    const start: KernelHelpers['start'] = (data, count) => startKernelHelpers({ ...data, module }, count);
    await expect(trained('f32', OPTIMIZERS[1], 2, start)).rejects.toThrow('matrix kernels: a helper thread failed');
  });
});
