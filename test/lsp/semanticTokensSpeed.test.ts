// Semantic tokens come from the tree without a binary search per token: the answer must be the one of the plain definition.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import { lex } from '../../server/src/language/lexer';
import { LineIndex } from '../../server/src/language/positions';
import { classify, encode, TOKEN_MODIFIERS, TOKEN_TYPES, type ClassifiedSpan } from '../../server/src/lsp/semanticTokens';
import { mutate, random, seeds, tokenSoup } from '../language/fuzzInputs';

/** The definition: every span through LineIndex.positionAt. */
function encodeByPositions(spans: ClassifiedSpan[], lines: LineIndex): number[] {
  const data: number[] = [];
  let previousLine = 0;
  let previousStart = 0;
  for (const { span, type, modifiers } of spans) {
    const start = lines.positionAt(span.start);
    const end = lines.positionAt(span.end);
    if (end.line !== start.line || end.character <= start.character) continue;
    const deltaStart = start.line === previousLine ? start.character - previousStart : start.character;
    let bits = 0;
    for (const m of modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(m);
    data.push(start.line - previousLine, deltaStart, end.character - start.character, TOKEN_TYPES.indexOf(type), bits);
    previousLine = start.line;
    previousStart = start.character;
  }
  return data;
}

/** Seeds, their CRLF and lone-CR versions, mutations and token soup: comments in strings, unclosed strings, stray characters. */
function inputs(): string[] {
  const next = random(7);
  const texts: string[] = [];
  for (const seed of seeds) {
    texts.push(seed, seed.replace(/\n/g, '\r\n'), seed.replace(/\n/g, '\r'));
    for (let i = 0; i < 20; i++) texts.push(mutate(seed, next));
  }
  for (let i = 0; i < 100; i++) texts.push(tokenSoup(next));
  texts.push('data d from "a#b.csv" # real\n# only\n"# in a string\n  # indented \t \n#');
  return texts;
}

describe('semantic tokens on every kind of text', () => {
  const texts = inputs();

  it('classifies comments as lexing the whole text finds them', () => {
    for (const text of texts) {
      const comments = classify(parse(text).file).filter((c) => c.type === 'comment').map((c) => c.span);
      const expected = lex(text).comments;
      // classify drops a span that overlaps an earlier one; none of these do.
      expect(comments, JSON.stringify(text)).toEqual(expected.filter((s) => s.end > s.start));
    }
  });

  it('encodes positions as LineIndex.positionAt does', () => {
    for (const text of texts) {
      const lines = new LineIndex(text);
      const spans = classify(parse(text).file);
      expect(encode(spans, lines), JSON.stringify(text)).toEqual(encodeByPositions(spans, lines));
      // Out of order, across lines and at the very end: still the definition's answer.
      const odd: ClassifiedSpan[] = [...spans].reverse().concat([
        { span: { start: 0, end: text.length }, type: 'comment', modifiers: [] },
        { span: { start: text.length, end: text.length + 3 }, type: 'number', modifiers: [] },
      ]);
      expect(encode(odd, lines)).toEqual(encodeByPositions(odd, lines));
    }
  });
});
