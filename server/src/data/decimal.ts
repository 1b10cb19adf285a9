// Numbers as data files write them (docs/language.md §4.5), read from bytes or text, and the words that mark a missing value (§7 "Missing values").
//
// `3`, `-0.5`, `+2`, `.5`, `5.`, `1e-3`: an optional sign, digits with an optional
// point, an optional exponent. Nothing else is a number (no hex, no `Infinity`). The
// value is the double nearest to the decimal, as Number() gives it: most fields have
// at most 15 significant digits and a small exponent, where one multiplication or
// division by an exact power of ten is correctly rounded (Clinger's fast path); the
// others are handed to Number().

const PLUS = 0x2b;
const MINUS = 0x2d;
const POINT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** 10⁰ … 10²²: the powers of ten a double holds exactly. */
export const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The number written in `bytes[start, end)` (ASCII), NaN when it is not one, ±Infinity when
 * it is one too large for a double.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === MINUS || bytes[i] === PLUS)) {
    negative = bytes[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  let c = 0;
  while (i < end && (c = bytes[i]) >= ZERO && c <= NINE) {
    if (significant < 16) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) significant++;
    } else {
      exponent++;
      significant++;
    }
    digits++;
    i++;
  }
  if (i < end && bytes[i] === POINT) {
    i++;
    while (i < end && (c = bytes[i]) >= ZERO && c <= NINE) {
      if (significant < 16) {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) significant++;
        exponent--;
      } else significant++;
      digits++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === MINUS || bytes[i] === PLUS)) {
      exponentNegative = bytes[i] === MINUS;
      i++;
    }
    let written = 0;
    let exponentDigits = 0;
    while (i < end && (c = bytes[i]) >= ZERO && c <= NINE) {
      if (written < 100_000) written = written * 10 + (c - ZERO);
      exponentDigits++;
      i++;
    }
    if (exponentDigits === 0) return NaN;
    exponent += exponentNegative ? -written : written;
  }
  if (i !== end) return NaN;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    const value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent] : mantissa / POWERS_OF_TEN[-exponent];
    return negative ? -value : value;
  }
  // Many digits or a large exponent: Number() rounds the decimal correctly.
  let text = '';
  for (let k = start; k < end; k++) text += String.fromCharCode(bytes[k]);
  return Number(text);
}

/** Decimal numbers as spreadsheets write them; each digit can match one way only, so a long cell is tested in linear time. */
export const CSV_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a field's text writes, or null (not a number, or too large for a double). */
export function parseCsvNumber(value: string): number | null {
  if (!CSV_NUMBER.test(value)) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** The words that mark a missing value (any case), besides an empty field. */
export const MISSING_WORDS: readonly string[] = ['NA', 'N/A', 'NaN', 'null', '?'];

/** True when a field's (trimmed) text marks a missing value: empty, or NA, N/A, NaN, null or ? in any case. */
export function isMissingText(text: string): boolean {
  if (text.length > 4) return false;
  const upper = text.toUpperCase();
  return upper === '' || upper === 'NA' || upper === 'N/A' || upper === 'NAN' || upper === 'NULL' || upper === '?';
}

/** isMissingText for ASCII bytes, without a string. */
export function isMissingBytes(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0) return true;
  if (length > 4) return false;
  // ASCII letters upper-cased (bit 5 cleared); '/' and '?' are compared as they are.
  const at = (k: number): number => {
    const c = bytes[start + k];
    return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  };
  if (length === 1) return at(0) === 0x3f;
  if (length === 2) return at(0) === 0x4e && at(1) === 0x41;
  if (length === 3) return (at(0) === 0x4e && at(1) === 0x2f && at(2) === 0x41) || (at(0) === 0x4e && at(1) === 0x41 && at(2) === 0x4e);
  return at(0) === 0x4e && at(1) === 0x55 && at(2) === 0x4c && at(3) === 0x4c;
}
