// The byte scanner against csv-parse, the library data files were read with before: the same records, fields, lines and errors on random files.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvScanner, fieldText, type CsvSyntaxError } from '../../server/src/data/csvScan';
import { random } from '../support/random';

interface Scanned {
  records: { fields: string[]; line: number; endLine: number }[];
  error: CsvSyntaxError | null;
}

/** Scans `bytes` in chunks of `chunk` bytes (each unfinished record scanned again with the next), as the loader does. */
function scan(bytes: Uint8Array, separator = ',', chunk = bytes.length): Scanned {
  const records: Scanned['records'] = [];
  const scanner: CsvScanner = new CsvScanner(separator.charCodeAt(0), {
    record(buffer, count, line) {
      const fields: string[] = [];
      for (let k = 0; k < count; k++) fields.push(fieldText(buffer, scanner.fieldStart[k], scanner.fieldEnd[k], scanner.fieldKind[k]));
      records.push({ fields, line, endLine: scanner.recordEndLine });
      return true;
    },
  });
  let from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let buffer = bytes.slice(from, Math.min(bytes.length, from + chunk));
  let position = Math.min(bytes.length, from + chunk);
  for (;;) {
    const final = position >= bytes.length;
    const rest = scanner.scan(buffer, 0, buffer.length, final);
    if (final || scanner.error) break;
    const next = bytes.subarray(position, Math.min(bytes.length, position + chunk));
    position += next.length;
    const joined = new Uint8Array(buffer.length - rest + next.length);
    joined.set(buffer.subarray(rest));
    joined.set(next, buffer.length - rest);
    buffer = joined;
  }
  return { records, error: scanner.error };
}

/** What csv-parse reads, with the options the loader used: trim, skip empty lines, byte-order mark, ragged rows allowed. */
function library(text: string, delimiter = ','): Scanned {
  try {
    const output = parse(text, { info: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, delimiter }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return { records: output.map((o) => ({ fields: o.record, line: 0, endLine: o.info.lines })), error: null };
  } catch (error) {
    const e = error as { code: CsvSyntaxError['code']; lines: number };
    return { records: [], error: { code: e.code, line: e.lines } };
  }
}

const PIECES = ['1', '-2.5', '3e4', 'abc', ' ', '  ', '\t', '"', '""', '"x"', '"a,b"', '"1\n2"', '"q""q"', ',', ',', ',', '\n', '\n', '\r\n', '\r', 'é', '\u00a0', 'NA', '', '\f', '\v', ';'];

function randomText(next: () => number): string {
  const length = Math.floor(next() * 40);
  let text = next() < 0.1 ? '\ufeff' : '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

/** Random files a careful writer would produce: every field quoted or not, numbers and words, one kind of line end. */
function wellFormedText(next: () => number): string {
  const ending = ['\n', '\r\n', '\r'][Math.floor(next() * 3)];
  const columns = 1 + Math.floor(next() * 4);
  const rows = Math.floor(next() * 6);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const fields: string[] = [];
    for (let c = 0; c < columns; c++) {
      const value = next() < 0.7 ? String(Math.round((next() - 0.5) * 1e4) / 100) : ['x', 'a b', 'say "hi"', 'line\nbreak', ''][Math.floor(next() * 5)];
      fields.push(next() < 0.4 || /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    }
    lines.push(fields.join(','));
    if (next() < 0.1) lines.push('');
  }
  return lines.join(ending) + (next() < 0.5 ? ending : '');
}

function compare(text: string, chunk?: number): void {
  const bytes = new TextEncoder().encode(text);
  const ours = scan(bytes, ',', chunk);
  const theirs = library(text);
  const context = JSON.stringify(text);
  expect(ours.error, context).toEqual(theirs.error);
  if (theirs.error !== null) return;
  expect(ours.records.map((r) => r.fields), context).toEqual(theirs.records.map((r) => r.fields));
  expect(ours.records.map((r) => r.endLine), context).toEqual(theirs.records.map((r) => r.endLine));
}

describe('CsvScanner against csv-parse', () => {
  // NN_SCAN_CASES=300000 runs more (about a minute).
  const cases = Number(process.env.NN_SCAN_CASES ?? 10_000);
  it(`reads the same records, fields, lines and errors on ${cases.toLocaleString('en-US')} random texts, whole and in chunks`, () => {
    const next = random(17);
    for (let i = 0; i < cases; i++) {
      const text = randomText(next);
      compare(text);
      compare(text, 1 + Math.floor(next() * 9));
    }
  }, 600_000);

  it('reads the same from well-formed files, whole and in chunks as small as one byte', () => {
    const next = random(5);
    for (let i = 0; i < 3_000; i++) {
      const text = wellFormedText(next);
      compare(text);
      compare(text, 1 + Math.floor(next() * 7));
    }
  });

  it('names the line where a record starts, for a record with line breaks in a quoted field', () => {
    const scanned = scan(new TextEncoder().encode('a,b\n1,"x\ny"\n2,3\n'));
    expect(scanned.records.map((r) => [r.line, r.endLine])).toEqual([[1, 1], [2, 3], [4, 4]]);
  });

  it('reads another separator', () => {
    const scanned = scan(new TextEncoder().encode('a;b\t;c\n"1;2";3\n'), ';');
    expect(scanned.records.map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['1;2', '3']]);
    expect(library('a;b\t;c\n"1;2";3\n', ';').records.map((r) => r.fields)).toEqual([['a', 'b', 'c'], ['1;2', '3']]);
  });
});
