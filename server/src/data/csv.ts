// Loads a CSV file into a Dataset: RFC 4180 parsing (csv-parse), column selection, numbers, onehot classes.
//
// Every problem names the CSV's own line, since that is where the user has to
// look. Parsed files are kept in the caller's DataStore by path and text, so
// re-checking a spec on every keystroke does not re-parse an unchanged file.

import { parse as parseCsvText } from 'csv-parse/sync';
import type { Dataset, NormalizeKind } from '../language/model';
import type { ProblemCode, Severity } from '../language/problems';
import { suggest } from '../language/suggest';
import { echo, plural } from '../language/wording';
import { defaultInputNames } from './inline';
import type { DataStore } from './store';

/** A column as the spec names it: a header name (quoted or not) or a 0-based index. */
export type ColumnName = { kind: 'name'; name: string } | { kind: 'index'; index: number };

/** `a` or `a..b` in an `inputs`/`target` statement; `tag` lets the caller map problems back to the spec. */
export interface ColumnSelector {
  tag: number;
  from: ColumnName;
  to?: ColumnName;
}

export interface CsvRequest {
  /** The data set's name in the spec. */
  name: string;
  /** How messages name the file: the path as the spec writes it. */
  fileLabel: string;
  /** Absolute path, the store's key together with the text. */
  path: string;
  text: string;
  header: boolean;
  /** null: every column but the target. */
  inputs: ColumnSelector[] | null;
  /** null: the last column. */
  target: ColumnSelector[] | null;
  onehot: boolean;
  normalize: NormalizeKind | null;
  /** Refuse before materializing when rows × (inputs + targets) is larger. */
  maxDataCells: number;
}

export interface CsvProblem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** The selector the problem is about, or null for the file as a whole (the `data` statement). */
  tag: number | null;
}

export interface CsvLoad {
  /** null when any error was found. */
  dataset: Dataset | null;
  problems: CsvProblem[];
}

// ------------------------------------------------------------------ parsing

/** A CSV text as csv-parse read it, with what loads of it computed (kept in a DataStore). */
export interface ParsedCsv {
  records: string[][];
  /** 1-based line of the file where each record ends (firstLine() gives where it starts). */
  lines: number[];
  error: { line: number | null; message: string } | null;
  /** Every cell as a number (NaN when it is not one), row-major; computed once per file text. */
  numbers?: Float64Array;
  /** Loads of this text by request (columns, header, …): a re-check with the same spec reuses the Dataset. */
  loads?: Map<string, CsvLoad>;
}

/**
 * The 1-based line where record `r` starts: a quoted field may hold line breaks, and a
 * problem is reported where the row begins. csv-parse counts every CR and LF inside a field
 * as a line, so the same count is taken back.
 */
function firstLine(parsed: ParsedCsv, r: number): number {
  let breaks = 0;
  for (const field of parsed.records[r]) {
    if (!/[\r\n]/.test(field)) continue;
    for (let i = 0; i < field.length; i++) if (field[i] === '\n' || field[i] === '\r') breaks++;
  }
  return parsed.lines[r] - breaks;
}

function numericTable(parsed: ParsedCsv, columnCount: number): Float64Array {
  if (parsed.numbers === undefined) {
    const numbers = new Float64Array(parsed.records.length * columnCount);
    parsed.records.forEach((record, r) => {
      for (let c = 0; c < columnCount; c++) numbers[r * columnCount + c] = parseCsvNumber(record[c] ?? '') ?? NaN;
    });
    parsed.numbers = numbers;
  }
  return parsed.numbers;
}

function parseText(text: string): ParsedCsv {
  try {
    // Ragged rows are allowed through the parser only so that they can be reported with their line below.
    const output = parseCsvText(text, {
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return { records: output.map((o) => o.record), lines: output.map((o) => o.info.lines), error: null };
  } catch (error) {
    // csv-parse signals malformed input (an unclosed quote, a quote inside a field) by throwing.
    const e = error as { code?: string; lines?: number; message?: string };
    return { records: [], lines: [], error: { line: typeof e.lines === 'number' ? e.lines : null, message: describeCsvError(e.code, e.message) } };
  }
}

function describeCsvError(code: string | undefined, message: string | undefined): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is opened but never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote appears inside an unquoted field; quote the whole field and double inner quotes ("")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by more text; double quotes inside a quoted field ("")';
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a closing quote is followed by more text before the comma';
    default:
      return (message ?? 'the file is not valid CSV').replace(/\s+/g, ' ');
  }
}

// ------------------------------------------------------------------ numbers

/**
 * Decimal numbers as spreadsheets write them: `3`, `-0.5`, `.5`, `5.`, `1e-3`. Nothing else (no hex, no "Infinity").
 * Each digit can match one way only, so a cell of a million digits is tested in linear time.
 */
const CSV_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseCsvNumber(value: string): number | null {
  if (!CSV_NUMBER.test(value)) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

// ------------------------------------------------------------------ loading

/**
 * Loads the data set a spec asks for. Loads are kept with the parsed file in `store`,
 * so the returned Dataset may be shared between checks: it is read-only.
 */
export function loadCsv(request: CsvRequest, store: DataStore): CsvLoad {
  const parsed = store.parsedCsv(request.path, request.text, parseText);
  const key = JSON.stringify([request.name, request.fileLabel, request.header, request.inputs, request.target, request.onehot, request.normalize, request.maxDataCells]);
  const cached = parsed.loads?.get(key);
  if (cached !== undefined) return cached;
  const load = loadParsed(request, parsed);
  parsed.loads ??= new Map();
  if (parsed.loads.size >= 8) parsed.loads.clear();
  parsed.loads.set(key, load);
  return load;
}

function loadParsed(request: CsvRequest, parsed: ParsedCsv): CsvLoad {
  const problems: CsvProblem[] = [];
  const file = request.fileLabel;
  const error = (message: string, code: ProblemCode = 'csv-bad-row', tag: number | null = null): CsvLoad => {
    problems.push({ code, severity: 'error', message, tag });
    return { dataset: null, problems };
  };

  if (parsed.error !== null) {
    return error(parsed.error.line !== null ? `${file} line ${parsed.error.line}: ${parsed.error.message}` : `${file}: ${parsed.error.message}`);
  }
  const { records } = parsed;
  const line = (r: number): number => firstLine(parsed, r);
  if (records.length === 0) return error(`${file} is empty; give it a header line and rows of data, or point 'from' at another file`, 'empty-data');
  const header = request.header ? records[0] : null;
  const firstRow = request.header ? 1 : 0;
  if (records.length === firstRow) return error(`${file} has a header line but no rows of data; add rows below the header`, 'empty-data');
  const columnCount = records[0].length;
  if (columnCount === 1) {
    // A spreadsheet saved with semicolons or tabs reads as one column; say so instead of "not a number".
    const separator = [';', '\t'].find((candidate) => records[0][0].includes(candidate));
    if (separator !== undefined) {
      return error(`${file} line ${line(0)} separates its values with ${separator === ';' ? "';'" : 'tabs'}, but data files are comma-separated; save it as CSV with commas`);
    }
  }

  if (header !== null && header.every((cell) => parseCsvNumber(cell) !== null)) {
    problems.push({
      code: 'csv-header-looks-like-data',
      severity: 'warning',
      message: `the first line of ${file} holds only numbers but is read as the header; add 'header no' if it is data`,
      tag: null,
    });
  }

  // Rows with a different number of values than the first line.
  let ragged = 0;
  let firstRagged = -1;
  for (let r = firstRow; r < records.length; r++) {
    if (records[r].length !== columnCount) {
      if (ragged === 0) firstRagged = r;
      ragged++;
    }
  }
  if (ragged > 0) {
    const against = header !== null ? `the header has ${plural(columnCount, 'column')}` : `line ${line(0)} has ${columnCount}`;
    return error(`${file} line ${line(firstRagged)} has ${plural(records[firstRagged].length, 'value')}, but ${against}${more(ragged - 1, 'row')}`);
  }

  const columnLabel = (index: number): string => (header !== null ? `'${echo(header[index])}'` : `${index}`);

  // Resolve names and ranges to column indexes.
  const resolveName = (name: ColumnName, tag: number, inTarget: boolean): number | null => {
    if (name.kind === 'index') {
      if (name.index < columnCount) return name.index;
      error(`column ${name.index} does not exist: ${file} has ${plural(columnCount, 'column')} (0 to ${columnCount - 1})`, 'csv-unknown-column', tag);
      return null;
    }
    if (header === null) {
      error(`${file} is read without a header ('header no'), so its columns are named by 0-based index, not '${echo(name.name)}'`, 'csv-unknown-column', tag);
      return null;
    }
    const index = header.indexOf(name.name);
    if (index >= 0) return index;
    // In a target, a misspelled `onehot` reads as a column name; say so rather than listing columns.
    const guess = suggest(name.name, header) ?? (inTarget ? suggest(name.name, ['onehot']) : null);
    error(
      `column '${echo(name.name)}' is not in ${file}` + (guess !== null ? `; did you mean '${echo(guess)}'?` : `; its columns are ${header.map((h) => `'${echo(h)}'`).join(', ')}`),
      'csv-unknown-column',
      tag,
    );
    return null;
  };
  const resolve = (selectors: ColumnSelector[], inTarget: boolean): number[] | null => {
    const columns: number[] = [];
    const named = new Set<number>();
    let ok = true;
    for (const selector of selectors) {
      const from = resolveName(selector.from, selector.tag, inTarget);
      const to = selector.to !== undefined ? resolveName(selector.to, selector.tag, inTarget) : from;
      if (from === null || to === null) {
        ok = false;
        continue;
      }
      if (to < from) {
        // Each end named as the user wrote it (`1..0` says 1 and 0, not the header names behind them).
        const written = (name: ColumnName, index: number) => (name.kind === 'index' ? `${index}` : columnLabel(index));
        error(`the range runs backwards: column ${written(selector.from, from)} comes after ${written(selector.to!, to)}; write them the other way round`, 'out-of-range', selector.tag);
        ok = false;
        continue;
      }
      for (let c = from; c <= to; c++) {
        // `inputs a a` would feed the same column twice: surely a slip, never what the user meant.
        if (named.has(c)) {
          error(`column ${columnLabel(c)} is named twice in '${inTarget ? 'target' : 'inputs'}'; name each column once`, 'column-conflict', selector.tag);
          ok = false;
          break;
        }
        named.add(c);
        columns.push(c);
      }
    }
    return ok ? columns : null;
  };

  const targetColumns = request.target !== null ? resolve(request.target, true) : [columnCount - 1];
  const explicitInputs = request.inputs !== null ? resolve(request.inputs, false) : null;
  if (targetColumns === null || (request.inputs !== null && explicitInputs === null)) return { dataset: null, problems };
  const inputColumns = explicitInputs ?? range(columnCount).filter((c) => !targetColumns.includes(c));
  for (const c of inputColumns) {
    if (targetColumns.includes(c)) {
      return error(`column ${columnLabel(c)} is both an input and the target; leave it out of 'inputs'`, 'column-conflict', request.inputs?.[0]?.tag ?? null);
    }
  }
  if (inputColumns.length === 0) return error(`${file} has no column left for the inputs once the target is taken`, 'column-conflict');
  if (request.onehot && targetColumns.length !== 1) {
    return error(`'onehot' turns one column of class labels into outputs, but the target has ${plural(targetColumns.length, 'column')}`, 'column-conflict', request.target?.[0]?.tag ?? null);
  }

  const rowCount = records.length - firstRow;
  const rowLine = (r: number): number => line(r + firstRow);

  // Class labels by first appearance, before anything is allocated.
  let classes: string[] | null = null;
  const seen = new Map<string, number>();
  if (request.onehot) {
    const column = targetColumns[0];
    for (let r = 0; r < rowCount; r++) {
      const label = records[r + firstRow][column];
      if (label === '') return error(`${file} line ${rowLine(r)}: the class label in column ${columnLabel(column)} is empty`, 'csv-bad-row');
      if (!seen.has(label)) seen.set(label, seen.size);
    }
    classes = [...seen.keys()];
  }
  const targetWidth = classes !== null ? classes.length : targetColumns.length;
  const inputWidth = inputColumns.length;
  const cells = rowCount * (inputWidth + targetWidth);
  if (cells > request.maxDataCells) {
    return error(
      `data set '${request.name}' would hold ${cells.toLocaleString('en-US')} numbers (${rowCount.toLocaleString('en-US')} ${rowCount === 1 ? 'row' : 'rows'} × ${inputWidth + targetWidth}), more than the limit of ${request.maxDataCells.toLocaleString('en-US')}; use fewer rows`,
      'data-too-large',
    );
  }

  const inputs = new Float64Array(rowCount * inputWidth);
  const targets = new Float64Array(rowCount * targetWidth);
  let badValues = 0;
  let firstBad = '';
  const table = numericTable(parsed, columnCount);
  const numeric = (r: number, column: number): number => {
    const value = table[(r + firstRow) * columnCount + column];
    if (value === value) return value; // not NaN
    const text = records[r + firstRow][column];
    if (badValues++ === 0) {
      firstBad =
        text === ''
          ? `${file} line ${rowLine(r)}: column ${columnLabel(column)} is empty`
          : CSV_NUMBER.test(text)
            ? `${file} line ${rowLine(r)}: '${echo(text)}' in column ${columnLabel(column)} is too large to be a number (it overflows to infinity)`
            : `${file} line ${rowLine(r)}: '${echo(text)}' in column ${columnLabel(column)} is not a number`;
    }
    return 0;
  };
  for (let r = 0; r < rowCount; r++) {
    for (let i = 0; i < inputWidth; i++) inputs[r * inputWidth + i] = numeric(r, inputColumns[i]);
    if (classes !== null) {
      targets[r * targetWidth + (seen.get(records[r + firstRow][targetColumns[0]]) ?? 0)] = 1;
    } else {
      for (let t = 0; t < targetWidth; t++) targets[r * targetWidth + t] = numeric(r, targetColumns[t]);
    }
  }
  if (badValues > 0) return error(`${firstBad}${more(badValues - 1, 'value')}`, 'csv-not-a-number');

  return {
    dataset: {
      name: request.name,
      rows: rowCount,
      inputWidth,
      targetWidth,
      inputs,
      targets,
      inputNames: header !== null ? inputColumns.map((c) => header[c]) : defaultInputNames(inputWidth),
      classes,
      normalize: request.normalize,
      rowSpans: null,
    },
    problems,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function more(n: number, noun: string): string {
  return n > 0 ? ` (and ${plural(n, 'more ' + noun)} like it)` : '';
}
