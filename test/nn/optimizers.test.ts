// The optimizers under a schedule (docs/language.md §7.3): when the rate changes between updates, sgd with
// momentum follows torch.optim.SGD (u ← μu + g, θ ← θ − η u, at each update's η), adam reads the new rate
// afresh, and the parameters of every layer step with their own state. test/nn/sgd-step.test.ts holds the
// updates at a constant rate on every path.

import { describe, expect, it } from 'vitest';
import type { OptimizerSpec } from '../../server/src/language/model';
import { createOptimizer } from '../../server/src/nn/optimizers';

const allocate = (n: number) => new Float64Array(n);
const START = [0.3, -0.2, 0.5];
/** The batch sums of the gradient at three updates, for a batch of 2 (the optimizer takes the mean). */
const SUMS = [
  [0.4, -1, 0.2],
  [0.1, 0.6, -0.8],
  [-0.5, 0.2, 0.3],
];
const RATES = [0.5, 0.2, 0.35];

/** θ after each update, at RATES[t] for update t, by the optimizer under test (setRate before each update). */
function trajectory(spec: OptimizerSpec): number[][] {
  const optimizer = createOptimizer(spec, [START.length], allocate);
  const θ = Float64Array.from(START);
  return SUMS.map((sum, t) => {
    optimizer.setRate(RATES[t]);
    optimizer.apply(0, θ, Float64Array.from(sum), 2, t + 1);
    return [...θ];
  });
}

function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((θ, t) => expect(θ, `update ${t + 1}`).toEqual(expected[t].map((v) => expect.closeTo(v, 14))));
}

describe('a rate that changes between updates (a schedule)', () => {
  it('sgd with momentum steps as torch.optim.SGD does: u ← μu + g, θ ← θ − η u with the new η', () => {
    const μ = 0.9;
    const θ = [...START];
    let u = [0, 0, 0];
    const expected = SUMS.map((sum, t) => {
      const g = sum.map((s) => s / 2);
      u = t === 0 ? g : u.map((u_, i) => μ * u_ + g[i]);
      u.forEach((u_, i) => (θ[i] -= RATES[t] * u_));
      return [...θ];
    });
    expectClose(trajectory({ kind: 'sgd', rate: RATES[0], momentum: μ }), expected);
  });

  it('plain sgd steps θ ← θ − η g at each update’s rate', () => {
    const θ = [...START];
    const expected = SUMS.map((sum, t) => {
      sum.forEach((s, i) => (θ[i] -= RATES[t] * (s / 2)));
      return [...θ];
    });
    expectClose(trajectory({ kind: 'sgd', rate: RATES[0], momentum: 0 }), expected);
  });

  it('adam reads the rate afresh: θ ← θ − η_t m̂ / (√v̂ + ε)', () => {
    const [β1, β2, ε] = [0.9, 0.999, 1e-8];
    const θ = [...START];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const expected = SUMS.map((sum, t) => {
      sum.forEach((s, i) => {
        const g = s / 2;
        m[i] = β1 * m[i] + (1 - β1) * g;
        v[i] = β2 * v[i] + (1 - β2) * g * g;
        θ[i] -= (RATES[t] * (m[i] / (1 - β1 ** (t + 1)))) / (Math.sqrt(v[i] / (1 - β2 ** (t + 1))) + ε);
      });
      return [...θ];
    });
    expectClose(trajectory({ kind: 'adam', rate: RATES[0], beta1: β1, beta2: β2, epsilon: ε }), expected);
  });

  it('reports the rate it was set to', () => {
    for (const spec of [{ kind: 'sgd', rate: 0.1, momentum: 0.5 }, { kind: 'adam', rate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }] as OptimizerSpec[]) {
      const optimizer = createOptimizer(spec, [1], allocate);
      expect(optimizer.rate).toBe(0.1);
      optimizer.setRate(0.025);
      expect(optimizer.rate).toBe(0.025);
    }
  });
});

describe('the state of each parameter array', () => {
  const specs: OptimizerSpec[] = [
    { kind: 'sgd', rate: 0.3, momentum: 0.8 },
    { kind: 'adam', rate: 0.05, beta1: 0.8, beta2: 0.9, epsilon: 1e-6 },
  ];

  it.each(specs)('$kind: two layers stepped by one optimizer move as each would alone, and the gradient shown is the batch mean', (spec) => {
    const both = createOptimizer(spec, [2, 1], allocate);
    const alone = [createOptimizer(spec, [2], allocate), createOptimizer(spec, [1], allocate)];
    const θ = [Float64Array.from([0.1, -0.4]), Float64Array.from([0.7])];
    const θAlone = θ.map((p) => Float64Array.from(p));
    for (let update = 1; update <= 3; update++) {
      θ.forEach((p, slot) => {
        const sum = Float64Array.from(p, (x, i) => 4 * x + i + update);
        const sumAlone = Float64Array.from(sum);
        both.apply(slot, p, sum, 4, update);
        alone[slot].apply(0, θAlone[slot], sumAlone, 4, update);
        expect(sum, 'the summed gradient is replaced by its mean').toEqual(Float64Array.from(sumAlone));
        expect([...sum]).toEqual([...p].map((_x, i) => expect.closeTo(sumAlone[i], 15)));
      });
    }
    expect(θ).toEqual(θAlone);
    expect([...both.state(0)[0]]).toEqual([...alone[0].state(0)[0]]);
  });

  it.each(specs)('$kind: a section of a slot steps with that part of the slot’s state, as the whole slot would', (spec) => {
    const whole = createOptimizer(spec, [4], allocate);
    const parts = createOptimizer(spec, [4], allocate);
    const θWhole = Float64Array.from([0.2, -0.1, 0.4, 0.9]);
    const θParts = Float64Array.from(θWhole);
    const [first, second] = [parts.section(0, 0, 3), parts.section(0, 3, 1)];
    for (let update = 1; update <= 3; update++) {
      const sum = Float64Array.from(θWhole, (x, i) => x * 2 - i * update);
      whole.apply(0, θWhole, Float64Array.from(sum), 2, update);
      first.apply(θParts.subarray(0, 3), sum.subarray(0, 3), 2, update);
      second.apply(θParts.subarray(3, 4), sum.subarray(3, 4), 2, update);
    }
    expect(θParts).toEqual(θWhole);
    whole.state(0).forEach((state, i) => expect(parts.state(0)[i]).toEqual(state));
  });
});
