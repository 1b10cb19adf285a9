// Problems found in a spec (syntax, meaning, data, results), returned as data, never thrown or printed.

import type { Span } from './syntax';

export type Severity = 'error' | 'warning' | 'info';

/** A text edit the editor can apply as a quick fix. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** A quick fix computed by the core; the server only converts it to a CodeAction. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix the editor should apply on "auto fix" (a single obvious correction). */
  preferred?: boolean;
}

/**
 * A stable code per kind of problem: tests, quick fixes and docs refer to it.
 * Names are kebab-case and say what is wrong.
 */
export type ProblemCode =
  // lexical and syntax
  | 'not-utf8'
  | 'invalid-token'
  | 'unterminated-string'
  | 'unexpected-token'
  | 'expected'
  | 'unterminated-block'
  | 'unknown-keyword'
  | 'unknown-value'
  | 'whole-number-needed'
  | 'duplicate-statement'
  // meaning
  | 'duplicate-name'
  | 'unknown-name'
  | 'input-missing'
  | 'input-not-first'
  | 'no-layers'
  | 'size-too-small'
  | 'softmax-not-last'
  | 'input-width-mismatch'
  | 'target-width-mismatch'
  | 'ragged-rows'
  | 'non-finite'
  | 'empty-data'
  | 'csv-missing'
  | 'csv-unreadable'
  | 'csv-bad-row'
  | 'csv-not-a-number'
  | 'csv-missing-value'
  | 'csv-separator'
  | 'csv-unknown-column'
  | 'out-of-range'
  | 'path-outside-workspace'
  | 'network-too-large'
  | 'data-too-large'
  | 'data-load-failed'
  | 'unknown-parameter'
  | 'column-conflict'
  | 'dropout-on-last-layer'
  | 'parameter-missing'
  | 'validation-needed'
  // given weights (docs/language.md §7.1)
  | 'weights-unknown-layer'
  | 'weights-layer-repeated'
  | 'weights-layer-missing'
  | 'weights-row-count'
  | 'weights-row-length'
  | 'weights-file-missing'
  | 'weights-file-unreadable'
  | 'weights-file-invalid'
  | 'weights-wrong-network'
  // warnings
  | 'softmax-without-cross-entropy'
  | 'cross-entropy-without-softmax'
  | 'targets-outside-unit-interval'
  | 'batch-larger-than-data'
  | 'unused'
  | 'csv-header-looks-like-data'
  | 'validation-empty'
  | 'softmax-single-unit'
  // expectations (docs/language.md §7 "Expectations")
  | 'expectation-impossible'
  | 'expectation-always-met'
  | 'expectation-unmeasurable'
  // information
  | 'csv-missing-values'
  | 'data-loading'
  // results of training
  | 'trained'
  | 'target-missed'
  | 'rate-too-small'
  | 'diverged'
  | 'training-failed'
  | 'expectation-met'
  | 'expectation-failed'
  | 'expectation-not-graded'
  // training health (docs/editor.md "Training health"): a loss stuck well above its target, and findings on a layer's line
  | 'loss-flat'
  | 'health-dead'
  | 'health-saturated'
  | 'health-vanishing'
  | 'health-exploding'
  // a run's state in place of a result: training, or weights moved by Step or Reset
  | 'training'
  | 'stepped';

export interface Problem {
  span: Span;
  severity: Severity;
  code: ProblemCode;
  message: string;
  fixes?: Fix[];
}
