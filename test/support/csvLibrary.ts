// The CSV reading of version 1, on csv-parse: what data files were read with before the streaming loader (server/src/data/csv.ts), kept as the reference it is tested against (test/data/csv.test.ts).
//
// It reads a text whole with csv-parse (RFC 4180, `trim`, `skip_empty_lines`, `bom`),
// then turns every cell into a number with a regular expression and Number(). It knows
// nothing of version 2 (separators, `encode`, `missing`): the random files it is
// compared on hold none of that. Columns are found by the loader's own resolveSelectors:
// what is compared is the reading of the text and its numbers.

import { parse as parseCsvText } from 'csv-parse/sync';
import { CSV_NUMBER, parseCsvNumber } from '../../server/src/data/decimal';
import { defaultInputNames } from '../../server/src/data/inline';
import { describeSyntaxError, resolveSelectors, type ColumnSelector, type CsvProblem, type CsvRequest } from '../../server/src/data/csv';
import type { Dataset } from '../../server/src/language/model';
import type { ProblemCode } from '../../server/src/language/problems';

export interface LibraryLoad {
  dataset: Dataset | null;
  problems: CsvProblem[];
}

interface ParsedCsv {
  records: string[][];
  lines: number[];
  error: { line: number | null; message: string } | null;
  numbers?: Float64Array;
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
  if (code === 'CSV_QUOTE_NOT_CLOSED' || code === 'INVALID_OPENING_QUOTE' || code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') {
    return describeSyntaxError(code);
  }
  return (message ?? 'the file is not valid CSV').replace(/\s+/g, ' ');
}

// ------------------------------------------------------------------ loading

/** What the reading with csv-parse loaded from a text. */
export function libraryLoadCsv(request: CsvRequest, text: string): LibraryLoad {
  return loadParsed(request, parseText(text));
}

function loadParsed(request: CsvRequest, parsed: ParsedCsv): LibraryLoad {
  const problems: CsvProblem[] = [];
  const file = request.fileLabel;
  const error = (message: string, code: ProblemCode = 'csv-bad-row', tag: number | null = null): LibraryLoad => {
    problems.push({ code, severity: 'error', message, tag });
    return { dataset: null, problems };
  };

  if (parsed.error !== null) {
    return error(parsed.error.line !== null ? `${file} line ${parsed.error.line}: ${parsed.error.message}` : `${file}: ${parsed.error.message}`);
  }
  const { records, lines } = parsed;
  if (records.length === 0) return error(`${file} is empty; give it a header line and rows of data, or point 'from' at another file`, 'empty-data');
  const header = request.header ? records[0] : null;
  const firstRow = request.header ? 1 : 0;
  if (records.length === firstRow) return error(`${file} has a header line but no rows of data; add rows below the header`, 'empty-data');
  const columnCount = records[0].length;
  if (columnCount === 1) {
    // A spreadsheet saved with semicolons or tabs reads as one column; say so instead of "not a number".
    const separator = [';', '\t'].find((candidate) => records[0][0].includes(candidate));
    if (separator !== undefined) {
      return error(`${file} line ${lines[0]} separates its values with ${separator === ';' ? "';'" : 'tabs'}, but data files are comma-separated; save it as CSV with commas`);
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
    const against = header !== null ? `the header has ${plural(columnCount, 'column')}` : `line ${lines[0]} has ${columnCount}`;
    return error(`${file} line ${lines[firstRagged]} has ${plural(records[firstRagged].length, 'value')}, but ${against}${more(ragged - 1, 'row')}`);
  }

  const columnLabel = (index: number): string => (header !== null ? `'${header[index]}'` : `${index}`);

  // Resolve names and ranges to column indexes.
  const resolve = (selectors: ColumnSelector[], inTarget: boolean): number[] | null =>
    resolveSelectors(selectors, inTarget ? 'target' : 'inputs', { header, columnCount, file, label: columnLabel }, error)?.columns ?? null;

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
  const rowLine = (r: number): number => lines[r + firstRow];

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
      `data set '${request.name}' would hold ${cells.toLocaleString('en-US')} numbers (${rowCount.toLocaleString('en-US')} rows × ${inputWidth + targetWidth}), more than the limit of ${request.maxDataCells.toLocaleString('en-US')}; use fewer rows`,
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
            ? `${file} line ${rowLine(r)}: '${text}' in column ${columnLabel(column)} is too large to be a number (it overflows to infinity)`
            : `${file} line ${rowLine(r)}: '${text}' in column ${columnLabel(column)} is not a number`;
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

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function more(n: number, noun: string): string {
  return n > 0 ? ` (and ${plural(n, 'more ' + noun)} like it)` : '';
}
