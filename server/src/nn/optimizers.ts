// Optimizers: how a layer's parameters move given their gradient (sgd with momentum, adam).

import type { OptimizerSpec } from '../language/model';
import type { Vector } from './activations';
import type { OptimizerPasses } from './fastPath';

export interface Optimizer {
  /**
   * Moves `parameters` against the gradient ∂L/∂θ = gradientSum / batchSize (the
   * sum over the batch's samples, averaged here in the same pass, and written
   * back so the layer shows the mean). `slot` identifies the parameter array
   * (each keeps its own velocity or moments); `update` is the 1-based count of updates so far.
   */
  apply(slot: number, parameters: Vector, gradientSum: Vector, batchSize: number, update: number): void;
  /**
   * The same step over elements [start, start + length) of a slot's arrays (one layer's W or b
   * within the parameter block), with views of its state made once, here.
   */
  section(slot: number, start: number, length: number): OptimizerSection;
  /** The state kept for a slot: sgd's velocity, or adam's first and second moments (for the batch program, which moves them too). */
  state(slot: number): Vector[];
  /** The learning rate η of the next updates. */
  readonly rate: number;
  /**
   * A new η for the next updates (a schedule's, docs/language.md §7.3). sgd with momentum also
   * rescales its velocity by η_new/η_old, so that v = −η u holds for PyTorch's u (the running
   * sum of gradients its SGD keeps) at the new rate too.
   */
  setRate(rate: number): void;
}

/** An optimizer's step on a section of its parameters (Optimizer.section). */
export interface OptimizerSection {
  apply(parameters: Vector, gradientSum: Vector, batchSize: number, update: number): void;
}

type Allocate = (length: number) => Vector;

/**
 * One optimizer for a list of parameter arrays with the given lengths; all state is allocated here, once.
 * With a fast path's `passes`, each update runs as its pass, which gives the same bits as the loops below
 * (test/engine/optimizer.test.ts holds them equal).
 */
export function createOptimizer(
  spec: OptimizerSpec,
  lengths: number[],
  allocate: Allocate,
  passes?: OptimizerPasses,
): Optimizer {
  let learningRate = spec.rate;
  if (spec.kind === 'sgd') {
    const momentum = spec.momentum;
    const velocities = lengths.map((n) => allocate(n));
    // v ← μv − η ∂L/∂θ;  θ ← θ + v   (plain sgd when μ = 0: θ ← θ − η ∂L/∂θ)
    const step = (parameters: Vector, gradient: Vector, velocity: Vector, batchSize: number): void => {
      if (passes) return passes.sgdUpdate(parameters, gradient, velocity, batchSize, momentum, learningRate);
      for (let i = 0; i < parameters.length; i++) {
        const g = (gradient[i] /= batchSize);
        velocity[i] = momentum * velocity[i] - learningRate * g;
        parameters[i] += velocity[i];
      }
    };
    return {
      state: (slot) => [velocities[slot]],
      apply: (slot, parameters, gradient, batchSize) => step(parameters, gradient, velocities[slot], batchSize),
      section(slot, start, length) {
        const velocity = velocities[slot].subarray(start, start + length);
        return { apply: (parameters, gradient, batchSize) => step(parameters, gradient, velocity, batchSize) };
      },
      get rate() {
        return learningRate;
      },
      setRate(rate) {
        if (momentum !== 0 && rate !== learningRate) {
          const ratio = rate / learningRate;
          for (const velocity of velocities) for (let i = 0; i < velocity.length; i++) velocity[i] *= ratio;
        }
        learningRate = rate;
      },
    };
  }
  const { beta1, beta2, epsilon } = spec;
  const firstMoments = lengths.map((n) => allocate(n));
  const secondMoments = lengths.map((n) => allocate(n));
  // β^t by repeated multiplication rather than Math.pow, so it is exact to the last bit everywhere.
  let beta1Power = 1;
  let beta2Power = 1;
  let powerUpdate = 0;
  // m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  θ ← θ − η m̂ / (√v̂ + ε), m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)
  const step = (parameters: Vector, gradient: Vector, m: Vector, v: Vector, batchSize: number, update: number): void => {
    while (powerUpdate < update) {
      beta1Power *= beta1;
      beta2Power *= beta2;
      powerUpdate++;
    }
    const correction1 = 1 - beta1Power;
    const correction2 = 1 - beta2Power;
    if (passes) {
      return passes.adamUpdate(parameters, gradient, m, v, batchSize, beta1, beta2, learningRate, epsilon, correction1, correction2);
    }
    for (let i = 0; i < parameters.length; i++) {
      const g = (gradient[i] /= batchSize);
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      parameters[i] -= (learningRate * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
    }
  };
  return {
    state: (slot) => [firstMoments[slot], secondMoments[slot]],
    apply: (slot, parameters, gradient, batchSize, update) => step(parameters, gradient, firstMoments[slot], secondMoments[slot], batchSize, update),
    section(slot, start, length) {
      const m = firstMoments[slot].subarray(start, start + length);
      const v = secondMoments[slot].subarray(start, start + length);
      return { apply: (parameters, gradient, batchSize, update) => step(parameters, gradient, m, v, batchSize, update) };
    },
    get rate() {
      return learningRate;
    },
    setRate(rate) {
      learningRate = rate;
    },
  };
}
