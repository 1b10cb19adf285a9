// The trainer gives the same numbers, bit for bit, whichever matrix kernels run: WebAssembly SIMD or the plain TypeScript fallback.
import { describe, expect, it } from 'vitest';
import type { Activation } from '../../server/src/language/model';
import type { Precision } from '../../server/src/nn/kernels';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomOneHot, randomRows, settings, XOR_ROWS } from '../nn/helpers';

/** Everything a run reports that comes out of the products: losses, weights, biases, gradients, an explanation. */
function fingerprint(trainer: Trainer, x: number[], y: number[]): number[] {
  const result = trainer.train();
  const explanation = trainer.explain(x, y);
  return [
    ...result.history.flatMap((e) => [e.loss, e.accuracy ?? -1]),
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
