// Plain data rows read straight from bytes (the loader's fast path), and what a helper thread that reads part of each chunk of a large file with it does for the loader (docs/ARCHITECTURE.md "Data sets off the LSP thread").
//
// A plain row lies on one line and holds unquoted, unpadded ASCII fields: numbers
// and, for a onehot target, a class label. readPlainRecord reads one into the data
// set's arrays; anything else it leaves to the scanner (csvScan.ts) and the loader's
// general path (csv.ts), which say what is wrong and where. The helper thread
// (loading/rowsHelper.ts) runs the same function from its source text, so the
// function refers to nothing outside itself: what it needs comes in `layout`.

/** Where readPlainRecord puts a column's field besides an input (its position, ≥ 0): nowhere, the onehot label, target t at PLAIN_TARGET − t. */
export const PLAIN_IGNORED = -1;
export const PLAIN_LABEL = -2;
export const PLAIN_TARGET = -3;

/** What readPlainRecord reads a file's rows with. */
export interface PlainLayout {
  /** Per file column: an input's position (≥ 0), PLAIN_IGNORED, PLAIN_LABEL or PLAIN_TARGET − t. */
  columns: Int32Array;
  /** How many of the first file columns are inputs in a row (columns 0, 1, … feeding inputs j, j + 1, …). */
  run: number;
  /** The separator's byte (never a digit). */
  separator: number;
  /** 10⁰ … 10²²: the powers of ten a double holds exactly. */
  powers: readonly number[];
  /** The number in bytes[start, end) (NaN when not one), for what is not a plain decimal; null: leave such a row to the scanner. */
  parse: ((bytes: Uint8Array, start: number, end: number) => number) | null;
  /** True when a label's text marks a missing value. */
  isMissing(text: string): boolean;
  /** Out: the onehot label of the record read last. */
  label: string | null;
}

/**
 * Reads the plain row that starts at `at` (the first byte of a line) into `inputs` at
 * `inputBase` and `targets` at `targetBase`, its label into layout.label. Returns the offset
 * just past its line ending (`ending`: 1 LF, 2 CRLF, 3 CR; csvScan.ts ENDS_*), or −1 when the
 * row is not plain or does not end before `end` (nothing it wrote counts then).
 *
 * Whole numbers of one to three digits are read by straight-line code; plain decimals (an
 * optional minus, digits, an optional point, at most 15 digits) in the same pass, their
 * value mantissa / 10^k as parseDecimal computes it (an exact division, as Number() rounds);
 * other numbers by layout.parse.
 */
export function readPlainRecord(
  buffer: Uint8Array,
  at: number,
  end: number,
  ending: number,
  layout: PlainLayout,
  inputs: Float64Array,
  inputBase: number,
  targets: Float64Array,
  targetBase: number,
): number {
  // Bytes: 0x22 quote, 0x20 space, 0x0d CR, 0x0a LF, 0x2d minus, 0x2e point, 0x30 zero.
  const columns = layout.columns;
  const separator = layout.separator;
  const lineEnd = ending === 1 ? 0x0a : 0x0d;
  const last = columns.length - 1;
  layout.label = null;
  let p = at;
  let k = 0;
  // The leading run of inputs: fields of one to three digits and their separator.
  const run = layout.run;
  const out = inputBase + columns[0];
  for (; k < run && p + 4 <= end; k++) {
    const d0 = buffer[p] - 0x30;
    if (d0 >>> 0 > 9) break;
    const c1 = buffer[p + 1];
    if (c1 === separator) {
      inputs[out + k] = d0;
      p += 2;
      continue;
    }
    const d1 = c1 - 0x30;
    if (d1 >>> 0 > 9) break;
    const c2 = buffer[p + 2];
    if (c2 === separator) {
      inputs[out + k] = d0 * 10 + d1;
      p += 3;
      continue;
    }
    const d2 = c2 - 0x30;
    if (d2 >>> 0 > 9 || buffer[p + 3] !== separator) break;
    inputs[out + k] = d0 * 100 + d1 * 10 + d2;
    p += 4;
  }
  for (; k <= last; k++) {
    const stop = k === last ? lineEnd : separator;
    const to = columns[k];
    const start = p;
    let value = 0;
    let c = -1;
    if (to !== -2 && to !== -1) {
      const negative = buffer[p] === 0x2d;
      if (negative) p++;
      const digitsFrom = p;
      let point = -1;
      while (p < end) {
        c = buffer[p];
        const digit = c - 0x30;
        if (digit >>> 0 > 9) {
          if (c !== 0x2e || point >= 0) break;
          point = p;
        } else value = value * 10 + digit;
        p++;
      }
      if (p >= end) return -1;
      const digits = p - digitsFrom - (point >= 0 ? 1 : 0);
      if (c === stop && digits > 0 && digits <= 15) {
        if (point >= 0 && p - point > 1) value /= layout.powers[p - point - 1];
        if (negative) value = -value;
        if (to >= 0) inputs[inputBase + to] = value;
        else targets[targetBase - 3 - to] = value;
        p++;
        continue;
      }
    }
    // Not a plain decimal: the field's end, then its bytes read in full.
    if (p >= end) return -1;
    c = buffer[p];
    while (c !== separator && c !== 0x0d && c !== 0x0a) {
      if (c <= 0x20 || c === 0x22 || c >= 0x7f) return -1;
      if (++p >= end) return -1;
      c = buffer[p];
    }
    if (c !== stop) return -1;
    if (to === -2) {
      let label = '';
      for (let i = start; i < p; i++) label += String.fromCharCode(buffer[i]);
      if (layout.isMissing(label)) return -1;
      layout.label = label;
    } else if (to !== -1) {
      if (layout.parse === null) return -1;
      value = layout.parse(buffer, start, p);
      if (value - value !== 0) return -1;
      if (to >= 0) inputs[inputBase + to] = value;
      else targets[targetBase - 3 - to] = value;
    }
    p++;
  }
  // CRLF's LF follows the CR the last field stopped at.
  if (ending === 2) {
    if (p >= end || buffer[p] !== 0x0a) return -1;
    p++;
  }
  return p;
}

// ------------------------------------------------------------------ the helper thread

/** What the helper read of its share: its first `rows` lines, plain rows (with their labels with onehot), up to `end` (the share's end, or the first line that is not a plain row). */
export interface PlainShare {
  rows: number;
  labels: (string | null)[] | null;
  end: number;
}

/**
 * A thread that reads the second part of a chunk while the loader reads the first
 * (CsvLoader.helperRound; loading/rowsHelper.ts): begin() says how the file's rows are read,
 * read() starts a share, share() waits for what it read, place() has it copied into the data
 * set's arrays at its row (while the loader goes on), finish() waits for every copy.
 */
export interface RowsHelper {
  /** True once the thread runs; the loader reads alone until then. */
  readonly ready: boolean;
  waitReady(): void;
  begin(layout: PlainLayout, onehot: boolean, inputWidth: number, targetWidth: number): void;
  read(bytes: SharedArrayBuffer, from: number, to: number, ending: number): void;
  share(): PlainShare;
  place(row: number, inputs: SharedArrayBuffer, targets: SharedArrayBuffer): void;
  finish(): void;
}
