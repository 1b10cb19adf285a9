// The penalized optimizer passes of the batch program (docs/language.md §7.2) give the numbers of the reference, bit for bit:
// nn/regularization.ts penalizeGradient, then optimizers.ts's step with batch 1 (nn/trainer.ts applyUpdate), in both precisions.
//
// The batch program calls these kernels on each layer's weights; the whole-run tests (bits.test.ts, batches.test.ts) see
// them only with ordinary batch sizes and coefficients, so this drives every branch directly: sgd and adam, each term
// alone and both, coefficients too small for single precision (a run with a penalty whose f32 terms vanish), batch sizes
// with and without an exact reciprocal and beyond 2²⁴ (not exact in f32), lengths with every remainder, and special values.
import { describe, expect, it } from 'vitest';
import { compiledKernels } from '../../server/src/engine/kernels';
import type { OptimizerSpec, Precision, Regularization } from '../../server/src/language/model';
import type { Vector } from '../../server/src/nn/activations';
import { penalizeGradient } from '../../server/src/nn/regularization';
import { differing, referenceUpdates, stateValues, values } from '../support/optimizerValues';

interface PenalizedKernels {
  sgd_penalized_f64(...args: number[]): void;
  sgd_penalized_f32(...args: number[]): void;
  adam_penalized_f64(...args: number[]): void;
  adam_penalized_f32(...args: number[]): void;
}

/** The two WebAssembly APIs used here (the project's `lib` has no DOM types, where they are declared). */
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer };
    Instance: new (module: object, imports: object) => { exports: object };
  };
}).WebAssembly;

const SPECS: OptimizerSpec[] = [
  { kind: 'sgd', rate: 0.037, momentum: 0.9 },
  { kind: 'sgd', rate: 0.1, momentum: 0 },
  { kind: 'adam', rate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
];

const PENALTIES: Regularization[] = [
  { l1: 0, l2: 0.01 },
  { l1: 0.003, l2: 0 },
  { l1: 0.0005, l2: 0.02 },
  { l1: 1e-50, l2: 0 }, // nonzero, but 0 in single precision
];

/** Three updates through the kernel of `precision` in a fresh memory: parameters, gradients and state, concatenated. */
function withKernel(precision: Precision, spec: OptimizerSpec, penalty: Regularization, length: number, specials: boolean, batch: number): number[] {
  const memory = new wasm.Memory({ initial: 1, maximum: 65536, shared: true });
  const module = compiledKernels();
  if (!module) throw new Error('WebAssembly SIMD does not run here');
  const kernel = new wasm.Instance(module, { env: { memory, exp: Math.exp, tanh: Math.tanh, log: Math.log, log1p: Math.log1p } }).exports as unknown as PenalizedKernels;
  const type = precision === 'f32' ? Float32Array : Float64Array;
  const bytes = (length * type.BYTES_PER_ELEMENT + 15) & ~15;
  const arrays = [0, 1, 2, 3].map((k) => new type(memory.buffer, 1024 + k * bytes, length));
  const [theta, gradient, first, second] = arrays;
  theta.set(values(length, 1, specials));
  first.set(stateValues(length, 0, specials));
  second.set(stateValues(length, 1, specials));
  const at = (v: Vector): number => v.byteOffset;
  let beta1Power = 1, beta2Power = 1;
  for (let update = 1; update <= 3; update++) {
    gradient.set(values(length, 10 + update, specials));
    if (spec.kind === 'sgd') {
      kernel[`sgd_penalized_${precision}`](at(theta), at(gradient), at(first), length, batch, spec.momentum, spec.rate, penalty.l1, penalty.l2);
    } else {
      beta1Power *= spec.beta1;
      beta2Power *= spec.beta2;
      kernel[`adam_penalized_${precision}`](
        at(theta), at(gradient), at(first), at(second), length, batch,
        spec.beta1, 1 - spec.beta1, spec.beta2, 1 - spec.beta2, spec.rate, spec.epsilon, 1 - beta1Power, 1 - beta2Power, penalty.l1, penalty.l2,
      );
    }
  }
  return [...theta, ...gradient, ...first, ...(spec.kind === 'adam' ? second : [])];
}

/** The same as the reference trainer does it: the penalty pass, then the optimizer's step on the penalized mean (batch 1). */
function withReference(precision: Precision, spec: OptimizerSpec, penalty: Regularization, length: number, specials: boolean, batch: number): number[] {
  return referenceUpdates(precision, spec, length, specials, 1, (theta, gradient) => penalizeGradient(theta, gradient, batch, penalty, precision));
}

describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
  for (const spec of SPECS) {
    it(`${spec.kind}${spec.kind === 'sgd' ? ` momentum ${spec.momentum}` : ''} with every penalty: the batch program's kernel and the reference agree in every bit`, () => {
      for (const penalty of PENALTIES) {
        for (const batch of [7, 64, 1, 100, 2 ** 24, 2 ** 24 + 1]) {
          for (const length of [1, 3, 4, 5, 7, 65, 1000]) {
            for (const specials of [false, true]) {
              const where = `l1 ${penalty.l1}, l2 ${penalty.l2}, batch ${batch}, length ${length}, specials ${specials}`;
              const reference = withReference(precision, spec, penalty, length, specials, batch);
              expect(differing(withKernel(precision, spec, penalty, length, specials, batch), reference), where).toBe(0);
            }
          }
        }
      }
    });
  }

  it('the penalty moves the weights (the comparison above is not between two unpenalized runs)', () => {
    const spec = SPECS[0];
    const plain = withReference(precision, spec, { l1: 0, l2: 0 }, 65, false, 7);
    expect(differing(withKernel(precision, spec, PENALTIES[2], 65, false, 7), plain)).toBeGreaterThan(60);
  });
});

describe('f32: the penalty in single precision (docs/language.md §7.2)', () => {
  it('rounds each operation: g = f32(f32(Σg/B) + f32(λ2·w)) + λ1·sign(w), rounded, and not the double-precision sum rounded once', () => {
    // Singles chosen so that the double-precision sum rounded once is another single than the two roundings give.
    const w = Float32Array.of(1.6521743535995483);
    const sum = Float32Array.of(0.3520061671733856);
    const l2 = 5.111939458402048e-7;
    penalizeGradient(w, sum, 3, { l1: 0, l2 }, 'f32');
    const single = Math.fround(Math.fround(Math.fround(0.3520061671733856) / 3) + Math.fround(l2 * w[0]));
    const double = Math.fround(Math.fround(0.3520061671733856) / 3 + l2 * w[0]);
    expect(single).not.toBe(double);
    expect(sum[0]).toBe(single);
  });

  it('rounds λ1 and λ2 to single precision, and a term whose single is 0 adds nothing (a gradient of −0 stays −0)', () => {
    const w = Float32Array.of(0.5, -0.25, 0);
    const sum = Float32Array.of(-0, -0, -0);
    penalizeGradient(w, sum, 4, { l1: 1e-50, l2: 1e-50 }, 'f32');
    expect([...sum].map((g) => Object.is(g, -0))).toEqual([true, true, true]);
    const g = Float32Array.of(0, 0, 0);
    penalizeGradient(w, g, 1, { l1: 0.1, l2: 0 }, 'f32');
    expect([...g]).toEqual([Math.fround(0.1), -Math.fround(0.1), 0]);
  });
});
