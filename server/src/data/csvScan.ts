// Splits CSV bytes into records and fields without building a string per field: RFC 4180 quoting, the rules of docs/language.md §4.5, chunk by chunk.
//
// The scanner reads the bytes of a file as they stream in and hands each record to
// its handler as offsets into the buffer (where each field's content starts and ends),
// so a numeric field goes from bytes to a number with no string in between. It follows
// csv-parse's reading with `trim`, `skip_empty_lines` and `bom` exactly, which is what
// data files were read with before and what test/data/csvScan.test.ts holds it to on
// random files:
//   - the record delimiter is the first line break met outside quotes (CRLF, LF or CR);
//     any other CR or LF is an ordinary character;
//   - space, tab, CR, LF and form feed before a field (or after a closing quote) are
//     skipped; trailing white space of an unquoted field is trimmed;
//   - a line with nothing but such white space is skipped, and counted as a line;
//   - lines are counted as csv-parse counts them (each CR and each LF, a CRLF that ends
//     a record once), so messages name the line csv-parse named.
// A record that is not complete when a chunk ends is scanned again, whole, with the
// next chunk: `scan` returns where it starts, and the caller keeps those bytes.

export const QUOTE = 0x22;
export const CR = 0x0d;
export const LF = 0x0a;
const FF = 0x0c;
export const SPACE = 0x20;
const TAB = 0x09;
const VT = 0x0b;

/** How a field's content is written, and so how to read it. */
export const FieldKind = {
  /** Unquoted: `start..end` is the content, trimmed of ASCII white space. */
  plain: 0,
  /** One quoted section, nothing escaped in it: `start..end` is what lies between the quotes. */
  quoted: 1,
  /** A quoted section with doubled quotes: `decodeComplexField` reads `start..end`, the raw bytes. */
  complex: 2,
} as const;

/** Set on a field's kind when its content has a byte outside ASCII: it is read as a string (UTF-8, trimmed as JavaScript trims). */
export const NON_ASCII = 4;

/** The syntax errors csv-parse reports, by its codes, with the line it names. */
export interface CsvSyntaxError {
  code: 'CSV_QUOTE_NOT_CLOSED' | 'INVALID_OPENING_QUOTE' | 'CSV_INVALID_CLOSING_QUOTE' | 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE';
  line: number;
}

/** What the scanner calls for each record: its fields are `scanner.fieldStart/fieldEnd/fieldKind[0, count)` over `buffer`. */
export interface CsvRecordHandler {
  /** Return false to stop scanning (the rest of the file is not needed). */
  record(buffer: Uint8Array, count: number, line: number): boolean;
  /**
   * Optional: takes in the record that starts at `at` (the first byte of a line) whole, straight
   * from its bytes, and returns the offset just past its line ending; or −1 to leave it to the
   * scanner (which then calls `record`). It may take in only a record that lies on one line, ends
   * with `ending` (ENDS_LF, ENDS_CRLF or ENDS_CR) before `end`, and has no quote, no white space
   * and no byte outside ASCII: there the fields are the bytes between separators, as the
   * scanner would read them.
   */
  fastRecord?(buffer: Uint8Array, at: number, end: number, ending: number): number;
}

/** Line ending of the records, found at the first line break outside quotes. */
const UNKNOWN = 0;
export const ENDS_LF = 1;
export const ENDS_CRLF = 2;
export const ENDS_CR = 3;

/** Field states: nothing read yet (leading white space skipped), an unquoted value, inside quotes, after a closing quote. */
const START = 0;
const PLAIN = 1;
const QUOTING = 2;
const CLOSED = 3;

export class CsvScanner {
  /** Offsets of the fields of the record handed to the handler. */
  fieldStart = new Int32Array(64);
  fieldEnd = new Int32Array(64);
  fieldKind = new Uint8Array(64);
  /**
   * A field of 1 to 15 digits and nothing else, as a number (the scanner reads it while it passes
   * over the bytes, which spares a second read of most numeric files); −1 for any other field.
   */
  fieldWhole = new Float64Array(64);
  /** The first syntax error, after which nothing more is scanned. */
  error: CsvSyntaxError | null = null;
  /** True once the handler asked to stop. */
  stopped = false;
  /** The line the record handed to the handler ends on (where csv-parse reported it). */
  recordEndLine = 0;
  /** The line being read, as csv-parse counts lines (1-based). */
  private lineAt = 1;
  /** A CR or LF was just passed: the line count goes up at the next byte. */
  private lineBreakPending = false;
  private ending = UNKNOWN;

  /** True between records, right after a line ending (where a helper's rows may be placed). */
  get atLineStart(): boolean {
    return this.lineBreakPending && this.error === null && !this.stopped;
  }

  /** The records' line ending (ENDS_LF, ENDS_CRLF, ENDS_CR), or 0 before the first is met. */
  get lineEnding(): number {
    return this.ending;
  }

  /** Counts `count` records of one line each that were read elsewhere (CsvLoader.helperRound), as if scanned. */
  skipLines(count: number): void {
    this.lineAt += count;
  }

  /** The line the record in progress (the next to be scanned) starts on, or the line reached. */
  get line(): number {
    return this.lineAt + (this.lineBreakPending ? 1 : 0);
  }

  constructor(
    /** The field separator, one ASCII byte. */
    private readonly separator: number,
    private readonly handler: CsvRecordHandler,
  ) {}

  /**
   * Scans `buffer[from, end)`. With `final`, nothing follows `end`. Returns the offset of the first
   * byte of a record that is not complete yet (scan it again with more bytes after it), or `end`.
   * After an error or a stop, returns `end`.
   */
  scan(buffer: Uint8Array, from: number, end: number, final: boolean): number {
    if (this.error !== null || this.stopped) return end;
    const separator = this.separator;
    let line = this.lineAt;
    let pending = this.lineBreakPending;
    let ending = this.ending;
    // The state at the start of the record in progress, restored when it has to be scanned again.
    let recordStart = from;
    let savedLine = line;
    let savedPending = pending;
    let savedEnding = ending;

    let count = 0;
    let recordLine = 0;
    let mode = START;
    let fieldFrom = from;
    let contentStart = from;
    let quoteOpen = 0;
    let quoteClose = 0;
    let hasContent = false;
    let complex = false;
    let reopened = false;
    let nonAscii = 0;
    let whole = 0;
    let digitsOnly = true;

    const fastRecords = this.handler.fastRecord !== undefined;
    let i = from;
    for (; i < end; i++) {
      if (pending) {
        line++;
        pending = false;
        if (fastRecords && count === 0 && mode === START && ending !== UNKNOWN) {
          // A line begins: the handler may take the whole record in at once.
          const next = this.handler.fastRecord!(buffer, i, end, ending);
          if (next >= 0) {
            this.recordEndLine = line;
            // Its line ending was the last byte taken: the next line is counted at the next byte.
            pending = true;
            i = next - 1;
            recordStart = next;
            fieldFrom = next;
            savedLine = line;
            savedPending = true;
            savedEnding = ending;
            continue;
          }
        }
      } else if (mode === START && ending !== UNKNOWN) {
        // The fast lane: unquoted fields that start with a byte other than a blank or a quote, one
        // after another while a separator ends each. Whatever else comes (quotes, blanks, the field
        // that ends the record) goes the general way below, which takes over where this stopped.
        let at = i;
        for (;;) {
          const first = buffer[at];
          if (first === QUOTE || first === SPACE || first === TAB || first === CR || first === LF || first === FF || first === separator) break;
          let j = at;
          let value = 0;
          let digits = true;
          let high = 0;
          while (j < end) {
            const d = buffer[j];
            if (d === separator || d === CR || d === LF || d === QUOTE) break;
            if (d >= 0x80) high = NON_ASCII;
            const digit = d - 0x30;
            if (digit >= 0 && digit <= 9) value = value * 10 + digit;
            else digits = false;
            j++;
          }
          if (recordLine === 0) recordLine = line;
          if (j >= end || buffer[j] !== separator) {
            mode = PLAIN;
            contentStart = at;
            hasContent = true;
            whole = value;
            digitsOnly = digits;
            nonAscii = high;
            at = j;
            break;
          }
          this.plainField(buffer, count++, at, j, high, digits ? value : -1);
          at = j + 1;
          fieldFrom = at;
          if (at >= end) break;
        }
        if (at !== i) {
          i = at - 1;
          continue;
        }
      }
      const c = buffer[i];
      if (c === CR || c === LF) pending = true;

      if (mode === QUOTING) {
        if (c !== QUOTE) {
          if (reopened) {
            // After an empty quoted section csv-parse takes no more content: only white space may follow.
            if (c === SPACE || c === TAB || c === CR || c === LF || c === FF) continue;
            this.fail('CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE', line);
            return end;
          }
          if (c >= 0x80) nonAscii = NON_ASCII;
          hasContent = true;
          continue;
        }
        if (i + 1 >= end && !final) break;
        const next = i + 1 < end ? buffer[i + 1] : -1;
        if (next === QUOTE) {
          if (reopened) {
            // The escaped quote would be content.
            this.fail('CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE', line);
            return end;
          }
          // A doubled quote is one quote of the content; its second half is read as content.
          complex = true;
          hasContent = true;
          i++;
          continue;
        }
        if (next === -1 || next === separator || next === CR || next === LF || next === FF || next === SPACE || next === TAB) {
          mode = CLOSED;
          if (!reopened) quoteClose = i;
          continue;
        }
        this.fail('CSV_INVALID_CLOSING_QUOTE', line);
        return end;
      }

      if (ending === UNKNOWN && (c === CR || c === LF)) {
        if (c === LF) ending = ENDS_LF;
        else if (i + 1 < end) ending = buffer[i + 1] === LF ? ENDS_CRLF : ENDS_CR;
        else if (final) ending = ENDS_CR;
        else break;
      }

      if (c === QUOTE) {
        if (mode === START || (mode === CLOSED && !hasContent)) {
          if (mode === CLOSED) reopened = true;
          else quoteOpen = i;
          mode = QUOTING;
          if (recordLine === 0) recordLine = line;
          continue;
        }
        this.fail('INVALID_OPENING_QUOTE', line);
        return end;
      }

      let delimiterLength = 0;
      if (ending === ENDS_LF) delimiterLength = c === LF ? 1 : 0;
      else if (ending === ENDS_CR) delimiterLength = c === CR ? 1 : 0;
      else if (ending === ENDS_CRLF && c === CR) {
        if (i + 1 >= end && !final) break;
        delimiterLength = i + 1 < end && buffer[i + 1] === LF ? 2 : 0;
      }
      if (delimiterLength > 0) {
        if (mode === START && count === 0) {
          // A blank line (or one of white space only): skipped, but counted.
          i += delimiterLength - 1;
          recordStart = i + 1;
          savedLine = line;
          savedPending = pending;
          savedEnding = ending;
          fieldFrom = i + 1;
          continue;
        }
        this.endField(buffer, count++, mode, fieldFrom, i, contentStart, quoteOpen, quoteClose, complex, nonAscii, digitsOnly ? whole : -1);
        this.recordEndLine = line;
        if (!this.handler.record(buffer, count, recordLine === 0 ? line : recordLine)) {
          this.stopped = true;
          this.lineAt = line;
          return end;
        }
        i += delimiterLength - 1;
        count = 0;
        recordLine = 0;
        mode = START;
        hasContent = false;
        complex = false;
        reopened = false;
        nonAscii = 0;
        recordStart = i + 1;
        fieldFrom = i + 1;
        savedLine = line;
        savedPending = pending;
        savedEnding = ending;
        continue;
      }

      if (c === separator) {
        if (recordLine === 0) recordLine = line;
        this.endField(buffer, count++, mode, fieldFrom, i, contentStart, quoteOpen, quoteClose, complex, nonAscii, digitsOnly ? whole : -1);
        mode = START;
        hasContent = false;
        complex = false;
        reopened = false;
        nonAscii = 0;
        fieldFrom = i + 1;
        continue;
      }

      if (mode === START) {
        if (c === SPACE || c === TAB || c === CR || c === LF || c === FF) continue;
        mode = PLAIN;
        contentStart = i;
        hasContent = true;
        whole = 0;
        digitsOnly = true;
        if (recordLine === 0) recordLine = line;
      }
      if (mode === PLAIN) {
        if (c >= 0x80) nonAscii = NON_ASCII;
        const digit = c - 0x30;
        if (digit >= 0 && digit <= 9) whole = whole * 10 + digit;
        else digitsOnly = false;
        if (pending) continue;
        // The rest of an unquoted value: only a separator, a quote or a line break changes anything
        // (none of the bytes passed over is a line break, so the line count stands once a pending break is counted).
        let j = i + 1;
        while (j < end) {
          const d = buffer[j];
          if (d === separator || d === CR || d === LF || d === QUOTE) break;
          if (d >= 0x80) nonAscii = NON_ASCII;
          const next = d - 0x30;
          if (next >= 0 && next <= 9) whole = whole * 10 + next;
          else digitsOnly = false;
          j++;
        }
        i = j - 1;
        continue;
      }
      // After a closing quote only white space may come before the separator.
      if (c === SPACE || c === TAB || c === CR || c === LF || c === FF) continue;
      this.fail('CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE', line);
      return end;
    }

    if (i < end || !final) {
      // The record in progress needs bytes after `end`: it is scanned again from its start.
      this.lineAt = savedLine;
      this.lineBreakPending = savedPending;
      this.ending = savedEnding;
      return recordStart;
    }
    if (mode === QUOTING) {
      this.fail('CSV_QUOTE_NOT_CLOSED', line);
      return end;
    }
    if (count > 0 || mode !== START) {
      this.endField(buffer, count++, mode, fieldFrom, end, contentStart, quoteOpen, quoteClose, complex, nonAscii, digitsOnly ? whole : -1);
      this.recordEndLine = line;
      if (!this.handler.record(buffer, count, recordLine === 0 ? line : recordLine)) this.stopped = true;
    }
    this.lineAt = line;
    this.lineBreakPending = pending;
    this.ending = ending;
    return end;
  }

  private fail(code: CsvSyntaxError['code'], line: number): void {
    this.error = { code, line };
  }

  private endField(
    buffer: Uint8Array,
    index: number,
    mode: number,
    fieldFrom: number,
    fieldTo: number,
    contentStart: number,
    quoteOpen: number,
    quoteClose: number,
    complex: boolean,
    nonAscii: number,
    whole: number,
  ): void {
    if (index >= this.fieldStart.length) this.grow();
    if (mode === PLAIN) {
      this.plainField(buffer, index, contentStart, fieldTo, nonAscii, whole);
      return;
    }
    let start: number;
    let end: number;
    let kind: number;
    if (mode === CLOSED && !complex) {
      start = quoteOpen + 1;
      end = quoteClose;
      kind = FieldKind.quoted | nonAscii;
    } else if (mode === CLOSED) {
      start = fieldFrom;
      end = fieldTo;
      kind = FieldKind.complex | nonAscii;
    } else {
      start = end = fieldTo;
      kind = FieldKind.plain;
    }
    this.fieldWhole[index] = -1;
    this.fieldStart[index] = start;
    this.fieldEnd[index] = end;
    this.fieldKind[index] = kind;
  }

  /** An unquoted field: its content trimmed at the end (JavaScript's trimEnd, for ASCII; a field with other bytes is trimmed again as a string). */
  private plainField(buffer: Uint8Array, index: number, start: number, end: number, nonAscii: number, whole: number): void {
    if (index >= this.fieldStart.length) this.grow();
    while (end > start) {
      const c = buffer[end - 1];
      if (c === SPACE || c === TAB || c === LF || c === CR || c === FF || c === VT) end--;
      else break;
    }
    this.fieldStart[index] = start;
    this.fieldEnd[index] = end;
    this.fieldKind[index] = FieldKind.plain | nonAscii;
    this.fieldWhole[index] = whole >= 0 && end - start <= 15 ? whole : -1;
  }

  private grow(): void {
    const size = this.fieldStart.length * 2;
    const start = new Int32Array(size);
    start.set(this.fieldStart);
    const end = new Int32Array(size);
    end.set(this.fieldEnd);
    const kind = new Uint8Array(size);
    kind.set(this.fieldKind);
    const whole = new Float64Array(size);
    whole.set(this.fieldWhole);
    this.fieldWhole = whole;
    this.fieldStart = start;
    this.fieldEnd = end;
    this.fieldKind = kind;
  }
}

const utf8 = new TextDecoder('utf-8');

/** A field's text, as csv-parse gives it: quotes removed, `""` read as `"`, an unquoted field trimmed at its end. */
export function fieldText(buffer: Uint8Array, start: number, end: number, kind: number): string {
  const base = kind & ~NON_ASCII;
  if (base === FieldKind.complex) return decodeComplexField(buffer, start, end);
  const ascii = (kind & NON_ASCII) === 0;
  const text = ascii ? asciiText(buffer, start, end) : utf8.decode(buffer.subarray(start, end));
  return base === FieldKind.plain && !ascii ? text.trimEnd() : text;
}

function asciiText(buffer: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(buffer[i]);
  return text;
}

/**
 * The content of a field with doubled quotes or more than one quoted section, from its raw
 * bytes (between its separators): what csv-parse appends, byte by byte. The scanner has
 * already found the field well-formed.
 */
function decodeComplexField(buffer: Uint8Array, start: number, end: number): string {
  const bytes: number[] = [];
  let quoting = false;
  for (let i = start; i < end; i++) {
    const c = buffer[i];
    if (quoting) {
      if (c === QUOTE) {
        if (buffer[i + 1] === QUOTE && i + 1 < end) {
          bytes.push(QUOTE);
          i++;
        } else quoting = false;
      } else bytes.push(c);
    } else if (c === QUOTE) quoting = true;
    // Outside quotes only the skipped white space remains.
  }
  return utf8.decode(Uint8Array.from(bytes));
}
