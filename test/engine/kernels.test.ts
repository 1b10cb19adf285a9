// The SIMD products give the reference's numbers (nn/backprop.ts plainProducts), bit for bit, and both equal the naive triple loop they promise; so do the epilogues the batch program fuses into them.
import { describe, expect, it } from 'vitest';
import { compiledKernels } from '../../server/src/engine';
import { createSimdKernels, type SimdKernels } from '../../server/src/engine/kernels';
import { EPILOGUE } from '../../server/src/engine/layout';
import type { Vector } from '../../server/src/nn/activations';
import { plainProducts, type Products } from '../../server/src/nn/backprop';
import type { Precision } from '../../server/src/nn/fastPath';
import { random as seeded } from '../support/random';

type Operation = 'multiply' | 'multiplyTransposedLeft' | 'multiplyTransposedRight' | 'accumulateTransposedRight';
const OPERATIONS: Operation[] = ['multiply', 'multiplyTransposedLeft', 'multiplyTransposedRight', 'accumulateTransposedRight'];
const PRECISIONS: Precision[] = ['f64', 'f32'];

/** The SIMD kernels of a precision (they run in Node: the test fails where they cannot). */
function simd(precision: Precision): SimdKernels {
  const kernels = createSimdKernels(precision, false);
  if (!kernels) throw new Error('WebAssembly SIMD does not run here');
  return kernels;
}

/** The plain loops, with typed arrays of the precision for operands. */
function plain(precision: Precision): Products & { allocate(length: number): Vector } {
  return { ...plainProducts(precision), allocate: (length) => (precision === 'f32' ? new Float32Array(length) : new Float64Array(length)) };
}

/** Values of several magnitudes and both signs, with exact zeros, so sums round differently in every order. */
function fill(vector: Vector, random: () => number): void {
  for (let i = 0; i < vector.length; i++) {
    const r = random();
    vector[i] = r < 0.05 ? 0 : (random() - 0.5) * 10 ** Math.floor(random() * 6 - 3);
  }
}

/** The operands of one operation: A, B (as the product takes them), C's initial value. */
interface Case {
  operation: Operation;
  m: number;
  n: number;
  k: number;
  a: number[];
  b: number[];
  c: number[];
}

function makeCase(operation: Operation, m: number, n: number, k: number, seed: number, values?: (v: Vector) => void): Case {
  const random = seeded(seed);
  const make = (length: number): number[] => {
    const v = new Float64Array(length);
    fill(v, random);
    values?.(v);
    return Array.from(v);
  };
  return { operation, m, n, k, a: make(m * k), b: make(k * n), c: make(m * n) };
}

/**
 * Runs a case on products, with operands allocated by them (in the SIMD kernels' memory) or, `foreign`,
 * in ordinary arrays; returns C.
 */
function run(products: Products & { allocate(length: number): Vector }, precision: Precision, test: Case, foreign = false): number[] {
  const make = (values: number[]): Vector => {
    const v = foreign ? (precision === 'f32' ? new Float32Array(values.length) : new Float64Array(values.length)) : products.allocate(values.length);
    v.set(values);
    return v;
  };
  const { m, n, k } = test;
  const a = make(test.a), b = make(test.b), c = make(test.c);
  switch (test.operation) {
    case 'multiply': products.multiply(c, a, b, m, n, k); break;
    case 'multiplyTransposedLeft': products.multiplyTransposedLeft(c, a, b, m, n, k); break;
    case 'multiplyTransposedRight': products.multiplyTransposedRight(c, a, b, m, n, k, false); break;
    case 'accumulateTransposedRight': products.multiplyTransposedRight(c, a, b, m, n, k, true); break;
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
  const a = test.a.map(round), b = test.b.map(round), c0 = test.c.map(round);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) {
        const x = operation === 'multiplyTransposedLeft' ? a[t * m + i] : a[i * k + t];
        const y = operation.endsWith('TransposedRight') ? b[j * k + t] : b[t * n + j];
        sum = round(sum + round(x * y));
      }
      if (operation === 'accumulateTransposedRight') sum = round(c0[i * n + j] + sum);
      out[i * n + j] = sum;
    }
  }
  return [...out];
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

describe.each(PRECISIONS)('%s products', (precision) => {
  const wasm = simd(precision);
  const reference = plain(precision);

  it('run WebAssembly SIMD in Node, in the precision asked for', () => {
    expect(wasm.precision).toBe(precision);
    expect(wasm.allocate(3)).toBeInstanceOf(precision === 'f32' ? Float32Array : Float64Array);
  });

  it.each(OPERATIONS)('%s: WebAssembly, the reference and the naive loop agree in every bit on every shape', (operation) => {
    let seed = 1;
    for (const [m, n, k] of shapes) {
      const test = makeCase(operation, m, n, k, seed++);
      const expected = naive(precision, test);
      expect(differences(run(wasm, precision, test), expected), `wasm ${m}×${n}×${k}`).toEqual([]);
      expect(differences(run(reference, precision, test), expected), `reference ${m}×${n}×${k}`).toEqual([]);
    }
  });

  it.each(OPERATIONS)('%s: random shapes up to 100 agree in every bit', (operation) => {
    const random = seeded(precision === 'f32' ? 4242 : 2424);
    for (let trial = 0; trial < 12; trial++) {
      const [m, n, k] = [1, 2, 3].map(() => 1 + Math.floor(random() * 100));
      const test = makeCase(operation, m, n, k, 1000 + trial);
      expect(differences(run(wasm, precision, test), run(reference, precision, test)), `${m}×${n}×${k}`).toEqual([]);
      expect(differences(run(wasm, precision, test), naive(precision, test)), `${m}×${n}×${k}`).toEqual([]);
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
      expect(differences(run(wasm, precision, test), run(reference, precision, test)), `${m}×${n}×${k}`).toEqual([]);
      expect(differences(run(wasm, precision, test), naive(precision, test)), `${m}×${n}×${k}`).toEqual([]);
    }
  });

  it.each(OPERATIONS)('%s: ordinary typed arrays give the same numbers as vectors the kernels allocated', (operation) => {
    const test = makeCase(operation, 9, 21, 13, 5);
    expect(differences(run(wasm, precision, test, true), run(wasm, precision, test))).toEqual([]);
  });

  it('works on rows of a larger allocation (subarrays) and writes nothing outside C', () => {
    for (const products of [wasm, reference]) {
      const [m, n, k] = [5, 11, 6];
      const a = products.allocate(m * k + 3).subarray(3);
      const b = products.allocate(k * n);
      const whole = products.allocate(m * n + 2);
      fill(a, seeded(1));
      fill(b, seeded(2));
      whole.fill(7);
      const c = whole.subarray(1, 1 + m * n);
      products.multiply(c, a, b, m, n, k);
      expect([whole[0], whole[m * n + 1]]).toEqual([7, 7]);
      const expected = naive(precision, { operation: 'multiply', m, n, k, a: Array.from(a), b: Array.from(b), c: [] });
      expect(differences(c, expected)).toEqual([]);
    }
  });

  it('keeps earlier vectors valid when the memory grows', () => {
    const kernels = simd(precision);
    const early = kernels.allocate(4);
    early.set([1, 2, 3, 4]);
    const big = kernels.allocate(3_000_000); // forces the memory to grow by megabytes
    big[big.length - 1] = 5;
    const c = kernels.allocate(1);
    kernels.multiply(c, early, early, 1, 1, 4); // a 1×4 row times a 4×1 column: 1+4+9+16
    expect([...early, c[0], big[big.length - 1]]).toEqual([1, 2, 3, 4, 30, 5]);
  });

  it('rejects operands of the wrong precision or too short for the shape', () => {
    const other = precision === 'f32' ? new Float64Array(16) : new Float32Array(16);
    const short = wasm.allocate(5);
    const ok = wasm.allocate(16);
    expect(() => wasm.multiply(ok, other, ok, 4, 4, 4)).toThrow(TypeError);
    expect(() => wasm.multiply(ok, short, ok, 4, 4, 4)).toThrow(/A: 5 elements, the product needs 16/);
    expect(() => wasm.multiplyTransposedRight(short, ok, ok, 4, 4, 4, false)).toThrow(RangeError);
    expect(() => wasm.multiply(ok, ok, ok, 2.5, 1, 1)).toThrow(RangeError);
  });
});

it('f32 products compute in single precision, not in f64 rounded at the end', () => {
  // 1 + 2⁻²⁴ is 1 in f32; summed twice in f64 first it would round to 1 + 2⁻²³.
  const tiny = 2 ** -24;
  for (const products of [simd('f32'), plain('f32')]) {
    const a = products.allocate(3), b = products.allocate(3), c = products.allocate(1);
    a.set([1, tiny, tiny]);
    b.set([1, 1, 1]);
    products.multiply(c, a, b, 1, 1, 3);
    expect(c[0]).toBe(1);
  }
});

describe.each(PRECISIONS)('%s epilogues (the batch program fuses them into its products)', (precision) => {
  // The kernels' module on a memory of its own, its exports called as wasm/batches.ts calls them.
  type Exported = (c: number, cStride: number, p: number, pRow: number, pStep: number, q: number, qStride: number,
    m: number, n: number, k: number, mode: number, bias: number, other: number) => void;
  const api = (globalThis as unknown as { WebAssembly: {
    Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
    Instance: new (module: object, imports: object) => { exports: Record<string, Exported> };
  } }).WebAssembly;
  const memory = new api.Memory({ initial: 16, maximum: 65536, shared: true });
  const exports = new api.Instance(compiledKernels()!, { env: { memory, exp: Math.exp, tanh: Math.tanh, log: Math.log, log1p: Math.log1p } }).exports;
  const product = precision === 'f32' ? exports.product_f32 : exports.product_f64;
  const view = (at: number, length: number): Vector => (precision === 'f32' ? new Float32Array(memory.buffer, at, length) : new Float64Array(memory.buffer, at, length));

  /** z = W a + b, then the epilogue's second output O: act(z), or δ ⊙ relu′(O) for the mask, against the plain loop and the formulas of activations.ts. */
  it.each([
    ['bias', EPILOGUE.bias], ['biasRelu', EPILOGUE.biasRelu], ['biasCopy', EPILOGUE.biasCopy], ['reluMask', EPILOGUE.reluMask],
  ] as const)('%s: the plain product followed by the formula, in every bit', (_name, mode) => {
    for (const [m, n, k] of [[7, 65, 3], [13, 17, 9], [4, 16, 64], [1, 1, 1]] as const) {
      const random = seeded(m * 100 + n + k);
      const values = (length: number) => Array.from({ length }, () => (random() < 0.1 ? 0 : (random() - 0.5) * 8));
      const [aAt, bAt, cAt, biasAt, otherAt] = [0, 1, 2, 3, 4].map((slot) => 64 + slot * 65536);
      const a = view(aAt, m * k), b = view(bAt, k * n), c = view(cAt, m * n), bias = view(biasAt, m), other = view(otherAt, m * n);
      a.set(values(m * k));
      b.set(values(k * n));
      bias.set(values(m));
      other.set(values(m * n));
      const z = [...other];
      product(cAt, n, aAt, k, 1, bAt, n, m, n, k, mode, biasAt, otherAt - cAt);
      const sums = precision === 'f32' ? new Float32Array(m * n) : new Float64Array(m * n);
      plainProducts(precision).multiply(sums, a, b, m, n, k);
      const store = (x: number) => (precision === 'f32' ? Math.fround(x) : x);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const at = i * n + j;
          const expected = mode === EPILOGUE.reluMask ? store(sums[at] * (z[at] > 0 ? 1 : 0)) : store(sums[at] + bias[i]);
          expect(Object.is(c[at], expected), `C[${i}][${j}] of ${m}×${n}×${k}`).toBe(true);
          if (mode === EPILOGUE.biasRelu) expect(Object.is(other[at], expected > 0 ? expected : 0)).toBe(true);
          if (mode === EPILOGUE.biasCopy) expect(Object.is(other[at], expected)).toBe(true);
        }
      }
    }
  });
});
