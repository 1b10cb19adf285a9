// The quick fixes of a `weights` block and of `start from` (docs/language.md §7.1), by the text they leave: rows of
// zeros where rows are missing, written at the block's own indentation, extra rows removed with their lines, and the
// one obvious correction marked preferred. The fixture (fixtures/weights.nn) names each fix; these apply them.
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckResult } from '../../server/src/language';
import { applyFix } from '../support/check';
import { exactNumber, weightsDeclarationText } from '../../server/src/language/weights';

/** Network n: 2 inputs, a hidden layer of 2 units, an unnamed output layer (`layer2`) of 1. */
const NETWORK = 'network n {\n  input 2\n  layer hidden 2 sigmoid\n  layer 1 sigmoid\n}\ndata d {\n  0 1 -> 1\n}\n';

function checked(text: string): CheckResult {
  return check(text, { specPath: null, allowedRoot: null, readFile: null, readBytes: null, maxParameters: DEFAULT_MAX_PARAMETERS, maxDataCells: DEFAULT_MAX_DATA_CELLS });
}


/** The one fix titled `title` of the problems of `text`, applied; the result must check without errors. */
function fixed(text: string, title: string): string {
  const fixes = checked(text).problems.flatMap((p) => p.fixes ?? []);
  const fix = fixes.find((f) => f.title === title);
  if (fix === undefined) throw new Error(`no fix '${title}' among ${fixes.map((f) => `'${f.title}'`).join(', ')}`);
  const out = applyFix(text, fix);
  expect(checked(out).problems.filter((p) => p.severity === 'error')).toEqual([]);
  return out;
}

describe('the fixes of a weights block leave a block that checks, at its own indentation', () => {
  // [what, the block, the fix's title, the text it replaces and the text it leaves]
  it.each<[string, string, string, [string, string]]>([
    [
      'adds the missing W rows of zeros after the last one, one per missing unit',
      'weights w for n {\n    hidden W 0.1 0.2\n    hidden b 0.3 0.4\n    layer2 W 0.5 0.6\n    layer2 b 0.7\n}\n',
      'Add 1 W row of zeros',
      ['0.1 0.2\n', '0.1 0.2\n    hidden W 0 0\n'],
    ],
    [
      "adds a layer's W rows before its b row when it has none, in a block indented with a tab",
      'weights w for n {\n\thidden b 0.3 0.4\n\tlayer2 W 0.5 0.6\n\tlayer2 b 0.7\n}\n',
      'Add 2 W rows of zeros',
      ['\thidden b', '\thidden W 0 0\n\thidden W 0 0\n\thidden b'],
    ],
    [
      'removes an extra row indented with a tab, with its trailing comment',
      'weights w for n {\n\thidden W 0.1 0.2\n\thidden W 0.15 0.25\n\thidden b 0.3 0.4\n\tlayer2 W 0.5 0.6\n\tlayer2 b 0.7\n\tlayer2 W 1 1  # a second try\n}\n',
      'Remove the extra W row',
      ['\tlayer2 W 1 1  # a second try\n', ''],
    ],
    [
      "adds a layer's b row of zeros after its last row",
      'weights w for n {\n   hidden W 0.1 0.2\n   hidden W 0.15 0.25\n   layer2 W 0.5 0.6\n   layer2 b 0.7\n}\n',
      'Add a b row of zeros',
      ['0.15 0.25\n', '0.15 0.25\n   hidden b 0 0\n'],
    ],
    [
      'indents added rows by two spaces when the first row shares its line with the brace',
      'weights w for n { hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n}\n',
      'Add a b row of zeros',
      ['0.5 0.6\n', '0.5 0.6\n  layer2 b 0\n'],
    ],
    [
      'adds a missing layer with zeros at the end of the block',
      'weights w for n {\n  hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n}\n',
      "Add layer 'layer2' with zeros",
      ['0.3 0.4\n', '0.3 0.4\n  layer2 W 0 0\n  layer2 b 0\n'],
    ],
  ])('%s', (_, block, title, [before, after]) => {
    expect(fixed(NETWORK + block, title)).toBe(NETWORK + block.replace(before, after));
  });

  it('removes one extra W row, or several, with their lines and nothing else', () => {
    const one = 'weights w for n {\n  hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 W 0.55 0.65\n  layer2 b 0.7\n}\n';
    expect(fixed(NETWORK + one, 'Remove the extra W row')).toBe(NETWORK + one.replace('  layer2 W 0.55 0.65\n', ''));
    const two = one.replace('  layer2 W 0.55 0.65\n', '  layer2 W 0.55 0.65\n  layer2 W 0.8 0.9\n');
    expect(fixed(NETWORK + two, 'Remove the 2 extra W rows')).toBe(NETWORK + one.replace('  layer2 W 0.55 0.65\n', ''));
  });

  it("adds the missing W rows after the layer's last W row, not its first", () => {
    const wide = 'network n {\n  input 1\n  layer hidden 3 sigmoid\n  layer 1 sigmoid\n}\ndata d {\n  0 -> 1\n}\n';
    const block = 'weights w for n {\n  hidden W 0.1\n  hidden W 0.2\n  hidden b 0 0 0\n  layer2 W 1 2 3\n  layer2 b 0\n}\n';
    expect(fixed(wide + block, 'Add 1 W row of zeros')).toBe(wide + block.replace('hidden W 0.2\n', 'hidden W 0.2\n  hidden W 0\n'));
  });

  it("shows a layer without W rows on its name, and a 1-unit layer without b row asks for its 1 bias", () => {
    const text = `${NETWORK}weights w for n {\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n}\n`;
    const problems = checked(text).problems.filter((p) => p.code.startsWith('weights-'));
    expect(problems.map((p) => `${text.slice(p.span.start, p.span.end)}: ${p.message}`)).toEqual([
      "hidden: layer 'hidden' has 2 units, so it takes 2 W rows (one per unit), not 0",
      "layer2 W 0.5 0.6: layer 'layer2' has no b row; add 'layer2 b' with its 1 bias",
    ]);
  });

  it('removes an extra row on the last line of a file that ends without a line break', () => {
    const text = `${NETWORK}weights w for n {\n  hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 b 0.7\n  layer2 W 0.55 0.65`;
    const fix = checked(text).problems.flatMap((p) => p.fixes ?? []).find((f) => f.title === 'Remove the extra W row')!;
    expect(applyFix(text, fix)).toBe(`${NETWORK}weights w for n {\n  hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 b 0.7\n`);
  });

  it('fills an empty block with every layer in zeros, two spaces in', () => {
    const text = `${NETWORK}weights w for n {\n}\n`;
    expect(fixed(text, 'Fill in every layer with zeros')).toBe(`${NETWORK}weights w for n {\n  hidden W 0 0\n  hidden W 0 0\n  hidden b 0 0\n  layer2 W 0 0\n  layer2 b 0\n}\n`);
  });

  it('corrects a misspelt layer name, as the preferred fix', () => {
    const text = `${NETWORK}weights w for n {\n  hiden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 b 0.7\n}\n`;
    const fix = checked(text).problems.find((p) => p.code === 'weights-unknown-layer')!.fixes![0];
    expect(fix.preferred).toBe(true);
    expect(fixed(text, "Change to 'hidden'")).toBe(text.replace('hiden', 'hidden'));
  });
});

describe('start from weights of another network', () => {
  const other = 'network m {\n  input 2\n  layer 1 linear\n}\nweights mine for m {\n  layer1 W 1 2\n  layer1 b 0\n}\n';
  const given = (name: string) => `weights ${name} for n {\n  hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 b 0.7\n}\n`;
  const wrong = (text: string) => checked(text).problems.find((p) => p.code === 'weights-wrong-network')!;

  it("offers the network's one weights declaration as the preferred fix", () => {
    const text = `${NETWORK}${other}${given('ours')}train n on d {\n  start from mine\n}\n`;
    expect(wrong(text).fixes!.map((f) => [f.title, f.preferred])).toEqual([["Change to 'ours'", true]]);
    expect(fixed(text, "Change to 'ours'")).toBe(text.replace('start from mine', 'start from ours'));
  });

  it('offers each of several, none preferred, at most three', () => {
    const text = `${NETWORK}${other}${['a', 'b', 'c', 'd'].map(given).join('')}train n on d {\n  start from mine\n}\n`;
    const problem = wrong(text);
    expect(problem.message).toBe("weights 'mine' are for network 'm' (line 13), but this run trains network 'n': it needs weights for 'n'; weights for 'n' are 'a', 'b', 'c' and 'd'");
    expect(problem.fixes!.map((f) => [f.title, f.preferred])).toEqual([["Change to 'a'", false], ["Change to 'b'", false], ["Change to 'c'", false]]);
  });

  it('says how to declare weights for the network when it has none', () => {
    const text = `${NETWORK}${other}train n on d {\n  start from mine\n}\n`;
    expect(wrong(text).message).toBe("weights 'mine' are for network 'm' (line 13), but this run trains network 'n': it needs weights for 'n'; declare weights for 'n', as in 'weights given for n { … }'");
    expect(wrong(text).fixes ?? []).toEqual([]);
  });
});

describe('weights a user reads back', () => {
  it('are kept only when they check: a declaration with any error gives no weights (its hover says it has errors)', () => {
    const rows = 'hidden W 0.1 0.2\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6\n  layer2 b 0.7';
    const broken: Record<string, string> = {
      malformed: rows.replace('hidden W 0.1 0.2', 'hidden W 0.1 x'),
      stranger: `${rows}\n  output W 1 2`,
      infinite: rows.replace('0.1 0.2', '1e999 0.2'),
      repeated: `${rows}\n  hidden b 0 0`,
      twoBiases: rows.replace('hidden b 0.3 0.4', 'hidden b 0.3 0.4\n  hidden b 0.3 0.4'),
      shortB: rows.replace('hidden b 0.3 0.4', 'hidden b 0.3'),
      shortW: rows.replace('layer2 W 0.5 0.6', 'layer2 W 0.5'),
      tooMany: `${rows}\n  layer2 W 1 1`,
      tooFew: rows.replace('hidden W 0.15 0.25\n  ', ''),
      noBias: rows.replace('\n  layer2 b 0.7', ''),
    };
    const text = `${NETWORK}weights good for n {\n  ${rows}\n}\n${Object.entries(broken).map(([name, body]) => `weights ${name} for n {\n  ${body}\n}\n`).join('')}`;
    const result = checked(text);
    expect([...result.weights.keys()]).toEqual(['good']);
    expect(Array.from(result.weights.get('good')!.layers[0].weights)).toEqual([0.1, 0.2, 0.15, 0.25]);
  });

  it('names a layer given twice by its one line, or by its lines', () => {
    const once = `${NETWORK}weights w for n {\n  layer2 b 0.7\n  hidden W 0.1 0.2\n  layer2 W 0.5 0.6\n}\n`;
    expect(checked(once).problems.map((p) => p.message)).toContain("layer 'layer2' is already given on line 10; write each layer's rows once, together");
  });

  it('measure a first layer by the input width, and say so', () => {
    const text = `${NETWORK}weights w for n {\n  hidden W 0.1\n  hidden W 0.15 0.25\n  hidden b 0.3 0.4\n  layer2 W 0.5 0.6 0.7\n  layer2 b 0.7\n}\n`;
    expect(checked(text).problems.filter((p) => p.code === 'weights-row-length').map((p) => p.message)).toEqual([
      "this W row has 1 number, but layer 'hidden' takes 2 inputs (the network's input is 2 wide), so each of its W rows has 2 weights",
      "this W row has 3 numbers, but layer 'layer2' takes 2 inputs (the layer before has 2 units), so each of its W rows has 2 weights",
    ]);
  });

  it('are written back as the shortest decimals that read back the same, per precision', () => {
    const single = Math.fround(0.1);
    expect(exactNumber(single, 'f32')).toBe('0.1');
    expect(exactNumber(single, 'f64')).toBe('0.10000000149011612');
    expect(exactNumber(Math.fround(1 / 3), 'f32')).toBe('0.33333334');
    expect(exactNumber(Math.fround(16777217), 'f32')).toBe('16777216');
    // A single that needs all nine significant digits.
    expect(exactNumber(Math.fround(0.103431486), 'f32')).toBe('0.103431486');
    expect(exactNumber(0, 'f32')).toBe('0');
    expect(exactNumber(-0, 'f32')).toBe('-0');
    expect(exactNumber(Infinity, 'f32')).toBe('Infinity');
  });

  it('are written as a block with the layer names padded to the longest', () => {
    const network = { name: 'n', input: 1, layers: [{ name: 'hidden', units: 2 }, { name: 'out', units: 1 }] } as Parameters<typeof weightsDeclarationText>[1];
    const layers = [
      { weights: Float64Array.from([1, -0.5]), biases: Float64Array.from([0, 0.25]) },
      { weights: Float64Array.from([2, 3]), biases: Float64Array.from([-1]) },
    ];
    expect(weightsDeclarationText('w', network, layers)).toBe('weights w for n {\n  hidden W    1\n  hidden W -0.5\n  hidden b 0 0.25\n  out    W 2 3\n  out    b -1\n}');
  });
});
