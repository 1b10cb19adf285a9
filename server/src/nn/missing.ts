// Missing inputs (`missing mean`, docs/language.md §7.6): each filled with its column's mean over the run's training part, before normalization sees them.
//
// Like normalization, the fill depends on the run's split, so the trainer fits it after
// splitting: the held-out rows get the training part's means too. A column with no value
// in the training part is filled with 0.

import type { Dataset } from '../language/model';

/** Per input column, the mean of its values (NaN marks a missing one) over `rows`; null when the data set has no `missing mean`. */
export function fitMissingMeans(data: Dataset, rows: ArrayLike<number>): number[] | null {
  if (data.missing !== 'mean') return null;
  const width = data.inputWidth;
  const sums = new Float64Array(width);
  const counts = new Float64Array(width);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * width;
    for (let c = 0; c < width; c++) {
      const x = data.inputs[base + c];
      if (x === x) {
        sums[c] += x;
        counts[c]++;
      }
    }
  }
  return Array.from(sums, (sum, c) => (counts[c] > 0 ? sum / counts[c] : 0));
}

/** The data set with each missing input replaced by its column's fill (a copy: the loaded set is shared and read-only). */
export function fillMissing(data: Dataset, means: readonly number[] | null): Dataset {
  if (means === null) return data;
  const inputs = new Float64Array(data.inputs.length);
  const width = data.inputWidth;
  for (let i = 0; i < inputs.length; i++) {
    const x = data.inputs[i];
    inputs[i] = x === x ? x : means[i % width];
  }
  return { ...data, inputs };
}
