// The lexical rules of docs/language.md §2, one case per rule: what each piece of text becomes.
import { describe, expect, it } from 'vitest';
import { lex } from '../../server/src/language/lexer';
import { mutate, random, seeds, tokenSoup } from './fuzzInputs';

/** Tokens as `kind:text` (newlines and the end left out unless asked for), plus the lexer's problems. */
function tokens(text: string): string[] {
  return lex(text)
    .tokens.filter((t) => t.kind !== 'eof')
    .map((t) => (t.kind === t.text ? t.kind : `${t.kind}:${t.text}`));
}

describe('lexer', () => {
  const cases: [string, string[]][] = [
    ['1e-3', ['number:1e-3']],
    ['2.5E+4', ['number:2.5E+4']],
    ['-0.5', ['number:-0.5']],
    ['-0.25 3', ['number:-0.25', 'number:3']],
    ['.5', ['invalid:.5']],
    ['5.', ['invalid:5.']],
    ['0..29', ['number:0', '..', 'number:29']],
    ['a..b', ['name:a', '..', 'name:b']],
    ['12abc', ['invalid:12abc']],
    ['1e', ['invalid:1e']],
    ['1.2.3', ['invalid:1.2.3']],
    ['20%', ['percent:20%']],
    ['20 %', ['number:20', 'invalid:%']],
    ['0 1 -> 1', ['number:0', 'number:1', '->', 'number:1']],
    ['1->-1', ['number:1', '->', 'number:-1']],
    ['a - b', ['name:a', 'invalid:-', 'name:b']],
    ['{ } ( ) , < =', ['{', '}', '(', ')', ',', '<', '=']],
    ['leaky_relu _x x_1', ['name:leaky_relu', 'name:_x', 'name:x_1']],
    ['# only a comment', []],
    ['a # comment\nb', ['name:a', 'newline:\n', 'name:b']],
    ['a\r\nb', ['name:a', 'newline:\r\n', 'name:b']],
    ['a\rb', ['name:a', 'newline:\r', 'name:b']],
    ['\ta\t1', ['name:a', 'number:1']],
    ['"x.csv"', ['string:"x.csv"']],
    ['@@ a', ['invalid:@@', 'name:a']],
    ['é', ['invalid:é']],
    // Names start with any letter or '_', the first and last of each range included.
    ['A1 Z9 a1 z9 _', ['name:A1', 'name:Z9', 'name:a1', 'name:z9', 'name:_']],
    // The blanks editors insert: no-break space, byte order mark, vertical tab, form feed.
    ['a\u00a0b\ufeffc\vd\fe', ['name:a', 'name:b', 'name:c', 'name:d', 'name:e']],
    ['a.b', ['name:a', 'invalid:.', 'name:b']],
    // '<', '>' and ')' next to '>' are tokens of their own; only '=>' is the mistaken arrow.
    ['<> )>', ['<', '>', ')', '>']],
    // A run of stray characters ends where a token of the language starts.
    ['@#c', ['invalid:@']],
    ['@"s"', ['invalid:@', 'string:"s"']],
    ['@{}', ['invalid:@', '{', '}']],
    ['@,@<', ['invalid:@', ',', 'invalid:@', '<']],
    ['@-1 @-', ['invalid:@', 'number:-1', 'invalid:@', 'invalid:-']],
    ['@.5 @..', ['invalid:@', 'invalid:.5', 'invalid:@', '..']],
    ['@\rb', ['invalid:@', 'newline:\r', 'name:b']],
    // A malformed number stops at a range's '..'.
    ['1a..3', ['invalid:1a', '..', 'number:3']],
    ['5.e3', ['invalid:5.e3']],
    ['a "b" c', ['name:a', 'string:"b"', 'name:c']],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(tokens(text)).toEqual(expected);
  });

  it('gives number values and marks whole numbers', () => {
    const [a, b, c, d] = lex('3 -4 1e3 0.5').tokens;
    expect([a.value, a.isInt]).toEqual([3, true]);
    expect([b.value, b.isInt]).toEqual([-4, false]);
    expect([c.value, c.isInt]).toEqual([1000, false]);
    expect([d.value, d.isInt]).toEqual([0.5, false]);
    expect(lex('20%').tokens[0].value).toBe(20);
  });

  it('resolves \\" and \\\\ in strings and keeps other backslashes', () => {
    const string = lex('"a\\"b\\\\c\\d"').tokens[0];
    expect(string.stringValue).toBe('a"b\\c\\d');
    expect(string.terminated).toBe(true);
  });

  it('reports an unterminated string at the line end, with a fix that closes it', () => {
    const { tokens: ts, problems } = lex('"abc\nx');
    expect(ts[0]).toMatchObject({ kind: 'string', terminated: false, stringValue: 'abc', end: 4 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'unterminated-string', span: { start: 0, end: 4 } });
    expect(problems[0].fixes?.[0].edits[0]).toEqual({ span: { start: 4, end: 4 }, newText: '"' });
    expect(problems[0].fixes?.[0]).toMatchObject({ title: 'Close the string', preferred: true });
  });

  it('ends an unterminated string at a lone \\r, and at the end of the text without reading past it', () => {
    const cr = lex('"ab\rcd');
    expect(cr.tokens.map((t) => t.kind)).toEqual(['string', 'newline', 'name', 'eof']);
    expect(cr.tokens[0]).toMatchObject({ terminated: false, stringValue: 'ab', end: 3 });
    const last = lex('from "x.csv');
    expect(last.tokens[1]).toMatchObject({ kind: 'string', terminated: false, stringValue: 'x.csv', end: 11 });
    expect(last.problems.map((p) => p.span)).toEqual([{ start: 5, end: 11 }]);
  });

  it("ends an unclosed string before a ' {' at its line's end, where the block most likely opens", () => {
    const strings = (text: string) =>
      lex(text)
        .tokens.filter((t) => t.kind === 'string' || t.kind === '{')
        .map((t) => (t.kind === 'string' ? [t.text, t.stringValue, t.terminated] : '{'));
    expect(strings('data d from "x.csv {\n')).toEqual([['"x.csv', 'x.csv', false], '{']);
    expect(strings('data d from "x.csv  { \n')).toEqual([['"x.csv', 'x.csv', false], '{']);
    // The fix closes the string there: 'from "x.csv" {'.
    const fix = lex('data d from "x.csv {\n').problems[0].fixes?.[0].edits[0];
    expect(fix).toEqual({ span: { start: 18, end: 18 }, newText: '"' });
    // A brace inside the string, or followed by more, is the string's own.
    expect(strings('"a { b\n')).toEqual([['"a { b', 'a { b', false]]);
    expect(strings('"x.csv {x\n')).toEqual([['"x.csv {x', 'x.csv {x', false]]);
    expect(strings('"x.csv{\n')).toEqual([['"x.csv{', 'x.csv{', false]]);
    // With nothing before the brace there is no file name to keep apart from it.
    expect(strings('" {\n')).toEqual([['" {', ' {', false]]);
  });

  it('reports each invalid token once, saying what to write instead', () => {
    const messages = lex('.5 5. 12abc').problems.map((p) => p.message);
    expect(messages).toEqual([
      "'.5' is not a number: write a digit before the point, as in '0.5'",
      "'5.' is not a number: write '5' or '5.0'",
      "'12abc' is not a number or a name: put a space between a number and a word, and start names with a letter",
    ]);
    // A point with more after it is not the '5.' mistake: the whole run is named.
    expect(lex('5.e3 5.x').problems.map((p) => p.message)).toEqual([
      "'5.e3' is not a number or a name: put a space between a number and a word, and start names with a letter",
      "'5.x' is not a number or a name: put a space between a number and a word, and start names with a letter",
    ]);
    expect(lex('a.b').problems.map((p) => p.message)).toEqual(["unexpected '.'; a range of columns is written 'a..b'"]);
  });

  it('gives a run of stray characters one token and one problem, over exactly its characters', () => {
    const text = 'x @@';
    const { tokens: ts, problems } = lex(text);
    expect(ts.map((t) => [t.kind, t.start, t.end])).toEqual([
      ['name', 0, 1],
      ['invalid', 2, 4],
      ['eof', 4, 4],
    ]);
    expect(problems.map((p) => [p.span, p.message])).toEqual([[{ start: 2, end: 4 }, "unexpected characters '@@'; remove them"]]);
    expect(lex('@#c').comments).toEqual([{ start: 1, end: 3 }]);
  });

  it("reads '=>' as one mistaken arrow, with the fix to '->'", () => {
    const { tokens: ts, problems } = lex('0 1 => 1');
    expect(ts.map((t) => t.kind)).toEqual(['number', 'number', 'invalid', 'number', 'eof']);
    expect(problems.map((p) => p.message)).toEqual(["unexpected '=>'; the arrow between inputs and targets is written '->', as in '0 1 -> 1'"]);
    expect(problems[0].fixes?.[0].edits[0]).toEqual({ span: { start: 4, end: 6 }, newText: '->' });
    expect(ts[2]).toMatchObject({ text: '=>', start: 4, end: 6 });
    expect(problems[0]).toMatchObject({ span: { start: 4, end: 6 }, fixes: [{ title: "Change to '->'", preferred: true }] });
  });

  it('counts a stray character outside the BMP as one character', () => {
    expect(lex('layer 😀 1').problems.map((p) => p.message)).toEqual(["unexpected character '😀'; remove it"]);
    expect(lex('layer @😀 1').problems.map((p) => p.message)).toEqual(["unexpected characters '@😀'; remove them"]);
  });

  it('measures positions in UTF-16 units after non-ASCII comments', () => {
    const text = '# é 😀\nlayer';
    const layer = lex(text).tokens.find((t) => t.text === 'layer');
    expect(layer?.start).toBe(text.indexOf('layer'));
    expect(layer?.start).toBe(7);
  });

  const comments: [string, string[]][] = [
    ['# a whole line', ['# a whole line']],
    ['input 2  # after a statement  \t', ['# after a statement']],
    ['from "a#b.csv" # real', ['# real']],
    ['"# in an unclosed string\n#next line', ['#next line']],
    ['12abc#x', ['#x']],
    ['a\r\n# crlf\r\nb # lone cr\rc', ['# crlf', '# lone cr']],
    ['#', ['#']],
    ['x # no break at the end', ['# no break at the end']],
  ];
  it.each(comments)('finds the comments of %j', (text, expected) => {
    expect(lex(text).comments.map((c) => text.slice(c.start, c.end))).toEqual(expected);
  });

  it('finds a comment in every gap between tokens that holds a #, over random and mutated text', () => {
    const next = random(5);
    const texts = [...seeds, ...seeds.map((s) => mutate(s, next)), ...Array.from({ length: 300 }, () => tokenSoup(next))];
    for (const text of texts) {
      const { tokens, comments } = lex(text);
      // The definition: the lexer skips only blanks and comments between tokens.
      const expected: { start: number; end: number }[] = [];
      let position = 0;
      for (const token of tokens) {
        const gap = text.slice(position, token.start);
        const hash = gap.indexOf('#');
        if (hash >= 0) expected.push({ start: position + hash, end: position + gap.replace(/[ \t\v\f\u00a0\ufeff]+$/, '').length });
        position = token.end;
      }
      expect(comments, JSON.stringify(text)).toEqual(expected);
    }
  });
});
