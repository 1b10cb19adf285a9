// A run's per-epoch numbers as columns: built as training goes, handed to a result as views, thinned for a curve.
//
// A 100,000-epoch run keeps 5 numbers an epoch in typed arrays (4 MB) instead of
// 100,000 report objects, writes a call's worth of epochs with a few copies, and
// crosses a worker boundary as a few buffers. EpochReport objects are made only
// where one epoch is asked for (onEpoch, reportAt).

import type { EpochReport, TrainHistory } from './types';

/** The number of epochs a history holds. */
export function historyLength(history: TrainHistory): number {
  return history.loss.length;
}

/** Entry i as a report (NaN in an optional column, an epoch reported without it, is null). */
export function reportAt(history: TrainHistory, i: number): EpochReport {
  return report(history.epoch[i], history, i);
}

/** The report of entry i of the columns, as epoch `epoch`. */
function report(epoch: number, columns: Omit<TrainHistory, 'epoch'>, i: number): EpochReport {
  const optional = (column: Float64Array | null): number | null => (column === null || Number.isNaN(column[i]) ? null : column[i]);
  const entry: EpochReport = {
    epoch,
    loss: columns.loss[i],
    accuracy: optional(columns.accuracy),
    validationLoss: optional(columns.validationLoss),
    validationAccuracy: optional(columns.validationAccuracy),
  };
  if (columns.rate) entry.rate = columns.rate[i];
  if (columns.penalty) entry.penalty = columns.penalty[i];
  return entry;
}

/** Every entry as a report (a curve's points). */
export function reportsOf(history: TrainHistory): EpochReport[] {
  return Array.from({ length: historyLength(history) }, (_, i) => reportAt(history, i));
}

/** At most `points` evenly spaced entries (every k-th from the first), always with the last one. */
export function thinHistory(history: TrainHistory, points: number): TrainHistory {
  const length = historyLength(history);
  const every = Math.max(1, Math.ceil(length / points));
  if (every === 1) return history;
  const kept: number[] = [];
  for (let i = 0; i < length; i += every) kept.push(i);
  if (kept[kept.length - 1] !== length - 1) kept.push(length - 1);
  const pick = (column: Float64Array | null): Float64Array | null => (column ? Float64Array.from(kept, (i) => column[i]) : null);
  return {
    epoch: pick(history.epoch) as Float64Array,
    loss: pick(history.loss) as Float64Array,
    accuracy: pick(history.accuracy),
    validationLoss: pick(history.validationLoss),
    validationAccuracy: pick(history.validationAccuracy),
    ...extraColumns(history, pick),
  };
}

/** The columns of docs/language.md §7.2–§7.3 that a history has (a rate with a schedule, a penalty with regularization), each through `copy`. */
function extraColumns(
  history: { rate?: Float64Array | null; penalty?: Float64Array | null },
  copy: (column: Float64Array) => Float64Array | null,
): Pick<TrainHistory, 'rate' | 'penalty'> {
  const extra: Pick<TrainHistory, 'rate' | 'penalty'> = {};
  if (history.rate) extra.rate = copy(history.rate) as Float64Array;
  if (history.penalty) extra.penalty = copy(history.penalty) as Float64Array;
  return extra;
}

/** The columns of a run in progress: epochs 1, 2, 3, … and, after a diverged batch, that unfinished epoch last. */
export class HistoryBuilder {
  private epoch: Float64Array;
  private loss: Float64Array;
  private accuracy: Float64Array | null;
  private validationLoss: Float64Array | null;
  private validationAccuracy: Float64Array | null;
  /** The rate of each epoch (with a schedule) and the penalty at its end (with regularization): docs/language.md §7.2–§7.3. */
  private rate: Float64Array | null;
  private penalty: Float64Array | null;
  length = 0;

  /**
   * Which optional columns the run has: accuracy for classification, validation with a held-out
   * part, the rate with a schedule, the penalty with regularization; room for `epochs` to start
   * with (the run's count, so a run allocates its columns once), up to 65,536, growing by
   * doubling after that.
   */
  constructor(classification: boolean, validation: boolean, epochs = 64, extra: { rate?: boolean; penalty?: boolean } = {}) {
    const room = Math.max(1, Math.min(epochs, 1 << 16));
    this.epoch = new Float64Array(room);
    this.loss = new Float64Array(room);
    this.accuracy = classification ? new Float64Array(room) : null;
    this.validationLoss = validation ? new Float64Array(room) : null;
    this.validationAccuracy = classification && validation ? new Float64Array(room) : null;
    this.rate = extra.rate ? new Float64Array(room) : null;
    this.penalty = extra.penalty ? new Float64Array(room) : null;
  }

  /** Appends the next epoch (NaN for a value it does not have). */
  push(loss: number, accuracy: number, validationLoss: number, validationAccuracy: number, rate = NaN, penalty = NaN): void {
    this.reserve(1);
    const i = this.length++;
    this.epoch[i] = i + 1;
    this.loss[i] = loss;
    if (this.accuracy) this.accuracy[i] = accuracy;
    if (this.validationLoss) this.validationLoss[i] = validationLoss;
    if (this.validationAccuracy) this.validationAccuracy[i] = validationAccuracy;
    if (this.rate) this.rate[i] = rate;
    if (this.penalty) this.penalty[i] = penalty;
  }

  /**
   * Appends `count` epochs from columns laid out one after another, `stride` apart: loss, accuracy,
   * validation loss, validation accuracy, penalty; all trained at `rate`.
   */
  append(columns: Float64Array<ArrayBufferLike>, stride: number, count: number, rate = NaN): void {
    this.reserve(count);
    const at = this.length;
    for (let i = at; i < at + count; i++) this.epoch[i] = i + 1;
    this.loss.set(columns.subarray(0, count), at);
    this.accuracy?.set(columns.subarray(stride, stride + count), at);
    this.validationLoss?.set(columns.subarray(2 * stride, 2 * stride + count), at);
    this.validationAccuracy?.set(columns.subarray(3 * stride, 3 * stride + count), at);
    this.penalty?.set(columns.subarray(4 * stride, 4 * stride + count), at);
    this.rate?.fill(rate, at, at + count);
    this.length += count;
  }

  lossAt(i: number): number {
    return this.loss[i];
  }

  /** The validation loss of entry i; NaN without a validation part. */
  validationLossAt(i: number): number {
    return this.validationLoss ? this.validationLoss[i] : NaN;
  }

  /** Entry i (epoch i + 1) as a report. */
  report(i: number): EpochReport {
    const { loss, accuracy, validationLoss, validationAccuracy } = this;
    return report(i + 1, { loss, accuracy, validationLoss, validationAccuracy, ...extraColumns({ rate: this.rate, penalty: this.penalty }, (column) => column) }, i);
  }

  /**
   * Entries 0..length−1 (epochs 1..length) as views of the columns, not copies: a finished
   * entry never changes (later epochs are written after it, and growing moves them to new
   * buffers), and a run of tens of millions of epochs would otherwise copy gigabytes when it
   * ends (a Stop waited for that).
   */
  snapshot(): TrainHistory {
    const view = (column: Float64Array | null) => (column ? column.subarray(0, this.length) : null);
    return {
      epoch: this.epoch.subarray(0, this.length),
      loss: this.loss.subarray(0, this.length),
      accuracy: view(this.accuracy),
      validationLoss: view(this.validationLoss),
      validationAccuracy: view(this.validationAccuracy),
      ...extraColumns({ rate: this.rate, penalty: this.penalty }, view),
    };
  }

  private reserve(count: number): void {
    if (this.length + count <= this.loss.length) return;
    const size = Math.max(2 * this.loss.length, this.length + count);
    const grow = (column: Float64Array | null) => {
      if (!column) return null;
      const grown = new Float64Array(size);
      grown.set(column.subarray(0, this.length));
      return grown;
    };
    this.epoch = grow(this.epoch) as Float64Array;
    this.loss = grow(this.loss) as Float64Array;
    this.accuracy = grow(this.accuracy);
    this.validationLoss = grow(this.validationLoss);
    this.validationAccuracy = grow(this.validationAccuracy);
    this.rate = grow(this.rate);
    this.penalty = grow(this.penalty);
  }
}
