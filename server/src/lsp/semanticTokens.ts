// Semantic tokens for the whole document: what each word is (a network, a data set, a keyword, an activation …), from the syntax tree's tokens and comments.
//
// The TextMate grammar colours by shape; these tokens add what only the parser
// knows: which names are networks and which are data sets, which words are
// keywords where they stand, and that `sigmoid` in the activation slot is a value
// of a fixed set. Every node's own tokens and every leaf are classified the same
// way whatever the node, so a new statement is coloured as soon as it is parsed.

import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams } from 'vscode-languageserver';
import type { LineIndex } from '../language/positions';
import type { Leaf, Span, SpecFile, SyntaxToken, WordRole } from '../language/syntax';
import { isLeaf, walk } from '../language/walk';
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
  modifiers: readonly TokenModifier[];
}

/**
 * The type of a word by its role. A word that is not one of its slot's fixed set stays
 * plain text, so colour never suggests that `sigmoidd` is a known word.
 */
const WORD_TYPES: Record<WordRole, TokenType | null> = {
  network: 'class',
  data: 'variable',
  weights: 'variable',
  layer: 'property',
  column: 'property',
  value: 'enumMember',
  unknown: null,
  parameter: 'parameter',
};

const NO_MODIFIERS: readonly TokenModifier[] = [];
const DECLARATION: readonly TokenModifier[] = ['declaration'];

export function semanticTokens(state: DocumentState, _params: SemanticTokensParams): SemanticTokens {
  return { data: encode(classify(state.check.file), state.lines) };
}

/** Every classified span of the file, in document order, non-overlapping. */
export function classify(file: SpecFile): ClassifiedSpan[] {
  const out: ClassifiedSpan[] = [];
  // The tokens of the nodes open on the way down, and how many of each have gone out. A
  // node's tokens go out between its children, so the list comes out in text order but
  // for the fields that may be written in any order, and the sort has little to do.
  const open: (readonly SyntaxToken[])[] = [];
  const sent: number[] = [];
  const sendTokens = (before: number): void => {
    const tokens = open[open.length - 1];
    let i = sent[sent.length - 1];
    for (; i < tokens.length && tokens[i].span.start < before; i++) {
      const token = tokens[i];
      // Brackets and commas are left to the grammar; keywords and operators are the parser's to say.
      if (token.kind !== 'punctuation' && token.span.end > token.span.start) out.push({ span: token.span, type: token.kind, modifiers: NO_MODIFIERS });
    }
    sent[sent.length - 1] = i;
  };
  walk(
    file,
    (node) => {
      if (open.length > 0) sendTokens(node.span.start);
      if (isLeaf(node)) {
        const type = leafType(node);
        if (type !== null && node.span.end > node.span.start) {
          out.push({ span: node.span, type, modifiers: node.kind === 'word' && node.declares ? DECLARATION : NO_MODIFIERS });
        }
      } else {
        open.push(node.tokens);
        sent.push(0);
      }
    },
    {
      leave: (node) => {
        if (isLeaf(node)) return;
        sendTokens(Infinity);
        open.pop();
        sent.pop();
      },
    },
  );
  for (const span of file.comments) if (span.end > span.start) out.push({ span, type: 'comment', modifiers: NO_MODIFIERS });
  out.sort((a, b) => a.span.start - b.span.start);
  // A defensive pass: a recovered tree could in principle offer the same span twice.
  return out.filter((entry, i) => i === 0 || entry.span.start >= out[i - 1].span.end);
}

function leafType(node: Leaf): TokenType | null {
  switch (node.kind) {
    case 'word':
      return WORD_TYPES[node.role];
    case 'number':
    case 'percent':
      return 'number';
    case 'string':
      return 'string';
    default:
      return null;
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
