// The syntax errors of data declarations (docs/language.md §2–§3, §7): inline rows, file blocks and generated sets.
// Each message where the mistake is, each quick fix by the text it leaves, and what the tree keeps.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import type { DataDecl, FileData, GeneratedData, InlineData } from '../../server/src/language/syntax';
import { syntaxProblems as problems } from '../support/check';

const file = (body: string) => `data d from "d.csv" {\n  ${body}\n}\n`;
const rows = (body: string) => `data d {\n  ${body}\n}\n`;

function data(text: string): DataDecl {
  const decl = parse(text).file.declarations[0];
  if (decl.kind !== 'data') throw new Error(`expected data, found ${decl.kind}`);
  return decl;
}
function inline(text: string): InlineData {
  const source = data(text).source;
  if (source?.kind !== 'inline') throw new Error('expected rows');
  return source;
}
function fromFile(text: string): FileData {
  const source = data(text).source;
  if (source?.kind !== 'file') throw new Error('expected a file');
  return source;
}
function generated(text: string): GeneratedData {
  const source = data(text).source;
  if (source?.kind !== 'generated') throw new Error('expected a generator');
  return source;
}

describe("a data declaration's header", () => {
  it('without a name, or without a source', () => {
    expect(problems('data {\n}\n')).toEqual([`"{": expected a name for the data set, as in 'data table {', found '{'`]);
    // Later messages call it 'the data set'.
    expect(problems('data {\n  1 -> 1\n')).toEqual([
      `"{": expected a name for the data set, as in 'data table {', found '{'`,
      `"{": the data set has no closing '}'; add it after the block's last line [Add the closing '}': "data {\\n  1 -> 1\\n}\\n"]`,
    ]);
    // Its name declares the data set (the editor marks it as a declaration and goes to it).
    expect(data('data d {\n}\n').name?.declares).toBe(true);
    expect(problems('data d\n')).toEqual([`"": expected '{' (rows), 'from "file.csv"' or '= spiral(…)' after data 'd', found the end of the file`]);
    expect(problems('data d x\n')).toEqual([`"x": expected '{' (rows), 'from "file.csv"' or '= spiral(…)' after data 'd', found 'x'`]);
    expect(problems('data d\nnetwork n {\n}\n')).toEqual([`"": expected '{', 'from' or '=' after data 'd', found the end of the line`]);
    expect(parse('data d\nnetwork n {\n}\n').file.declarations.map((d) => d.kind)).toEqual(['data', 'network']);
  });

  it('from: the file name in quotes', () => {
    expect(problems('data d from\n')).toEqual([`"": expected a file name in quotes, as in 'from "houses.csv"', found the end of the file`]);
    expect(problems('data d from\nnetwork n {\n}\n')).toEqual([`"": expected a file name in quotes, as in 'from "houses.csv"', found the end of the line`]);
    expect(problems('data d from houses\n')).toEqual([`"houses": put the file name in quotes: from "houses" [Change to "houses": "data d from \\"houses\\"\\n"] (preferred)`]);
    expect(problems('data d from 3\n')).toEqual([`"3": expected a file name in quotes, as in 'from "houses.csv"', found '3'`]);
    expect(problems('data d from "d.csv" x\n')).toEqual([`"x": expected '{' or the end of the line after the file name, found 'x'`]);
    expect(fromFile('data d from "a b.csv"\n').path).toMatchObject({ value: 'a b.csv', terminated: true });
  });

  it("from: the block may open on a later line, or be left out", () => {
    const text = 'data d from "d.csv"\n\n{\n  header no\n}\n';
    expect(problems(text)).toEqual([]);
    expect(fromFile(text).header?.value?.text).toBe('no');
    const bare = 'data d from "d.csv"\ntrain n on d {\n}\n';
    expect(problems(bare)).toEqual([]);
    expect(parse(bare).file.declarations.map((d) => d.kind)).toEqual(['data', 'train']);
    const decl = data(bare);
    expect(bare.slice(decl.span.start, decl.span.end)).toBe('data d from "d.csv"');
  });
});

describe('inline rows', () => {
  it('a row: inputs, one arrow, targets', () => {
    const source = inline(rows('0 1 -> 1\n  -0.5 2e1 -> 0 1'));
    expect(source.rows.map((r) => [r.inputs.map((n) => n.value), r.targets.map((n) => n.value), r.malformed ?? false])).toEqual([
      [[0, 1], [1], false],
      [[-0.5, 20], [0, 1], false],
    ]);
    // Each row keeps its own numbers (the parser reuses one buffer while reading).
    expect(source.rows[0].inputs).toHaveLength(2);
    const text = rows('0 1 -> 1   # first');
    const row = inline(text).rows[0];
    expect(text.slice(row.span.start, row.span.end)).toBe('0 1 -> 1');
  });

  it("a row's mistakes: one message each, the row kept as malformed", () => {
    expect(problems(rows('0 1 -> 1 -> 2'))).toEqual([`"->": a row has one '->' between its inputs and its targets`]);
    expect(problems(rows('0 1 -> 50%'))).toEqual([`"50%": a data row holds plain numbers; write 0.5 instead of 50%`]);
    expect(problems(rows('0 x y -> 1'))).toEqual([`"x": unexpected 'x' in a data row; rows hold numbers, as in '0 1 -> 1'`]);
    expect(problems(rows('0 1'))).toEqual([`"0 1": a row needs '->' between its inputs and its targets, as in '0 1 -> 1'`]);
    expect(problems(rows('-> 1'))).toEqual([`"->": expected input numbers before '->', as in '0 1 -> 1'`]);
    expect(problems(rows('0 1 ->'))).toEqual([`"->": expected at least one target number after '->', as in '0 1 -> 1'`]);
    // A bad number starts a row, reported by the lexer only.
    expect(problems(rows('.5 -> 1'))).toEqual([`".5": '.5' is not a number: write a digit before the point, as in '0.5'`]);
    const source = inline(rows('0 1 -> 1 -> 2\n  0 1\n  -> 1\n  0 ->\n  .5 -> 1\n  50% -> 1\n  1 -> 0'));
    expect(source.rows.map((r) => r.malformed ?? false)).toEqual([true, true, true, true, true, true, false]);
    // The numbers read around a mistake are kept.
    expect(source.rows[0].inputs.map((n) => n.value)).toEqual([0, 1]);
    expect(source.rows[0].targets.map((n) => n.value)).toEqual([1, 2]);
  });

  it('normalize and the other words of a data block', () => {
    expect(inline(rows('normalize zscore\n  0 -> 1')).normalize?.method?.text).toBe('zscore');
    expect(problems(rows('normalize zscore\n  normalize minmax'))).toEqual([`"normalize": 'normalize' is already set on line 2; keep one of them`]);
    expect(inline(rows('normalize zscore\n  normalize minmax')).normalize?.method?.text).toBe('zscore');
    expect(problems(rows('normalize zcore'))).toEqual([`"zcore": unknown normalization 'zcore'; did you mean 'zscore'? [Change to 'zscore': "data d {\\n  normalize zscore\\n}\\n"] (preferred)`]);
    expect(inline(rows('normalize zcore')).normalize?.method).toBeUndefined();
    expect(problems(rows('frob'))).toEqual([`"frob": unknown statement 'frob' in a data block; expected 'normalize'`]);
    expect(problems(rows('{'))).toEqual([`"{": unexpected '{' in a data block; expected 'normalize'; rows are written like '0 1 -> 1'`]);
  });
});

describe('a data file block', () => {
  it('header, missing and separator: their words, each once', () => {
    const source = fromFile(file('header no\n  missing mean\n  separator ";"'));
    expect([source.header?.value?.text, source.missing?.value?.text, source.separator?.value?.value]).toEqual(['no', 'mean', ';']);
    expect(problems(file('header maybe'))).toEqual([`"maybe": unknown header setting 'maybe'; use 'yes' or 'no'`]);
    expect(fromFile(file('header maybe')).header?.value).toBeUndefined();
    expect(problems(file('header'))).toEqual([`"\\n": expected header setting ('yes' or 'no'), as in 'header no', found the end of the line`]);
    expect(problems(file('missing'))).toEqual([`"\\n": expected way to treat missing values ('drop' or 'mean'), as in 'missing drop', found the end of the line`]);
    // Each statement keeps its keyword (the editor colours it).
    const keywords = fromFile(file('header no\n  missing mean\n  separator ";"\n  normalize zscore\n  inputs a\n  target b onehot\n  encode c onehot'));
    expect([keywords.header, keywords.missing, keywords.separator, keywords.normalize, keywords.inputs, keywords.target, keywords.encode].map((s) => s?.tokens.map((t) => t.text))).toEqual([
      ['header'],
      ['missing'],
      ['separator'],
      ['normalize'],
      ['inputs'],
      ['target', 'onehot'],
      ['encode', 'onehot'],
    ]);
    expect(problems(file('missing sometimes'))).toEqual([`"sometimes": unknown way to treat missing values 'sometimes'; use 'drop' or 'mean'`]);
    expect(fromFile(file('missing sometimes')).missing?.value).toBeUndefined();
    for (const statement of ['header no', 'missing drop', 'separator ";"', 'normalize zscore', 'inputs a', 'target b', 'encode c onehot']) {
      const keyword = statement.split(' ')[0];
      const text = file(`${statement}\n  ${statement}`);
      expect(problems(text)).toEqual([`"${keyword}": '${keyword}' is already set on line 2; keep one of them`]);
      expect(text.slice(parse(text).problems[0].span.start)).toMatch(new RegExp(`^${keyword} .*\\n}\\n$`));
    }
  });

  it('separator: in quotes; a lone character gets them as a fix', () => {
    expect(problems(file('separator ,'))).toEqual([`",": put the separator in quotes: separator "," [Change to ",": "data d from \\"d.csv\\" {\\n  separator \\",\\"\\n}\\n"] (preferred)`]);
    // ';' and '|' are not characters of the language: the quotes are what is missing, not the character.
    expect(problems(file('separator ;'))).toEqual([`";": put the separator in quotes: separator ";" [Change to ";": "data d from \\"d.csv\\" {\\n  separator \\";\\"\\n}\\n"] (preferred)`]);
    expect(problems(file('separator |\n  inputs @'))).toEqual([
      `"|": put the separator in quotes: separator "|" [Change to "|": "data d from \\"d.csv\\" {\\n  separator \\"|\\"\\n  inputs @\\n}\\n"] (preferred)`,
      `"@": unexpected character '@'; remove it`,
    ]);
    expect(problems(file('separator ;;'))).toEqual([`";;": unexpected characters ';;'; remove them`]);
    expect(problems(file('separator ab'))).toEqual([`"ab": expected the separator in quotes, as in 'separator ";"' or 'separator "\\t"' for tabs, found 'ab'`]);
    expect(problems(file('separator'))).toEqual([`"\\n": expected the separator in quotes, as in 'separator ";"' or 'separator "\\t"' for tabs, found the end of the line`]);
    const text = file('separator "\\t"');
    expect(fromFile(text).separator?.value).toMatchObject({ value: '\\t', terminated: true });
  });

  it('columns: names, ranges, indexes and quoted names', () => {
    const source = fromFile(file('inputs a..c 3 "petal width"\n  target species onehot'));
    expect(source.inputs?.columns.map((r) => [r.from.kind, 'text' in r.from ? r.from.text : r.from.value, r.to && ('text' in r.to ? r.to.text : r.to.value)])).toEqual([
      ['word', 'a', 'c'],
      ['number', '3', undefined],
      ['string', 'petal width', undefined],
    ]);
    expect(source.target?.columns.map((r) => r.from.kind === 'word' && r.from.text)).toEqual(['species']);
    expect(source.target?.tokens.map((t) => t.text)).toEqual(['target', 'onehot']);
    const text = file('inputs a..c');
    const range = fromFile(text).inputs!.columns[0];
    expect(text.slice(range.span.start, range.span.end)).toBe('a..c');
    expect(problems(file('inputs a..'))).toEqual([`"..": expected a column after '..', as in 'x1..x4'`]);
    const open = file('inputs a..');
    const cut = fromFile(open).inputs!.columns[0];
    expect([open.slice(cut.span.start, cut.span.end), cut.to]).toEqual(['a..', undefined]);
    // Blanks around '..' are allowed.
    expect(problems(file('inputs a .. b'))).toEqual([]);
    expect(problems(file('inputs a..@'))).toEqual([`"@": unexpected character '@'; remove it`]);
    expect(problems(file('inputs -1 2.5 1e1'))).toEqual([
      `"-1": column indexes count from 0; -1 is not one`,
      `"2.5": a column index must be a whole number, not 2.5`,
      `"1e1": a column index must be a whole number, not 1e1 [Change to 10: "data d from \\"d.csv\\" {\\n  inputs -1 2.5 10\\n}\\n"] (preferred)`,
    ]);
    expect(problems(file('inputs a, b'))).toEqual([`",": unexpected ','; a column is a header name, a 0-based index or a "quoted name"`]);
    expect(problems(file('inputs'))).toEqual([`"\\n": expected at least one column (a header name, a 0-based index or a "quoted name"), found the end of the line`]);
    expect(problems(file('inputs @'))).toEqual([`"@": unexpected character '@'; remove it`]);
  });

  it("onehot: the keyword ends a target's or encode's columns", () => {
    expect(problems(file('target onehot'))).toEqual([
      `"onehot": expected the target column before 'onehot', as in 'target species onehot'; for a column named onehot, write it in quotes: "onehot"`,
    ]);
    expect(problems(file('encode onehot'))).toEqual([
      `"onehot": expected the columns to encode before 'onehot', as in 'encode city onehot'; for a column named onehot, write it in quotes: "onehot"`,
    ]);
    // In inputs, onehot is a column's name.
    expect(fromFile(file('inputs onehot')).inputs?.columns.map((r) => r.from.kind === 'word' && r.from.text)).toEqual(['onehot']);
    expect(problems(file('encode city'))).toEqual([
      `"": expected 'onehot' after the columns: 'encode … onehot' gives each category an input of its own [Add 'onehot': "data d from \\"d.csv\\" {\\n  encode city onehot\\n}\\n"] (preferred)`,
    ]);
    const encode = fromFile(file('encode city town onehot')).encode;
    expect([encode?.columns.length, encode?.tokens.map((t) => t.text)]).toEqual([2, ['encode', 'onehot']]);
    expect(problems(file('encode'))).toEqual([`"\\n": expected at least one column (a header name, a 0-based index or a "quoted name"), found the end of the line`]);
  });

  it('an unknown statement: the closest one as a fix, or the list', () => {
    expect(problems(file('inpts a'))).toEqual([`"inpts": unknown statement 'inpts' in a data file block; did you mean 'inputs'? [Change to 'inputs': "data d from \\"d.csv\\" {\\n  inputs a\\n}\\n"] (preferred)`]);
    expect(problems(file('3'))).toEqual([`"3": unexpected '3' in a data file block; expected 'inputs', 'target', 'encode', 'missing', 'separator', 'normalize' or 'header'`]);
  });
});

describe('generated data', () => {
  it('the generator and its arguments', () => {
    const source = generated('data d = spiral(samples 300, noise 0.1, seed 7)\n');
    expect(source.generator?.text).toBe('spiral');
    expect(source.args.map((a) => [a.name.text, a.value?.value])).toEqual([
      ['samples', 300],
      ['noise', 0.1],
      ['seed', 7],
    ]);
    // Over several lines, before the generator, its '(' and between the arguments.
    expect(problems('data d =\n  spiral\n  (samples 3,\n  noise 0.1)\n')).toEqual([]);
    expect(generated('data d =\n  spiral\n  (samples 3,\n  noise 0.1)\n').args).toHaveLength(2);
    const text = 'data d = circle()   \n';
    expect(text.slice(data(text).span.start, data(text).span.end)).toBe('data d = circle()');
  });

  it("the generator's mistakes", () => {
    expect(problems('data d = spirall(samples 3)\n')).toEqual([`"spirall": unknown generator 'spirall'; did you mean 'spiral'? [Change to 'spiral': "data d = spiral(samples 3)\\n"] (preferred)`]);
    expect(problems('data d =\n')).toEqual([`"": expected generator ('xor', 'circle', 'spiral' or 'gauss'), as in '= spiral(samples 300)', found the end of the file`]);
    expect(problems('data d =\nnetwork n {\n}\n')).toEqual([`"": expected a generator ('xor', 'circle', 'spiral' or 'gauss'), as in '= spiral(samples 300)', found the end of the line`]);
    expect(problems('data d = 3\n')).toEqual([`"3": expected generator ('xor', 'circle', 'spiral' or 'gauss'), as in '= spiral(samples 300)', found '3'`]);
    expect(problems('data d = spiral\n')).toEqual([`"spiral": expected '(' after 'spiral', as in 'spiral(samples 200)' [Add '()': "data d = spiral()\\n"] (preferred)`]);
    expect(problems('data d = spiral x\n')).toEqual([`"x": expected '(' after 'spiral', found 'x'`]);
    // Without its '(', the generator's line ends the declaration: the next line's is still read.
    const next = 'data d = spiral\nnetwork n {\n}\n';
    expect(problems(next)).toEqual([`"spiral": expected '(' after 'spiral', as in 'spiral(samples 200)' [Add '()': "data d = spiral()\\nnetwork n {\\n}\\n"] (preferred)`]);
    expect(parse(next).file.declarations.map((d) => d.kind)).toEqual(['data', 'network']);
  });

  it("a call's arguments end at a brace, with the fix that closes them", () => {
    expect(problems('data d = spiral(samples 3 {\n')).toEqual([`"spiral(samples 3": the arguments of 'spiral(' have no closing ')'; add it [Add ')': "data d = spiral(samples 3) {\\n"] (preferred)`]);
    expect(problems('data d = spiral(samples 3 }\n')).toEqual([`"spiral(samples 3": the arguments of 'spiral(' have no closing ')'; add it [Add ')': "data d = spiral(samples 3) }\\n"] (preferred)`]);
  });

  it("one message for a call's arguments, the first, even when they run over several lines", () => {
    const one: [string, string][] = [
      ['data d = spiral(\n  3\n', `"3": unexpected '3'; arguments are written 'samples 300, noise 0.1, seed 1'`],
      ['data d = spiral(,\n  , samples 1)\n', `",": unexpected ','; write arguments as 'samples 300, noise 0.1'`],
      ['data d = spiral(samples 1 noise 2\n  seed 3)\n', `"": expected ',' before 'noise' [Insert ',': "data d = spiral(samples 1, noise 2\\n  seed 3)\\n"] (preferred)`],
      ['data d = spiral(noise\n  , seed)\n', `"\\n": expected a number after 'noise', as in 'noise 0.1', found the end of the line`],
      ['data d = spiral(3,\n  noise)\n', `"3": unexpected '3'; arguments are written 'samples 300, noise 0.1, seed 1'`],
      ['data d = spiral(3\n  4)\n', `"3": unexpected '3'; arguments are written 'samples 300, noise 0.1, seed 1'`],
      // A stray character was reported by the lexer, once.
      ['data d = spiral(@)\n', `"@": unexpected character '@'; remove it`],
    ];
    for (const [text, message] of one) expect(problems(text), text).toEqual([message]);
  });

  it("the arguments' mistakes: one message, the first", () => {
    expect(problems('data d = spiral(samples 3\n')).toEqual([`"spiral(samples 3": the arguments of 'spiral(' have no closing ')'; add it [Add ')': "data d = spiral(samples 3)\\n"] (preferred)`]);
    expect(problems('data d = spiral(samples 3\nnetwork n {\n}\n')).toEqual([
      `"spiral(samples 3": the arguments of 'spiral(' have no closing ')'; add it [Add ')': "data d = spiral(samples 3)\\nnetwork n {\\n}\\n"] (preferred)`,
    ]);
    expect(parse('data d = spiral(samples 3\nnetwork n {\n}\n').file.declarations.map((d) => d.kind)).toEqual(['data', 'network']);
    expect(problems('data d = spiral(, samples 3)\n')).toEqual([`",": unexpected ','; write arguments as 'samples 300, noise 0.1'`]);
    expect(problems('data d = spiral(samples 3,, noise 1)\n')).toEqual([`",": unexpected ','; write arguments as 'samples 300, noise 0.1'`]);
    expect(problems('data d = spiral(samples 3 noise 0.1)\n')).toEqual([`"": expected ',' before 'noise' [Insert ',': "data d = spiral(samples 3, noise 0.1)\\n"] (preferred)`]);
    expect(problems('data d = spiral(noise)\n')).toEqual([`")": expected a number after 'noise', as in 'noise 0.1', found ')'`]);
    expect(problems('data d = spiral(seed x)\n')).toEqual([`"x": expected a number after 'seed', as in 'seed 200', found 'x'`]);
    expect(problems('data d = spiral(3)\n')).toEqual([`"3": unexpected '3'; arguments are written 'samples 300, noise 0.1, seed 1'`]);
    // After the first mistake the rest of the arguments are read without more messages.
    expect(problems('data d = spiral(3, samples 1 noise x, @)\n')).toEqual([`"3": unexpected '3'; arguments are written 'samples 300, noise 0.1, seed 1'`, `"@": unexpected character '@'; remove it`]);
    expect(generated('data d = spiral(3, samples 1 noise x, @)\n').args.map((a) => [a.name.text, a.value?.value])).toEqual([
      ['samples', 1],
      ['noise', undefined],
      ['x', undefined],
    ]);
  });
});
