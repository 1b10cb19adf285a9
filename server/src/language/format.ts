// The canonical layout of a `.nn` file: two-space indents, single spaces, aligned data rows and weights matrices; pure, idempotent, never changes a token.
//
// The formatter works on the token stream, line by line: a statement never
// spans lines, so changing only the whitespace inside lines (and the number of
// blank lines) cannot change what a file means. It does not need a valid
// syntax tree, so a file with a half-typed statement still formats. What it
// will not touch: text the lexer could not read (invalid tokens, unterminated
// strings) and unbalanced braces, where the indentation would be a guess. As a
// last guard the result is lexed again and must give the same tokens, or the
// formatter declines (returns null) rather than risk an edit that loses one.

import { lex } from './lexer';
import type { LexResult, Token } from './lexer';

export interface FormatOptions {
  /** Spaces per block level. */
  indent?: number;
}

interface Line {
  tokens: Token[];
  /** The comment at the end of the line (from `#`), trailing blanks removed; null when none. */
  comment: string | null;
}

interface Block {
  inlineData: boolean;
  /** A `weights … { }` block, whose rows are aligned as matrices (alignWeightRows). */
  weights: boolean;
  /** Row lines of an inline data or weights block, aligned together once the block closes. */
  rows: number[];
}

/** The formatted text, or null when the text cannot be formatted safely (see the file comment). */
export function format(text: string, options: FormatOptions = {}): string | null {
  const unit = ' '.repeat(options.indent ?? 2);
  const lexed = lex(text);
  const { tokens } = lexed;
  if (tokens.some((t) => t.kind === 'invalid' || (t.kind === 'string' && !t.terminated))) return null;

  const lines = splitLines(text, lexed);
  const rendered: string[] = [];
  const indents: number[] = [];
  const stack: Block[] = [];
  /** The tokens of the top-level declaration being read, up to its `{`. */
  let header: Token[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let leadingCloses = 0;
    while (leadingCloses < line.tokens.length && line.tokens[leadingCloses].kind === '}') leadingCloses++;
    indents.push(Math.max(0, stack.length - leadingCloses));
    const block = stack[stack.length - 1];
    if (block?.inlineData && isRow(line)) block.rows.push(i);
    if (block?.weights && isWeightRow(line)) block.rows.push(i);
    rendered.push(renderTokens(line.tokens));
    for (const token of line.tokens) {
      if (token.kind === '{') {
        // Outside blocks line breaks are skipped, so a declaration's header may end on an earlier line than its `{`.
        stack.push({ inlineData: stack.length === 0 && opensInlineData(header), weights: stack.length === 0 && opensWeights(header), rows: [] });
        header = [];
      } else if (token.kind === '}') {
        const closed = stack.pop();
        if (!closed) return null;
        if (closed.weights) alignWeightRows(closed.rows, lines, rendered);
        else alignRows(closed.rows, lines, rendered);
      } else if (stack.length === 0) {
        header.push(token);
      }
    }
  }
  if (stack.length > 0) return null;

  const eol = /\r\n/.test(text) && !/(^|[^\r])\n/.test(text) ? '\r\n' : '\n';
  /** Output lines as code and trailing comment, so comments can be aligned once the lines are known. */
  const out: { code: string; comment: string | null }[] = [];
  let pendingBlank = false;
  for (let i = 0; i < lines.length; i++) {
    const body = rendered[i];
    const comment = lines[i].comment;
    if (body === '' && comment === null) {
      pendingBlank = out.length > 0;
      continue;
    }
    const previous = out[out.length - 1];
    const opensBlockBefore = previous !== undefined && previous.code.endsWith('{');
    const closesBlock = lines[i].tokens[0]?.kind === '}';
    // One blank line at most, and none just inside a block's braces.
    if (pendingBlank && !opensBlockBefore && !closesBlock) out.push({ code: '', comment: null });
    pendingBlank = false;
    const indent = unit.repeat(indents[i]);
    if (body === '') out.push({ code: '', comment: indent + comment });
    else out.push({ code: indent + body, comment });
  }
  alignTrailingComments(out);
  const result = out.length === 0 ? '' : out.map((l) => (l.comment === null ? l.code : l.code === '' ? l.comment : `${l.code}${l.comment}`)).join(eol) + eol;

  // The guard: the same tokens, in the same order, on the same lines.
  if (!sameTokens(tokens, lex(result).tokens)) return null;
  return result;
}

/**
 * Trailing comments on consecutive lines start in one column, two spaces after
 * the longest code of the run (gofmt does the same), so a commented block reads
 * as two columns. The padding is stored in `code`.
 */
function alignTrailingComments(lines: { code: string; comment: string | null }[]): void {
  let i = 0;
  while (i < lines.length) {
    const trailing = (l: { code: string; comment: string | null }): boolean => l.code !== '' && l.comment !== null;
    if (!trailing(lines[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && trailing(lines[j])) j++;
    const width = Math.max(...lines.slice(i, j).map((l) => l.code.length));
    for (let k = i; k < j; k++) lines[k].code = lines[k].code.padEnd(width + 2);
    i = j;
  }
}

function splitLines(text: string, { tokens, comments }: LexResult): Line[] {
  const lines: Line[] = [];
  let current: Line = { tokens: [], comment: null };
  let next = 0;
  for (const token of tokens) {
    // A comment runs to the end of its line, so the token after it is that line's break (or the end).
    while (next < comments.length && comments[next].start < token.start) {
      current.comment = text.slice(comments[next].start, comments[next].end).trimEnd();
      next++;
    }
    if (token.kind === 'newline' || token.kind === 'eof') {
      lines.push(current);
      current = { tokens: [], comment: null };
    } else {
      current.tokens.push(token);
    }
  }
  return lines;
}

function isRow(line: Line): boolean {
  return line.tokens.some((t) => t.kind === '->') && line.tokens.every((t) => t.kind !== '{' && t.kind !== '}');
}

/** `data NAME {` opens inline rows; `data NAME from "f" {` and every other block do not. */
function opensInlineData(tokens: readonly Token[]): boolean {
  // The header is everything since the previous block; the declaration starts at its last `data`.
  const start = tokens.map((t) => t.kind === 'name' && t.text === 'data').lastIndexOf(true);
  if (start < 0) return false;
  return !tokens.slice(start).some((t) => (t.kind === 'name' && t.text === 'from') || t.kind === '=' || t.kind === 'string');
}

/** `weights NAME for NETWORK {` opens rows of weights (docs/language.md §7.1). */
function opensWeights(tokens: readonly Token[]): boolean {
  const start = tokens.map((t) => t.kind === 'name' && t.text === 'weights').lastIndexOf(true);
  return start >= 0 && !tokens.slice(start).some((t) => (t.kind === 'name' && t.text === 'from') || t.kind === 'string');
}

/** `LAYER W|b n…`: a layer's name, its part, and numbers only. */
function isWeightRow(line: Line): boolean {
  const [layer, part, ...numbers] = line.tokens;
  return layer?.kind === 'name' && part?.kind === 'name' && numbers.length > 0 && numbers.every((t) => t.kind === 'number');
}

/**
 * The rows of a weights block as matrices: layer names padded to one width so the `W`s and `b`s
 * form a column, and within each layer's W rows every column of numbers right-aligned (W reads as
 * the matrix it is); a b row keeps single spaces. language/weights.ts writes saved weights so.
 */
function alignWeightRows(rowIndices: readonly number[], lines: readonly Line[], rendered: string[]): void {
  if (rowIndices.length === 0) return;
  const rows = rowIndices.map((i) => {
    const [layer, part, ...numbers] = lines[i].tokens;
    return { line: i, layer: layer.text, part: part.text, cells: numbers.map((t) => t.text) };
  });
  const nameWidth = Math.max(...rows.map((r) => r.layer.length));
  for (let start = 0; start < rows.length; ) {
    let end = start;
    while (end < rows.length && rows[end].layer === rows[start].layer && rowIndices[end] - rowIndices[start] === end - start) end++;
    const matrix = rows.slice(start, end).filter((r) => r.part === 'W');
    const widths: number[] = [];
    for (const r of matrix) r.cells.forEach((cell, k) => (widths[k] = Math.max(widths[k] ?? 0, cell.length)));
    for (const r of rows.slice(start, end)) {
      const cells = r.part === 'W' ? r.cells.map((cell, k) => cell.padStart(widths[k])) : r.cells;
      rendered[r.line] = `${r.layer.padEnd(nameWidth)} ${r.part} ${cells.join(' ')}`;
    }
    start = end;
  }
}

/** Single spaces, except inside calls `f(a 1, b 2)` and around `..`. */
function renderTokens(tokens: readonly Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (i > 0) out += spaceBetween(tokens[i - 1], token);
    out += token.text;
  }
  return out;
}

function spaceBetween(previous: Token, next: Token): string {
  if (previous.kind === '(' || next.kind === ')' || next.kind === ',') return '';
  if (next.kind === '(' && previous.kind === 'name') return '';
  if (previous.kind === '..' || next.kind === '..') return '';
  return ' ';
}

/**
 * Right-aligns each column of numbers across the rows of one inline data block,
 * so the `->` arrows line up and a table reads as a table.
 */
function alignRows(rowIndices: readonly number[], lines: readonly Line[], rendered: string[]): void {
  if (rowIndices.length === 0) return;
  const split = rowIndices.map((i) => {
    const tokens = lines[i].tokens;
    const arrow = tokens.findIndex((t) => t.kind === '->');
    return { inputs: tokens.slice(0, arrow).map((t) => t.text), targets: tokens.slice(arrow + 1).map((t) => t.text) };
  });
  const widths = (cells: string[][]): number[] => {
    const w: number[] = [];
    for (const row of cells) row.forEach((cell, k) => (w[k] = Math.max(w[k] ?? 0, cell.length)));
    return w;
  };
  const inputWidths = widths(split.map((r) => r.inputs));
  const targetWidths = widths(split.map((r) => r.targets));
  // Column k of the inputs ends at the same place in every row; a short (ragged) row pads before its arrow.
  const inputsWidth = inputWidths.reduce((sum, w) => sum + w, 0) + Math.max(0, inputWidths.length - 1);
  split.forEach((row, n) => {
    const inputs = row.inputs.map((cell, k) => cell.padStart(inputWidths[k])).join(' ').padEnd(inputsWidth);
    const targets = row.targets.map((cell, k) => cell.padStart(targetWidths[k])).join(' ');
    rendered[rowIndices[n]] = `${inputs} -> ${targets}`.replace(/\s+$/, '');
  });
}

/** The guard: the same tokens, in the same order, on the same lines (blank lines aside). Exported for its tests. */
export function sameTokens(before: readonly Token[], after: readonly Token[]): boolean {
  const significant = (tokens: readonly Token[]): string[] => {
    // Stryker disable next-line ArrayDeclaration: both token lists get the same extra first line
    const lines: string[] = [];
    let current: string[] = [];
    for (const token of tokens) {
      if (token.kind === 'newline' || token.kind === 'eof') {
        if (current.length > 0) lines.push(current.join('\u0000'));
        current = [];
      } else {
        current.push(token.text);
      }
    }
    return lines;
  };
  const a = significant(before);
  const b = significant(after);
  return a.length === b.length && a.every((line, i) => line === b[i]);
}
