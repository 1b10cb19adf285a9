// Document formatting: the canonical layout from language/format.ts, sent as one minimal edit (or none when formatting is not safe).

import type { DocumentFormattingParams, TextEdit } from 'vscode-languageserver';
import { format } from '../language/format';
import { rangeOf } from './spans';
import type { DocumentState } from './state';

export function formatting(state: DocumentState, _params: DocumentFormattingParams): TextEdit[] {
  // The layout is canonical (two spaces), like gofmt's: the editor's tab size does not change it.
  const formatted = format(state.text);
  if (formatted === null || formatted === state.text) return [];
  return [minimalEdit(state, formatted)];
}

/** One edit covering only the changed middle, so the cursor and folds outside it stay put. */
function minimalEdit(state: DocumentState, formatted: string): TextEdit {
  const before = state.text;
  let prefix = 0;
  const shortest = Math.min(before.length, formatted.length);
  while (prefix < shortest && before.charCodeAt(prefix) === formatted.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === formatted.charCodeAt(formatted.length - 1 - suffix)
  ) {
    suffix++;
  }
  // Never split a \r\n pair: an edit that starts or ends between them would leave a lone \r.
  if (prefix > 0 && before[prefix - 1] === '\r') prefix--;
  if (suffix > 0 && before[before.length - suffix] === '\n' && before[before.length - suffix - 1] === '\r') suffix--;
  return {
    range: rangeOf(state.lines, { start: prefix, end: before.length - suffix }),
    newText: formatted.slice(prefix, formatted.length - suffix),
  };
}
