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
  const offset: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < width; c++) {
    if (kind === 'zscore') {
      let sum = 0;
      for (let r = 0; r < rows.length; r++) sum += inputs[rows[r] * width + c];
      const mean = rows.length > 0 ? sum / rows.length : 0;
      let squares = 0;
      for (let r = 0; r < rows.length; r++) {
        const d = inputs[rows[r] * width + c] - mean;
        squares += d * d;
      }
      const std = rows.length > 0 ? Math.sqrt(squares / rows.length) : 0;
      offset.push(mean);
      scale.push(std > 0 ? std : 1);
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (let r = 0; r < rows.length; r++) {
        const x = inputs[rows[r] * width + c];
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (rows.length === 0) min = max = 0;
      offset.push(min);
      scale.push(max > min ? max - min : 1);
    }
  }
  return { kind, offset, scale };
}

/** x' = (x − offset) / scale for one input vector (a no-op without normalization). */
export function normalizeInput(normalization: Normalization | null, x: ArrayLike<number>, out: Float64Array | number[]): void {
  for (let c = 0; c < x.length; c++) {
    out[c] = normalization ? (x[c] - normalization.offset[c]) / normalization.scale[c] : x[c];
  }
}
