// Loads a CSV file into a Dataset in one streaming pass: bytes to numbers without a string per field, column selection, categories, missing values (docs/language.md §4.5, §7 "Data").
//
// The file comes in chunks from a ByteSource (a file read as it streams, or a text in
// memory); csvScan.ts finds the records and fields, and each numeric field goes from
// its bytes straight into the data set's shared, growable arrays (memory.ts). Only
// what is not a number becomes a string: the header, class labels and categories,
// and the value a message names.
//
// Every problem names the CSV's own line, since that is where the user has to look,
// and problems are reported in a fixed order (the file, its separator, its rows, the
// columns the spec names, then the values), as they were when the file was read
// whole, so one file gives one message however it is read.

import type { ColumnEncoding, Dataset, MissingKind, NormalizeKind } from '../language/model';
import type { ProblemCode, Severity } from '../language/problems';
import { suggest } from '../language/suggest';
import { echo, plural } from '../language/wording';
import { CR, CsvScanner, ENDS_CR, FieldKind, LF, fieldText, type CsvRecordHandler, type CsvSyntaxError } from './csvScan';
import { CSV_NUMBER, isMissingBytes, isMissingText, parseCsvNumber, parseDecimal, POWERS_OF_TEN } from './decimal';
import { defaultInputNames } from './inline';
import { growableFloat64, sharedFloat64, type GrowableArray } from './memory';
import { PLAIN_IGNORED, PLAIN_LABEL, PLAIN_TARGET, readPlainRecord, type PlainLayout, type RowsHelper } from './plainRows';

export { parseCsvNumber } from './decimal';

/** A column as the spec names it: a header name (quoted or not) or a 0-based index. */
export type ColumnName = { kind: 'name'; name: string } | { kind: 'index'; index: number };

/** `a` or `a..b` in an `inputs`/`target`/`encode` statement; `tag` lets the caller map problems back to the spec. */
export interface ColumnSelector {
  tag: number;
  from: ColumnName;
  to?: ColumnName;
}

/** What a data block asks of its file: everything but the file itself, which comes as a ByteSource. */
export interface CsvRequest {
  /** The data set's name in the spec. */
  name: string;
  /** How messages name the file: the path as the spec writes it. */
  fileLabel: string;
  header: boolean;
  /** The field separator: one ASCII character (`,` by default; `separator ";"`). */
  separator: string;
  /** null: every column but the target. */
  inputs: ColumnSelector[] | null;
  /** null: the last column. */
  target: ColumnSelector[] | null;
  onehot: boolean;
  /** Input columns whose values are words, each turned into one input per category; null: none. */
  encode: ColumnSelector[] | null;
  missing: MissingKind | null;
  normalize: NormalizeKind | null;
  /** Refuse before materializing when rows × (inputs + targets) is larger. */
  maxDataCells: number;
}

/** A change to the data block that would fix a problem; the checker turns it into an edit. */
export type DataFix =
  | { kind: 'separator'; separator: string }
  | { kind: 'encode'; column: string }
  | { kind: 'missing' }
  | { kind: 'onehot'; column: string };

export interface CsvProblem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** The selector the problem is about, or null for the file as a whole (the `data` statement). */
  tag: number | null;
  /** The data block's statement the problem is about, when it is one of these and not a column. */
  statement?: 'missing' | 'separator';
  fixes?: DataFix[];
}

export interface CsvLoad {
  /** null when any error was found. */
  dataset: Dataset | null;
  problems: CsvProblem[];
  /** Smallest and largest target of the data set, for the checker's warnings. */
  targetRange: { min: number; max: number } | null;
}

/** Where the bytes of a data file come from: a file as it streams in, or a text held in memory. */
export interface ByteSource {
  /** The size in bytes, for progress (the end is where `read` returns 0). */
  readonly size: number;
  /** Reads up to `length` bytes into `into` at `offset`; 0 at the end. */
  read(into: Uint8Array, offset: number, length: number): number;
  close(): void;
}

/** A ByteSource over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let position = 0;
  return {
    size: bytes.length,
    read(into, offset, length) {
      const count = Math.min(length, bytes.length - position);
      into.set(bytes.subarray(position, position + count), offset);
      position += count;
      return count;
    },
    close() {},
  };
}

/** A ByteSource over a text (UTF-8). */
export function textSource(text: string): ByteSource {
  return bytesSource(new TextEncoder().encode(text));
}

export interface CsvLoadOptions {
  /** Told the share of the file read so far, every chunk; answering false stops the load (loadCsv returns null). */
  progress?(fraction: number): boolean;
  /**
   * Reading on two threads, with `thread` reading part of each chunk: from files of
   * `minBytes` (HELPER_MIN_BYTES by default), in chunks of `chunkBytes`; `waitForHelper`
   * waits for the thread to run before reading on (tests). Without it: on this thread only.
   */
  helper?: false | { thread: RowsHelper; minBytes?: number; chunkBytes?: number; waitForHelper?: boolean };
}

/** Bytes read at a time; a record longer than this is read in more. */
const CHUNK_BYTES = 1 << 20;

/** Files from this size are read on two threads (smaller ones take less than a helper takes to start), in chunks of HELPER_CHUNK_BYTES. */
export const HELPER_MIN_BYTES = 16 << 20;
const HELPER_CHUNK_BYTES = 4 << 20;
/**
 * Where a chunk is split: the helper reads what follows this share of it. It also copies its
 * rows into place while this thread reads the next chunk, so this thread takes a little more.
 */
const HELPER_SHARE = 0.55;

/**
 * The longest row a data file may have. A row is kept whole until it ends, and a file of one
 * endless line (a quote left open, a binary file) would be held entire: past this it is refused.
 */
export const MAX_ROW_BYTES = 16 * 1024 * 1024;

// ------------------------------------------------------------------ reading bytes

type ReadOutcome = 'done' | 'cancelled' | 'utf16' | { longRow: number };

/**
 * Feeds the source to the scanner chunk by chunk, keeping an unfinished record for the next
 * chunk; with a loader that has a helper thread, each chunk is read in a helper round first.
 */
function scanSource(source: ByteSource, scanner: CsvScanner, options: CsvLoadOptions, loader: CsvLoader | null = null): ReadOutcome {
  const wanted = options.helper !== undefined && options.helper !== false && source.size >= (options.helper.minBytes ?? HELPER_MIN_BYTES) ? options.helper : null;
  const helper = loader !== null && wanted !== null;
  const chunkBytes = wanted !== null ? (wanted.chunkBytes ?? HELPER_CHUNK_BYTES) : CHUNK_BYTES;
  // The helper reads the chunks too: they are in shared memory.
  const allocate = (length: number) => (helper ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length));
  if (helper) loader.wantsHelper = { thread: wanted.thread, wait: wanted.waitForHelper === true };
  let buffer = allocate(chunkBytes * 2);
  let kept = 0;
  let first = true;
  let read = 0;
  for (;;) {
    if (buffer.length - kept < chunkBytes) {
      const larger = allocate(Math.max(buffer.length * 2, kept + chunkBytes));
      larger.set(buffer.subarray(0, kept));
      buffer = larger;
    }
    const count = source.read(buffer, kept, buffer.length - kept);
    read += count;
    const end = kept + count;
    const final = count === 0;
    let from = 0;
    if (first && (end >= 3 || final)) {
      first = false;
      if (end >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))) return 'utf16';
      if (end >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) from = 3;
    } else if (first) {
      // Fewer than three bytes so far: wait for more before deciding about a byte-order mark.
      kept = end;
      continue;
    }
    if (loader !== null) from = loader.helperRound(buffer, from, end);
    const rest = scanner.scan(buffer, from, end, final);
    if (final || scanner.error !== null || scanner.stopped) return 'done';
    buffer.copyWithin(0, rest, end);
    kept = end - rest;
    if (kept > MAX_ROW_BYTES) return { longRow: scanner.line };
    if (options.progress && !options.progress(source.size > 0 ? Math.min(1, read / source.size) : 1)) return 'cancelled';
  }
}

/** The fields of a CSV's first record (its header line), or null when the file has none or cannot be read as CSV. */
export function readHeader(source: ByteSource, separator = ','): string[] | null {
  let header = null as string[] | null;
  const scanner: CsvScanner = new CsvScanner(separator.charCodeAt(0), {
    record(buffer, count) {
      header = recordTexts(scanner, buffer, count);
      return false;
    },
  });
  try {
    // A header is read in the first chunk or two; a file that never ends its first line has none.
    return scanSource(source, scanner, {}) === 'done' ? header : null;
  } finally {
    source.close();
  }
}

function recordTexts(scanner: CsvScanner, buffer: Uint8Array, count: number): string[] {
  const texts: string[] = [];
  for (let k = 0; k < count; k++) texts.push(fieldText(buffer, scanner.fieldStart[k], scanner.fieldEnd[k], scanner.fieldKind[k]));
  return texts;
}

// ------------------------------------------------------------------ loading

/**
 * Loads the data set a data block asks for from `source` (closed when done). Returns null
 * when options.progress cancelled the load. The returned Dataset is read-only (it is shared
 * between checks and threads).
 */
export function loadCsv(request: CsvRequest, source: ByteSource, options: CsvLoadOptions = {}): CsvLoad | null {
  const loader = new CsvLoader(request, source.size);
  const scanner = new CsvScanner(request.separator.charCodeAt(0), loader);
  loader.scanner = scanner;
  let outcome: ReadOutcome;
  try {
    outcome = scanSource(source, scanner, options, loader);
  } finally {
    source.close();
    loader.finishHelper();
  }
  if (outcome === 'cancelled') return null;
  if (outcome === 'utf16') return loader.fail(`cannot read '${request.fileLabel}': it is saved as UTF-16; save it as UTF-8`, 'csv-unreadable');
  if (typeof outcome === 'object') {
    return loader.fail(
      `${request.fileLabel} line ${outcome.longRow}: the row that starts here runs on for more than ${MAX_ROW_BYTES / (1024 * 1024)} MB, which no data file's row does (is a quote left open, or is it not a CSV file?)`,
    );
  }
  return loader.finish(scanner.error);
}

/** Which file column feeds each input and target, once the header (or first row) is known. */
interface Plan {
  /** File column of each written input, in input order. */
  inputColumns: number[];
  /** 1 where that input column is encoded (`encode`): its words become categories. */
  encoded: Uint8Array;
  targetColumns: number[];
  /** Numbers stored per row while reading: one per input column (a category's index for an encoded one). */
  storedInputs: number;
  /** Per row: the target columns' numbers, or the class's index with onehot. */
  storedTargets: number;
}

/** The first value that stopped the load, and how many more like it. */
interface BadValues {
  count: number;
  first: string;
  code: ProblemCode;
  fixes?: DataFix[];
  /** A word in a numeric column: which column, as what; advice comes if the whole column is words. */
  word?: { column: number; role: 'input' | 'target' };
}

class CsvLoader implements CsvRecordHandler {
  scanner!: CsvScanner;
  private readonly file: string;
  private readonly problems: CsvProblem[] = [];
  /** Problems of the columns the spec names, reported after the rows' shape. */
  private readonly columnProblems: CsvProblem[] = [];
  private columnCount = -1;
  private header: string[] | null = null;
  private headerLine = 0;
  private firstRecord: string[] | null = null;
  private records = 0;
  private plan: Plan | null = null;

  private raggedRows = 0;
  private firstRagged: { line: number; values: number } | null = null;

  /** Rows kept (the data set's rows), rows left out for a missing value, and where the first of those is. */
  private rows = 0;
  private dropped = 0;
  private firstDroppedLine = 0;
  private droppedForTarget = 0;
  private filled = 0;
  private readonly filledColumns = new Set<number>();
  private storing = true;
  private inputs: GrowableArray<Float64Array> | null = null;
  private targets: GrowableArray<Float64Array> | null = null;
  /** Categories of each encoded input (by input position) and the onehot classes, by first appearance. */
  private categories: Map<string, number>[] = [];
  private readonly classes = new Map<string, number>();
  private emptyLabel: string | null = null;
  /** Per file column: words met in it (in a numeric column) and missing values; and the data rows read. */
  private words = new Int32Array(0);
  private missingIn = new Int32Array(0);
  private rowsRead = 0;
  private bad: BadValues | null = null;
  /** A row's categories and class, added once the row is kept (a dropped row adds none). */
  private readonly rowLabels: (string | null)[] = [];
  /** How fastRecord reads a plain row of this file; null when its rows all go through `row`. */
  private layout: PlainLayout | null = null;
  /** The thread that reads part of each chunk (large files), once the columns are known. */
  helper: RowsHelper | null = null;
  /** Set by scanSource when the file is large enough for a helper (`wait`: wait for it to run before reading on). */
  wantsHelper: { thread: RowsHelper; wait: boolean } | null = null;
  /** Rows the helper placed (first row, count, …) and their onehot classes. */
  private readonly placedRows: number[] = [];
  private readonly placedLabels: number[] = [];

  constructor(
    private readonly request: CsvRequest,
    private readonly size: number,
  ) {
    this.file = request.fileLabel;
  }

  fail(message: string, code: ProblemCode = 'csv-bad-row', tag: number | null = null, fixes?: DataFix[]): CsvLoad {
    const problem: CsvProblem = { code, severity: 'error', message, tag };
    if (fixes !== undefined) problem.fixes = fixes;
    this.problems.push(problem);
    return { dataset: null, problems: this.problems, targetRange: null };
  }

  private columnLabel(index: number): string {
    return this.header !== null ? `'${echo(this.header[index])}'` : `${index}`;
  }

  // -------------------------------------------------------------- records

  record(buffer: Uint8Array, count: number, line: number): boolean {
    const scanner = this.scanner;
    if (this.columnCount < 0) {
      this.columnCount = count;
      this.headerLine = line;
      this.firstRecord = recordTexts(scanner, buffer, count);
      if (this.request.header) {
        this.header = this.firstRecord;
        this.plan = this.resolve();
        this.layout = this.plainLayout();
        this.startHelper();
        this.records++;
        return true;
      }
      this.plan = this.resolve();
      this.layout = this.plainLayout();
      this.startHelper();
    }
    this.records++;
    if (count !== this.columnCount) {
      if (this.raggedRows++ === 0) this.firstRagged = { line, values: count };
      return true;
    }
    const plan = this.plan;
    if (plan === null || this.raggedRows > 0) return true;
    this.rowsRead++;
    this.row(buffer, plan, line);
    return true;
  }

  /** One data row: its numbers into the arrays, its words into categories, or why it cannot be used. */
  private row(buffer: Uint8Array, plan: Plan, line: number): void {
    const scanner = this.scanner;
    const starts = scanner.fieldStart;
    const ends = scanner.fieldEnd;
    const kinds = scanner.fieldKind;
    const wholes = scanner.fieldWhole;
    const { inputColumns, encoded, targetColumns, storedInputs, storedTargets } = plan;
    if (this.storing && this.inputs === null) this.allocate(plan, ends[this.columnCount - 1] - starts[0] + 1);
    const inputs = this.inputs;
    const targets = this.targets;
    if (this.storing && inputs !== null && targets !== null) {
      if (!inputs.ensure((this.rows + 1) * storedInputs) || !targets.ensure((this.rows + 1) * storedTargets)) this.storing = false;
    }
    const store = this.storing && inputs !== null && targets !== null;
    const inputArray = store ? inputs.array : null;
    const targetArray = store ? targets.array : null;
    const inputBase = this.rows * storedInputs;
    const targetBase = this.rows * storedTargets;
    let missing = false;
    let targetMissing = false;
    const labels = this.rowLabels;
    labels.length = 0;

    for (let j = 0; j < inputColumns.length; j++) {
      const k = inputColumns[j];
      if (encoded[j] === 1) {
        const text = fieldText(buffer, starts[k], ends[k], kinds[k]);
        if (isMissingText(text)) {
          missing = true;
          labels.push(null);
          this.missingValue(line, k, text, j);
        } else labels.push(text);
        continue;
      }
      // Whole numbers (pixels, counts, classes) the scanner has read already; the others from their bytes.
      let value = wholes[k];
      if (value < 0) value = kinds[k] <= FieldKind.quoted ? parseDecimal(buffer, starts[k], ends[k]) : this.textNumber(buffer, k);
      if (value - value !== 0) {
        value = this.irregular(buffer, line, k, j);
        if (value !== value) missing = true;
      }
      if (inputArray !== null) inputArray[inputBase + j] = value;
    }

    if (this.request.onehot) {
      const k = targetColumns[0];
      const text = fieldText(buffer, starts[k], ends[k], kinds[k]);
      if (isMissingText(text)) {
        targetMissing = true;
        if (this.request.missing === null) {
          if (this.emptyLabel === null) {
            this.emptyLabel =
              text === ''
                ? `${this.file} line ${line}: the class label in column ${this.columnLabel(k)} is empty`
                : `${this.file} line ${line}: the class label in column ${this.columnLabel(k)} is '${echo(text)}', a missing value`;
          }
        }
        labels.push(null);
      } else labels.push(text);
    } else {
      for (let t = 0; t < targetColumns.length; t++) {
        const k = targetColumns[t];
        let value = wholes[k];
        if (value < 0) value = kinds[k] <= FieldKind.quoted ? parseDecimal(buffer, starts[k], ends[k]) : this.textNumber(buffer, k);
        if (value - value !== 0) {
          if (this.isMissing(buffer, k)) {
            targetMissing = true;
            if (this.request.missing === null) this.missingValue(line, k, fieldText(buffer, starts[k], ends[k], kinds[k]), -1);
          } else this.badValue(line, k, fieldText(buffer, starts[k], ends[k], kinds[k]), 'target');
          value = 0;
        }
        if (targetArray !== null) targetArray[targetBase + t] = value;
      }
    }

    if ((missing || targetMissing) && this.request.missing !== null) {
      // A row is left out when `missing drop` says so, or when its target is missing (nothing to learn from it).
      if (this.request.missing === 'drop' || targetMissing) {
        if (this.dropped++ === 0) this.firstDroppedLine = line;
        if (targetMissing) this.droppedForTarget++;
        return;
      }
    }
    // The row is kept: its words become categories and classes, by first appearance.
    let position = 0;
    for (let j = 0; j < inputColumns.length; j++) {
      if (encoded[j] !== 1) continue;
      const label = labels[position++];
      let code = NaN;
      if (label !== null) {
        const seen = this.categories[j];
        code = seen.get(label) ?? -1;
        if (code < 0) {
          code = seen.size;
          seen.set(label, code);
        }
      }
      if (inputArray !== null) inputArray[inputBase + j] = code;
    }
    if (this.request.onehot) {
      const label = labels[position];
      let code = 0;
      if (label !== null && label !== undefined) {
        code = this.classes.get(label) ?? -1;
        if (code < 0) {
          code = this.classes.size;
          this.classes.set(label, code);
        }
      }
      if (targetArray !== null) targetArray[targetBase] = code;
    }
    if (missing) this.filled++;
    this.rows++;
  }

  /**
   * How fastRecord reads this file's rows, when the plan allows it: no `encode` (its words go
   * through `row`), and a separator that cannot be part of a number's digits.
   */
  private plainLayout(): PlainLayout | null {
    const plan = this.plan;
    const separator = this.request.separator.charCodeAt(0);
    if (plan === null || plan.encoded.includes(1) || (separator >= 0x30 && separator <= 0x39)) return null;
    const columns = new Int32Array(this.columnCount).fill(PLAIN_IGNORED);
    plan.inputColumns.forEach((c, j) => (columns[c] = j));
    plan.targetColumns.forEach((c, t) => (columns[c] = this.request.onehot ? PLAIN_LABEL : PLAIN_TARGET - t));
    let run = 0;
    while (run < columns.length && columns[0] >= 0 && columns[run] === columns[0] + run) run++;
    return { columns, run, separator, powers: POWERS_OF_TEN, parse: parseDecimal, isMissing: isMissingText, label: null };
  }

  /** True while a plain row can be read by fastRecord (or the helper): the arrays exist, nothing has stopped storing. */
  private readingPlainRows(): boolean {
    return this.layout !== null && this.inputs !== null && this.targets !== null && this.raggedRows === 0 && this.storing;
  }

  /**
   * The scanner's fast path (CsvRecordHandler.fastRecord): a plain data row (plainRows.ts), read
   * from its bytes straight into the data set's arrays, as `row` would store it. Anything else
   * (a quote, white space, a word, a missing value, a ragged row, a row past the limit) is left
   * to the scanner and `row`, which say what is wrong and where.
   */
  fastRecord(buffer: Uint8Array, at: number, end: number, ending: number): number {
    if (!this.readingPlainRows()) return -1;
    const plan = this.plan!;
    const inputs = this.inputs!;
    const targets = this.targets!;
    const row = this.rows;
    if (!inputs.ensure((row + 1) * plan.storedInputs) || !targets.ensure((row + 1) * plan.storedTargets)) return -1;
    const layout = this.layout!;
    const next = readPlainRecord(buffer, at, end, ending, layout, inputs.array, row * plan.storedInputs, targets.array, row * plan.storedTargets);
    if (next < 0) return -1;
    if (layout.label !== null) targets.array[row * plan.storedTargets] = this.classOf(layout.label);
    this.records++;
    this.rowsRead++;
    this.rows++;
    return next;
  }

  /** A class label's index, by first appearance. */
  private classOf(label: string): number {
    let code = this.classes.get(label) ?? -1;
    if (code < 0) {
      code = this.classes.size;
      this.classes.set(label, code);
    }
    return code;
  }

  /**
   * One round of reading a chunk on two threads: the helper reads the rows after a line end
   * past HELPER_SHARE of `buffer[from, end)` (up to its last complete line), while this thread
   * scans the rows before it. The plain rows the helper read (up to the first line that is not
   * one) are placed after this thread's, exactly as if it had read them, and this thread reads on
   * from there; if its own part did not end cleanly at the split, it reads the helper's part
   * again itself. Returns where scanning goes on.
   */
  helperRound(buffer: Uint8Array, from: number, end: number): number {
    const helper = this.helper;
    const scanner = this.scanner;
    if (helper === null || !helper.ready || !this.readingPlainRows() || !scanner.atLineStart) return from;
    const ending = scanner.lineEnding;
    // (lastIndexOf counts a negative start from the end of the buffer: an empty chunk is none.)
    if (ending === 0 || end - from < 2) return from;
    const lineEnd = ending === ENDS_CR ? CR : LF;
    const to = buffer.lastIndexOf(lineEnd, end - 1) + 1;
    const split = buffer.indexOf(lineEnd, from + Math.floor((to - from) * HELPER_SHARE)) + 1;
    if (to <= 0 || split <= from || split >= to) return from;
    helper.read(buffer.buffer as SharedArrayBuffer, split, to, ending);
    const rest = scanner.scan(buffer, from, split, false);
    const share = helper.share();
    if (share.rows === 0 || rest !== split || scanner.error !== null || scanner.stopped || !scanner.atLineStart || !this.readingPlainRows()) return rest;
    const plan = this.plan!;
    const row = this.rows;
    const inputs = this.inputs!;
    const targets = this.targets!;
    if (!inputs.ensure((row + share.rows) * plan.storedInputs) || !targets.ensure((row + share.rows) * plan.storedTargets)) return rest;
    helper.place(row, inputs.shared, targets.shared);
    if (share.labels !== null) {
      // The classes by first appearance, in the rows' order; the helper's copy writes the rest of each row.
      for (const label of share.labels) this.placedLabels.push(this.classOf(label!));
    }
    this.placedRows.push(row, share.rows);
    this.rows += share.rows;
    this.rowsRead += share.rows;
    this.records += share.rows;
    scanner.skipLines(share.rows);
    // From a line that is not a plain row on (if any), this thread reads on the general way.
    return share.end;
  }

  /** Starts the helper thread when scanSource wants one and the file's rows can be plain. */
  private startHelper(): void {
    const plan = this.plan;
    if (this.wantsHelper === null || this.layout === null || plan === null) return;
    const helper = this.wantsHelper.thread;
    if (this.wantsHelper.wait) helper.waitReady();
    helper.begin(this.layout, this.request.onehot, plan.storedInputs, plan.storedTargets);
    this.helper = helper;
  }

  /** Waits for the helper's copies and writes the onehot class of the rows it placed. */
  finishHelper(): void {
    const helper = this.helper;
    if (helper === null) return;
    helper.finish();
    if (this.placedLabels.length > 0) {
      const targets = this.targets!.array;
      const width = this.plan!.storedTargets;
      let label = 0;
      for (let k = 0; k < this.placedRows.length; k += 2) {
        for (let r = this.placedRows[k]; r < this.placedRows[k] + this.placedRows[k + 1]; r++) targets[r * width] = this.placedLabels[label++];
      }
    }
  }

  /** An input field that is not a finite number: NaN when it is missing (noted), 0 when it is not a number (counted as bad). */
  private irregular(buffer: Uint8Array, line: number, k: number, j: number): number {
    const scanner = this.scanner;
    const text = fieldText(buffer, scanner.fieldStart[k], scanner.fieldEnd[k], scanner.fieldKind[k]);
    if (this.isMissing(buffer, k)) {
      this.missingValue(line, k, text, j);
      return NaN;
    }
    this.badValue(line, k, text, 'input');
    return 0;
  }

  /** A field that is not plain ASCII: its text (trimmed as a string), as a number if it is one. */
  private textNumber(buffer: Uint8Array, k: number): number {
    const scanner = this.scanner;
    const text = fieldText(buffer, scanner.fieldStart[k], scanner.fieldEnd[k], scanner.fieldKind[k]);
    return CSV_NUMBER.test(text) ? Number(text) : NaN;
  }

  private isMissing(buffer: Uint8Array, k: number): boolean {
    const scanner = this.scanner;
    const kind = scanner.fieldKind[k];
    if (kind <= FieldKind.quoted) return isMissingBytes(buffer, scanner.fieldStart[k], scanner.fieldEnd[k]);
    return isMissingText(fieldText(buffer, scanner.fieldStart[k], scanner.fieldEnd[k], kind));
  }

  /** A missing value in column k (input position j, or −1 for a target): an error without a `missing` statement. */
  private missingValue(line: number, k: number, text: string, j: number): void {
    this.missingIn[k]++;
    if (this.request.missing === null) {
      const what = text === '' ? `column ${this.columnLabel(k)} is empty` : `'${echo(text)}' in column ${this.columnLabel(k)} is not a number`;
      this.addBad(`${this.file} line ${line}: ${what}`, 'csv-missing-value', [{ kind: 'missing' }], '; it reads as a missing value: add \'missing drop\' or \'missing mean\'');
      return;
    }
    if (j >= 0) this.filledColumns.add(k);
  }

  private badValue(line: number, k: number, text: string, role: 'input' | 'target'): void {
    if (CSV_NUMBER.test(text)) {
      this.addBad(`${this.file} line ${line}: '${echo(text)}' in column ${this.columnLabel(k)} is too large to be a number (it overflows to infinity)`, 'csv-not-a-number');
      return;
    }
    if (CSV_NUMBER.test(text.trim())) {
      // A quoted field keeps the spaces inside its quotes.
      this.addBad(`${this.file} line ${line}: '${echo(text)}' in column ${this.columnLabel(k)} is not a number`, 'csv-not-a-number', undefined, '; a quoted field keeps the spaces inside its quotes, so remove them');
      return;
    }
    this.words[k]++;
    this.addBad(`${this.file} line ${line}: '${echo(text)}' in column ${this.columnLabel(k)} is not a number`, 'csv-not-a-number');
    if (this.bad !== null && this.bad.count === 1 && this.bad.word === undefined && this.bad.code === 'csv-not-a-number') this.bad.word = { column: k, role };
  }

  /**
   * What to do about a word in a numeric column, when every value of that column is a word (or
   * missing): it holds categories or class labels, not a typo (docs/language.md §7.6).
   */
  private wordAdvice(word: NonNullable<BadValues['word']>): { advice: string; fixes: DataFix[] } | null {
    const k = word.column;
    if (this.words[k] + this.missingIn[k] < this.rowsRead) return null;
    const column = this.header !== null ? this.header[k] : String(k);
    if (word.role === 'input') {
      return { advice: `; its values are words: to use them as categories, add 'encode ${echo(columnWord(column))} onehot'`, fixes: [{ kind: 'encode', column }] };
    }
    if (this.plan?.targetColumns.length !== 1) return null;
    return { advice: `; its values are words: for class labels, write 'target ${echo(columnWord(column))} onehot'`, fixes: [{ kind: 'onehot', column }] };
  }

  /** Counts a bad value; the first one's message (with its advice and fixes) is the one reported, with the count of the others of its kind. */
  private addBad(message: string, code: ProblemCode, fixes?: DataFix[], advice = ''): void {
    if (this.bad === null) {
      this.bad = { count: 1, first: message + '\u0000' + advice, code };
      if (fixes !== undefined && fixes.length > 0) this.bad.fixes = fixes;
    } else if (this.bad.code === code) this.bad.count++;
  }

  /**
   * The arrays of the data set, for as many rows as the file holds if its rows are as long as
   * the first (a quarter more: pages that are never written take no memory), growing if not.
   * They may hold one row over the limit: a load that needs more is refused.
   */
  private allocate(plan: Plan, firstRowBytes: number): void {
    const maxCells = this.request.maxDataCells;
    const guess = Math.max(16, Math.ceil((1.25 * this.size) / Math.max(1, firstRowBytes)));
    this.inputs = growableFloat64(Math.min(guess * plan.storedInputs, maxCells), maxCells + plan.storedInputs);
    this.targets = growableFloat64(Math.min(guess * plan.storedTargets, maxCells), maxCells + plan.storedTargets);
  }

  // -------------------------------------------------------------- the columns

  /** Resolves the spec's columns against the header (or the first row's width); problems are kept for after the rows' shape is known. */
  private resolve(): Plan | null {
    const request = this.request;
    const columnCount = this.columnCount;
    const header = this.header;
    const file = this.file;
    let ok = true;
    const error = (message: string, code: ProblemCode, tag: number | null): void => {
      this.columnProblems.push({ code, severity: 'error', message, tag });
      ok = false;
    };
    const columnLabel = (index: number): string => this.columnLabel(index);
    const resolveAll = (selectors: ColumnSelector[], statement: 'inputs' | 'target' | 'encode') =>
      resolveSelectors(selectors, statement, { header, columnCount, file, label: columnLabel }, error);

    const target = request.target !== null ? resolveAll(request.target, 'target') : { columns: [columnCount - 1], tags: [] };
    const explicitInputs = request.inputs !== null ? resolveAll(request.inputs, 'inputs') : null;
    const encode = request.encode !== null ? resolveAll(request.encode, 'encode') : null;
    if (target === null || (request.inputs !== null && explicitInputs === null) || (request.encode !== null && encode === null)) return null;
    const targetColumns = target.columns;
    const inputColumns = explicitInputs?.columns ?? range(columnCount).filter((c) => !targetColumns.includes(c));
    for (const c of inputColumns) {
      if (targetColumns.includes(c)) {
        error(`column ${columnLabel(c)} is both an input and the target; leave it out of 'inputs'`, 'column-conflict', request.inputs?.[0]?.tag ?? null);
        return null;
      }
    }
    if (inputColumns.length === 0) {
      error(`${file} has no column left for the inputs once the target is taken`, 'column-conflict', null);
      return null;
    }
    if (request.onehot && targetColumns.length !== 1) {
      error(`'onehot' turns one column of class labels into outputs, but the target has ${plural(targetColumns.length, 'column')}`, 'column-conflict', request.target?.[0]?.tag ?? null);
      return null;
    }
    const encoded = new Uint8Array(inputColumns.length);
    if (encode !== null) {
      encode.columns.forEach((c, i) => {
        const position = inputColumns.indexOf(c);
        if (position >= 0) {
          encoded[position] = 1;
        } else if (targetColumns.includes(c)) {
          error(`column ${columnLabel(c)} is the target; 'encode' turns input columns into categories (for class labels, write 'target … onehot')`, 'column-conflict', encode.tags[i]);
        } else {
          error(`column ${columnLabel(c)} is not an input; add it to 'inputs' or leave it out of 'encode'`, 'column-conflict', encode.tags[i]);
        }
      });
      if (!ok) return null;
    }
    this.categories = Array.from({ length: inputColumns.length }, () => new Map<string, number>());
    this.words = new Int32Array(columnCount);
    this.missingIn = new Int32Array(columnCount);
    return { inputColumns, encoded, targetColumns, storedInputs: inputColumns.length, storedTargets: request.onehot ? 1 : targetColumns.length };
  }

  // -------------------------------------------------------------- the end

  finish(syntax: CsvSyntaxError | null): CsvLoad {
    const file = this.file;
    const request = this.request;
    if (syntax !== null) return this.fail(`${file} line ${syntax.line}: ${describeSyntaxError(syntax.code)}`);
    if (this.records === 0) return this.fail(`${file} is empty; give it a header line and rows of data, or point 'from' at another file`, 'empty-data');
    if (request.header && this.records === 1) return this.fail(`${file} has a header line but no rows of data; add rows below the header`, 'empty-data');
    if (this.columnCount === 1 && this.firstRecord !== null) {
      // A spreadsheet saved with another separator reads as one column; say which one it uses.
      const candidates = [',', ';', '\t'].filter((c) => c !== request.separator);
      const other = candidates.find((candidate) => this.firstRecord![0].includes(candidate));
      if (other !== undefined) {
        const named = other === ',' ? 'commas' : other === ';' ? "';'" : 'tabs';
        const reads = request.separator === ',' ? 'data files are comma-separated' : `this data block reads ${separatorName(request.separator)}`;
        const problem: CsvProblem = {
          code: 'csv-separator',
          severity: 'error',
          message: `${file} line ${this.headerLine} separates its values with ${named}, but ${reads}; add 'separator ${separatorLiteral(other)}' to read it`,
          tag: null,
          fixes: [{ kind: 'separator', separator: other }],
        };
        if (request.separator !== ',') problem.statement = 'separator';
        this.problems.push(problem);
        return { dataset: null, problems: this.problems, targetRange: null };
      }
    }
    if (this.header !== null && this.header.every((cell) => parseCsvNumber(cell) !== null)) {
      this.problems.push({
        code: 'csv-header-looks-like-data',
        severity: 'warning',
        message: `the first line of ${file} holds only numbers but is read as the header; add 'header no' if it is data`,
        tag: null,
      });
    }
    if (this.firstRagged !== null) {
      const against = this.header !== null ? `the header has ${plural(this.columnCount, 'column')}` : `line ${this.headerLine} has ${this.columnCount}`;
      return this.fail(`${file} line ${this.firstRagged.line} has ${plural(this.firstRagged.values, 'value')}, but ${against}${more(this.raggedRows - 1, 'row')}`);
    }
    const plan = this.plan;
    if (plan === null) {
      this.problems.push(...this.columnProblems);
      return { dataset: null, problems: this.problems, targetRange: null };
    }
    if (this.emptyLabel !== null) return this.fail(`${this.emptyLabel}; add 'missing drop' to leave out rows without one`, 'csv-bad-row', null, [{ kind: 'missing' }]);

    const classes = request.onehot ? [...this.classes.keys()] : null;
    const categories = plan.inputColumns.map((_, j) => (plan.encoded[j] === 1 ? [...this.categories[j].keys()] : null));
    const inputWidth = categories.reduce((sum, c) => sum + (c !== null ? c.length : 1), 0);
    const targetWidth = classes !== null ? classes.length : plan.targetColumns.length;
    const rows = this.rows;
    const cells = rows * (inputWidth + targetWidth);
    if (!this.storing || cells > request.maxDataCells) {
      return this.fail(
        `data set '${request.name}' would hold ${cells.toLocaleString('en-US')} numbers (${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'} × ${inputWidth + targetWidth}), more than the limit of ${request.maxDataCells.toLocaleString('en-US')}; use fewer rows`,
        'data-too-large',
      );
    }
    if (this.bad !== null) {
      const [message, written] = this.bad.first.split('\u0000');
      const words = this.bad.word !== undefined ? this.wordAdvice(this.bad.word) : null;
      return this.fail(`${message}${more(this.bad.count - 1, 'value')}${words?.advice ?? written}`, this.bad.code, null, words?.fixes ?? this.bad.fixes);
    }
    if (rows === 0) {
      return this.fail(
        `every row of ${file} has a missing value, so 'missing ${request.missing}' leaves no row to learn from`,
        'empty-data',
        null,
      );
    }
    this.reportMissing();

    const storedInputs = this.inputs!.finish(rows * plan.storedInputs);
    const storedTargets = this.targets!.finish(rows * plan.storedTargets);
    const header = this.header;
    const inputNames: string[] = [];
    const encodings: ColumnEncoding[] = [];
    plan.inputColumns.forEach((c, j) => {
      const name = header !== null ? header[c] : null;
      const own = categories[j];
      if (own === null) {
        inputNames.push(name ?? `x${inputNames.length + 1}`);
        return;
      }
      const column = name ?? String(c);
      encodings.push({ column, categories: own, first: inputNames.length });
      for (const category of own) inputNames.push(`${column}=${category}`);
    });
    const inputs = encodings.length === 0 ? storedInputs : expandCategories(storedInputs, rows, plan, categories, inputWidth);
    const targets = classes !== null ? expandClasses(storedTargets, rows, classes.length) : storedTargets;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < targets.length; i++) {
      const value = targets[i];
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const dataset: Dataset = {
      name: request.name,
      rows,
      inputWidth,
      targetWidth,
      inputs,
      targets,
      inputNames: header !== null || encodings.length > 0 ? inputNames : defaultInputNames(inputWidth),
      classes,
      normalize: request.normalize,
      rowSpans: null,
    };
    if (encodings.length > 0) dataset.encodings = encodings;
    if (request.missing !== null) dataset.missing = request.missing;
    return { dataset, problems: this.problems, targetRange: { min, max } };
  }

  /** What `missing` did, said on its statement: rows left out, values to be filled. */
  private reportMissing(): void {
    const request = this.request;
    if (request.missing === null) return;
    const total = this.rows + this.dropped;
    const info = (message: string): void => {
      this.problems.push({ code: 'csv-missing-values', severity: 'info', message, tag: null, statement: 'missing' });
    };
    if (request.missing === 'drop') {
      if (this.dropped > 0) info(`left out ${this.dropped} of ${plural(total, 'row')} with a missing value (the first on line ${this.firstDroppedLine})`);
      else info(`${this.file} has no missing value`);
      return;
    }
    const columns = [...this.filledColumns].sort((a, b) => a - b).map((c) => this.columnLabel(c));
    if (this.filled > 0) {
      info(`${plural(this.filled, 'row')} with a missing value in ${listed(columns)}: filled with the column's mean over each run's training part`);
    }
    if (this.droppedForTarget > 0) info(`left out ${plural(this.droppedForTarget, 'row')} whose target is missing (the first on line ${this.firstDroppedLine})`);
    if (this.filled === 0 && this.droppedForTarget === 0) info(`${this.file} has no missing value`);
  }
}

/** Inputs with each encoded column's category index spread into one input per category (1 for its own, 0 for the others; NaN for every one when missing). */
function expandCategories(stored: Float64Array, rows: number, plan: Plan, categories: (string[] | null)[], width: number): Float64Array {
  const inputs = sharedFloat64(rows * width);
  const storedWidth = plan.storedInputs;
  for (let r = 0; r < rows; r++) {
    let out = r * width;
    for (let j = 0; j < storedWidth; j++) {
      const value = stored[r * storedWidth + j];
      const own = categories[j];
      if (own === null) {
        inputs[out++] = value;
        continue;
      }
      if (Number.isNaN(value)) for (let k = 0; k < own.length; k++) inputs[out + k] = NaN;
      else inputs[out + value] = 1;
      out += own.length;
    }
  }
  return inputs;
}

/** One output per class: 1 for the row's class, 0 for the others. */
function expandClasses(codes: Float64Array, rows: number, classCount: number): Float64Array {
  const targets = sharedFloat64(rows * classCount);
  for (let r = 0; r < rows; r++) targets[r * classCount + codes[r]] = 1;
  return targets;
}

/** A syntax error of a CSV in words (csv-parse's codes, which the loader's reading keeps). */
export function describeSyntaxError(code: CsvSyntaxError['code']): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is opened but never closed';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote appears inside an unquoted field; quote the whole field and double inner quotes ("")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a closing quote is followed by more text; double quotes inside a quoted field ("")';
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a closing quote is followed by more text before the comma';
  }
}

/** A separator as the spec writes it: `";"`, `"\t"`. */
export function separatorLiteral(separator: string): string {
  return separator === '\t' ? '"\\t"' : `"${separator}"`;
}

function separatorName(separator: string): string {
  return separator === ',' ? 'commas' : separator === '\t' ? 'tabs' : `'${separator}'`;
}

/** A column as a spec names it: bare when it is a name, quoted otherwise. */
export function columnWord(column: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) && column !== 'onehot' ? column : `"${column.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function more(n: number, noun: string): string {
  return n > 0 ? ` (and ${plural(n, 'more ' + noun)} like it)` : '';
}

function listed(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A column of a data block (`inputs`, `target`, `encode`) found in the file: its index, or the message that says why not (docs/language.md §5.6). */
function resolveColumn(name: ColumnName, header: readonly string[] | null, columnCount: number, file: string, inTarget: boolean): number | string {
  if (name.kind === 'index') {
    return name.index < columnCount ? name.index : `column ${name.index} does not exist: ${file} has ${plural(columnCount, 'column')} (0 to ${columnCount - 1})`;
  }
  if (header === null) return `${file} is read without a header ('header no'), so its columns are named by 0-based index, not '${echo(name.name)}'`;
  const index = header.indexOf(name.name);
  if (index >= 0) return index;
  // In a target, a misspelled `onehot` reads as a column name; say so rather than listing columns.
  const guess = suggest(name.name, header) ?? (inTarget ? suggest(name.name, ['onehot']) : null);
  return `column '${echo(name.name)}' is not in ${file}` + (guess !== null ? `; did you mean '${echo(guess)}'?` : `; its columns are ${header.map((h) => `'${echo(h)}'`).join(', ')}`);
}

/** What a data block's columns are resolved against: the file's header (null with `header no`), its width, its name in messages, and a column's label. */
export interface ColumnsOf {
  header: readonly string[] | null;
  columnCount: number;
  file: string;
  label(index: number): string;
}

/**
 * The columns one statement names (`inputs`, `target`, `encode`), ranges expanded, each with
 * its selector's tag; null when a column is unknown, a range runs backwards or a column is
 * named twice, each reported through `error` (docs/language.md §5.6).
 */
export function resolveSelectors(
  selectors: readonly ColumnSelector[],
  statement: 'inputs' | 'target' | 'encode',
  of: ColumnsOf,
  error: (message: string, code: ProblemCode, tag: number | null) => void,
): { columns: number[]; tags: number[] } | null {
  const columnLabel = of.label;
  const resolveName = (name: ColumnName, tag: number): number | null => {
    const found = resolveColumn(name, of.header, of.columnCount, of.file, statement === 'target');
    if (typeof found === 'number') return found;
    error(found, 'csv-unknown-column', tag);
    return null;
  };
  const columns: number[] = [];
  const tags: number[] = [];
  const named = new Set<number>();
  let all = true;
  for (const selector of selectors) {
    const from = resolveName(selector.from, selector.tag);
    const to = selector.to !== undefined ? resolveName(selector.to, selector.tag) : from;
    if (from === null || to === null) {
      all = false;
      continue;
    }
    if (to < from) {
      // Each end named as the user wrote it (`1..0` says 1 and 0, not the header names behind them).
      const written = (name: ColumnName, index: number) => (name.kind === 'index' ? `${index}` : columnLabel(index));
      error(`the range runs backwards: column ${written(selector.from, from)} comes after ${written(selector.to!, to)}; write them the other way round`, 'out-of-range', selector.tag);
      all = false;
      continue;
    }
    for (let c = from; c <= to; c++) {
      // `inputs a a` would feed the same column twice: surely a slip, never what the user meant.
      if (named.has(c)) {
        error(`column ${columnLabel(c)} is named twice in '${statement}'; name each column once`, 'column-conflict', selector.tag);
        all = false;
        break;
      }
      named.add(c);
      columns.push(c);
      tags.push(selector.tag);
    }
  }
  return all ? { columns, tags } : null;
}
