// The checked meaning of a spec: plain data that the trainer, the CLI and the server consume.
//
// The checker turns a syntax tree into these values with every default
// resolved, so nothing downstream re-reads syntax or re-applies defaults.

import type { Span } from './syntax';

export type Activation = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'linear' | 'softmax';
export type Init = 'xavier' | 'he' | 'uniform' | 'zeros';
export type LossKind = 'mse' | 'cross_entropy';
export type Precision = 'f64' | 'f32';
export type NormalizeKind = 'minmax' | 'zscore';
export type GeneratorKind = 'xor' | 'circle' | 'spiral' | 'gauss';
/** `missing drop` or `missing mean` in a data file's block (docs/language.md §7.6). */
export type MissingKind = 'drop' | 'mean';

export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax'];
export const INITS: readonly Init[] = ['xavier', 'he', 'uniform', 'zeros'];
export const LOSSES: readonly LossKind[] = ['mse', 'cross_entropy'];
export const GENERATORS: readonly GeneratorKind[] = ['xor', 'circle', 'spiral', 'gauss'];

export interface LayerSpec {
  /** As written, or `layer<k>` for an unnamed layer (k from 1). */
  name: string;
  units: number;
  activation: Activation;
  /** Resolved: the written one, or the default for the activation (docs/language.md §4.3). */
  init: Init;
  /**
   * `dropout P%` (docs/language.md §7.2): the share P/100 in [0, 1) of this hidden layer's outputs
   * zeroed during training. Absent or 0: no dropout (0% trains exactly as none).
   */
  dropout?: number;
  /** Span of the `layer` statement. */
  span: Span;
}

export interface NetworkSpec {
  name: string;
  input: number;
  layers: LayerSpec[];
  /** Span of the whole `network` declaration, and of its name. */
  span: Span;
  nameSpan: Span;
}

export type OptimizerSpec =
  | { kind: 'sgd'; rate: number; momentum: number }
  | { kind: 'adam'; rate: number; beta1: number; beta2: number; epsilon: number };

/** `regularize l1 λ1 l2 λ2` (docs/language.md §7.2): the weights of the L1 and L2 penalties, 0 for a term not given. */
export interface Regularization {
  l1: number;
  l2: number;
}

/** A `schedule` (docs/language.md §7.3) with its parameters resolved. */
export type ScheduleSpec =
  | { kind: 'step'; factor: number; every: number }
  | { kind: 'exponential'; factor: number }
  | { kind: 'cosine'; min: number }
  | { kind: 'plateau'; factor: number; patience: number };

export type ScheduleKind = ScheduleSpec['kind'];
export const SCHEDULES: readonly ScheduleKind[] = ['step', 'exponential', 'cosine', 'plateau'];
export const REGULARIZERS: readonly (keyof Regularization)[] = ['l1', 'l2'];

/**
 * The rows `validate` holds out of a data set's `rows` (docs/language.md §4.14): round(P% × rows),
 * halves up. `share` is P / 100 in binary, so P% × rows is taken to 15 significant digits before
 * it is rounded: 14.5% of 100 rows computes as 14.499999999999998, which is 14.5 and holds out 15.
 * The checker, the trainer's split and the editor's hints all count with this.
 */
export function heldOutRows(rows: number, share: number | null): number {
  if (share === null) return 0;
  return Math.round(Number((share * rows).toPrecision(15)));
}

/** The settings of one `train` block with all defaults applied. */
export interface TrainSettings {
  loss: LossKind;
  optimizer: OptimizerSpec;
  epochs: number;
  /** Samples per update; `'full'` is the whole training part. */
  batch: number | 'full';
  seed: number;
  /** `stop when loss < T`, or null. */
  stopLoss: number | null;
  /** Held-out share in (0, 1), or null. */
  validate: number | null;
  precision: Precision;
  /** `regularize …` (docs/language.md §7.2); absent or null: no penalty. Never both terms 0. */
  regularization?: Regularization | null;
  /** `schedule …` (docs/language.md §7.3); absent or null: the rate stays the optimizer's. */
  schedule?: ScheduleSpec | null;
  /** `patience N` (docs/language.md §7.4): epochs without improvement that end the run; absent or null: none. */
  patience?: number | null;
  /** `stop when validation loss < T` (docs/language.md §7.4), or absent or null. */
  stopValidationLoss?: number | null;
  /**
   * `start from w` (docs/language.md §7.1): the run's initial weights, every layer's W and b, instead
   * of the initializer's draw from the seed (which still orders batches). Null without `start from`.
   */
  start: StartWeights | null;
}

/** One layer's parameters in the math's layout: W row-major, units × inputs (W_ji at j × inputs + i), and b. */
export interface LayerParameters {
  weights: Float64Array;
  biases: Float64Array;
}

/** The weights a run starts from: the `weights` declaration's name and its numbers, one entry per layer in order. */
export interface StartWeights {
  name: string;
  layers: LayerParameters[];
}

/**
 * A checked `weights w for n { … }` or `weights w for n from "file"` (docs/language.md §7.1): a
 * value for every parameter of network `n`, shaped as its layers.
 */
export interface WeightsSpec {
  name: string;
  /** The network they are for (its name). */
  network: string;
  layers: LayerParameters[];
  /** The file they were read from, as written in the spec; null for numbers written in the spec. */
  file: string | null;
  /** Span of the whole declaration, and of its name. */
  span: Span;
  nameSpan: Span;
}

/**
 * A data set as loaded: raw (unnormalized) inputs and targets, row-major.
 * Normalization is fitted by the trainer on the training part only, so the
 * data set carries the kind and the trainer applies it after the split.
 */
export interface Dataset {
  name: string;
  rows: number;
  inputWidth: number;
  targetWidth: number;
  /** rows × inputWidth, row-major. */
  inputs: Float64Array;
  /** rows × targetWidth, row-major. */
  targets: Float64Array;
  /** Column names of the inputs: CSV header names, or x1, x2, … */
  inputNames: string[];
  /** Class labels in output order, for `target … onehot`; null otherwise. */
  classes: string[] | null;
  normalize: NormalizeKind | null;
  /** For inline data: the span of each row, so results can be shown beside it. */
  rowSpans: Span[] | null;
  /** Input columns of words turned into one input per category (`encode … onehot`), in input order; absent or null without. */
  encodings?: ColumnEncoding[] | null;
  /**
   * The data block's `missing` statement. With `mean`, a missing input is NaN here and the
   * trainer fills it with its column's mean over the run's training part (docs/language.md §7.6);
   * rows `drop` leaves out are not here at all.
   */
  missing?: MissingKind | null;
}

/** One encoded input column: its categories in order of first appearance, the inputs `first` … `first + categories.length − 1`. */
export interface ColumnEncoding {
  /** The column's header name (or its 0-based index, as text, without a header). */
  column: string;
  categories: string[];
  first: number;
}

/** What an `expect` measures on a run's final weights (docs/language.md §7 "Expectations"). */
export type ExpectMetric = 'loss' | 'accuracy' | 'validation loss' | 'validation accuracy';

/**
 * One `expect` statement of a run: after the run, its metric on the final weights is compared
 * with the bound. It changes nothing about the training, so it is not part of the run key.
 */
export interface Expectation {
  metric: ExpectMetric;
  op: '<' | '>';
  /** The bound: a loss, or an accuracy as a share from 0 to 1 (`95%` is 0.95), as `TrainResult` reports them. */
  value: number;
  /** The bound as written: `0.01`, `95%`. */
  written: string;
  /** Span of the whole `expect` statement. */
  span: Span;
}

/** One `train` block that passed every check and can be trained. */
export interface RunSpec {
  /** 1-based position among the file's `train` blocks (the CLI's `--run N`). */
  index: number;
  network: NetworkSpec;
  data: Dataset;
  settings: TrainSettings;
  /** Span of the whole `train` declaration and of its `train` keyword. */
  span: Span;
  keywordSpan: Span;
  /**
   * A digest of everything that determines the result (network, data values,
   * settings): equal keys give bit-identical training, so results are cached by it.
   */
  key: string;
  /**
   * The run's `expect` statements, in text order (docs/language.md §7 "Expectations"): graded
   * after the run, never part of `key` (editing one never retrains).
   */
  expectations: Expectation[];
}
