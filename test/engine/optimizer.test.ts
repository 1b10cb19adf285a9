// The SIMD optimizer passes give the numbers of optimizers.ts's loops (the reference), bit for bit, in both precisions.
import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../server/src/language/model';
import { createSimdKernels, type SimdKernels } from '../../server/src/engine/kernels';
import type { Vector } from '../../server/src/nn/activations';
import type { Precision } from '../../server/src/nn/fastPath';
import { differing, referenceUpdates, stateValues, values } from '../support/optimizerValues';

const SPECS: OptimizerSpec[] = [
  { kind: 'sgd', rate: 0.1, momentum: 0 },
  { kind: 'sgd', rate: 0.037, momentum: 0.9 },
  { kind: 'adam', rate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  { kind: 'adam', rate: 0.3, beta1: 0.5, beta2: 0.75, epsilon: 1e-3 },
];

/** Three updates of one array through the kernels; returns parameters, gradients and optimizer state, concatenated. */
function withKernels(kernels: SimdKernels, spec: OptimizerSpec, length: number, specials: boolean, batch: number): number[] {
  const make = (numbers: number[]): Vector => {
    const v = kernels.allocate(length);
    v.set(numbers);
    return v;
  };
  const theta = make(values(length, 1, specials)), state1 = make(stateValues(length, 0, specials)), state2 = make(stateValues(length, 1, specials));
  const gradient = kernels.allocate(length);
  let beta1Power = 1, beta2Power = 1;
  for (let update = 1; update <= 3; update++) {
    gradient.set(values(length, 10 + update, specials));
    if (spec.kind === 'sgd') {
      kernels.sgdUpdate(theta, gradient, state1, batch, spec.momentum, spec.rate);
    } else {
      beta1Power *= spec.beta1;
      beta2Power *= spec.beta2;
      kernels.adamUpdate(theta, gradient, state1, state2, batch, spec.beta1, spec.beta2, spec.rate, spec.epsilon, 1 - beta1Power, 1 - beta2Power);
    }
  }
  return [...theta, ...gradient, ...state1, ...(spec.kind === 'adam' ? state2 : [])];
}

describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
  const wasm = createSimdKernels(precision, false);
  if (!wasm) throw new Error('WebAssembly SIMD does not run here');
  for (const spec of SPECS) {
    it(`${JSON.stringify(spec)}: wasm and optimizers.ts agree in every bit`, () => {
      // Batch sizes with and without an exact reciprocal, and 1 (the mean is the sum).
      for (const batch of [7, 64, 1, 100, 2 ** 20]) {
        for (const length of [1, 3, 4, 7, 65, 1000]) {
          for (const specials of [false, true]) {
            const reference = referenceUpdates(precision, spec, length, specials, batch);
            const where = `batch ${batch}, length ${length}, specials ${specials}`;
            expect(differing(withKernels(wasm, spec, length, specials, batch), reference), `wasm, ${where}`).toBe(0);
          }
        }
      }
    });
  }

  it('updates ordinary typed arrays the same as vectors in kernel memory', () => {
    const type = precision === 'f32' ? Float32Array : Float64Array;
    const theta = new type(values(9, 1, false)), gradient = new type(values(9, 2, false)), velocity = new type(values(9, 3, false));
    const [t2, g2, v2] = [theta, gradient, velocity].map((a) => { const v = wasm.allocate(9); v.set(a); return v; });
    wasm.sgdUpdate(theta, gradient, velocity, 4, 0.5, 0.1);
    wasm.sgdUpdate(t2, g2, v2, 4, 0.5, 0.1);
    expect(differing([...theta, ...gradient, ...velocity], [...t2, ...g2, ...v2])).toBe(0);
    expect(theta[0]).not.toBe(values(9, 1, false)[0]);
  });
});
