// The syntax of weights declarations (docs/language.md §7.1): what the tree keeps of the header and the rows, and
// the text each quick fix leaves (test/language/fixtures/weights-syntax.nn pins the messages at their places).
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import type { WeightsDecl } from '../../server/src/language/syntax';
import { syntaxProblems as problems } from '../support/check';

const block = (body: string) => `weights w for n {\n  ${body}\n}\n`;

function weights(text: string): WeightsDecl {
  const decl = parse(text).file.declarations[0];
  if (decl.kind !== 'weights') throw new Error(`expected weights, found ${decl.kind}`);
  return decl;
}

/** The rows as `layer part values…`, with `!` for a malformed row. */
function rows(text: string): string[] {
  return weights(text).rows.map((r) => [r.layer.text, r.tokens[0]?.text ?? '?', ...r.values.map((v) => v.value), ...(r.malformed ? ['!'] : [])].join(' '));
}

describe("a weights declaration's header", () => {
  it('the name, for, the network; over several lines', () => {
    const decl = weights('weights given for xor {\n}\n');
    expect([decl.name?.text, decl.network?.text, decl.tokens.map((t) => t.text)]).toEqual(['given', 'xor', ['weights', 'for', '{', '}']]);
    expect(problems('weights w\nfor n\n{\n  h W 1\n}\n')).toEqual([]);
    expect(rows('weights w\nfor n\n{\n  h W 1\n}\n')).toEqual(['h W 1']);
  });

  it('its mistakes, and the text each fix leaves', () => {
    expect(problems('weights for n {\n}\n')).toEqual([`"for": expected a name for the weights before 'for', as in 'weights given for n {'`]);
    // The network is still read after a missing name.
    expect(weights('weights for n {\n}\n').network?.text).toBe('n');
    expect(problems('weights w fro n {\n}\n')).toEqual([
      `"fro": expected 'for' between the weights' name and the network, found 'fro' [Change to 'for': "weights w for n {\\n}\\n"] (preferred)`,
    ]);
    expect(problems('weights w n {\n}\n')).toEqual([`"": expected 'for' before the network, as in 'weights w for n' [Insert 'for': "weights w for n {\\n}\\n"] (preferred)`]);
    for (const text of ['weights w fro n {\n}\n', 'weights w n {\n}\n']) expect(weights(text).network?.text).toBe('n');
    expect(problems('weights w for {\n}\n')).toEqual([`"{": expected a name for the network the weights are for, as in 'weights w for xor {', found '{'`]);
    expect(problems('weights w for n x\n')).toEqual([`"x": expected '{' (rows of numbers) or 'from "file"' after weights 'w', found 'x'`]);
    expect(problems('weights w for n }\n')).toEqual([`"}": expected '{' (rows of numbers) or 'from "file"' after weights 'w', found '}'`]);
    // Without a body, at the end of the file as before another declaration: the declaration would give no numbers.
    expect(problems('weights w for n\n')).toEqual([`"": expected '{' (rows of numbers) or 'from "file"' after weights 'w', found the end of the file`]);
    expect(problems('weights w for n\nnetwork n {\n}\n')).toEqual([`"": expected '{' (rows of numbers) or 'from "file"' after weights 'w', found the end of the line`]);
    // After an error in the header, the end of the file is not reported again.
    expect(problems('weights w\n')).toEqual([`"": expected 'for' and the network the weights are for, as in 'weights w for xor {', found the end of the file`]);
  });

  it('the name, for and the network are read by their places, so any word may be each', () => {
    // `for` followed by a name and another: the weights are named `for`.
    const named = weights('weights for for n {\n}\n');
    expect([problems('weights for for n {\n}\n'), named.name?.text, named.network?.text]).toEqual([[], 'for', 'n']);
    // `for` followed by no name is read as the name; what is missing then is `for` and the network.
    expect(problems('weights for {\n}\n')).toEqual([`"{": expected 'for' and the network the weights are for, as in 'weights for for xor {', found '{'`]);
    // The name declares the weights (the editor's declaration modifier, go to definition); the network's is a use.
    const decl = weights('weights w for n {\n}\n');
    expect([decl.name?.declares, decl.network?.declares]).toEqual([true, false]);
    expect(problems('weights\n')).toEqual([`"": expected a name for the weights, as in 'weights given for xor {', found the end of the file`]);
    // Without a name, the rest of the header's messages say "the weights".
    expect(problems('weights for n\n')).toEqual([
      `"for": expected a name for the weights before 'for', as in 'weights given for n {'`,
      `"": expected '{' (rows of numbers) or 'from "file"' after the weights, found the end of the file`,
    ]);
  });

  it("a word where 'for' belongs: a misspelt 'for' only when it resembles 'for' and a name follows", () => {
    // A misspelt `for` is kept as the keyword `for` in the tree (the editor colours it so).
    expect(weights('weights w fro n {\n}\n').tokens.map((t) => t.text)).toEqual(['weights', 'for', '{', '}']);
    // `fro` with no name after it is the network, and `for` is what is missing.
    expect(problems('weights w fro {\n}\n')).toEqual([`"": expected 'for' before the network, as in 'weights w for fro' [Insert 'for': "weights w for fro {\\n}\\n"] (preferred)`]);
    expect(weights('weights w fro {\n}\n').network?.text).toBe('fro');
    // A name unlike `for` is the network too, even with a name after it.
    expect(problems('weights w net n {\n}\n')[0]).toBe(`"": expected 'for' before the network, as in 'weights w for net' [Insert 'for': "weights w for net n {\\n}\\n"] (preferred)`);
    expect(weights('weights w net n {\n}\n').network?.text).toBe('net');
    // Not a name: neither; `from` is not a network's name but the start of the body, so `for` and the network are missing.
    expect(problems('weights w {\n}\n')).toEqual([`"{": expected 'for' and the network the weights are for, as in 'weights w for xor {', found '{'`]);
    expect(problems('weights w from "w.safetensors"\n')).toEqual([`"from": expected 'for' and the network the weights are for, as in 'weights w for xor {', found 'from'`]);
    // A token the lexer refused is reported once, by the lexer, even when it reads like `for`.
    expect(problems('weights w 4or n\n')).toEqual([`"4or": '4or' is not a number or a name: put a space between a number and a word, and start names with a letter`]);
  });

  it('from: one file name in quotes, which ends the declaration', () => {
    expect(weights('weights w for n from "xor.run1.safetensors"\n').path).toMatchObject({ value: 'xor.run1.safetensors', terminated: true });
    expect(problems('weights w for n\n  from\n  "a.json"\n')).toEqual([]);
    // An unquoted name and what is written onto it are one path: one error, not the lexer's as well.
    expect(problems('weights w for n from model.json\n')).toEqual([
      `"model.json": put the file name in quotes: from "model.json" [Change to "model.json": "weights w for n from \\"model.json\\"\\n"] (preferred)`,
    ]);
    // Only what is written onto the name: a stray token after a blank is reported on its own.
    expect(problems('weights w for n from model .json\n')).toEqual([
      `"model": put the file name in quotes: from "model" [Change to "model": "weights w for n from \\"model\\" .json\\n"] (preferred)`,
      `".": unexpected '.'; a range of columns is written 'a..b'`,
    ]);
    expect(problems('weights w for n from 3\n')).toEqual([`"3": expected a file name in quotes, as in 'from "xor.run1.safetensors"', found '3'`]);
    expect(problems('weights w for n from\n')).toEqual([`"": expected a file name in quotes, as in 'from "xor.run1.safetensors"', found the end of the file`]);
    expect(problems('weights w for n from "a.bin" {\n')).toEqual([
      `"{": expected the end of the line after the file name (weights come from a file or from rows in a block, not both), found '{'`,
    ]);
    const text = 'weights w for n from "a.bin" extra\nnetwork n {\n}\n';
    expect(parse(text).file.declarations.map((d) => d.kind)).toEqual(['weights', 'network']);
  });
});

describe('weights rows', () => {
  it('a layer, W or b, numbers; a layer may be named like a declaration', () => {
    expect(rows(block('hidden W 0.15 -0.2\n  hidden b 1e-3\n  train W 1 2\n  data b 3'))).toEqual(['hidden W 0.15 -0.2', 'hidden b 0.001', 'train W 1 2', 'data b 3']);
    expect(problems(block('train W 1 2\n  data b 3\n  network w 1'))).toEqual([
      `"w": unknown word 'w'; did you mean 'W'? (W is a capital, b is not) [Change to 'W': "weights w for n {\\n  train W 1 2\\n  data b 3\\n  network W 1\\n}\\n"] (preferred)`,
    ]);
    // A declaration keyword followed by a name that is not W or b starts the next declaration: the block was not closed.
    expect(problems('weights w for n {\n  h W 1\nnetwork n {\n}\n')).toEqual([
      `"{": weights 'w' has no closing '}'; add it after the block's last line [Add the closing '}': "weights w for n {\\n  h W 1\\n}\\nnetwork n {\\n}\\n"]`,
    ]);
    // A layer named like a declaration keeps its rows with each of W, b, w and B, and with a number where W or b belongs.
    expect(rows(block('train W 1\n  train b 1\n  train w 1\n  train B 1\n  train 0.5\n  data 1'))).toEqual([
      'train W 1', 'train b 1', 'train W 1', 'train b 1', 'train ? !', 'data ? !',
    ]);
    expect(problems(block('train 0.5'))).toEqual([
      `"0.5": expected 'W' (one unit's weights) or 'b' (the layer's biases) after 'train', as in 'train W 0.15 0.2', found '0.5'`,
    ]);
    const text = block('hidden W 0.15 0.2   ');
    const row = weights(text).rows[0];
    expect(text.slice(row.span.start, row.span.end)).toBe('hidden W 0.15 0.2');
  });

  it("a row's mistakes: one message each, the row kept as malformed", () => {
    expect(problems(block('hidden w 0.5'))).toEqual([
      `"w": unknown word 'w'; did you mean 'W'? (W is a capital, b is not) [Change to 'W': "weights w for n {\\n  hidden W 0.5\\n}\\n"] (preferred)`,
    ]);
    expect(problems(block('hidden B 0.5'))).toEqual([
      `"B": unknown word 'B'; did you mean 'b'? (W is a capital, b is not) [Change to 'b': "weights w for n {\\n  hidden b 0.5\\n}\\n"] (preferred)`,
    ]);
    expect(rows(block('hidden w 0.5\n  hidden B 0.5'))).toEqual(['hidden W 0.5', 'hidden b 0.5']);
    expect(problems(block('0.5 1'))).toEqual([`"0.5": unexpected '0.5' in weights; a row starts with its layer's name, as in 'hidden W 0.15 0.2'`]);
    expect(problems(block('hidden 0.5'))).toEqual([
      `"0.5": expected 'W' (one unit's weights) or 'b' (the layer's biases) after 'hidden', as in 'hidden W 0.15 0.2', found '0.5'`,
    ]);
    expect(problems(block('hidden W'))).toEqual([`"": expected the row's numbers after 'W', as in 'hidden W 0.15 0.2', found the end of the line`]);
    expect(problems(block('hidden W 20% x'))).toEqual([`"20%": a weights row holds plain numbers; write 0.2 instead of 20%`]);
    expect(problems(block('hidden W 1 x 2'))).toEqual([`"x": unexpected 'x' in a weights row; rows hold numbers, as in 'hidden W 0.15 0.2'`]);
    expect(problems(block('hidden W 1 @ 2'))).toEqual([`"@": unexpected character '@'; remove it`]);
    expect(rows(block('hidden 0.5\n  hidden W\n  hidden W 1 x 2\n  hidden W 1 @\n  hidden b 1'))).toEqual([
      'hidden ? !',
      'hidden W !',
      'hidden W 1 2 !',
      'hidden W 1 !',
      'hidden b 1',
    ]);
    expect(weights(block('@ 1\n  0.5\n  h W 1')).rows).toHaveLength(1);
    // A mistake the lexer reported is the row's one message: the parser adds none at the row's start, after it, or
    // for the numbers it leaves missing.
    for (const body of ['@ W 1', 'hidden W @ 50%', 'hidden W @']) expect(problems(block(body))).toEqual([`"@": unexpected character '@'; remove it`]);
    // A word after the layer that is neither W nor b, nor one of them in the wrong case.
    expect(problems(block('hidden X 0.5'))).toEqual([
      `"X": expected 'W' (one unit's weights) or 'b' (the layer's biases) after 'hidden', as in 'hidden W 0.15 0.2', found 'X'`,
    ]);
  });
});
