// A data set as a run sees it: its training and validation parts (which rows each holds, seeded, and their rows as the trainer holds them, normalized), and how accuracy is judged from the targets.
//
// The trainer builds its parts with these; so does `nn export` in the editor, which has
// a run's outcome but no trainer (the PyTorch script embeds the training part).

import { heldOutRows, type Dataset, type TrainSettings } from '../language/model';
import { fillMissing } from './missing';
import { Rng, STREAM } from './rng';
import type { Normalization } from './types';

/** How accuracy is judged, decided from the targets (docs/language.md §4.15), or null for regression. */
export type Classification = 'binary' | 'onehot' | null;

export function classificationOf(data: Dataset): Classification {
  if (data.rows === 0) return null;
  const t = data.targets;
  if (data.targetWidth === 1) {
    for (let r = 0; r < data.rows; r++) if (t[r] !== 0 && t[r] !== 1) return null;
    return 'binary';
  }
  for (let r = 0; r < data.rows; r++) {
    let ones = 0;
    for (let c = 0; c < data.targetWidth; c++) {
      const v = t[r * data.targetWidth + c];
      if (v === 1) ones++;
      else if (v !== 0) return null;
    }
    if (ones !== 1) return null;
  }
  return 'onehot';
}

/**
 * Splits rows 0..rows−1 into training and validation parts: heldOutRows(rows, share)
 * rows, chosen by the seed, are held out (at least one row is always kept for
 * training). Both parts are in data order.
 */
export function splitRows(rows: number, share: number | null, seed: number): { training: Int32Array; validation: Int32Array } {
  const held = rows === 0 ? 0 : Math.min(Math.max(heldOutRows(rows, share), 0), rows - 1);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  if (held > 0) new Rng(seed, STREAM.split).shuffle(order);
  const validation = order.slice(0, held).sort();
  const training = order.slice(held).sort();
  return { training, validation };
}

/** Writes the given rows of the data set, normalized, into row-major input and target matrices. */
export function gatherRows(data: Dataset, rows: Int32Array, normalization: Normalization | null, inputs: Float64Array, targets: Float64Array): void {
  const { inputWidth, targetWidth } = data;
  const source = data.inputs;
  // normalizeInput's x' = (x − offset) / scale, written out over the whole matrix (a call and
  // two subarrays per row took 0.66 s on 60,000 rows of 784).
  const offset = normalization !== null ? Float64Array.from(normalization.offset) : null;
  const scale = normalization !== null ? Float64Array.from(normalization.scale) : null;
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r] * inputWidth;
    const to = r * inputWidth;
    if (offset === null || scale === null) inputs.set(source.subarray(from, from + inputWidth), to);
    else for (let c = 0; c < inputWidth; c++) inputs[to + c] = (source[from + c] - offset[c]) / scale[c];
    targets.set(data.targets.subarray(rows[r] * targetWidth, (rows[r] + 1) * targetWidth), r * targetWidth);
  }
}

/** A part's rows as the trainer holds them: normalized inputs and targets, row-major. */
export interface PartRows {
  inputs: Float64Array;
  targets: Float64Array;
}

/**
 * The training part as a run with these settings trained on it, given the fill of missing inputs
 * and the normalization it fitted, and its validation part when it holds rows out
 * (Trainer.trainingPart() without a trainer).
 */
export function trainingPart(
  data: Dataset,
  settings: TrainSettings,
  normalization: Normalization | null,
  missingMeans: readonly number[] | null = null,
): PartRows & { validation?: PartRows } {
  const split = splitRows(data.rows, settings.validate, settings.seed);
  data = fillMissing(data, missingMeans);
  const part: PartRows & { validation?: PartRows } = rowsOf(data, split.training, normalization);
  if (split.validation.length > 0) part.validation = rowsOf(data, split.validation, normalization);
  return part;
}

function rowsOf(data: Dataset, rows: Int32Array, normalization: Normalization | null): PartRows {
  const inputs = new Float64Array(rows.length * data.inputWidth);
  const targets = new Float64Array(rows.length * data.targetWidth);
  gatherRows(data, rows, normalization, inputs, targets);
  return { inputs, targets };
}
