// A network's matrices for one run, allocated once: every W and b as views of one parameter block (their gradients of another), z, a and δ of a chunk, and the initial weights (drawn from the seed, or given).

import type { Activation, LayerParameters, NetworkSpec } from '../language/model';
import type { Vector } from './activations';
import type { Layers } from './backprop';
import { initializeWeights } from './initializers';
import { Rng, STREAM } from './rng';

/** Each layer's W and b start on a multiple of this many elements in the parameter block (a 64-byte line in f32). */
const PIECE_ALIGN = 16;

/** Where the matrices live: ordinary arrays, or a fast path's memory (fastPath.ts). */
export interface Memory {
  allocate(length: number): Vector;
  allocateFloat64(length: number): Float64Array;
}

export interface NetworkMatrices extends Layers {
  /** Every W and b, and in the same places every ∂L/∂W and ∂L/∂b (the gaps between pieces stay 0). */
  parameterBlock: Vector;
  gradientBlock: Vector;
  /** ΔW⁽ᵏ⁾ of a recorded update (W after − W before), in f64 (index 0 unused). */
  weightUpdates: Float64Array[];
}

/**
 * The matrices of `network` for chunks of `capacity` samples, with W⁽ᵏ⁾ drawn from `seed` layer by
 * layer (initializers.ts) and every b, gradient and buffer zero; or, with `given` (`start from w`,
 * docs/language.md §7.1), W⁽ᵏ⁾ and b⁽ᵏ⁾ copied from it, rounded to the run's precision. W and b are
 * views of one block so the optimizer moves all parameters in one pass: its steps are elementwise,
 * so one pass gives the numbers of one pass per array.
 */
export function allocateNetwork(network: NetworkSpec, capacity: number, seed: number, memory: Memory, given: readonly LayerParameters[] | null = null): NetworkMatrices {
  const n = [network.input, ...network.layers.map((layer) => layer.units)];
  const L = network.layers.length;
  const pieceStart: number[] = [];
  let blockLength = 0;
  for (let k = 1; k <= L; k++) {
    pieceStart.push(blockLength);
    blockLength += Math.ceil((n[k] * n[k - 1]) / PIECE_ALIGN) * PIECE_ALIGN;
    pieceStart.push(blockLength);
    blockLength += Math.ceil(n[k] / PIECE_ALIGN) * PIECE_ALIGN;
  }
  const parameterBlock = memory.allocate(blockLength);
  const gradientBlock = memory.allocate(blockLength);
  const piece = (block: Vector, start: number, length: number): Vector => block.subarray(start, start + length);
  const empty = memory.allocate(0);
  const net: NetworkMatrices = {
    sizes: n,
    act: ['linear', ...network.layers.map((layer) => layer.activation)] as Activation[],
    weights: [empty], biases: [empty], weightGradients: [empty], biasGradients: [empty],
    preActivations: [empty], activations: [memory.allocate(n[0] * capacity)], deltas: [empty],
    targets: memory.allocate(n[L] * capacity),
    parameterBlock, gradientBlock, weightUpdates: [new Float64Array(0)],
  };
  const initRng = new Rng(seed, STREAM.init);
  for (let k = 1; k <= L; k++) {
    const [weightStart, biasStart] = [pieceStart[2 * (k - 1)], pieceStart[2 * (k - 1) + 1]];
    const weights = piece(parameterBlock, weightStart, n[k] * n[k - 1]);
    const biases = piece(parameterBlock, biasStart, n[k]);
    if (given !== null) {
      weights.set(given[k - 1].weights);
      biases.set(given[k - 1].biases);
    } else {
      initializeWeights(weights, network.layers[k - 1].init, n[k - 1], n[k], initRng);
    }
    net.weights.push(weights);
    net.biases.push(biases);
    net.weightGradients.push(piece(gradientBlock, weightStart, n[k] * n[k - 1]));
    net.biasGradients.push(piece(gradientBlock, biasStart, n[k]));
    net.weightUpdates.push(memory.allocateFloat64(n[k] * n[k - 1]));
    net.preActivations.push(memory.allocate(n[k] * capacity));
    net.deltas.push(memory.allocate(n[k] * capacity));
    net.activations.push(memory.allocate(n[k] * capacity));
  }
  return net;
}
