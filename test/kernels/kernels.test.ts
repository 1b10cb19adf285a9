// The matrix kernels give the same numbers, bit for bit, in WebAssembly SIMD and in TypeScript, and both equal the naive triple loop they promise.
import { describe, expect, it } from 'vitest';
import type { Vector } from '../../server/src/nn/activations';
import { createKernels, type MatrixKernels, type Precision } from '../../server/src/nn/kernels';
import { random as seeded } from '../support/random';

type Operation =
  | 'multiply' | 'multiplyAddBias' | 'multiplyTransposedLeft' | 'multiplyTransposedRight' | 'accumulateTransposedRight'
  | 'multiplyAddBiasRelu' | 'multiplyAddBiasLinear' | 'multiplyTransposedLeftRelu';
const OPERATIONS: Operation[] = [
  'multiply', 'multiplyAddBias', 'multiplyTransposedLeft', 'multiplyTransposedRight', 'accumulateTransposedRight',
  'multiplyAddBiasRelu', 'multiplyAddBiasLinear', 'multiplyTransposedLeftRelu',
];
const PRECISIONS: Precision[] = ['f64', 'f32'];

/** Values of several magnitudes and both signs, with exact zeros, so sums round differently in every order. */
function fill(vector: Vector, random: () => number): void {
  for (let i = 0; i < vector.length; i++) {
    const r = random();
    vector[i] = r < 0.05 ? 0 : (random() - 0.5) * 10 ** Math.floor(random() * 6 - 3);
  }
}

/** The operands of one operation: A, B (as the kernel takes them), C's initial value, the bias, z (for relu′). */
interface Case {
  operation: Operation;
  m: number;
  n: number;
  k: number;
  a: number[];
  b: number[];
  c: number[];
  bias: number[];
  z: number[];
}

function makeCase(operation: Operation, m: number, n: number, k: number, seed: number, values?: (v: Vector) => void): Case {
  const random = seeded(seed);
  const make = (length: number): number[] => {
    const v = new Float64Array(length);
    fill(v, random);
    values?.(v);
    return Array.from(v);
  };
  return { operation, m, n, k, a: make(m * k), b: make(k * n), c: make(m * n), bias: make(m), z: make(m * n) };
}

/**
 * Runs a case on kernels, with operands placed in the kernels' memory (or, `foreign`, in ordinary arrays);
 * returns C, followed by act(z) for the fused forward operations.
 */
function run(kernels: MatrixKernels, test: Case, foreign = false): number[] {
  const make = (values: number[]): Vector => {
    const v = foreign
      ? kernels.precision === 'f32' ? new Float32Array(values.length) : new Float64Array(values.length)
      : kernels.allocate(values.length);
    v.set(values);
    return v;
  };
  const { m, n, k } = test;
  const a = make(test.a), b = make(test.b), c = make(test.c), bias = make(test.bias), z = make(test.z);
  switch (test.operation) {
    case 'multiply': kernels.multiply(c, a, b, m, n, k); break;
    case 'multiplyAddBias': kernels.multiplyAddBias(c, a, b, bias, m, n, k); break;
    case 'multiplyTransposedLeft': kernels.multiplyTransposedLeft(c, a, b, m, n, k); break;
    case 'multiplyTransposedRight': kernels.multiplyTransposedRight(c, a, b, m, n, k, false); break;
    case 'accumulateTransposedRight': kernels.multiplyTransposedRight(c, a, b, m, n, k, true); break;
    case 'multiplyAddBiasRelu': kernels.multiplyAddBiasActivate(c, z, a, b, bias, m, n, k, 'relu'); return [...c, ...z];
    case 'multiplyAddBiasLinear': kernels.multiplyAddBiasActivate(c, z, a, b, bias, m, n, k, 'linear'); return [...c, ...z];
    case 'multiplyTransposedLeftRelu': kernels.multiplyTransposedLeftRelu(c, a, b, z, m, n, k); break;
  }
  return [...c];
}

/**
 * The contract written as the plainest loop: one sum per element over t in
 * increasing order from +0, then the epilogue; f32 rounds every step.
 */
function naive(precision: Precision, test: Case): number[] {
  const round = precision === 'f32' ? Math.fround : (x: number) => x;
  const { m, n, k, operation } = test;
  const a = test.a.map(round), b = test.b.map(round), c0 = test.c.map(round), bias = test.bias.map(round), z = test.z.map(round);
  const out = new Float64Array(m * n);
  const activated = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) {
        const x = operation.startsWith('multiplyTransposedLeft') ? a[t * m + i] : a[i * k + t];
        const y = operation.endsWith('TransposedRight') ? b[j * k + t] : b[t * n + j];
        sum = round(sum + round(x * y));
      }
      if (operation.startsWith('multiplyAddBias')) sum = round(sum + bias[i]);
      if (operation === 'accumulateTransposedRight') sum = round(c0[i * n + j] + sum);
      if (operation === 'multiplyTransposedLeftRelu') sum = round(sum * (z[i * n + j] > 0 ? 1 : 0));
      out[i * n + j] = sum;
      activated[i * n + j] = operation === 'multiplyAddBiasRelu' ? (sum > 0 ? sum : 0) : sum;
    }
  }
  return operation === 'multiplyAddBiasRelu' || operation === 'multiplyAddBiasLinear' ? [...out, ...activated] : [...out];
}

/** Indexes where two results differ in any bit (Object.is: −0 ≠ +0, NaN = NaN). */
function differences(x: ArrayLike<number>, y: ArrayLike<number>): string[] {
  const out: string[] = [];
  if (x.length !== y.length) return [`length ${x.length} vs ${y.length}`];
  for (let i = 0; i < x.length && out.length < 5; i++) if (!Object.is(x[i], y[i])) out.push(`[${i}] ${x[i]} vs ${y[i]}`);
  return out;
}

const SIZES = [1, 3, 7, 65];
const shapes: [number, number, number][] = [];
for (const m of SIZES) for (const n of SIZES) for (const k of SIZES) shapes.push([m, n, k]);
// Shapes of the workloads (units, samples, inputs), and ones that straddle every tile edge.
shapes.push([256, 64, 784], [10, 64, 256], [128, 32, 64], [64, 32, 128], [10, 32, 64], [5, 9, 0], [13, 17, 2], [2, 33, 130]);

describe.each(PRECISIONS)('%s kernels', (precision) => {
  const wasm = createKernels(precision, 'wasm-simd');
  const typescript = createKernels(precision, 'typescript');

  it('runs WebAssembly SIMD by default in Node, with the TypeScript path available', () => {
    expect(createKernels(precision).implementation).toBe('wasm-simd');
    expect(wasm.precision).toBe(precision);
    expect(typescript.implementation).toBe('typescript');
    expect(wasm.allocate(3)).toBeInstanceOf(precision === 'f32' ? Float32Array : Float64Array);
  });

  it.each(OPERATIONS)('%s: WebAssembly, TypeScript and the naive loop agree in every bit on every shape', (operation) => {
    let seed = 1;
    for (const [m, n, k] of shapes) {
      const test = makeCase(operation, m, n, k, seed++);
      const expected = naive(precision, test);
      const fromWasm = run(wasm, test);
      const fromTypeScript = run(typescript, test);
      expect(differences(fromWasm, expected), `wasm ${m}×${n}×${k}`).toEqual([]);
      expect(differences(fromTypeScript, expected), `typescript ${m}×${n}×${k}`).toEqual([]);
    }
  });

  it.each(OPERATIONS)('%s: random shapes up to 100 agree in every bit', (operation) => {
    const random = seeded(precision === 'f32' ? 4242 : 2424);
    for (let trial = 0; trial < 12; trial++) {
      const [m, n, k] = [1, 2, 3].map(() => 1 + Math.floor(random() * 100));
      const test = makeCase(operation, m, n, k, 1000 + trial);
      expect(differences(run(wasm, test), run(typescript, test)), `${m}×${n}×${k}`).toEqual([]);
      expect(differences(run(wasm, test), naive(precision, test)), `${m}×${n}×${k}`).toEqual([]);
    }
  });

  it.each(OPERATIONS)('%s: signed zeros, subnormals, infinities, NaN and overflow come out the same', (operation) => {
    const specials = [-0, 0, 5e-324, -1e-310, 1e-45, -1.4e-45, Infinity, -Infinity, NaN, 3e38, -3e38, 1e300, 1e-300];
    const random = seeded(7);
    const sprinkle = (v: Vector): void => {
      for (let i = 0; i < v.length; i++) if (random() < 0.3) v[i] = specials[Math.floor(random() * specials.length)];
    };
    for (const [m, n, k] of [[7, 65, 3], [3, 7, 65], [65, 3, 7], [4, 16, 9]] as const) {
      const test = makeCase(operation, m, n, k, 99, sprinkle);
      expect(differences(run(wasm, test), run(typescript, test)), `${m}×${n}×${k}`).toEqual([]);
      expect(differences(run(wasm, test), naive(precision, test)), `${m}×${n}×${k}`).toEqual([]);
    }
  });

  it.each(OPERATIONS)('%s: ordinary typed arrays give the same numbers as vectors the kernels allocated', (operation) => {
    const test = makeCase(operation, 9, 21, 13, 5);
    const inPlace = run(wasm, test);
    expect(differences(run(wasm, test, true), inPlace)).toEqual([]);
    expect(differences(run(typescript, test, true), inPlace)).toEqual([]);
  });

  it('works on rows of a larger allocation (subarrays) and writes nothing outside C', () => {
    for (const kernels of [wasm, typescript]) {
      const [m, n, k] = [5, 11, 6];
      const a = kernels.allocate(m * k + 3).subarray(3);
      const b = kernels.allocate(k * n);
      const whole = kernels.allocate(m * n + 2);
      fill(a, seeded(1));
      fill(b, seeded(2));
      whole.fill(7);
      const c = whole.subarray(1, 1 + m * n);
      kernels.multiply(c, a, b, m, n, k);
      expect([whole[0], whole[m * n + 1]]).toEqual([7, 7]);
      const expected = naive(precision, { operation: 'multiply', m, n, k, a: Array.from(a), b: Array.from(b), c: [], bias: [], z: [] });
      expect(differences(c, expected)).toEqual([]);
    }
  });

  it('keeps earlier vectors valid when the memory grows', () => {
    const kernels = createKernels(precision, 'wasm-simd');
    const early = kernels.allocate(4);
    early.set([1, 2, 3, 4]);
    const big = kernels.allocate(3_000_000); // forces the memory to grow by megabytes
    big[big.length - 1] = 5;
    const c = kernels.allocate(1);
    kernels.multiply(c, early, early, 1, 1, 4); // a 1×4 row times a 4×1 column: 1+4+9+16
    expect([...early, c[0], big[big.length - 1]]).toEqual([1, 2, 3, 4, 30, 5]);
  });

  it('rejects operands of the wrong precision or too short for the shape, in both implementations', () => {
    for (const kernels of [wasm, typescript]) {
      const other = precision === 'f32' ? new Float64Array(16) : new Float32Array(16);
      const short = kernels.allocate(5);
      const ok = kernels.allocate(16);
      expect(() => kernels.multiply(ok, other, ok, 4, 4, 4)).toThrow(TypeError);
      expect(() => kernels.multiply(ok, short, ok, 4, 4, 4)).toThrow(/A: 5 elements, the product needs 16/);
      expect(() => kernels.multiplyTransposedRight(short, ok, ok, 4, 4, 4, false)).toThrow(RangeError);
      expect(() => kernels.multiply(ok, ok, ok, 2.5, 1, 1)).toThrow(RangeError);
    }
  });
});

it('f32 kernels compute in single precision, not in f64 rounded at the end', () => {
  // 1 + 2⁻²⁴ is 1 in f32; summed twice in f64 first it would round to 1 + 2⁻²³.
  const tiny = 2 ** -24;
  for (const implementation of ['wasm-simd', 'typescript'] as const) {
    const kernels = createKernels('f32', implementation);
    const a = kernels.allocate(3), b = kernels.allocate(3), c = kernels.allocate(1);
    a.set([1, tiny, tiny]);
    b.set([1, 1, 1]);
    kernels.multiply(c, a, b, 1, 1, 3);
    expect(c[0]).toBe(1);
  }
});
