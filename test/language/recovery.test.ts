// The parser's recovery at the level of the file (docs/language.md §3): what is skipped after a mistake, what is
// still read, and each message where the mistake is, with the text each fix leaves.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import { syntaxProblems as problems } from '../support/check';

const kinds = (text: string) => parse(text).file.declarations.map((d) => d.kind);

describe('recovery between declarations', () => {
  it('an unknown declaration is skipped with its block, nested blocks included, and the next one read', () => {
    const text = 'frobnicate x {\n  a b\n  {\n  }\n}\nnetwork n {\n}\n';
    expect(problems(text)).toEqual([`"frobnicate": unknown declaration 'frobnicate'; a file holds 'network', 'data', 'train' and 'weights' declarations`]);
    expect(kinds(text)).toEqual(['network']);
    // Without its '}', the skip ends at the next line that starts a declaration; without a block, at the line's end.
    expect(kinds('frobnicate x {\n  a\nnetwork n {\n}\n')).toEqual(['network']);
    expect(kinds('frobnicate x\nnetwork n {\n}\n')).toEqual(['network']);
    expect(kinds('frobnicate x {\n  a\n')).toEqual([]);
    // The skip ends at the block's '}', so a declaration after it on the same line is read.
    expect(kinds('frobnicate x {\n}network n {\n}\n')).toEqual(['network']);
  });

  it('a misspelt declaration keyword is read as the one it resembles, with the fix', () => {
    expect(problems('netwrk n {\n}\n')).toEqual([`"netwrk": unknown declaration 'netwrk'; did you mean 'network'? [Change to 'network': "network n {\\n}\\n"] (preferred)`]);
    expect(kinds('netwrk n {\n}\ndat d {\n  1 -> 1\n}\nwieghts w for n {\n}\ntrian n on d {\n}\n')).toEqual(['network', 'data', 'weights', 'train']);
  });

  it("a '}' with no block open: its own error, with the fix that removes it", () => {
    expect(problems('}\nnetwork n {\n}\n')).toEqual([`"}": unmatched '}': no block is open here [Remove the '}': "\\nnetwork n {\\n}\\n"]`]);
    expect(problems('network n {\n  input 2\n}\n}\n')).toEqual([`"}": unmatched '}': no block is open here [Remove the '}': "network n {\\n  input 2\\n}\\n\\n"]`]);
    expect(kinds('}\nnetwork n {\n}\n')).toEqual(['network']);
  });

  it('a line that starts with something else: one error, the line skipped', () => {
    const text = '3 4\nnetwork n {\n}\n';
    expect(problems(text)).toEqual([`"3": unexpected '3'; a file holds 'network', 'data', 'train' and 'weights' declarations`]);
    expect(kinds(text)).toEqual(['network']);
    // A stray character was reported by the lexer, once.
    expect(problems('@ 4\nnetwork n {\n}\n')).toEqual([`"@": unexpected character '@'; remove it`]);
  });

  it("an unknown declaration's skip ends at its own '}', or, unclosed, at a declaration just after an inner '}'", () => {
    // After the block closes, the next line is a declaration again: a misspelt keyword there is read with its fix.
    const text = 'frob x {\n}\nnetwrk n {\n}\n';
    expect(problems(text)).toEqual([
      `"frob": unknown declaration 'frob'; a file holds 'network', 'data', 'train' and 'weights' declarations`,
      `"netwrk": unknown declaration 'netwrk'; did you mean 'network'? [Change to 'network': "frob x {\\n}\\nnetwork n {\\n}\\n"] (preferred)`,
    ]);
    expect(kinds(text)).toEqual(['network']);
    // An inner block closed, and a declaration right after its '}': the unclosed outer block ends there.
    expect(kinds('frob x {\n  {\n  }network n {\n  input 2\n}\n')).toEqual(['network']);
    // Without a block, the skip ends at its line's end: the next line is read again, a misspelt keyword with its fix.
    expect(problems('frob x\nnetwrk n {\n}\n')[1]).toBe(
      `"netwrk": unknown declaration 'netwrk'; did you mean 'network'? [Change to 'network': "frob x\\nnetwork n {\\n}\\n"] (preferred)`,
    );
    expect(kinds('frob x\nnetwrk n {\n}\n')).toEqual(['network']);
    // What follows the block's '}' on its line is read again too: a stray number is reported.
    expect(problems('frob x {\n} 3 4\nnetwork n {\n}\n')[1]).toBe(`"3": unexpected '3'; a file holds 'network', 'data', 'train' and 'weights' declarations`);
  });

  it("a block's last statement may end at the block's '}' on its own line", () => {
    const text = 'network n {\n  input 2 }\ndata d {\n  1 -> 1\n}\n';
    expect(problems(text)).toEqual([]);
    expect(kinds(text)).toEqual(['network', 'data']);
    const network = parse(text).file.declarations[0];
    expect(network.kind === 'network' && network.statements.map((s) => s.kind)).toEqual(['input']);
  });

  it("a syntax error's code says whether something is missing ('expected') or in the way ('unexpected-token')", () => {
    // The editor shows the code beside the message (and a quick fix may be keyed on it).
    const codes = (text: string) => parse(text).problems.map((p) => p.code);
    expect(codes('network n {\n  input\n  input x\n}\nnetwork')).toEqual(['expected', 'unexpected-token', 'expected']);
  });

  it("problems come in the order of their places; at one place, the one that marks a point before the one that spans", () => {
    // The parser's "expected 'onehot'" is a point where the columns end, at the '@' the lexer reported first: the
    // point comes first.
    const text = 'data d from "c.csv" {\n  encode city on@ot\n}\n';
    const at = text.indexOf('@');
    expect(parse(text).problems.map((p) => [p.span.start - at, p.span.end - at, p.code])).toEqual([[0, 0, 'expected'], [0, 1, 'invalid-token']]);
  });

  it('a declaration may follow a closing brace on the same line', () => {
    expect(problems('network n {\n}data d {\n  1 -> 1\n}\n')).toEqual([]);
    expect(kinds('network n {\n}data d {\n  1 -> 1\n}\n')).toEqual(['network', 'data']);
  });
});

describe('recovery inside a statement', () => {
  it('one syntax error per line, and every line after it still read', () => {
    const text = 'network n {\n  input 2 3 4\n  input x y\n  layer 1 relu\n}\n';
    expect(problems(text)).toEqual([
      `"3": unexpected '3' after the statement; put each statement on its own line`,
      `"x": expected the input width, as in 'input 2', found 'x'`,
    ]);
    const network = parse(text).file.declarations[0];
    expect(network.kind === 'network' && network.statements.map((s) => s.kind)).toEqual(['input', 'input', 'layer']);
    // After a number's error the rest of the line is not reported again.
    expect(problems('network n {\n  input 1e2 x\n}\n')).toEqual([
      `"1e2": the input width must be a whole number, not 1e2 [Change to 100: "network n {\\n  input 100 x\\n}\\n"] (preferred)`,
    ]);
    expect(problems('network n {\n  input 2 @\n}\n')).toEqual([`"@": unexpected character '@'; remove it`]);
  });

  it('a whole number: the fix only when the value is one that can be written', () => {
    expect(problems('network n {\n  input 1e400\n}\n')).toEqual([`"1e400": the input width must be a whole number, not 1e400`]);
    expect(problems('network n {\n  input 2.0\n}\n')).toEqual([`"2.0": the input width must be a whole number, not 2.0 [Change to 2: "network n {\\n  input 2\\n}\\n"] (preferred)`]);
    expect(problems('network n {\n  input 2E1\n}\n')).toEqual([`"2E1": the input width must be a whole number, not 2E1 [Change to 20: "network n {\\n  input 20\\n}\\n"] (preferred)`]);
  });

  it('something missing at the end of a header: reported where the header ends', () => {
    expect(problems('network   \n')).toEqual([`"": expected a name for the network, as in 'network xor {', found the end of the file`]);
    const text = 'network\n\ndata d {\n  1 -> 1\n}\n';
    const [missing] = parse(text).problems;
    expect([missing.span, missing.message]).toEqual([{ start: 7, end: 7 }, "expected a name for the network, as in 'network xor {', found the end of the line"]);
  });

  it('a header cut short at its line: one error, and the declaration on the next line read whole', () => {
    // Each header stops at the next line's declaration keyword; the parts read after that stop there too, so the next
    // declaration is neither taken for the rest of the header nor its block for the header's block.
    const cases: [string, string][] = [
      ['network\n', "expected a name for the network, as in 'network xor {'"],
      ['network n\n', "expected '{' to open network 'n'"],
      ['data\n', "expected a name for the data set, as in 'data table {'"],
      ['train\n', "expected a name for the network to train, as in 'train xor on table {'"],
      ['train n on\n', "expected a name for the data set to train on, as in 'train n on table {'"],
      ['weights\n', "expected a name for the weights, as in 'weights given for xor {'"],
      ['weights w for\n', "expected a name for the network the weights are for, as in 'weights w for xor {'"],
    ];
    for (const [header, message] of cases) {
      for (const [next, kind] of [['network m {\n  input 2\n}\n', 'network'], ['data d {\n  1 -> 1\n}\n', 'data']]) {
        const text = header + next;
        expect(problems(text)).toEqual([`"": ${message}, found the end of the line`]);
        expect(kinds(text).at(-1)).toBe(kind);
        expect(parse(text).file.declarations.at(-1)?.span.start).toBe(header.length);
      }
    }
  });
});
