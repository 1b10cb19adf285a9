// The syntax tree of docs/language.md §3 and the parser's recovery: what the tree holds after good and bad text.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import { LineIndex } from '../../server/src/language/positions';
import type { DataDecl, NetworkDecl, TrainDecl } from '../../server/src/language/syntax';
import { XOR_EXAMPLE as XOR } from '../support/specs';

/** Problems as `line:col message` (1-based), the way `nn check` prints them. */
function problems(text: string): string[] {
  const index = new LineIndex(text);
  return parse(text).problems.map((p) => {
    const at = index.cliPosition(p.span.start);
    return `${at.line}:${at.column} ${p.message}`;
  });
}

describe('parse', () => {
  it('builds the tree of docs/language.md §1 without problems', () => {
    const { file, problems: found } = parse(XOR);
    expect(found).toEqual([]);
    const [network, data, train] = file.declarations as [NetworkDecl, DataDecl, TrainDecl];
    expect(network.name?.text).toBe('xor');
    expect(network.statements.map((s) => s.kind)).toEqual(['input', 'layer', 'layer']);
    const hidden = network.statements[1];
    expect(hidden.kind === 'layer' && [hidden.name?.text, hidden.units?.value, hidden.activation?.text]).toEqual(['hidden', 3, 'sigmoid']);
    expect(data.source?.kind === 'inline' && data.source.rows.map((r) => [r.inputs.map((n) => n.value), r.targets.map((n) => n.value)])).toEqual([
      [[0, 0], [0]],
      [[0, 1], [1]],
      [[1, 0], [1]],
      [[1, 1], [0]],
    ]);
    expect([train.network?.text, train.data?.text]).toEqual(['xor', 'xor_table']);
    expect(train.statements.map((s) => s.kind)).toEqual(['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop']);
    const stop = train.statements[5];
    expect(stop.kind === 'stop' && stop.threshold?.value).toBe(0.001);
  });

  it('gives every node a span that covers its text', () => {
    const { file } = parse(XOR);
    const network = file.declarations[0] as NetworkDecl;
    expect(XOR.slice(network.span.start, network.span.end)).toMatch(/^network xor \{[\s\S]*\}$/);
    const layer = network.statements[2];
    expect(XOR.slice(layer.span.start, layer.span.end)).toBe('layer output 1 sigmoid');
    const train = file.declarations[2] as TrainDecl;
    const optimizer = train.statements[1];
    expect(XOR.slice(optimizer.span.start, optimizer.span.end)).toBe('optimizer sgd rate 0.5');
  });

  it('lets keywords be names where the grammar expects a name', () => {
    const text = 'network data {\n  input 1\n  layer layer 1 linear\n}\ndata network {\n 1 -> 1\n}\ntrain data on network {\n}\n';
    const { file, problems: found } = parse(text);
    expect(found).toEqual([]);
    expect(file.declarations.map((d) => d.kind)).toEqual(['network', 'data', 'train']);
    const layer = (file.declarations[0] as NetworkDecl).statements[1];
    expect(layer.kind === 'layer' && layer.name?.text).toBe('layer');
  });

  it('reads file data: ranges, indexes, quoted names, onehot, header', () => {
    const text = 'data d from "a b.csv" {\n  inputs x1..x3 5 "petal width"\n  target "onehot" onehot\n  header no\n  normalize minmax\n}\n';
    const { file, problems: found } = parse(text);
    expect(found).toEqual([]);
    const source = (file.declarations[0] as DataDecl).source;
    if (source?.kind !== 'file') throw new Error('expected file data');
    expect(source.path?.value).toBe('a b.csv');
    expect(source.inputs?.columns.map((c) => [c.from.kind, c.to?.kind ?? null])).toEqual([
      ['name', 'name'],
      ['index', null],
      ['quoted', null],
    ]);
    expect(source.target?.columns[0].from).toMatchObject({ kind: 'quoted', name: 'onehot' });
    expect(source.target?.onehot).toBeDefined();
    expect([source.header?.value?.text, source.normalize?.method?.text]).toEqual(['no', 'minmax']);
  });

  it('reads generated data with arguments', () => {
    const { file, problems: found } = parse('data s = spiral(samples 300, noise 0.1, seed 1)\n');
    expect(found).toEqual([]);
    const source = (file.declarations[0] as DataDecl).source;
    expect(source?.kind === 'generated' && [source.generator?.text, source.closed, source.args.map((a) => [a.name.text, a.value?.value])]).toEqual([
      'spiral',
      true,
      [
        ['samples', 300],
        ['noise', 0.1],
        ['seed', 1],
      ],
    ]);
  });

  it('reads a generator call broken over lines, as any text outside blocks may be (docs/language.md §2.3)', () => {
    const { file, problems: found } = parse('data s =\n  spiral\n  (samples 300,\n   noise 0.1)\ntrain n on s {\n}\n');
    expect(found).toEqual([]);
    const source = (file.declarations[0] as DataDecl).source;
    expect(source?.kind === 'generated' && [source.generator?.text, source.closed, source.args.map((a) => a.name.text)]).toEqual([
      'spiral',
      true,
      ['samples', 'noise'],
    ]);
    // A line that starts a declaration still ends the header.
    expect(problems('data s =\ndata t = xor()\n')).toEqual([
      "1:9 expected a generator ('xor', 'circle', 'spiral' or 'gauss'), as in '= spiral(samples 300)', found the end of the line",
    ]);
    expect(problems('data s = xor\ndata t = xor()\n')).toEqual(["1:10 expected '(' after 'xor', as in 'xor(samples 200)'"]);
  });

  it('accepts a block brace on the next line and CRLF line ends', () => {
    expect(problems(XOR.replace(/\n/g, '\r\n').replace('network xor {', 'network xor\r\n{'))).toEqual([]);
  });

  const recovery: [string, string, string[]][] = [
    [
      'a misspelled activation, with every following line still checked',
      'network n {\n  input 2\n  layer 3 sigmoidd\n  layer 1 tanhh\n}\n',
      ["3:11 unknown activation 'sigmoidd'; did you mean 'sigmoid'?", "4:11 unknown activation 'tanhh'; did you mean 'tanh'?"],
    ],
    [
      'a misspelled declaration keyword, parsed as the keyword it resembles',
      'netwrk n {\n  input 2\n  layer 1 relu\n}\n',
      ["1:1 unknown declaration 'netwrk'; did you mean 'network'?"],
    ],
    [
      'a missing } closes the block at the next declaration',
      'network n {\n  input 2\n\ndata d {\n  1 -> 2\n}\n',
      ["1:11 network 'n' has no closing '}'; add it after the block's last line"],
    ],
    [
      'a missing } at the end of the file',
      'train n on d {\n  epochs 5\n',
      ["1:14 train 'n' has no closing '}'; add it after the block's last line"],
    ],
    [
      'a fraction where a whole number is needed',
      'train n on d {\n  epochs 1e4\n  batch 2.5\n}\n',
      ['2:10 the number of epochs must be a whole number, not 1e4', "3:9 the batch size must be a whole number, not 2.5"],
    ],
    [
      'a duplicate statement',
      'train n on d {\n  seed 1\n  seed 2\n}\n',
      ["3:3 'seed' is already set on line 2; keep one of them"],
    ],
    [
      'rows without an arrow or targets',
      'data d {\n  1 2 3\n  1 2 ->\n  -> 1\n  1 x -> 2\n}\n',
      [
        "2:3 a row needs '->' between its inputs and its targets, as in '0 1 -> 1'",
        "3:7 expected at least one target number after '->', as in '0 1 -> 1'",
        "4:3 expected input numbers before '->', as in '0 1 -> 1'",
        "5:5 unexpected 'x' in a data row; rows hold numbers, as in '0 1 -> 1'",
      ],
    ],
    [
      'a stray word after a complete statement',
      'network n {\n  input 2 3\n}\n',
      ["2:11 unexpected '3' after the statement; put each statement on its own line"],
    ],
    [
      'an unmatched closing brace',
      '}\nnetwork n {\n}\n',
      ["1:1 unmatched '}': no block is open here"],
    ],
    [
      'validate without %',
      'train n on d {\n  validate 20\n}\n',
      ['2:12 write the share held out as a percentage: 20%'],
    ],
    [
      "'=>' written for the arrow of a row: one error",
      'data d {\n  0 1 => 1\n}\n',
      ["2:7 unexpected '=>'; the arrow between inputs and targets is written '->', as in '0 1 -> 1'"],
    ],
    [
      "'target onehot': the keyword wins, and the message says to quote a column of that name",
      'data d from "d.csv" {\n  target onehot\n}\n',
      [`2:10 expected the target column before 'onehot', as in 'target species onehot'; for a column named onehot, write it in quotes: "onehot"`],
    ],
    [
      'a space before the % of validate: one error, whose fix closes the gap',
      'train n on d {\n  validate 20 %\n}\n',
      ['2:12 write the percentage without a space: 20%'],
    ],
    [
      'a missing on',
      'train n d {\n}\n',
      ["1:9 expected 'on' before the data set, as in 'train n on d'"],
    ],
  ];
  it.each(recovery)('recovers from %s', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('builds the rest of the tree after a bad line', () => {
    const { file } = parse('network n {\n  input 2\n  layer @@ 3\n  layer out 1 sigmoid\n}\n');
    const network = file.declarations[0] as NetworkDecl;
    expect(network.statements.map((s) => (s.kind === 'layer' ? s.name?.text ?? '?' : s.kind))).toEqual(['input', '?', 'out']);
  });

  it('never throws on hostile text', () => {
    for (const text of ['', '{', '}', '"', '->', '((((', 'data d = (', 'network', 'train a on', 'data d from', '\u0000\uffff\ud800', '#', 'data d = xor(samples']) {
      expect(() => parse(text)).not.toThrow();
    }
  });
});
