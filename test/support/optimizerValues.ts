// The numbers the optimizer kernels' tests feed both sides (test/engine/optimizer.test.ts, penalty.test.ts), the reference's updates, and how they compare the results.
import type { OptimizerSpec, Precision } from '../../server/src/language/model';
import type { Vector } from '../../server/src/nn/activations';
import { createOptimizer } from '../../server/src/nn/optimizers';

/**
 * `length` seeded values spread over twenty binary orders of magnitude, both signs; with `specials`, about one in
 * eleven is a value that tests the edges: ±0, subnormals of both precisions, huge values, infinity, NaN.
 */
export function values(length: number, seed: number, specials: boolean): number[] {
  let s = seed;
  const out: number[] = [];
  const odd = [0, -0, 1e-40, -3e-39, 1e30, -1e30, 3e38, Infinity, NaN, 5e-324];
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(specials && s % 11 === 0 ? odd[s % odd.length] : (s / 4294967296 - 0.5) * 2 ** ((s >>> 5) % 20 - 10));
  }
  return out;
}

/** How many elements differ in their bits (Object.is: −0 is not +0, NaN is NaN); Infinity when the lengths differ. */
export function differing(x: number[], y: number[]): number {
  if (x.length !== y.length) return Infinity;
  return x.filter((v, i) => !Object.is(v, y[i])).length;
}

/** The seeded starting values of an optimizer's state array `index` (sgd's velocity 0; adam's m 0 and v 1, which is kept ≥ 0 as a real v is). */
export function stateValues(length: number, index: number, specials: boolean): number[] {
  const v = values(length, 3 + index, specials);
  return index === 1 ? v.map(Math.abs) : v;
}

/**
 * Three updates of one array by optimizers.ts itself (the reference), from the values above: parameters, gradients
 * and optimizer state, concatenated. `beforeStep` runs on each update's gradient sum first (the penalty pass).
 */
export function referenceUpdates(
  precision: Precision, spec: OptimizerSpec, length: number, specials: boolean, batch: number,
  beforeStep?: (theta: Vector, gradient: Vector) => void,
): number[] {
  const type = precision === 'f32' ? Float32Array : Float64Array;
  const states: Vector[] = [];
  const optimizer = createOptimizer(spec, [length], (n) => {
    const v = new type(stateValues(n, states.length, specials));
    states.push(v);
    return v;
  });
  const theta = new type(values(length, 1, specials));
  const gradient = new type(length);
  for (let update = 1; update <= 3; update++) {
    gradient.set(values(length, 10 + update, specials));
    beforeStep?.(theta, gradient);
    optimizer.apply(0, theta, gradient, batch, update);
  }
  return [...theta, ...gradient, ...states.flatMap((s) => [...s])];
}
