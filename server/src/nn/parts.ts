// A data set as a run sees it: the training and validation parts drawn from the seed, and how accuracy is judged from the targets.

import { heldOutRows, type Dataset } from '../language/model';
import { Rng, STREAM } from './rng';

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
