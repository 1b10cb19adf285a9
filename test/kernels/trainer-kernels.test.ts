// The trainer gives the same numbers, bit for bit, whichever matrix kernels run: WebAssembly SIMD or the plain TypeScript fallback.
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../server/src/language/model';
import type { Precision } from '../../server/src/nn/kernels';
import { Trainer } from '../../server/src/nn/trainer';
import { reportsOf } from '../../server/src/nn/history';
import { dataset, network, randomOneHot, randomRows, settings, XOR_ROWS } from '../nn/helpers';

/** Everything a run reports that comes out of the products: losses, weights, biases, gradients, an explanation. */
function fingerprint(trainer: Trainer, x: number[], y: number[]): number[] {
  const result = trainer.train();
  const explanation = trainer.explain(x, y);
  return [
    ...reportsOf(result.history).flatMap((e) => [e.loss, e.accuracy ?? -1]),
    ...result.layers.flatMap((l) => [...l.weights, ...l.biases, ...l.weightGradient]),
    ...explanation.deltas.flat(),
    ...explanation.output,
  ];
}

const CASES: { name: string; net: [number, [number, Activation][]]; rows: [number[], number[]][]; batch: number | 'full' }[] = [
  { name: 'xor 2-3-1 sigmoid, full batch', net: [2, [[3, 'sigmoid'], [1, 'sigmoid']]], rows: XOR_ROWS, batch: 'full' },
  { name: '13-9-7-3 odd sizes, batch 5', net: [13, [[9, 'tanh'], [7, 'leaky_relu'], [3, 'softmax']]], rows: randomRows(47, 13, 3, randomOneHot(3)), batch: 5 },
  { name: '40-65-4, batch larger than a chunk', net: [40, [[65, 'relu'], [4, 'linear']]], rows: randomRows(300, 40, 5, randomOneHot(4)), batch: 'full' },
];

describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
  it.each(CASES)('$name: wasm and TypeScript kernels train to the same bits', ({ net, rows, batch }) => {
    const spec = network(net[0], ...net[1]);
    const data = dataset(rows);
    const run = settings({ precision, batch, epochs: 4, optimizer: { kind: 'sgd', rate: 0.1, momentum: 0.5 } });
    const [x, y] = rows[0];
    const wasm = fingerprint(new Trainer(spec, data, run, { kernels: 'wasm-simd' }), x, y);
    const typescript = fingerprint(new Trainer(spec, data, run, { kernels: 'typescript' }), x, y);
    expect(wasm.length).toBe(typescript.length);
    expect(wasm.filter((v, i) => !Object.is(v, typescript[i])).length).toBe(0);
    expect(wasm.some((v) => v !== 0 && Number.isFinite(v))).toBe(true);
  });
});

describe('firstOutputs (the decision boundary grid)', () => {
  it.each([
    ['f64', 'wasm-simd'],
    ['f32', 'wasm-simd'],
    ['f64', 'typescript'],
  ] as const)('on a 4-row training set gives predict()’s numbers for 600 inputs, bit for bit (%s, %s)', (precision, kernels) => {
    // The training's buffers hold 4 columns; the grid goes through wider passes of its own.
    const trainer = new Trainer(network(2, [3, 'tanh'], [4, 'relu'], [1, 'sigmoid']), dataset(XOR_ROWS, { normalize: 'zscore' }), settings({ precision, batch: 'full', epochs: 20 }), { kernels });
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
});
