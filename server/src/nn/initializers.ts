// Initial weights, drawn from the run's seed: xavier, he, uniform or zeros (docs/language.md §4.3). Biases start at 0.

import type { Init } from '../language/model';
import type { Vector } from './activations';
import type { Rng } from './rng';

/** Half-width of the uniform range the weights of an n_out × n_in layer are drawn from. */
export function initLimit(init: Init, inputs: number, units: number): number {
  switch (init) {
    case 'xavier':
      return Math.sqrt(6 / (inputs + units)); // Glorot & Bengio: keeps the variance of a and δ across layers
    case 'he':
      return Math.sqrt(6 / inputs); // He et al.: twice the variance, for units that are zero half the time
    case 'uniform':
      return 0.5;
    case 'zeros':
      return 0;
  }
}

/** Fills `weights` (row-major, units × inputs) with uniform draws in ±limit, in row-major order. */
export function initializeWeights(weights: Vector, init: Init, inputs: number, units: number, rng: Rng): void {
  const limit = initLimit(init, inputs, units);
  for (let i = 0; i < units * inputs; i++) weights[i] = limit === 0 ? 0 : rng.uniform(-limit, limit);
}
