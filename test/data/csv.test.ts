// Loading CSV text into a Dataset: RFC 4180 quoting, line ends, numbers as spreadsheets write them, classes.
import { describe, expect, it } from 'vitest';
import { loadCsv, parseCsvNumber, type ColumnSelector, type CsvRequest } from '../../server/src/data/csv';
import { DataStore } from '../../server/src/data/store';

function load(text: string, overrides: Partial<CsvRequest> = {}) {
  // A store of its own per call: no test sees another's parse.
  return loadCsv({
    name: 'd',
    fileLabel: 'd.csv',
    path: '/virtual/d.csv',
    text,
    header: true,
    inputs: null,
    target: null,
    onehot: false,
    normalize: null,
    maxDataCells: 1_000_000,
    ...overrides,
  }, new DataStore());
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
    const request: CsvRequest = {
      name: 'd', fileLabel: 'd.csv', path: '/virtual/cached.csv', text: 'a,y\n1,0\n', header: true,
      inputs: null, target: null, onehot: false, normalize: null, maxDataCells: 100,
    };
    const store = new DataStore();
    const first = loadCsv(request, store).dataset;
    expect(loadCsv({ ...request }, store).dataset).toBe(first);
    const changed = loadCsv({ ...request, text: 'a,y\n2,0\n' }, store).dataset;
    expect(changed).not.toBe(first);
    expect([...(changed?.inputs ?? [])]).toEqual([2]);
    // Another store parses the file again: stores share nothing.
    const elsewhere = loadCsv({ ...request }, new DataStore()).dataset;
    expect(elsewhere).not.toBe(first);
    expect(elsewhere).toEqual(first);
  });
});
