// The generic walk over the syntax tree: nodeAt on every kind of node, children in text order, a node's tokens and block.
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from '../../server/src/language';
import { CHILD_FIELDS, type Node, type SpecFile } from '../../server/src/language/syntax';
import { blockOf, children, nodeAt, nodePath, tokenAt, tokenOf, walk } from '../../server/src/language/walk';

/** Every kind of node at least once; arguments are written with two spaces, so a cursor can stand between name and value. */
const SPEC = `network xor {
  input 2
  layer hidden 3 sigmoid init he dropout 10%
  layer 1 sigmoid
}
data rows {
  0 1 -> 1
  normalize zscore
}
data csv from "c.csv" {
  header yes
  target "y" onehot
  inputs a..b 3 city
  encode city onehot
  missing mean
  separator ";"
}
data gen = spiral(samples  40, noise 0.1)
train xor on rows {
  loss mse
  optimizer sgd rate  0.5
  epochs 10
  batch full
  seed 1
  stop when loss < 0.01
  validate 20%
  precision f32
  regularize l1 0.001 l2  0.01
  schedule step factor 0.5 every  10
  patience 5
  start from given
  expect validation accuracy > 90%
}
weights given for xor {
  hidden W 1 2
  hidden b 0.5
}
weights saved for xor from "w.json"
`;

/** The offset of `|` in `marker`, which occurs (without the `|`) once in SPEC. */
function offsetOf(marker: string): number {
  const bar = marker.indexOf('|');
  const plain = marker.replace('|', '');
  const at = SPEC.indexOf(plain);
  if (at < 0 || SPEC.indexOf(plain, at + 1) >= 0) throw new Error(`'${plain}' must occur once in the spec`);
  return at + bar;
}

// Parsed in each test, not while the file's tests are collected: code run outside a test is outside every
// test's coverage, and a mutation run would rerun every test for each mutant it reaches (docs/RELIABILITY.md).
let file: SpecFile;
let problems: ReturnType<typeof parse>['problems'];
beforeEach(() => void ({ file, problems } = parse(SPEC)));

describe('nodeAt', () => {
  // [cursor, the innermost node's kind, the kinds from the declaration inward]
  const cases: [string, Node['kind'], string][] = [
    ['net|work xor', 'network', 'network'],
    ['network x|or', 'word', 'network word'],
    ['in|put 2', 'input', 'network input'],
    ['input |2', 'number', 'network input number'],
    ['la|yer hidden', 'layer', 'network layer'],
    ['sigmoid i|nit', 'layer', 'network layer'],
    ['init h|e', 'word', 'network layer word'],
    ['he drop|out', 'layer', 'network layer'],
    ['dropout 1|0%', 'percent', 'network layer percent'],
    ['da|ta rows', 'data', 'data'],
    ['data r|ows', 'word', 'data word'],
    ['data rows |{', 'inline', 'data inline'],
    ['0 1 -|> 1', 'row', 'data inline row'],
    ['0 1 -> |1', 'number', 'data inline row number'],
    ['norm|alize zscore', 'normalize', 'data inline normalize'],
    ['fr|om "c.csv"', 'file', 'data file'],
    ['"c.|csv"', 'string', 'data file string'],
    ['head|er yes', 'header', 'data file header'],
    ['tar|get "y"', 'target', 'data file target'],
    ['"y" one|hot', 'target', 'data file target'],
    ['in|puts a..b', 'inputs', 'data file inputs'],
    ['a.|.b', 'range', 'data file inputs range'],
    ['a..|b', 'word', 'data file inputs range word'],
    ['enc|ode city', 'encode', 'data file encode'],
    ['encode ci|ty', 'word', 'data file encode range word'],
    ['city on|ehot', 'encode', 'data file encode'],
    ['miss|ing mean', 'missing', 'data file missing'],
    ['missing me|an', 'word', 'data file missing word'],
    ['separ|ator', 'separator', 'data file separator'],
    ['separator "|;"', 'string', 'data file separator string'],
    ['gen |= spiral', 'generated', 'data generated'],
    ['spi|ral(', 'word', 'data generated word'],
    ['samples | 40', 'argument', 'data generated argument'],
    ['noise 0.|1', 'number', 'data generated argument number'],
    ['train xor o|n rows', 'train', 'train'],
    ['train x|or on', 'word', 'train word'],
    ['lo|ss mse', 'loss', 'train loss'],
    ['optim|izer sgd', 'optimizer', 'train optimizer'],
    ['rate | 0.5', 'argument', 'train optimizer argument'],
    ['epo|chs 10', 'epochs', 'train epochs'],
    ['bat|ch full', 'batch', 'train batch'],
    ['seed |1', 'number', 'train seed number'],
    ['se|ed 1', 'seed', 'train seed'],
    ['stop wh|en', 'stop', 'train stop'],
    ['loss |< 0.01', 'stop', 'train stop'],
    ['vali|date 20%', 'validate', 'train validate'],
    ['validate 2|0%', 'percent', 'train validate percent'],
    ['prec|ision f32', 'precision', 'train precision'],
    ['exp|ect validation', 'expect', 'train expect'],
    ['validation accu|racy', 'expect', 'train expect'],
    ['accuracy > 9|0%', 'percent', 'train expect percent'],
    ['regu|larize', 'regularize', 'train regularize'],
    ['l2 | 0.01', 'argument', 'train regularize argument'],
    ['l|1 0.001', 'word', 'train regularize argument word'],
    ['sche|dule step', 'schedule', 'train schedule'],
    ['every | 10', 'argument', 'train schedule argument'],
    ['st|ep factor', 'word', 'train schedule word'],
    ['pati|ence 5', 'patience', 'train patience'],
    ['sta|rt from', 'start', 'train start'],
    ['start from gi|ven', 'word', 'train start word'],
    ['weights gi|ven', 'word', 'weights word'],
    ['given f|or xor', 'weights', 'weights'],
    ['hidden |W 1 2', 'weight-row', 'weights weight-row'],
    ['hidden W 1 |2', 'number', 'weights weight-row number'],
    ['hid|den b', 'word', 'weights weight-row word'],
    ['"w.js|on"', 'string', 'weights string'],
  ];

  it('parses the spec of every kind without problems', () => {
    expect(problems).toEqual([]);
  });

  it.each(cases)('at %j is a %s', (marker, kind, path) => {
    const offset = offsetOf(marker);
    expect(nodeAt(file, offset)?.kind).toBe(kind);
    expect(nodePath(file, offset).map((n) => n.kind).join(' ')).toBe(path);
  });

  it('has a case for every kind of node but the file itself', () => {
    const covered = new Set(cases.map(([, kind]) => kind));
    expect(Object.keys(CHILD_FIELDS).filter((kind) => kind !== 'spec' && !covered.has(kind as Node['kind']))).toEqual([]);
  });

  it('takes a cursor just after a word as on the word, and the word it is inside over one it touches', () => {
    expect(nodeAt(file, offsetOf('hidden| 3'))).toMatchObject({ kind: 'word', text: 'hidden' });
    // `a..b`: at the end of `a` the cursor touches the `..` token, which is no node.
    expect(nodeAt(file, offsetOf('a|..b'))).toMatchObject({ kind: 'word', text: 'a' });
    // `spiral(`: at the `(` the cursor is just after `spiral`.
    expect(nodeAt(file, offsetOf('spiral|('))).toMatchObject({ kind: 'word', text: 'spiral' });
  });

  it('finds nothing between declarations or past the end', () => {
    const spaced = parse('network a {\n}\n\n  \ndata b {\n}\n').file;
    expect(nodePath(spaced, 15)).toEqual([]);
    expect(nodePath(spaced, 13).map((n) => n.kind)).toEqual(['network']);
    expect(nodeAt(file, SPEC.length)).toBeUndefined();
    expect(nodeAt(parse('').file, 0)).toBeUndefined();
  });

  it('finds the token under the cursor among a node own tokens', () => {
    const stop = nodeAt(file, offsetOf('stop wh|en'))!;
    expect(tokenAt(stop, offsetOf('stop wh|en'))).toMatchObject({ kind: 'keyword', text: 'when' });
    expect(tokenAt(stop, offsetOf('loss |< 0.01'))).toMatchObject({ kind: 'operator', text: '<' });
    expect(tokenAt(stop, offsetOf('stop when loss < 0.|01'))).toBeUndefined();
    // The node's first token: the statement's own keyword.
    expect(tokenAt(stop, offsetOf('st|op when'))).toMatchObject({ kind: 'keyword', text: 'stop' });
  });

  it('finds a row written after normalize, whose fields list the rows first', () => {
    const text = 'data d {\n  normalize zscore\n  0 -> 1\n}\n';
    const spec = parse(text).file;
    const inline = children(spec.declarations[0])[1];
    expect(children(inline).map((n) => n.kind)).toEqual(['normalize', 'row']);
    const arrow = text.indexOf('->');
    expect(nodeAt(spec, arrow)?.kind).toBe('row');
    expect(nodePath(spec, arrow + 3).map((n) => n.kind)).toEqual(['data', 'inline', 'row', 'number']);
  });
});

describe('children and walk', () => {
  it('gives children in text order, whatever order the fields are in', () => {
    const csv = file.declarations[2];
    const source = children(csv)[1];
    expect(source.kind).toBe('file');
    // Written header, target, inputs: the fields are inputs, target, …, header.
    expect(children(source).map((n) => n.kind)).toEqual(['string', 'header', 'target', 'inputs', 'encode', 'missing', 'separator']);
    const row = nodeAt(file, offsetOf('0 1 -|> 1'))!;
    expect(children(row).map((n) => SPEC.slice(n.span.start, n.span.end))).toEqual(['0', '1', '1']);
  });

  it('visits every node once, parents first, and can pass the leaves by', () => {
    const all: Node[] = [];
    const parents = new Map<Node, Node | undefined>();
    walk(file, (node, parent) => {
      all.push(node);
      parents.set(node, parent);
    });
    expect(new Set(all).size).toBe(all.length);
    // By default the leaves too: every value written (the semantic tokens colour them).
    expect(new Set(all.filter((n) => !('tokens' in n)).map((n) => n.kind))).toEqual(new Set(['word', 'number', 'string', 'percent']));
    for (const node of all) {
      const parent = parents.get(node);
      if (parent) expect(all.indexOf(parent)).toBeLessThan(all.indexOf(node));
      if (parent) expect(children(parent)).toContain(node);
    }
    const branches: Node[] = [];
    walk(file, (node) => void branches.push(node), { leaves: false });
    expect(branches).toEqual(all.filter((n) => 'tokens' in n));
  });

  it('skips the children of a node its visitor declines, and leaves every node it entered', () => {
    const seen: string[] = [];
    const left: string[] = [];
    walk(
      file,
      (node) => {
        seen.push(node.kind);
        return node.kind !== 'data';
      },
      { leave: (node) => left.push(node.kind) },
    );
    expect(seen).not.toContain('row');
    expect(seen.filter((k) => k === 'data')).toHaveLength(3);
    expect([...left].sort()).toEqual([...seen].sort());
  });
});

describe('tokens', () => {
  it('gives each block the braces it was written with', () => {
    const [network, rows, csv, gen, train] = file.declarations;
    for (const node of [network, children(rows)[1], children(csv)[1], train]) {
      const block = blockOf(node)!;
      expect(SPEC[block.open.start]).toBe('{');
      expect(SPEC[block.close!.start]).toBe('}');
    }
    expect(blockOf(rows)).toBeUndefined();
    expect(blockOf(gen)).toBeUndefined();
    // `= spiral(samples 40, noise 0.1)`: brackets, but no block.
    expect(blockOf(children(gen)[1])).toBeUndefined();
    const unterminated = parse('train n on d {\n  epochs 3\n').file.declarations[0];
    expect(blockOf(unterminated)).toEqual({ open: { start: 13, end: 14 } });
  });

  it('finds a keyword of a node by its text', () => {
    const layer = nodeAt(file, offsetOf('la|yer hidden'))!;
    expect(SPEC.slice(tokenOf(layer, 'init')!.span.start, tokenOf(layer, 'init')!.span.end)).toBe('init');
    expect(tokenOf(nodeAt(file, offsetOf('in|put 2'))!, 'init')).toBeUndefined();
  });
});
