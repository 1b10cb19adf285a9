// Turns the rows written inside a `data { … }` block into a Dataset (the checker has validated them).

import type { Dataset, NormalizeKind } from '../language/model';
import type { Span } from '../language/syntax';

export interface InlineRow {
  inputs: number[];
  targets: number[];
  span: Span;
}

/** Every row must have `inputWidth` inputs and `targetWidth` targets; the checker guarantees it. */
export function inlineDataset(name: string, rows: InlineRow[], normalize: NormalizeKind | null): Dataset {
  const inputWidth = rows.length > 0 ? rows[0].inputs.length : 0;
  const targetWidth = rows.length > 0 ? rows[0].targets.length : 0;
  const inputs = new Float64Array(rows.length * inputWidth);
  const targets = new Float64Array(rows.length * targetWidth);
  rows.forEach((row, r) => {
    inputs.set(row.inputs, r * inputWidth);
    targets.set(row.targets, r * targetWidth);
  });
  return {
    name,
    rows: rows.length,
    inputWidth,
    targetWidth,
    inputs,
    targets,
    inputNames: defaultInputNames(inputWidth),
    classes: null,
    normalize,
    rowSpans: rows.map((row) => row.span),
  };
}

/** `x1`, `x2`, … : the names of inputs that have no header (inline, generated, `header no`). */
export function defaultInputNames(width: number): string[] {
  return Array.from({ length: width }, (_, i) => `x${i + 1}`);
}
