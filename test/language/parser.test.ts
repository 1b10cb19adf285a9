// The syntax tree of docs/language.md §3 and the parser's recovery: what the tree holds after good and bad text.
import { describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import { LineIndex } from '../../server/src/language/positions';
import type { DataDecl, NetworkDecl, TrainDecl } from '../../server/src/language/syntax';
import { children, tokenOf, tokensOf, walk } from '../../server/src/language/walk';
import { XOR_EXAMPLE as XOR } from '../support/specs';
import { mutate, random, seeds, tokenSoup } from './fuzzInputs';

/** Problems as `line:col message` (1-based), the way `nn check` prints them. */
function problems(text: string): string[] {
  const index = new LineIndex(text);
  return parse(text).problems.map((p) => {
    const at = index.cliPosition(p.span.start);
    return `${at.line}:${at.column} ${p.message}`;
  });
}

describe('the names a file declares', () => {
  it("only the declarations' and the layers' names declare (the editor's declaration modifier and go to definition)", () => {
    const text = 'network n {\n  input 2\n  layer hidden 3 sigmoid init xavier\n  layer 1 sigmoid\n}\ndata d {\n  0 0 -> 0\n  normalize minmax\n}\n'
      + 'weights w for n {\n  hidden W 1 2\n}\ntrain n on d {\n  loss mse\n  optimizer sgd rate 0.5\n  precision f64\n}\n';
    const declared: string[] = [];
    const used: string[] = [];
    walk(parse(text).file, (node) => {
      if (node.kind === 'word') (node.declares ? declared : used).push(node.text);
    });
    expect(declared).toEqual(['n', 'hidden', 'd', 'w']);
    expect(used).toEqual(expect.arrayContaining(['sigmoid', 'xavier', 'minmax', 'n', 'hidden', 'mse', 'sgd', 'f64']));
  });
});

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
      ['word', 'word'],
      ['number', null],
      ['string', null],
    ]);
    expect(source.target?.columns[0].from).toMatchObject({ kind: 'string', value: 'onehot' });
    expect(tokenOf(source.target!, 'onehot')).toBeDefined();
    expect([source.header?.value?.text, source.normalize?.method?.text]).toEqual(['no', 'minmax']);
  });

  it('reads generated data with arguments', () => {
    const { file, problems: found } = parse('data s = spiral(samples 300, noise 0.1, seed 1)\n');
    expect(found).toEqual([]);
    const source = (file.declarations[0] as DataDecl).source;
    expect(source?.kind === 'generated' && [source.generator?.text, tokenOf(source, ')') !== undefined, source.args.map((a) => [a.name.text, a.value?.value])]).toEqual([
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
    expect(source?.kind === 'generated' && [source.generator?.text, tokenOf(source, ')') !== undefined, source.args.map((a) => a.name.text)]).toEqual([
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

describe('the tokens and comments the tree keeps', () => {
  /** Each node that has tokens, as `kind: token …`; a token read as another word shows what was written: `on(onn)`. */
  function tokenLines(text: string): string[] {
    const lines: string[] = [];
    walk(parse(text).file, (node) => {
      const tokens = tokensOf(node);
      if (tokens.length === 0) return;
      const shown = tokens.map((t) => {
        const written = text.slice(t.span.start, t.span.end);
        return written === t.text ? t.text : `${t.text}(${written})`;
      });
      lines.push(`${node.kind}: ${shown.join(' ')}`);
    });
    return lines;
  }

  it('keeps every keyword, operator and bracket of each node', () => {
    const text = [
      'network n {',
      '  input 2',
      '  layer h 3 relu init he',
      '}',
      'data rows {',
      '  0 1 -> 1',
      '  normalize minmax',
      '}',
      'data csv from "c.csv" {',
      '  inputs a..b',
      '  target y onehot',
      '  header no',
      '}',
      'data g = xor(samples 10, noise 0.1)',
      'train n on rows {',
      '  optimizer sgd rate 0.5',
      '  stop when loss < 0.1',
      '}',
    ].join('\n');
    expect(tokenLines(text)).toEqual([
      'network: network { }',
      'input: input',
      'layer: layer init',
      'data: data',
      'inline: { }',
      'row: ->',
      'normalize: normalize',
      'data: data',
      'file: from { }',
      'inputs: inputs',
      'range: ..',
      'target: target onehot',
      'header: header',
      'data: data',
      'generated: = ( , )',
      'train: train on { }',
      'optimizer: optimizer',
      'stop: stop when loss <',
    ]);
    const kinds = new Map<string, string>();
    walk(parse(text).file, (node) => {
      for (const t of tokensOf(node)) kinds.set(t.text, t.kind);
    });
    expect(Object.fromEntries(kinds)).toMatchObject({ on: 'keyword', init: 'keyword', '->': 'operator', '<': 'operator', '=': 'operator', '..': 'operator', '{': 'punctuation', ',': 'punctuation', ')': 'punctuation' });
  });

  const broken: [string, string, string[]][] = [
    ['misspelled keywords read as the keywords they were taken for', 'train n onn d {\n  stop whenn loss < 1\n  epoch 3\n}\n', ['train: train on(onn) { }', 'stop: stop when(whenn) loss <', 'epochs: epochs(epoch)']],
    ['a block without its }', 'network n {\n  input 2\n', ['network: network {', 'input: input']],
    ['a call without its )', 'data d = xor(samples 3', ['data: data', 'generated: = (']],
    ['a row with two arrows keeps the first', 'data d {\n  1 -> 2 -> 3\n}\n', ['data: data', 'inline: { }', 'row: ->']],
    ['a range without its end', 'data d from "x.csv" {\n  inputs a..\n}\n', ['data: data', 'file: from { }', 'inputs: inputs', 'range: ..']],
    ['init without its value', 'network n {\n  layer 3 relu init\n}\n', ['network: network { }', 'layer: layer init']],
    ['the words after a mistake are not the statement\'s', 'train n on d {\n  stop when ss < 1\n}\n', ['train: train on { }', 'stop: stop when']],
  ];
  it.each(broken)('on broken input: %s', (_name, text, expected) => {
    expect(tokenLines(text)).toEqual(expected);
  });

  it('holds only tokens that were written, inside their node, in order, beside its children, on any text', () => {
    const next = random(3);
    const texts = [
      ...broken.map(([, text]) => text),
      ...seeds,
      ...seeds.flatMap((s) => Array.from({ length: 10 }, () => mutate(s, next))),
      ...Array.from({ length: 200 }, () => tokenSoup(next)),
    ];
    for (const text of texts) {
      const { file, problems: found } = parse(text);
      const misspelled = new Set(found.filter((p) => p.code === 'unknown-keyword').map((p) => `${p.span.start}:${p.span.end}`));
      walk(file, (node) => {
        const tokens = tokensOf(node);
        const childSpans = children(node).map((c) => c.span);
        tokens.forEach((t, i) => {
          const written = text.slice(t.span.start, t.span.end);
          const where = `${JSON.stringify(t)} of ${node.kind} in ${JSON.stringify(text)}`;
          if (written !== t.text) expect(t.kind === 'keyword' && misspelled.has(`${t.span.start}:${t.span.end}`), where).toBe(true);
          expect(t.span.start >= node.span.start && t.span.end <= node.span.end, where).toBe(true);
          if (i > 0) expect(t.span.start, where).toBeGreaterThanOrEqual(tokens[i - 1].span.end);
          expect(childSpans.some((c) => t.span.start < c.end && c.start < t.span.end), where).toBe(false);
        });
      });
    }
  });

  it('keeps every comment, on good and broken text', () => {
    const text = '# first\nnetwork n {  # after a brace \t\n  input 2 # after a statement\n  layer "# not one\n# on the next line\n#';
    const { file } = parse(text);
    expect(file.comments.map((c) => text.slice(c.start, c.end))).toEqual(['# first', '# after a brace', '# after a statement', '# on the next line', '#']);
  });
});
