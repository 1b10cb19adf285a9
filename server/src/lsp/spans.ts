// Span <-> LSP Range conversion for the editor features, through the document's one LineIndex.

import type { Range } from 'vscode-languageserver';
import type { LineIndex } from '../language/positions';
import type { Span } from '../language/syntax';

export function rangeOf(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

/** True when `offset` lies in the span or touches its end (a cursor right after a word is on it). */
export function touches(span: Span | undefined, offset: number): boolean {
  return span !== undefined && offset >= span.start && offset <= span.end;
}

/** The span from the start of the first to the end of the last. */
export function cover(first: Span, last: Span): Span {
  return { start: first.start, end: Math.max(first.end, last.end) };
}
