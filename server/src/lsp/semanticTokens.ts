// Semantic tokens for the whole document: what each word is (a network, a data set, a keyword, an activation …), from the syntax tree.
//
// The TextMate grammar colours by shape; these tokens add what only the parser
// knows: which names are networks and which are data sets, which words are
// declarations, and that `sigmoid` in the activation slot is a value of a fixed set.

import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams } from 'vscode-languageserver';
import { commentSpans } from '../language/format';
import { lex } from '../language/lexer';
import { ACTIVATIONS, GENERATORS, INITS, LOSSES } from '../language/model';
import type { LineIndex } from '../language/positions';
import type { Declaration, Span, SpecFile, Word } from '../language/syntax';
import type { DocumentState } from './state';

export const TOKEN_TYPES = [
  'class', // network names
  'variable', // data set names
  'property', // layer names, CSV columns
  'keyword',
  'enumMember', // activation, init, loss, optimizer, generator, minmax/zscore, full, f64/f32, yes/no
  'parameter', // optimizer parameters and generator arguments
  'number',
  'string',
  'comment',
  'operator', // -> < = ..
] as const;
/** Every word that may stand in a value slot (activation, init, loss, optimizer, generator, …). */
const VALUE_WORDS = new Set<string>([
  ...ACTIVATIONS, ...INITS, ...LOSSES, ...GENERATORS,
  'sgd', 'adam', 'minmax', 'zscore', 'full', 'f64', 'f32', 'yes', 'no',
]);

export const TOKEN_MODIFIERS = ['declaration'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

export interface ClassifiedSpan {
  span: Span;
  type: TokenType;
  modifiers: TokenModifier[];
}

export function semanticTokens(state: DocumentState, _params: SemanticTokensParams): SemanticTokens {
  return { data: encode(classify(state.text, state.check.file), state.lines) };
}

/** Every classified span of the file, in document order, non-overlapping. */
export function classify(text: string, file: SpecFile): ClassifiedSpan[] {
  const out: ClassifiedSpan[] = [];
  const add = (span: Span | undefined, type: TokenType, modifiers: TokenModifier[] = []): void => {
    if (span && span.end > span.start) out.push({ span, type, modifiers });
  };
  const word = (w: Word | undefined, type: TokenType, modifiers: TokenModifier[] = []): void => {
    // A misspelled value stays plain text, so colour never suggests that `sigmoidd` is a known word.
    if (w && (type !== 'enumMember' || VALUE_WORDS.has(w.text))) add(w.span, type, modifiers);
  };
  for (const declaration of file.declarations) classifyDeclaration(text, declaration, add, word);
  for (const span of comments(text)) add(span, 'comment');
  out.sort((a, b) => a.span.start - b.span.start);
  // A defensive pass: a recovered tree could in principle offer the same span twice.
  return out.filter((entry, i) => i === 0 || entry.span.start >= out[i - 1].span.end);
}

/**
 * Spans of the comments. Only lines with a `#` are lexed, each on its own: no token
 * crosses a line break, so a line's tokens (and whether its `#` is in a string) are
 * the same as in the whole text, and a spec of thousands of lines is not lexed again
 * for every request.
 */
function comments(text: string): Span[] {
  const spans: Span[] = [];
  let hash = text.indexOf('#');
  while (hash >= 0) {
    let start = hash;
    while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
    let end = hash;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const line = text.slice(start, end);
    for (const span of commentSpans(line, lex(line).tokens)) spans.push({ start: start + span.start, end: start + span.end });
    hash = text.indexOf('#', end);
  }
  return spans;
}

type Add = (span: Span | undefined, type: TokenType, modifiers?: TokenModifier[]) => void;
type AddWord = (w: Word | undefined, type: TokenType, modifiers?: TokenModifier[]) => void;

function classifyDeclaration(text: string, declaration: Declaration, add: Add, word: AddWord): void {
  add(declaration.keyword, 'keyword');
  switch (declaration.kind) {
    case 'network':
      word(declaration.name, 'class', ['declaration']);
      for (const statement of declaration.statements) {
        add(statement.keyword, 'keyword');
        if (statement.kind === 'input') {
          add(statement.size?.span, 'number');
        } else {
          word(statement.name, 'property', ['declaration']);
          add(statement.units?.span, 'number');
          word(statement.activation, 'enumMember');
          add(statement.initKeyword, 'keyword');
          word(statement.init, 'enumMember');
        }
      }
      return;
    case 'data': {
      word(declaration.name, 'variable', ['declaration']);
      const source = declaration.source;
      if (!source) return;
      if (source.kind === 'inline') {
        for (const row of source.rows) {
          for (const n of row.inputs) add(n.span, 'number');
          add(row.arrow, 'operator');
          for (const n of row.targets) add(n.span, 'number');
        }
        if (source.normalize) {
          add(source.normalize.keyword, 'keyword');
          word(source.normalize.method, 'enumMember');
        }
      } else if (source.kind === 'file') {
        add(source.fromKeyword, 'keyword');
        add(source.path?.span, 'string');
        for (const statement of [source.inputs, source.target]) {
          if (!statement) continue;
          add(statement.keyword, 'keyword');
          for (const range of statement.columns) {
            for (const column of range.to ? [range.from, range.to] : [range.from]) {
              add(column.span, column.kind === 'name' ? 'property' : column.kind === 'index' ? 'number' : 'string');
            }
            const dots = range.to ? text.indexOf('..', range.from.span.end) : -1;
            if (range.to && dots >= 0 && dots + 2 <= range.to.span.start) add({ start: dots, end: dots + 2 }, 'operator');
          }
        }
        add(source.target?.onehot, 'keyword');
        if (source.normalize) {
          add(source.normalize.keyword, 'keyword');
          word(source.normalize.method, 'enumMember');
        }
        if (source.header) {
          add(source.header.keyword, 'keyword');
          word(source.header.value, 'enumMember');
        }
      } else {
        add(source.equals, 'operator');
        word(source.generator, 'enumMember');
        for (const arg of source.args) {
          word(arg.name, 'parameter');
          add(arg.value?.span, 'number');
        }
      }
      return;
    }
    case 'train':
      word(declaration.network, 'class');
      add(declaration.onKeyword, 'keyword');
      word(declaration.data, 'variable');
      for (const statement of declaration.statements) {
        add(statement.keyword, 'keyword');
        switch (statement.kind) {
          case 'loss':
          case 'precision':
            word(statement.value, 'enumMember');
            break;
          case 'optimizer':
            word(statement.name, 'enumMember');
            for (const param of statement.params) {
              word(param.name, 'parameter');
              add(param.value?.span, 'number');
            }
            break;
          case 'epochs':
          case 'seed':
            add(statement.value?.span, 'number');
            break;
          case 'batch':
            if (statement.value) add(statement.value.span, 'isInt' in statement.value ? 'number' : 'enumMember');
            break;
          case 'validate':
            add(statement.value?.span, 'number');
            break;
          case 'stop': {
            // `when loss <` has no node of its own: classify the words between `stop` and the threshold.
            const end = statement.threshold?.span.start ?? statement.span.end;
            for (const token of lex(text.slice(statement.keyword.end, end)).tokens) {
              const span = { start: statement.keyword.end + token.start, end: statement.keyword.end + token.end };
              if (token.kind === 'name' && (token.text === 'when' || token.text === 'loss')) add(span, 'keyword');
              else if (token.kind === '<') add(span, 'operator');
            }
            add(statement.threshold?.span, 'number');
            break;
          }
        }
      }
      return;
  }
}

/** LSP's relative encoding: [deltaLine, deltaStart, length, type, modifiers] per token; no token crosses a line. */
export function encode(spans: ClassifiedSpan[], lines: LineIndex): number[] {
  const data: number[] = [];
  const starts = lines.lineStarts;
  const length = lines.text.length;
  let previousLine = 0;
  let previousStart = 0;
  // Spans come in document order, so the line of each is found by walking forward from
  // the previous one's (thousands of binary searches and positions were most of the time).
  let line = 0;
  for (const { span, type, modifiers } of spans) {
    const startOffset = Math.min(Math.max(span.start, 0), length);
    const endOffset = Math.min(Math.max(span.end, 0), length);
    if (startOffset < starts[line]) line = lines.lineOf(startOffset);
    while (line + 1 < starts.length && starts[line + 1] <= startOffset) line++;
    // The end on another line (a token never crosses one) or not after the start: skipped.
    if (line + 1 < starts.length && starts[line + 1] <= endOffset) continue;
    const contentEnd = lines.lineContentEnd(line);
    const startCharacter = Math.min(startOffset, contentEnd) - starts[line];
    const endCharacter = Math.min(endOffset, contentEnd) - starts[line];
    if (endCharacter <= startCharacter) continue;
    const deltaLine = line - previousLine;
    const deltaStart = deltaLine === 0 ? startCharacter - previousStart : startCharacter;
    let modifierBits = 0;
    for (const m of modifiers) modifierBits |= 1 << TOKEN_MODIFIERS.indexOf(m);
    data.push(deltaLine, deltaStart, endCharacter - startCharacter, TOKEN_TYPES.indexOf(type), modifierBits);
    previousLine = line;
    previousStart = startCharacter;
  }
  return data;
}
