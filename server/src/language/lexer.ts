// Splits `.nn` text into tokens (docs/language.md §2) and finds its comments; never throws, reports bad characters as problems.

import type { Problem } from './problems';
import type { Span } from './syntax';
import { echo } from './wording';

export type TokenKind =
  | 'name'
  | 'number'
  | 'percent'
  | 'string'
  | '{'
  | '}'
  | '('
  | ')'
  | ','
  | '->'
  | '<'
  | '>'
  | '='
  | '..'
  | 'newline'
  /** Something that is not a token of the language; already reported by the lexer. */
  | 'invalid'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** UTF-16 offsets, half-open. */
  start: number;
  end: number;
  /** The source text of the token (for strings, including the quotes). */
  text: string;
  /** For numbers and percents: the value (a percent's value is 20 for `20%`). */
  value: number;
  /** For numbers: no sign, no fraction, no exponent. */
  isInt: boolean;
  /** For strings: the escapes resolved, and whether the closing quote was found. */
  stringValue: string;
  terminated: boolean;
}

export interface LexResult {
  tokens: Token[];
  /** Every comment, from its `#` to the end of its line with trailing blanks left out, in text order. */
  comments: Span[];
  problems: Problem[];
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUOTE = 34;
const CH_HASH = 35;
const CH_PERCENT = 37;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Whitespace other than line breaks: spaces, tabs, form feeds, and the no-break/BOM characters editors insert. */
function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Span[] = [];
  const problems: Problem[] = [];
  const length = text.length;
  let i = 0;

  // Stryker disable next-line BooleanLiteral: the parser reads isInt of number tokens only, which pass their own
  const push = (kind: TokenKind, start: number, end: number, value = 0, isInt = false): void => {
    // Stryker disable next-line StringLiteral,BooleanLiteral: stringValue and terminated are read of string tokens only, made in lexString
    tokens.push({ kind, start, end, text: text.slice(start, end), value, isInt, stringValue: '', terminated: true });
  };
  const invalid = (start: number, end: number, message: string): void => {
    push('invalid', start, end);
    problems.push({ span: { start, end }, severity: 'error', code: 'invalid-token', message });
  };

  while (i < length) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === CH_LF || c === CH_CR) {
      const start = i;
      i += c === CH_CR && text.charCodeAt(i + 1) === CH_LF ? 2 : 1;
      push('newline', start, i);
      continue;
    }
    if (c === CH_HASH) {
      const start = i;
      while (i < length && text.charCodeAt(i) !== CH_LF && text.charCodeAt(i) !== CH_CR) i++;
      let end = i;
      // The comment's '#' at start is no blank: the strip stops after it.
      while (isBlank(text.charCodeAt(end - 1))) end--;
      comments.push({ start, end });
      continue;
    }
    if (isNameStart(c)) {
      const start = i;
      while (isNameChar(text.charCodeAt(i))) i++; // NaN past the end
      push('name', start, i);
      continue;
    }
    if (c === CH_MINUS && text.charCodeAt(i + 1) === 62 /* > */) {
      push('->', i, i + 2);
      i += 2;
      continue;
    }
    if (isDigit(c) || (c === CH_MINUS && isDigit(text.charCodeAt(i + 1)))) {
      i = lexNumber(i);
      continue;
    }
    if (c === CH_DOT) {
      if (text.charCodeAt(i + 1) === CH_DOT) {
        push('..', i, i + 2);
        i += 2;
        continue;
      }
      const start = i;
      i++;
      if (isDigit(text.charCodeAt(i))) {
        i = skipRun(i);
        const written = text.slice(start, i);
        invalid(start, i, `'${written}' is not a number: write a digit before the point, as in '0${written}'`);
      } else {
        invalid(start, i, `unexpected '.'; a range of columns is written 'a..b'`);
      }
      continue;
    }
    if (c === CH_QUOTE) {
      i = lexString(i);
      continue;
    }
    if (c === 61 /* = */ && text.charCodeAt(i + 1) === 62 /* > */) {
      // `=>` is the arrow of other languages: one token, one message, and the fix (not '=' then a stray '>').
      push('invalid', i, i + 2);
      problems.push({
        span: { start: i, end: i + 2 },
        severity: 'error',
        code: 'invalid-token',
        message: `unexpected '=>'; the arrow between inputs and targets is written '->', as in '0 1 -> 1'`,
        fixes: [{ title: "Change to '->'", edits: [{ span: { start: i, end: i + 2 }, newText: '->' }], preferred: true }],
      });
      i += 2;
      continue;
    }
    const single = SINGLE[text[i]];
    if (single !== undefined) {
      push(single, i, i + 1);
      i++;
      continue;
    }
    if (c === CH_MINUS) {
      invalid(i, i + 1, `unexpected '-'; a negative number is written '-0.5' and an arrow '->'`);
      i++;
      continue;
    }
    // Anything else: one invalid token per run of such characters, so pasted junk gives one error.
    const start = i;
    while (i < length) {
      const d = text.charCodeAt(i);
      if (isBlank(d) || d === CH_LF || d === CH_CR || d === CH_HASH || d === CH_QUOTE || isNameChar(d)) break;
      if (SINGLE[text[i]] !== undefined || d === CH_MINUS || d === CH_DOT) break;
      i++;
    }
    const written = text.slice(start, i);
    const several = [...written].length > 1; // counted in characters, not UTF-16 units: '😀' is one
    invalid(start, i, `unexpected character${several ? 's' : ''} '${echo(written)}'; remove ${several ? 'them' : 'it'}`);
  }
  push('eof', length, length);
  return { tokens, comments, problems };

  /** Skips letters, digits, `_` and single dots (not `..`): the rest of a malformed number. */
  function skipRun(from: number): number {
    let j = from;
    // Past the end charCodeAt is NaN, neither a name character nor a dot: the run ends there.
    for (;;) {
      const d = text.charCodeAt(j);
      if (isNameChar(d)) j++;
      else if (d === CH_DOT && text.charCodeAt(j + 1) !== CH_DOT) j++;
      else return j;
    }
  }

  function lexNumber(start: number): number {
    // The first character is a digit, or a '-' before one.
    let j = start + 1;
    while (isDigit(text.charCodeAt(j))) j++;
    let isInt = text.charCodeAt(start) !== CH_MINUS;
    let malformed: string | null = null;
    if (text.charCodeAt(j) === CH_DOT && text.charCodeAt(j + 1) !== CH_DOT) {
      if (isDigit(text.charCodeAt(j + 1))) {
        j++;
        while (isDigit(text.charCodeAt(j))) j++;
        isInt = false;
      } else {
        const whole = text.slice(start, j);
        malformed = `'${whole}.' is not a number: write '${whole}' or '${whole}.0'`;
        j++;
      }
    }
    if (malformed === null) {
      const e = text.charCodeAt(j);
      if (e === 101 || e === 69 /* e E */) {
        let k = j + 1;
        const sign = text.charCodeAt(k);
        if (sign === 43 || sign === CH_MINUS) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (isDigit(text.charCodeAt(k))) k++;
          j = k;
          isInt = false;
        }
      }
    }
    if (malformed !== null || isNameChar(text.charCodeAt(j)) || (text.charCodeAt(j) === CH_DOT && text.charCodeAt(j + 1) !== CH_DOT)) {
      const end = skipRun(j);
      const written = text.slice(start, end);
      invalid(
        start,
        end,
        malformed !== null && end === j
          ? malformed
          : `'${echo(written)}' is not a number or a name: put a space between a number and a word, and start names with a letter`,
      );
      return end;
    }
    const value = Number(text.slice(start, j));
    if (text.charCodeAt(j) === CH_PERCENT) {
      push('percent', start, j + 1, value);
      return j + 1;
    }
    push('number', start, j, value, isInt);
    return j;
  }

  function lexString(start: number): number {
    let j = start + 1;
    let value = '';
    let terminated = false;
    while (j < length) {
      const d = text.charCodeAt(j);
      if (d === CH_LF || d === CH_CR) {
        // `from "x.csv {`: an unclosed string that ends in ` {` most likely was meant to stop before the brace.
        const rest = text.slice(start, j);
        const brace = /\s+\{\s*$/.exec(rest);
        if (brace !== null && brace.index > 1) {
          j = start + brace.index;
          value = value.slice(0, Math.max(0, value.length - (rest.length - brace.index)));
        }
        break;
      }
      if (d === CH_QUOTE) {
        terminated = true;
        j++;
        break;
      }
      if (d === CH_BACKSLASH) {
        const next = text.charCodeAt(j + 1);
        if (next === CH_QUOTE || next === CH_BACKSLASH) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        // Any other backslash is kept as written, so Windows paths such as "data\x.csv" work.
      }
      value += text[j];
      j++;
    }
    // Stryker disable next-line BooleanLiteral: the parser reads isInt of number tokens only, never of a string
    tokens.push({ kind: 'string', start, end: j, text: text.slice(start, j), value: 0, isInt: false, stringValue: value, terminated });
    if (!terminated) {
      problems.push({
        span: { start, end: j },
        severity: 'error',
        code: 'unterminated-string',
        message: 'unterminated string: add the closing \'"\' on the same line',
        fixes: [{ title: 'Close the string', edits: [{ span: { start: j, end: j }, newText: '"' }], preferred: true }],
      });
    }
    return j;
  }
}

const SINGLE: Record<string, TokenKind | undefined> = {
  '{': '{',
  '}': '}',
  '(': '(',
  ')': ')',
  ',': ',',
  '<': '<',
  '>': '>',
  '=': '=',
};
