// Input normalization (zscore, minmax), fitted on the training rows only and applied to every row.

import type { NormalizeKind } from '../language/model';
import type { Normalization } from './types';

/**
 * Fits x' = (x − offset) / scale per input column on the given rows of a
 * row-major rows × width matrix. zscore: offset = mean, scale = standard
 * deviation (population); minmax: offset = min, scale = max − min. A constant
 * column gets scale 1, so it maps to 0.
 */
export function fitNormalization(
  kind: NormalizeKind,
  inputs: Float64Array,
  width: number,
  rows: ArrayLike<number>,
): Normalization {
  // Row by row, every column at once: the matrix is read in the order it lies in memory (a
  // column at a time strides over it, which took 0.45 s on 60,000 rows of 784). Each column
  // still adds its rows in order, so the sums are the same numbers.
  const count = rows.length;
  if (kind === 'zscore') {
    const sum = new Float64Array(width);
    for (let r = 0; r < count; r++) {
      const at = rows[r] * width;
      for (let c = 0; c < width; c++) sum[c] += inputs[at + c];
    }
    const mean = sum.map((total) => (count > 0 ? total / count : 0));
    const squares = new Float64Array(width);
    for (let r = 0; r < count; r++) {
      const at = rows[r] * width;
      for (let c = 0; c < width; c++) {
        const d = inputs[at + c] - mean[c];
        squares[c] += d * d;
      }
    }
    const std = squares.map((total) => (count > 0 ? Math.sqrt(total / count) : 0));
    return { kind, offset: Array.from(mean), scale: Array.from(std, (s) => (s > 0 ? s : 1)) };
  }
  const min = new Float64Array(width).fill(Infinity);
  const max = new Float64Array(width).fill(-Infinity);
  for (let r = 0; r < count; r++) {
    const at = rows[r] * width;
    for (let c = 0; c < width; c++) {
      const x = inputs[at + c];
      if (x < min[c]) min[c] = x;
      if (x > max[c]) max[c] = x;
    }
  }
  if (count === 0) {
    min.fill(0);
    max.fill(0);
  }
  return { kind, offset: Array.from(min), scale: Array.from(min, (low, c) => (max[c] > low ? max[c] - low : 1)) };
}

/** x' = (x − offset) / scale for one input vector (a no-op without normalization). */
export function normalizeInput(normalization: Normalization | null, x: ArrayLike<number>, out: Float64Array | number[]): void {
  for (let c = 0; c < x.length; c++) {
    out[c] = normalization ? (x[c] - normalization.offset[c]) / normalization.scale[c] : x[c];
  }
}
