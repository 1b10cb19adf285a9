// With helper threads the SIMD kernels split large products between threads, and the numbers stay the same bit for bit whatever the thread count.
import { describe, expect, it } from 'vitest';
import { createSimdKernels, type SimdKernels } from '../../server/src/engine/kernels';
import type { KernelHelpers } from '../../server/src/engine/threads';
import type { Vector } from '../../server/src/nn/activations';
import type { Precision } from '../../server/src/nn/fastPath';
import { startKernelHelpers } from '../../server/src/training/kernelHelpers';

/** The SIMD kernels (they run in Node), with `helpers` when given. */
function simd(precision: Precision, helpers?: KernelHelpers): SimdKernels {
  const kernels = createSimdKernels(precision, false, helpers);
  if (!kernels) throw new Error('WebAssembly SIMD does not run here');
  return kernels;
}

/** Polls (with a deadline, never a fixed sleep) until the helpers have started. */
async function whenThreads(kernels: SimdKernels, threads: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (kernels.threads !== threads) {
    if (Date.now() > deadline) throw new Error(`helpers did not start: ${kernels.threads} of ${threads} threads`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function filled(kernels: SimdKernels, length: number, seed: number): Vector {
  const v = kernels.allocate(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v[i] = (s / 4294967296 - 0.5) * 2 ** ((s >>> 7) % 9 - 4);
  }
  return v;
}

/** Every product of the trainer on one shape: forward, deltas, gradient stored and accumulated. */
function allProducts(kernels: SimdKernels, m: number, n: number, k: number): number[] {
  const out: number[] = [];
  const c = kernels.allocate(m * n);
  kernels.multiply(c, filled(kernels, m * k, 1), filled(kernels, k * n, 2), m, n, k);
  out.push(...c);
  kernels.multiplyTransposedLeft(c, filled(kernels, k * m, 4), filled(kernels, k * n, 5), m, n, k);
  out.push(...c);
  kernels.multiplyTransposedRight(c, filled(kernels, m * k, 6), filled(kernels, n * k, 7), m, n, k, false);
  out.push(...c);
  kernels.multiplyTransposedRight(c, filled(kernels, m * k, 8), filled(kernels, n * k, 9), m, n, k, true);
  out.push(...c);
  return out;
}

// Large enough to be shared (≥ 2¹⁷ multiply-adds): cut by rows where m > n, by columns else, with
// row and column counts that leave ragged ranges.
const SHAPES: [number, number, number][] = [[256, 64, 784], [131, 33, 65], [33, 131, 65], [10, 784, 64], [7, 17, 2000]];

describe.each(['f64', 'f32'] as Precision[])('%s kernels with helper threads', (precision) => {
  it.each([1, 2, 3])('%i helper(s) give the numbers of one thread, bit for bit', async (helpers) => {
    const single = simd(precision);
    const shared = simd(precision, { start: startKernelHelpers, count: helpers });
    await whenThreads(shared, helpers + 1);
    for (const [m, n, k] of SHAPES) {
      const expected = allProducts(single, m, n, k);
      const actual = allProducts(shared, m, n, k);
      let differing = 0;
      for (let i = 0; i < expected.length; i++) if (!Object.is(expected[i], actual[i])) differing++;
      expect(differing, `${m}×${n}×${k}`).toBe(0);
    }
    expect(shared.threads).toBe(helpers + 1);
  });

  it.each([1, 2, 3])('%i helper(s) give the sgd pass of one thread, bit for bit (shared when ≥ 2¹⁵ parameters)', async (helpers) => {
    const single = simd(precision);
    const shared = simd(precision, { start: startKernelHelpers, count: helpers });
    await whenThreads(shared, helpers + 1);
    for (const n of [50_003, 32_768, 1_000]) {
      const states = [single, shared].map((kernels) => {
        const [theta, gradient, velocity] = [filled(kernels, n, 21), filled(kernels, n, 22), filled(kernels, n, 23)];
        // Two steps: the second reads the velocity the first wrote.
        kernels.sgdUpdate(theta, gradient, velocity, 64, 0.9, 0.05);
        gradient.set(filled(kernels, n, 24));
        kernels.sgdUpdate(theta, gradient, velocity, 7, 0.9, 0.05);
        return [...theta, ...gradient, ...velocity];
      });
      expect(states[1].filter((v, i) => !Object.is(v, states[0][i])).length, `${n} parameters`).toBe(0);
      expect(states[0].some((v, i) => i < n && v !== 0)).toBe(true);
    }
  });
});
