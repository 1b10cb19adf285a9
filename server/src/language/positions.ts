// The one converter between UTF-16 offsets (used everywhere in the core) and line/character positions.
//
// Lines end at "\n", "\r\n" or a lone "\r" (the same three breaks LSP clients
// count), so a position computed here lands where the editor expects it.
// Characters are UTF-16 code units, as LSP positions are; a tab is one unit.

/** An LSP-style position: 0-based line, 0-based UTF-16 character within the line. */
export interface Position {
  line: number;
  character: number;
}

/** A position for people and compilers' output: 1-based line, 1-based column. */
export interface CliPosition {
  line: number;
  column: number;
}

/** Start offsets of every line of a text; built once per text, answers in O(log lines). */
export class LineIndex {
  /** lineStarts[k] is the offset of the first character of line k (0-based). */
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based line holding `offset` (clamped into the text). */
  lineOf(offset: number): number {
    const o = clamp(offset, 0, this.text.length);
    let low = 0;
    // Stryker disable next-line ArithmeticOperator: a start past the last is undefined, never <= o, so the search ends the same
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= o) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineContentEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    // A later line starts just past a line break, so end >= 1; at -1 charCodeAt is NaN.
    let end = this.lineStarts[line + 1];
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const o = clamp(offset, 0, this.text.length);
    const line = this.lineOf(o);
    return { line, character: Math.min(o, this.lineContentEnd(line)) - this.lineStarts[line] };
  }

  /** The offset of an LSP position; a character past the line's end means the line's end. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return clamp(start + Math.max(0, position.character), start, this.lineContentEnd(position.line));
  }

  /** 1-based line and column, as `nn check` prints them. */
  cliPosition(offset: number): CliPosition {
    const p = this.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }
}

function clamp(value: number, low: number, high: number): number {
  if (!(value >= low)) return low; // also catches NaN
  return value > high ? high : value;
}
