// Loading CSV text into a Dataset: RFC 4180 quoting, line ends, numbers as spreadsheets write them, classes.
import { describe, expect, it } from 'vitest';
import { loadCsv, parseCsvNumber, textSource, type ByteSource, type ColumnSelector, type CsvLoad, type CsvLoadOptions, type CsvRequest } from '../../server/src/data/csv';
import { loadNow } from '../../server/src/data/load';
import { rowsHelper } from '../../server/src/loading/rowsHelper';
import { DataStore } from '../../server/src/data/store';
import { libraryLoadCsv } from '../support/csvLibrary';
import { random } from '../support/random';

const REQUEST: CsvRequest = {
  name: 'd',
  fileLabel: 'd.csv',
  header: true,
  separator: ',',
  inputs: null,
  target: null,
  onehot: false,
  encode: null,
  missing: null,
  normalize: null,
  maxDataCells: 1_000_000,
};

function load(text: string, overrides: Partial<CsvRequest> = {}): CsvLoad {
  return loadCsv({ ...REQUEST, ...overrides }, textSource(text))!;
}

describe('loadCsv', () => {
  it('reads quoted fields with commas and doubled quotes, CRLF line ends and a byte-order mark', () => {
    const loaded = load('\ufeff"size, m²","say ""hi""",y\r\n1.5,2,0\r\n3,4,1\r\n');
    expect(loaded.dataset?.inputNames).toEqual(['size, m²', 'say "hi"']);
    expect([...(loaded.dataset?.inputs ?? [])]).toEqual([1.5, 2, 3, 4]);
    expect(loaded.problems).toEqual([]);
  });

  it('names the line and column of a value that is not a number', () => {
    const { problems } = load('a,b,y\n1,2,0\n"1,5",2,0\n');
    expect(problems.map((p) => [p.code, p.message])).toEqual([['csv-not-a-number', "d.csv line 3: '1,5' in column 'a' is not a number"]]);
  });

  it('says a number too large for a double overflows, as for inline rows (docs/language.md §5.6: a number too large)', () => {
    const { problems } = load('a,b,y\n1,2,0\n1e999,2,0\n');
    expect(problems.map((p) => p.message)).toEqual(["d.csv line 3: '1e999' in column 'a' is too large to be a number (it overflows to infinity)"]);
  });

  it('names the ends of a backwards range as written: by index or by name', () => {
    const range = (from: ColumnSelector['from'], to: ColumnSelector['to']) =>
      load('a,b,y\n1,2,0\n', { inputs: [{ tag: 0, from, to }] }).problems.map((p) => p.message);
    expect(range({ kind: 'index', index: 1 }, { kind: 'index', index: 0 })).toEqual([
      'the range runs backwards: column 1 comes after 0; write them the other way round',
    ]);
    expect(range({ kind: 'name', name: 'b' }, { kind: 'name', name: 'a' })).toEqual([
      "the range runs backwards: column 'b' comes after 'a'; write them the other way round",
    ]);
  });

  it('refuses a column named twice, also through a range', () => {
    const named = (inputs: ColumnSelector[]) => load('a,b,y\n1,2,0\n', { inputs }).problems.map((p) => p.message);
    expect(named([{ tag: 0, from: { kind: 'name', name: 'a' } }, { tag: 1, from: { kind: 'name', name: 'a' } }])).toEqual([
      "column 'a' is named twice in 'inputs'; name each column once",
    ]);
    expect(named([{ tag: 0, from: { kind: 'index', index: 0 }, to: { kind: 'index', index: 1 } }, { tag: 1, from: { kind: 'name', name: 'b' } }])).toEqual([
      "column 'b' is named twice in 'inputs'; name each column once",
    ]);
  });

  it('says what to add to an empty file or one with only a header', () => {
    expect(load('').problems.map((p) => p.message)).toEqual(["d.csv is empty; give it a header line and rows of data, or point 'from' at another file"]);
    expect(load('a,b,y\n').problems.map((p) => p.message)).toEqual(['d.csv has a header line but no rows of data; add rows below the header']);
  });

  it('skips blank lines but counts them in line numbers', () => {
    const { problems } = load('a,y\n1,0\n\n\nx,1\n');
    expect(problems[0]?.message).toBe("d.csv line 5: 'x' in column 'a' is not a number");
  });

  const numbers: [string, number | null][] = [
    ['3', 3],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+2', 2],
    ['1e-3', 0.001],
    ['0x10', null],
    ['Infinity', null],
    ['NaN', null],
    ['', null],
    ['1e999', null],
    ['1,5', null],
  ];
  it.each(numbers)('reads %j as %j', (text, value) => {
    expect(parseCsvNumber(text)).toBe(value);
  });

  it('turns numeric and word labels into one-hot classes by first appearance', () => {
    const words = load('x,label\n1,b\n2,a\n3,b\n4,c\n', { target: [{ tag: 0, from: { kind: 'name', name: 'label' } }], onehot: true });
    expect(words.dataset?.classes).toEqual(['b', 'a', 'c']);
    expect([...(words.dataset?.targets ?? [])]).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const numeric = load('x,label\n1,3\n2,1\n3,3.0\n', { target: [{ tag: 0, from: { kind: 'index', index: 1 } }], onehot: true });
    // Labels are compared as written: 3 and 3.0 are two classes (docs/language.md, Decisions).
    expect(numeric.dataset?.classes).toEqual(['3', '1', '3.0']);
  });

  it('reads a file without a header by index, naming the inputs x1, x2, …', () => {
    const { dataset } = load('1,2,3\n4,5,6\n', { header: false });
    expect(dataset?.inputNames).toEqual(['x1', 'x2']);
    expect([dataset?.rows, dataset?.inputWidth, dataset?.targetWidth]).toEqual([2, 2, 1]);
    expect([...(dataset?.targets ?? [])]).toEqual([3, 6]);
  });

  it('reports a ragged row with its line and how many more there are, never padding it', () => {
    const { dataset, problems } = load('a,b,y\n1,2,0\n1,2\n1,2,3,4\n1,2,0\n');
    expect(dataset).toBeNull();
    expect(problems[0]?.message).toBe('d.csv line 3 has 2 values, but the header has 3 columns (and 1 more row like it)');
  });

  it('refuses a data set over the cell limit before allocating it', () => {
    const { dataset, problems } = load('a,b,y\n1,2,0\n3,4,1\n', { maxDataCells: 5 });
    expect(dataset).toBeNull();
    expect(problems[0]?.code).toBe('data-too-large');
    expect(problems[0]?.message).toBe("data set 'd' would hold 6 numbers (2 rows × 3), more than the limit of 5; use fewer rows");
  });

  it('gives the same Dataset for the same file and request from one store, and a new one when the text changes', () => {
    const text = (t: string) => ({ text: t });
    const store = new DataStore();
    const loader = loadNow(store);
    const ready = (answer: ReturnType<typeof loader.csv>) => ('ready' in answer ? answer.ready.dataset : undefined);
    const first = ready(loader.csv(REQUEST, text('a,y\n1,0\n')));
    expect(ready(loader.csv({ ...REQUEST }, text('a,y\n1,0\n')))).toBe(first);
    const changed = ready(loader.csv(REQUEST, text('a,y\n2,0\n')));
    expect(changed).not.toBe(first);
    expect([...(changed?.inputs ?? [])]).toEqual([2]);
    // Another store loads the file again: stores share nothing.
    const elsewhere = ready(loadNow(new DataStore()).csv(REQUEST, text('a,y\n1,0\n')));
    expect(elsewhere).not.toBe(first);
    expect(elsewhere).toEqual(first);
  });
});

/** Cells as files write numbers: integers, decimals, exponents, signs, `.5`, `5.`, long and overflowing ones. */
function randomNumber(next: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const sign = ['', '', '-', '+'][Math.floor(next() * 4)];
  switch (Math.floor(next() * 9)) {
    case 0:
      return sign + digits(1 + Math.floor(next() * 4));
    case 1:
      return `${sign}${digits(1 + Math.floor(next() * 3))}.${digits(1 + Math.floor(next() * 6))}`;
    case 2:
      return `${sign}${digits(1)}.${digits(Math.floor(next() * 4))}e${['', '-', '+'][Math.floor(next() * 3)]}${digits(1 + Math.floor(next() * 2))}`;
    case 3:
      return `${sign}.${digits(1 + Math.floor(next() * 3))}`;
    case 4:
      return `${sign}${digits(1 + Math.floor(next() * 2))}.`;
    case 5:
      return sign + digits(16 + Math.floor(next() * 10));
    case 6:
      return `${sign}0.${digits(17 + Math.floor(next() * 5))}`;
    case 7:
      // Near the largest double, now and then past it.
      return `${sign}1e${290 + Math.floor(next() * (next() < 0.1 ? 30 : 18))}`;
    default:
      return String((next() - 0.5) * 10 ** Math.floor(next() * 12 - 6));
  }
}

/** A random numeric file, as spreadsheets and scripts write them: quoted or not, padded, any line end, sometimes a word, an empty cell or a ragged row. */
function randomFile(next: () => number): { text: string; request: Partial<CsvRequest> } {
  const columns = 1 + Math.floor(next() * 5);
  const rows = Math.floor(next() * 8);
  const ending = ['\n', '\r\n', '\r'][Math.floor(next() * 3)];
  const header = next() < 0.7;
  const onehot = next() < 0.2;
  const lines: string[] = [];
  if (header) lines.push(Array.from({ length: columns }, (_, c) => `c${c}`).join(','));
  for (let r = 0; r < rows; r++) {
    const width = next() < 0.03 ? columns + 1 : columns;
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      let cell = next() < 0.02 ? ['x', '', 'NaN', 'Infinity', '0x10', '1,5'][Math.floor(next() * 6)] : randomNumber(next);
      if (onehot && c === columns - 1) cell = ['a', 'b', '3', '3.0', 'c d'][Math.floor(next() * 5)];
      if (next() < 0.1) cell = ` ${cell}\t`;
      cells.push(next() < 0.3 || cell.includes(',') ? `"${cell.trim()}"` : cell);
    }
    lines.push(cells.join(','));
    if (next() < 0.05) lines.push(next() < 0.5 ? '' : '   ');
  }
  const text = (next() < 0.1 ? '\ufeff' : '') + lines.join(ending) + (next() < 0.5 ? ending : '');
  return { text, request: { header, onehot, ...(onehot ? { target: [{ tag: 0, from: { kind: 'index', index: columns - 1 } }] } : {}) } };
}

/** The property tests below take a few seconds alone, and ten times that on a busy machine. */
const PROPERTY_TIMEOUT_MS = 180_000;

/** The first error's first clause. */
function firstError(problems: { severity: string; message: string }[]): string | undefined {
  return clause(problems.find((p) => p.severity === 'error')?.message);
}

/** Bit for bit, -0 included. */
function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, k) => Object.is(x, b[k]));
}

/** The same first problem as csv-parse's reading, and when it loads, the same shape, names, classes and numbers; true when it loaded. */
function agreesWithLibrary(ours: CsvLoad, text: string, request: Partial<CsvRequest>, context: string): boolean {
  const theirs = libraryLoadCsv({ ...REQUEST, ...request }, text);
  expect(firstError(ours.problems), context).toBe(firstError(theirs.problems));
  if (theirs.dataset === null) {
    expect(ours.dataset, context).toBeNull();
    return false;
  }
  const dataset = ours.dataset!;
  expect([dataset.rows, dataset.inputWidth, dataset.targetWidth], context).toEqual([theirs.dataset.rows, theirs.dataset.inputWidth, theirs.dataset.targetWidth]);
  expect(dataset.inputNames, context).toEqual(theirs.dataset.inputNames);
  expect(dataset.classes, context).toEqual(theirs.dataset.classes);
  expect(same(dataset.inputs, theirs.dataset.inputs), context).toBe(true);
  expect(same(dataset.targets, theirs.dataset.targets), context).toBe(true);
  return true;
}

/** A text as a file that comes in `chunk` bytes at a time, so records are cut anywhere. */
function trickle(text: string, chunk: number): ByteSource {
  const bytes = new TextEncoder().encode(text);
  let position = 0;
  return {
    size: bytes.length,
    read(into, offset, length) {
      const count = Math.min(length, chunk, bytes.length - position);
      into.set(bytes.subarray(position, position + count), offset);
      position += count;
      return count;
    },
    close() {},
  };
}

/** A message's first clause: the streaming loader adds advice after `;` and counts others only of the same kind. */
function clause(message: string | undefined): string | undefined {
  return message?.split(/; | \(and /)[0];
}

describe('what the loader holds', () => {
  it('refuses a row that runs on for more than 16 MB (a quote left open, a file that is not CSV), holding no more of it', () => {
    // A source of 40 MB of one line after a header, produced as it is read.
    const size = 40 * 1024 * 1024;
    let position = 0;
    let held = 0;
    const endless: ByteSource = {
      size,
      read(into, offset, length) {
        held = Math.max(held, into.length);
        const count = Math.min(length, size - position);
        if (position === 0) {
          into.set(new TextEncoder().encode('a,b\n"1,'), offset);
          into.fill(0x32, offset + 7, offset + count);
        } else into.fill(0x32, offset, offset + count);
        position += count;
        return count;
      },
      close() {},
    };
    const load = loadCsv(REQUEST, endless)!;
    expect(load.problems.map((p) => p.message)).toEqual([
      "d.csv line 2: the row that starts here runs on for more than 16 MB, which no data file's row does (is a quote left open, or is it not a CSV file?)",
    ]);
    expect(position).toBeLessThan(size);
    expect(held).toBeLessThan(40 * 1024 * 1024);
  });
});

describe('the streaming loader against csv-parse', () => {
  it('gives the same numbers, names and first problem on 5,000 random files, quoted or not', () => {
    const next = random(23);
    let loaded = 0;
    for (let i = 0; i < 5_000; i++) {
      const { text, request } = randomFile(next);
      if (agreesWithLibrary(load(text, request), text, request, JSON.stringify(text))) loaded++;
    }
    // Most files are clean, so the numbers were compared, not only the refusals.
    expect(loaded).toBeGreaterThan(2_000);
  }, PROPERTY_TIMEOUT_MS);

  it('reads a file streamed in small chunks as it reads it whole', () => {
    const next = random(29);
    for (let i = 0; i < 500; i++) {
      const { text, request } = randomFile(next);
      const whole = load(text, request);
      const streamed = loadCsv({ ...REQUEST, ...request }, trickle(text, 1 + Math.floor(next() * 5)))!;
      expect(streamed.problems, JSON.stringify(text)).toEqual(whole.problems);
      expect(streamed.dataset, JSON.stringify(text)).toEqual(whole.dataset);
    }
  });
});

/** Numbers the fast path reads itself or hands to parseDecimal: short whole numbers, and the forms at its edges. */
function edgeNumber(next: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  switch (Math.floor(next() * 12)) {
    case 0:
    case 1:
    case 2:
      // Pixels: 0 to 255, mostly 0.
      return next() < 0.6 ? '0' : String(Math.floor(next() * 256));
    case 3:
      // Leading zeros, up to and past 15 digits in all.
      return '0'.repeat(1 + Math.floor(next() * 16)) + digits(1 + Math.floor(next() * 3));
    case 4:
      return ['+', '-'][Math.floor(next() * 2)] + digits(1 + Math.floor(next() * 4));
    case 5:
      return ['-0', '+0', '-0.0', '0.0', '-.0', '0e0', '-0e5'][Math.floor(next() * 7)];
    case 6:
      // 15, 16 and more digits: exact below 2^53, rounded above it.
      return digits(15 + Math.floor(next() * 6));
    case 7:
      return ['9007199254740992', '9007199254740993', '9007199254740995', '18014398509481985', '999999999999999', '1000000000000000'][Math.floor(next() * 6)];
    case 8:
      // Long decimals, past what a double holds.
      return `${digits(1 + Math.floor(next() * 3))}.${digits(10 + Math.floor(next() * 15))}`;
    case 9:
      return `${digits(1 + Math.floor(next() * 2))}${['e', 'E'][Math.floor(next() * 2)]}${['', '-', '+'][Math.floor(next() * 3)]}${digits(1 + Math.floor(next() * 2))}`;
    case 10:
      return ['.5', '5.', '0.1', '123.456', '1e-400', '5e-324', '1.7976931348623157e308'][Math.floor(next() * 7)];
    default:
      return randomNumber(next);
  }
}

/**
 * Files as scripts write them: unquoted, unpadded, one kind of line end; what the loader's
 * fast path (CsvLoader.fastRecord) reads. Now and then a cell or row it must leave to the
 * scanner: a word, an empty or missing cell, a stray line break, a quoted or padded cell, a
 * ragged row, a blank line. `padded` is the same file with a space before every data row,
 * which the fast path leaves to the scanner: the same data read the general way.
 */
function plainFile(next: () => number): { text: string; padded: string; request: Partial<CsvRequest>; libraryReads: boolean } {
  const columns = 2 + Math.floor(next() * 5);
  const rows = 1 + Math.floor(next() * 10);
  const ending = ['\n', '\r\n', '\r'][Math.floor(next() * 3)];
  const header = next() < 0.8;
  const onehot = next() < 0.3;
  const missing = [null, null, 'drop', 'mean'][Math.floor(next() * 4)] as CsvRequest['missing'];
  // csv-parse's reading knows no missing values: a label 'NA' is a class to it.
  let libraryReads = missing === null;
  const lines: string[] = [];
  const padded: string[] = [];
  if (header) lines.push(Array.from({ length: columns }, (_, c) => `c${c}`).join(','));
  if (header) padded.push(lines[0]);
  for (let r = 0; r < rows; r++) {
    const width = next() < 0.02 ? columns + (next() < 0.5 ? 1 : -1) : columns;
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      let cell = next() < 0.02 ? ['x', '', 'NaN', 'NA', '?', '1x', '--1', '1e', '.', '1\r2', '3\n4'][Math.floor(next() * 11)] : edgeNumber(next);
      // csv-parse names the line a record ends on, the loader the one it starts on.
      if (/[\r\n]/.test(cell)) libraryReads = false;
      if (onehot && c === columns - 1) {
        cell = ['a', 'b', '3', '3.0', '03', 'x-y', 'é', 'b\u00a0', 'NA', ''][Math.floor(next() * (next() < 0.1 ? 10 : 8))];
        if (cell === 'NA') libraryReads = false;
      }
      if (next() < 0.01) cell = next() < 0.5 ? `"${cell}"` : ` ${cell}`;
      cells.push(cell);
    }
    lines.push(cells.join(','));
    padded.push(' ' + cells.join(','));
    if (next() < 0.02) {
      lines.push('');
      padded.push('');
    }
  }
  const last = next() < 0.8 ? ending : '';
  const request: Partial<CsvRequest> = { header, missing };
  const index = (i: number): ColumnSelector['from'] => ({ kind: 'index', index: i });
  const choice = next();
  if (onehot) request.onehot = true;
  if (onehot || choice < 0.2) request.target = [{ tag: 0, from: index(columns - 1) }];
  else if (choice < 0.4) request.target = [{ tag: 0, from: index(columns - 2), to: index(columns - 1) }];
  // Sometimes a column is read by neither inputs nor target.
  if (next() < 0.3 && columns > 2) request.inputs = [{ tag: 1, from: index(1), to: index(columns - (request.target?.[0]?.to !== undefined ? 3 : 2)) }];
  return { text: lines.join(ending) + last, padded: padded.join(ending) + last, request, libraryReads };
}

function finiteNumber(next: () => number): string {
  for (;;) {
    const cell = edgeNumber(next);
    if (Number.isFinite(Number(cell))) return cell;
  }
}

describe('the fast path for plain rows against csv-parse', () => {
  it('gives the same bits as Number() and the same first problem on 2,000 random plain files, whole and streamed', () => {
    const next = random(31);
    let loaded = 0;
    for (let i = 0; i < 2_000; i++) {
      const { text, padded, request, libraryReads } = plainFile(next);
      const context = JSON.stringify({ text, request });
      const ours = load(text, request);
      // Every row read the general way: the same problems, in full, and the same data set, bit for bit.
      const general = load(padded, request);
      expect(ours.problems, context).toEqual(general.problems);
      expect(ours.dataset === null, context).toBe(general.dataset === null);
      if (ours.dataset !== null) {
        expect({ ...ours.dataset, inputs: null, targets: null }, context).toEqual({ ...general.dataset!, inputs: null, targets: null });
        expect(same(ours.dataset.inputs, general.dataset!.inputs) && same(ours.dataset.targets, general.dataset!.targets), context).toBe(true);
      }
      // A separator other than the comma reads the same.
      const other = [';', '\t', '|'][i % 3];
      const separated = load(text.replace(/,/g, other), { ...request, separator: other });
      expect(firstError(separated.problems), context).toBe(firstError(ours.problems));
      if (ours.dataset !== null) expect(same(separated.dataset!.inputs, ours.dataset.inputs) && same(separated.dataset!.targets, ours.dataset.targets), context).toBe(true);
      if (!libraryReads || !agreesWithLibrary(ours, text, request, context)) continue;
      loaded++;
      // Streamed in chunks of a few bytes, rows are cut anywhere: the same data set.
      expect(loadCsv({ ...REQUEST, ...request }, trickle(text, 1 + Math.floor(next() * 11)))!.dataset, context).toEqual(ours.dataset);
    }
    expect(loaded).toBeGreaterThan(400);
  }, PROPERTY_TIMEOUT_MS);

  it('reads a large plain file, chunk boundaries and all, as Number() reads its cells', () => {
    // More than one 1 MB chunk, so rows are cut where chunks end.
    const next = random(37);
    const rows: string[] = ['a,b,c,y'];
    const expected: number[] = [];
    for (let r = 0; r < 60_000; r++) {
      const cells = [finiteNumber(next), finiteNumber(next), finiteNumber(next), String(r % 3)];
      rows.push(cells.join(','));
      for (const cell of cells.slice(0, 3)) expected.push(Number(cell));
    }
    const loaded = load(rows.join('\r\n') + '\r\n', { target: [{ tag: 0, from: { kind: 'name', name: 'y' } }], onehot: true });
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.dataset!.rows).toBe(60_000);
    expect(loaded.dataset!.classes).toEqual(['0', '1', '2']);
    expect([...loaded.dataset!.inputs].every((x, k) => Object.is(x, expected[k]))).toBe(true);
  });
});

describe('reading on two threads', () => {
  // Small chunks, so that even small files are read in many rounds shared with the helper thread.
  const twoThreads = (chunkBytes: number): CsvLoadOptions => ({ helper: { thread: rowsHelper(), minBytes: 0, chunkBytes, waitForHelper: true } });

  it('gives the same data set, bit for bit, and the same problems as one thread on 2,000 random plain files', () => {
    const next = random(41);
    let shared = 0;
    for (let i = 0; i < 2_000; i++) {
      const { text, request } = plainFile(next);
      const context = JSON.stringify({ text, request });
      const alone = loadCsv({ ...REQUEST, ...request }, textSource(text), { helper: false })!;
      const both = loadCsv({ ...REQUEST, ...request }, textSource(text), twoThreads(16 + Math.floor(next() * 100)))!;
      expect(both.problems, context).toEqual(alone.problems);
      expect(both.dataset === null, context).toBe(alone.dataset === null);
      if (alone.dataset === null) continue;
      shared++;
      expect({ ...both.dataset!, inputs: null, targets: null }, context).toEqual({ ...alone.dataset, inputs: null, targets: null });
      expect(same(both.dataset!.inputs, alone.dataset.inputs) && same(both.dataset!.targets, alone.dataset.targets), context).toBe(true);
    }
    expect(shared).toBeGreaterThan(1_000);
  }, PROPERTY_TIMEOUT_MS);

  it('reads an MNIST-shaped file the same on two threads as on one, with word labels and a stray quote far in', () => {
    const next = random(43);
    const lines = [`${Array.from({ length: 20 }, (_, c) => `p${c}`).join(',')},label`];
    for (let r = 0; r < 20_000; r++) {
      const cells = Array.from({ length: 20 }, () => (next() < 0.7 ? '0' : String(Math.floor(next() * 256))));
      lines.push(`${cells.join(',')},${['cat', 'dog', 'owl'][r % 3]}`);
    }
    const text = lines.join('\n') + '\n';
    const request = { ...REQUEST, target: [{ tag: 0, from: { kind: 'name', name: 'label' } }], onehot: true } as CsvRequest;
    const alone = loadCsv(request, textSource(text), { helper: false })!;
    const both = loadCsv(request, textSource(text), twoThreads(64 * 1024))!;
    expect(alone.problems).toEqual([]);
    expect(both.problems).toEqual([]);
    expect(both.dataset!.classes).toEqual(['cat', 'dog', 'owl']);
    expect(same(both.dataset!.inputs, alone.dataset!.inputs) && same(both.dataset!.targets, alone.dataset!.targets)).toBe(true);
    // A quote on line 15,000 stops the load where one thread stops it.
    const quoted = text.split('\n');
    quoted[14_999] = quoted[14_999].replace(/^(\d+)/, '$1"');
    const problem = "d.csv line 15000: a quote appears inside an unquoted field; quote the whole field and double inner quotes (\"\")";
    expect(loadCsv(request, textSource(quoted.join('\n')), { helper: false })!.problems.map((p) => p.message)).toEqual([problem]);
    expect(loadCsv(request, textSource(quoted.join('\n')), twoThreads(64 * 1024))!.problems.map((p) => p.message)).toEqual([problem]);
    // A word on the last line is a typo among 20,000 numbers, not a column of words.
    const word = text.replace(/\n\d+,([^\n]*\n)$/, '\nx,$1');
    const typo = "d.csv line 20001: 'x' in column 'p0' is not a number";
    expect(loadCsv(request, textSource(word), { helper: false })!.problems.map((p) => p.message)).toEqual([typo]);
    expect(loadCsv(request, textSource(word), twoThreads(64 * 1024))!.problems.map((p) => p.message)).toEqual([typo]);
  });
});
