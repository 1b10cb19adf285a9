// matmul.ts (register-tiled TypeScript), the SIMD kernels and the reference's plain loops give the same f64 bits.
//
// Three independent implementations of the same fixed summation order agreeing
// to the last bit on odd shapes is the evidence that a run's numbers do not
// depend on which kernels a machine can run.

import { describe, expect, it } from 'vitest';
import { createSimdKernels } from '../../server/src/engine/kernels';
import { plainProducts } from '../../server/src/nn/backprop';
import { multiply, multiplyTransposedLeft, multiplyTransposedRight } from '../support/matmul';
import { Rng } from '../../server/src/nn/rng';

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 4, 4],
  [9, 13, 6],
  [17, 2, 33],
  [64, 32, 128],
];

function random(length: number, rng: Rng): Float64Array {
  return Float64Array.from({ length }, () => rng.uniform(-1, 1) * 10 ** rng.int(4));
}

const IMPLEMENTATIONS = {
  'wasm-simd': createSimdKernels('f64', false)!,
  reference: { ...plainProducts('f64'), allocate: (length: number) => new Float64Array(length) },
};

describe.each(['wasm-simd', 'reference'] as const)('matmul.ts against the %s products', (implementation) => {
  const kernels = IMPLEMENTATIONS[implementation];
  const copy = (values: Float64Array) => {
    const vector = kernels.allocate(values.length);
    vector.set(values);
    return vector;
  };

  it.each(SHAPES)('m=%i n=%i k=%i: W a, Wᵀ δ, δ aᵀ and δ aᵀ accumulated are bit-identical', (m, n, k) => {
    const rng = new Rng(m * 1000 + n * 10 + k);
    const a = random(m * k, rng);
    const b = random(k * n, rng);
    const left = random(k * m, rng);
    const right = random(n * k, rng);
    const start = random(m * n, rng);

    const ours = new Float64Array(m * n);
    const theirs = kernels.allocate(m * n);
    multiply(ours, a, b, m, n, k);
    kernels.multiply(theirs, copy(a), copy(b), m, n, k);
    expect(Array.from(theirs)).toEqual(Array.from(ours));

    multiplyTransposedLeft(ours, left, b, m, n, k);
    kernels.multiplyTransposedLeft(theirs, copy(left), copy(b), m, n, k);
    expect(Array.from(theirs)).toEqual(Array.from(ours));

    multiplyTransposedRight(ours, a, right, m, n, k, false);
    kernels.multiplyTransposedRight(theirs, copy(a), copy(right), m, n, k, false);
    expect(Array.from(theirs)).toEqual(Array.from(ours));

    ours.set(start);
    theirs.set(start);
    multiplyTransposedRight(ours, a, right, m, n, k, true);
    kernels.multiplyTransposedRight(theirs, copy(a), copy(right), m, n, k, true);
    expect(Array.from(theirs)).toEqual(Array.from(ours));
  });
});
