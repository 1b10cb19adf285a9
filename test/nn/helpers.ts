// Builders for the trainer's inputs (network, data, settings) so tests state only what matters to them.

import type { Activation, Dataset, Init, NetworkSpec, TrainSettings } from '../../server/src/language/model';
import { Rng } from '../../server/src/nn/rng';
import { createTrainer, SIMD_KERNELS } from '../../server/src/engine';
import { Trainer } from '../../server/src/nn/trainer';

const NO_SPAN = { start: 0, end: 0 };

/** A network from `input` and layers written as [units, activation] or [units, activation, init]. */
export function network(input: number, ...layers: [number, Activation, Init?][]): NetworkSpec {
  return {
    name: 'net',
    input,
    layers: layers.map(([units, activation, init], index) => ({
      name: `layer${index + 1}`,
      units,
      activation,
      init: init ?? (activation === 'relu' || activation === 'leaky_relu' ? 'he' : 'xavier'),
      span: NO_SPAN,
    })),
    span: NO_SPAN,
    nameSpan: NO_SPAN,
  };
}

/** A data set from rows written as [inputs, targets]. */
export function dataset(rows: [number[], number[]][], options: Partial<Dataset> = {}): Dataset {
  const inputWidth = rows[0]?.[0].length ?? 0;
  const targetWidth = rows[0]?.[1].length ?? 0;
  return {
    name: 'data',
    rows: rows.length,
    inputWidth,
    targetWidth,
    inputs: Float64Array.from(rows.flatMap(([x]) => x)),
    targets: Float64Array.from(rows.flatMap(([, y]) => y)),
    inputNames: Array.from({ length: inputWidth }, (_, i) => `x${i + 1}`),
    classes: null,
    normalize: null,
    rowSpans: null,
    ...options,
  };
}

/** The defaults of docs/language.md §4.8, overridden where given. */
export function settings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return {
    loss: 'mse',
    optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 },
    epochs: 1000,
    batch: 'full',
    seed: 0,
    stopLoss: null,
    validate: null,
    precision: 'f64',
    start: null,
    ...overrides,
  };
}

export const XOR_ROWS: [number[], number[]][] = [
  [[0, 0], [0]],
  [[0, 1], [1]],
  [[1, 0], [1]],
  [[1, 1], [0]],
];

/** `rows` random samples: inputs uniform in ±1, targets made by `target` from a second draw. */
export function randomRows(
  rows: number,
  inputWidth: number,
  seed: number,
  target: (rng: Rng) => number[],
): [number[], number[]][] {
  const rng = new Rng(seed, 99);
  return Array.from({ length: rows }, () => [Array.from({ length: inputWidth }, () => rng.uniform(-1, 1)), target(rng)]);
}

/** A one-hot vector of `width` with a random hot position. */
export function randomOneHot(width: number): (rng: Rng) => number[] {
  return (rng) => {
    const hot = rng.int(width);
    return Array.from({ length: width }, (_, i) => (i === hot ? 1 : 0));
  };
}

/** A trainer of a run on one path. */
export type MakeTrainer = (network: NetworkSpec, data: Dataset, settings: TrainSettings) => Trainer;

/**
 * The three ways train() runs an epoch (docs/ARCHITECTURE.md "The reference and the engine"): the
 * batch program, the trainer's own loop on the SIMD kernels, and the reference's plain loops;
 * `engine` is the name the trainer reports for it.
 */
export const TRAINING_PATHS: { name: string; engine: string; make: MakeTrainer }[] = [
  { name: 'batch program', engine: 'batch-program', make: (n, d, s) => createTrainer(n, d, s) },
  { name: 'SIMD kernels', engine: 'simd-kernels', make: (n, d, s) => createTrainer(n, d, s, { paths: [SIMD_KERNELS] }) },
  { name: 'reference', engine: 'reference', make: (n, d, s) => new Trainer(n, d, s) },
];

/**
 * A value computed on first use, inside the first test that asks for it, not while the file's tests are
 * collected: a run trained in a describe block is outside every test, so per-test coverage (the mutation
 * runs of docs/RELIABILITY.md) counts it for no test and reruns the whole file for each mutant it reaches.
 */
export function lazy<T>(make: () => T): () => T {
  let value: { made: T } | null = null;
  return () => (value ??= { made: make() }).made;
}
