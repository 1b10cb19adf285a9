// Formatting: the canonical layout, idempotent, never changing a token; no edits where it would not be safe.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { format, sameTokens } from '../../server/src/language/format';
import { weightsDeclarationText } from '../../server/src/language/weights';
import { lex } from '../../server/src/language/lexer';
import { LineIndex } from '../../server/src/language/positions';
import { formatting } from '../../server/src/lsp/formatting';
import { dedent, fixture, URI } from './harness';

function check(messy: string, expected: string): void {
  const input = dedent(messy);
  const want = dedent(expected);
  expect(format(input)).toBe(want);
  expect(format(want)).toBe(want);
}

/** The tokens of a text, line breaks left out (blank lines may change, nothing else). */
function tokenTexts(text: string): string[] {
  return lex(text).tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof').map((t) => t.text);
}

function applyEdits(text: string, edits: ReturnType<typeof formatting>): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].reverse()) out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  return out;
}

describe('format', () => {
  it('lays out the training vocabulary as every statement (docs/language.md §7.2–§7.4)', () => {
    // Written carelessly, one line of the input per string.
    const careless = [
      'network n {',
      'layer   h 4 relu   dropout   20%  init he',
      '}',
      'train n on d {',
      '    regularize   l1 0.001    l2 0.01',
      '  schedule  plateau factor 0.5   patience 3',
      ' patience   50',
      '  stop  when   validation loss<0.1',
      '}',
    ];
    check(
      `\n${careless.map((line) => `      ${line}`).join('\n')}\n      `,
      `
      network n {
        layer h 4 relu dropout 20% init he
      }
      train n on d {
        regularize l1 0.001 l2 0.01
        schedule plateau factor 0.5 patience 3
        patience 50
        stop when validation loss < 0.1
      }
      `,
    );
  });

  it('indents blocks by two spaces, single-spaces tokens and aligns data rows', () => {
    check(
      `
      # XOR
      network   xor{
      input 2
            layer hidden   4 sigmoid   # four units
      layer out 1 sigmoid
      }



      data table {
      0 0 -> 0
        0.5   1->1
      -1 1 -> 1 # odd one
      }
      data pts =   circle ( samples 40 ,noise 0.1 )
      data csv from "x.csv" {
          inputs   a .. c
        target "label"  onehot
      }
      train xor on table {

        optimizer sgd rate 0.5
        stop when loss<0.001
        validate 20%

      }
      `,
      `
      # XOR
      network xor {
        input 2
        layer hidden 4 sigmoid  # four units
        layer out 1 sigmoid
      }

      data table {
          0 0 -> 0
        0.5 1 -> 1
         -1 1 -> 1  # odd one
      }
      data pts = circle(samples 40, noise 0.1)
      data csv from "x.csv" {
        inputs a..c
        target "label" onehot
      }
      train xor on table {
        optimizer sgd rate 0.5
        stop when loss < 0.001
        validate 20%
      }
      `,
    );
  });

  it('aligns a weights block as matrices: the layer names padded, each layer\'s W columns right-aligned, b single-spaced', () => {
    check(
      `
      weights given for xor {
      hidden W 0.15   -0.2
           hidden W 10.25 0.3
        hidden b 0.35 0.35
      # the output layer
      out W 0.4 0.45
      out   b 0.6
      }
      weights saved for xor from "w.json"
      `,
      `
      weights given for xor {
        hidden W  0.15 -0.2
        hidden W 10.25  0.3
        hidden b 0.35 0.35
        # the output layer
        out    W 0.4 0.45
        out    b 0.6
      }
      weights saved for xor from "w.json"
      `,
    );
  });

  it('leaves saved weights as the code action writes them', () => {
    const network = { name: 'xor', input: 2, layers: [{ name: 'hidden', units: 2 }, { name: 'output', units: 1 }] } as never;
    const layers = [
      { weights: Float64Array.from([0.1, -2.5, 13.75, 0.000125]), biases: Float64Array.from([-0, 1e-7]) },
      { weights: Float64Array.from([1 / 3, -1 / 7]), biases: Float64Array.from([42]) },
    ];
    const text = `${weightsDeclarationText('saved', network, layers)}\n`;
    expect(text).toBe(
      'weights saved for xor {\n  hidden W   0.1     -2.5\n  hidden W 13.75 0.000125\n  hidden b -0 1e-7\n  output W 0.3333333333333333 -0.14285714285714285\n  output b 42\n}\n',
    );
    expect(format(text)).toBe(text);
  });

  it('keeps comments, one blank line at most, and ends with one newline', () => {
    check('\n\n# a\n\n\n# b\nnetwork n {\n  # inside\n\n\n  input 1\n}\n\n\n', '# a\n\n# b\nnetwork n {\n  # inside\n\n  input 1\n}\n');
  });

  it('aligns trailing comments of consecutive lines two spaces after the longest code', () => {
    check(
      `
      data d from "d.csv" {
        target species onehot # three classes
        normalize zscore    # on the training part

        header yes # first line names the columns
      }
      `,
      `
      data d from "d.csv" {
        target species onehot  # three classes
        normalize zscore       # on the training part

        header yes  # first line names the columns
      }
      `,
    );
  });

  it('aligns the rows of a data block whose brace is on the next line', () => {
    check('data d\n{\n0 -> 1\n-0.5 -> 0\n}\n', 'data d\n{\n     0 -> 1\n  -0.5 -> 0\n}\n');
  });

  it('lays out expectations as every statement: single spaces, the percentage kept whole', () => {
    check('train n on d {\nexpect   validation  accuracy>95%\n    expect loss<0.01\n}\n', 'train n on d {\n  expect validation accuracy > 95%\n  expect loss < 0.01\n}\n');
  });

  it('keeps \\r\\n line ends', () => {
    expect(format('network n {\r\ninput 1\r\n}')).toBe('network n {\r\n  input 1\r\n}\r\n');
  });

  it.each([
    ['an invalid token', 'network n {\n  input 2x\n}\n'],
    ['an unterminated string', 'data d from "x.csv {\n}\n'],
    ['an unterminated block', 'network n {\n   input 2\n'],
    ['a stray closing brace', 'network n {\n input 2\n}\n}\n'],
  ])('declines to format text with %s', (_, text) => {
    expect(format(text)).toBeNull();
  });

  it('formats a file with a syntax error that lexes cleanly, without changing its tokens', () => {
    const text = 'network n {\n input\n    layer 2  sigmoidd\n}\n';
    expect(format(text)).toBe('network n {\n  input\n  layer 2 sigmoidd\n}\n');
  });
});

/** A deterministic generator of messy layouts (a small LCG, so failures reproduce). */
function messUp(text: string, seed: number): string {
  let state = seed >>> 0 || 1;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const blanks = ['', ' ', '  ', '\t', '   '];
  const tokens = lex(text).tokens;
  let out = '';
  let position = 0;
  for (const token of tokens) {
    const gap = text.slice(position, token.start);
    // Comments stay as they are; only horizontal whitespace between tokens changes.
    if (gap.includes('#')) out += gap;
    else if (token.kind === 'newline' || token.kind === 'eof') out += blanks[Math.floor(next() * blanks.length)];
    else {
      const mustSeparate = gap.length > 0 || position === 0;
      const pick = blanks[Math.floor(next() * blanks.length)];
      out += mustSeparate && pick === '' && position !== 0 ? ' ' : pick;
    }
    out += token.text;
    position = token.end;
  }
  return out;
}

const examplesDir = join(__dirname, '..', '..', 'examples');
const examples = existsSync(examplesDir) ? readdirSync(examplesDir).filter((f) => f.endsWith('.nn')) : [];

const SAMPLES = [
  'network xor {\n  input 2\n  layer hidden 3 sigmoid\n  layer output 1 sigmoid\n}\n\ndata xor_table {\n  0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0\n}\n\ntrain xor on xor_table {\n  loss mse\n  optimizer sgd rate 0.5\n  epochs 20000\n  batch full\n  seed 1\n  stop when loss < 0.001\n}\n',
  'data iris from "iris.csv" {\n  inputs 0..3\n  target species onehot # labels\n  normalize zscore\n  header yes\n}\ndata g = gauss(samples 100, noise 0.2, seed 3)\n',
  'network r {\n  input 3\n  layer 8 relu init he\n  layer 2 softmax\n}\ndata d {\n  -1.5 2e3 0 -> 1 0\n  1 2 3 -> 0 1\n  normalize minmax\n}\ntrain r on d {\n  loss cross_entropy\n  optimizer adam rate 0.01 beta1 0.9 beta2 0.999 epsilon 1e-8\n  validate 25%\n  precision f32\n}\n',
];

describe('format: the edges of a layout', () => {
  it('formats an empty text, or one of blank lines, to nothing', () => {
    expect(format('')).toBe('');
    expect(format('\n\n  \n')).toBe('');
  });

  it('ends a text without a line break, or with mixed line ends, with \\n; only a text of \\r\\n alone keeps \\r\\n', () => {
    expect(format('data g = gauss(samples 10)')).toBe('data g = gauss(samples 10)\n');
    expect(format('network n {\r\n  input 2\n}\r\n')).toBe('network n {\n  input 2\n}\n');
    expect(format('\nnetwork n {\r\n  input 2\r\n}\r\n')).toBe('network n {\n  input 2\n}\n');
    expect(format('network n {\r\n  input 2\r\n}\r\n')).toBe('network n {\r\n  input 2\r\n}\r\n');
  });

  it('keeps a trailing comment on the last line, and drops the spaces after a comment', () => {
    expect(format('network n {\n  input 2   # two   \n} # end')).toBe('network n {\n  input 2  # two\n}          # end\n');
  });

  it('formats a data block closed on its last row, leaving that row as written', () => {
    expect(format('data d {\n  0  10 -> 1\n  10 0 -> 0 }\n')).toBe('data d {\n  0 10 -> 1\n  10 0 -> 0 }\n');
  });

  it('lines up the arrows of ragged rows, and leaves no space after an arrow without targets', () => {
    expect(format('data d {\n  1 2 3 -> 1\n  10 2 -> 0\n  5 ->\n}\n')).toBe('data d {\n   1 2 3 -> 1\n  10 2   -> 0\n   5     ->\n}\n');
  });

  it('aligns rows only in inline data and weights written in the block: stray rows elsewhere (a syntax error) stay single-spaced', () => {
    const stray = ['0  1 -> 1', '10 0 -> 0', 'hidden  W 1', 'out W 10'];
    // `from` without its file (a syntax error) still says the block is not inline rows.
    for (const header of ['data d from "d.csv" {', 'network n {', 'train n on d {', 'weights w for n from "w.json" {', 'data g = gauss(samples 10) {', 'data d "d.csv" {', 'data d from {', 'weights w for n from {']) {
      const text = `${header}\n${stray.map((row) => `  ${row}`).join('\n')}\n}\n`;
      expect(format(text), header).toBe(`${header}\n${stray.map((row) => `  ${row.replace(/ +/g, ' ')}`).join('\n')}\n}\n`);
    }
  });

  it('aligns the rows of inline data that follows a data set read from a file without a block', () => {
    const text = 'data d from "x.csv"\ndata e {\n  0 0 -> 0\n  10 1 -> 1\n}\n';
    expect(format(text)).toBe('data d from "x.csv"\ndata e {\n   0 0 -> 0\n  10 1 -> 1\n}\n');
  });

  it("aligns a layer's W columns by its W rows only, and only across consecutive rows", () => {
    const messy = 'weights w for n {\nhidden W 1 2\nhidden W 3 40\nhidden b 0.35 0.35\nout W 1\n# between\nout W 100\nout b 0\n}\n';
    const aligned = 'weights w for n {\n  hidden W 1  2\n  hidden W 3 40\n  hidden b 0.35 0.35\n  out    W 1\n  # between\n  out    W 100\n  out    b 0\n}\n';
    expect(format(messy)).toBe(aligned);
    expect(format(aligned)).toBe(aligned);
  });
});

describe("format's guard: the same tokens on the same lines", () => {
  const same = (a: string, b: string): boolean => sameTokens(lex(a).tokens, lex(b).tokens);

  it('accepts another layout of the same tokens, blank lines and spaces aside', () => {
    expect(same('network n {\n  input 2\n}\n', 'network   n {\n\n\n input 2 \n}')).toBe(true);
  });

  it('refuses a changed, split, joined, moved, added or removed token', () => {
    expect(same('input 2\n', 'input 3\n')).toBe(false);
    expect(same('ab\n', 'a b\n')).toBe(false);
    expect(same('input 2\n', 'input\n2\n')).toBe(false);
    expect(same('a\nb\n', 'b\na\n')).toBe(false);
    expect(same('a\nb\n', 'a\nb\nc\n')).toBe(false);
    expect(same('a\nb\nc\n', 'a\nb\n')).toBe(false);
  });
});

describe('format properties', () => {
  const corpus = [...SAMPLES, ...examples.map((f) => readFileSync(join(examplesDir, f), 'utf8'))];

  it.each(examples)('examples/%s is formatted idempotently', (name) => {
    const text = readFileSync(join(examplesDir, name), 'utf8');
    const once = format(text);
    expect(once).not.toBeNull();
    expect(format(once!)).toBe(once);
    expect(tokenTexts(once!)).toEqual(tokenTexts(text));
  });

  it('never changes the token sequence, and the layout does not depend on the whitespace it started from', () => {
    let checked = 0;
    for (const [n, text] of corpus.entries()) {
      const canonical = format(text);
      expect(canonical).not.toBeNull();
      for (let seed = 1; seed <= 16; seed++) {
        const messy = messUp(text, seed * 7919 + n);
        expect(tokenTexts(messy)).toEqual(tokenTexts(text)); // the generator itself keeps tokens
        const formatted = format(messy);
        expect(formatted).toBe(canonical);
        expect(tokenTexts(formatted!)).toEqual(tokenTexts(text));
        expect(format(formatted!)).toBe(formatted);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(48);
  });
});

describe('formatting handler', () => {
  it('returns one edit that produces the formatted text', () => {
    const { state } = fixture('network n {\ninput 1\n  layer 1 linear\n}\n');
    const edits = formatting(state, { textDocument: { uri: URI }, options: { tabSize: 4, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0].range.start).toEqual({ line: 1, character: 0 });
    expect(applyEdits(state.text, edits)).toBe('network n {\n  input 1\n  layer 1 linear\n}\n');
  });

  it('edits only what changed, so the cursor and folds around it stay put, and never between \\r and \\n', () => {
    const edit = (text: string) => {
      const { state } = fixture(text);
      const edits = formatting(state, { textDocument: { uri: URI }, options: { tabSize: 2, insertSpaces: true } });
      expect(applyEdits(state.text, edits)).toBe(format(text));
      return edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText]);
    };
    // Spaces in the middle of a line: those two spaces, nothing else.
    expect(edit('network n {\n  input   1\n}\n')).toEqual([[1, 8, 1, 10, '']]);
    // Spaces at a line's end: those, not the line break after them.
    expect(edit('network n {\n  input 1   \n}\n')).toEqual([[1, 9, 1, 12, '']]);
    // A tab for an indent: the tab replaced, in place.
    expect(edit('network n {\n\tinput 1\n}\n')).toEqual([[1, 0, 1, 1, '  ']]);
    // An indent: two spaces inserted at the line's start.
    expect(edit('network n {\ninput 1\n}\n')).toEqual([[1, 0, 1, 0, '  ']]);
    // Blank lines at the end: only them.
    expect(edit('network n {\n  input 1\n}\n\n\n')).toEqual([[3, 0, 5, 0, '']]);
    // The last line break, in the file's own style.
    expect(edit('network n {\r\n  input 1\r\n}')).toEqual([[2, 1, 2, 1, '\r\n']]);
    // A \r\n in a file of \n is replaced whole, not cut after its \r.
    expect(edit('network n {\n  input 1\r\n}\n')).toEqual([[1, 9, 2, 0, '\n']]);
    // A lone \r in a file of \r\n: the edit starts at the \r, not after it.
    expect(edit('network n {\r  input 1\r\n}\r\n')).toEqual([[0, 11, 1, 0, '\r\n']]);
  });

  it('returns no edits for formatted text and for text it cannot format safely', () => {
    for (const text of ['network n {\n  input 1\n}\n', 'network n {\n  input 1x\n}\n']) {
      const { state } = fixture(text);
      expect(formatting(state, { textDocument: { uri: URI }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    }
  });
});
