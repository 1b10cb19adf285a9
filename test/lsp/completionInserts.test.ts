// What each completion item writes into the file, and how the list shows it: the snippet text with its tab stops,
// the detail line, the icon (CompletionItemKind) and the order a client sorts by. completion.test.ts checks which
// labels are offered where; a template with a wrong default or a lost line passes that unseen.
import { describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver';
import type { CompletionItem } from 'vscode-languageserver';
import { completion } from '../../server/src/lsp/completion';
import { fixture, URI, XOR_AND_TABLE } from './harness';

const NET = XOR_AND_TABLE;
const train = (line: string) => `${NET}train xor on table {\n  ${line}\n}`;

function list(spec: string): CompletionItem[] {
  const fx = fixture(spec);
  return completion(fx.state, { textDocument: { uri: URI }, position: fx.position });
}

/** label → the text the item inserts. */
function inserts(spec: string): Record<string, string | undefined> {
  return Object.fromEntries(list(spec).map((item) => [item.label, item.textEdit?.newText]));
}

describe('what completion inserts', () => {
  it('writes each declaration template whole, from the file\'s own names where it has them', () => {
    const empty = inserts('$0');
    expect(empty['network block']).toBe('network ${1:name} {\n  input ${2:2}\n  layer ${3:hidden} ${4:4} ${5|sigmoid,tanh,relu,leaky_relu,linear|}\n  layer ${6:output} ${7:1} ${8|sigmoid,linear,softmax|}\n}\n');
    expect(empty['data block (rows)']).toBe('data ${1:name} {\n  ${2:0 0} -> ${3:0}\n}\n');
    expect(empty['data from CSV']).toBe('data ${1:name} from "${2:file.csv}" {\n  target ${3:column}\n}\n');
    expect(empty['data generated']).toBe('data ${1:name} = ${2|xor,circle,spiral,gauss|}(samples ${3:200}, noise ${4:0.1})\n');
    // Without a network or data set of its own, placeholders name what belongs there.
    expect(empty['train block']).toBe('train ${1:network} on ${2:data} {\n  loss ${3|mse,cross_entropy|}\n  optimizer ${4|sgd,adam|} rate ${5:0.1}\n  epochs ${6:1000}\n}\n');
    expect(empty['weights block']).toBe('weights ${1:given} for ${2:network} {\n  ${3:layer} W ${4:0}\n  ${3:layer} b ${5:0}\n}\n');
    expect(empty['weights from a file']).toBe('weights ${1:saved} for ${2:network} from "${3:model.safetensors}"\n');
    const named = inserts('network n {\n  input 3\n  layer h 2 tanh\n  layer o 1 sigmoid\n}\n$0');
    // The first network's every row: h's two W rows of 3 inputs and its b of 2, then o's W row of 2 and b of 1.
    expect(named['weights block']).toBe('weights ${1:given} for n {\n  h W ${2:0} ${3:0} ${4:0}\n  h W ${5:0} ${6:0} ${7:0}\n  h b ${8:0} ${9:0}\n  o W ${10:0} ${11:0}\n  o b ${12:0}\n}\n');
    expect(named['weights from a file']).toBe('weights ${1:saved} for ${2:n} from "${3:model.safetensors}"\n');
    expect(named['train block']).toMatch(/^train \$\{1:n\} on \$\{2:data\} \{/);
  });

  it('shows keywords before templates, and says what each template is', () => {
    const items = list('$0');
    expect(items.map((i) => [i.label, i.kind, i.sortText])).toEqual([
      ['network', CompletionItemKind.Keyword, '0network'],
      ['data', CompletionItemKind.Keyword, '0data'],
      ['train', CompletionItemKind.Keyword, '0train'],
      ['weights', CompletionItemKind.Keyword, '0weights'],
      ...['network block', 'data block (rows)', 'data from CSV', 'data generated', 'train block', 'weights block', 'weights from a file'].map((label) => [label, CompletionItemKind.Snippet, `1${label}`]),
    ]);
    expect(items.slice(4).map((i) => i.detail)).toEqual([
      'network NAME { input · layers }',
      'data NAME { inputs -> targets }',
      'data NAME from "file.csv" { … }',
      'data NAME = GENERATOR(samples N, noise S)',
      'train NETWORK on DATA { … }',
      'weights NAME for NETWORK { LAYER W … · LAYER b … }',
      'weights NAME for NETWORK from "file"',
    ]);
    // A template is found by its first word as typed: `net` finds `network block`.
    expect(items.slice(4).map((i) => [i.filterText, i.insertTextFormat])).toEqual(
      ['network', 'data', 'data', 'data', 'train', 'weights', 'weights'].map((word) => [word, InsertTextFormat.Snippet]),
    );
    expect(items[0].detail).toBe('declaration · network NAME { input N · layer [NAME] UNITS ACTIVATION [init INIT] … }');
  });

  it('names networks and data sets with their shapes', () => {
    expect(list(`${NET}train $0`).map((i) => [i.label, i.kind, i.detail])).toEqual([['xor', CompletionItemKind.Class, 'network 2 → 1 · 3 params']]);
    expect(list(`${NET}train xor on $0`).map((i) => [i.label, i.kind, i.detail])).toEqual([['table', CompletionItemKind.Variable, 'data 1 row · 2 → 1']]);
    // A name whose declaration does not check is still offered, by what it is.
    expect(list('network bad {\n  input 0\n}\ndata none {\n}\ntrain $0').map((i) => [i.label, i.detail])).toEqual([['bad', 'network']]);
    expect(list('network bad {\n  input 0\n}\ndata none {\n}\ntrain bad on $0').map((i) => [i.label, i.detail])).toEqual([['none', 'data']]);
  });

  it('writes a generator call with its arguments, and each argument with its default', () => {
    expect(list('data d = $0').map((i) => [i.label, i.kind, i.textEdit?.newText])).toEqual(
      ['xor', 'circle', 'spiral', 'gauss'].map((g) => [g, CompletionItemKind.Function, `${g}(samples \${1:200}, noise \${2:0})`]),
    );
    expect(list('data d = circle($0').map((i) => [i.label, i.kind, i.textEdit?.newText])).toEqual([
      ['samples', CompletionItemKind.Property, 'samples ${1:200}'],
      ['noise', CompletionItemKind.Property, 'noise ${1:0}'],
      ['seed', CompletionItemKind.Property, 'seed ${1:0}'],
    ]);
  });

  it('writes a layer with its units and a choice of activation, and a file block\'s statements', () => {
    expect(inserts('network n {\n  input 2\n  $0\n}')).toEqual({
      layer: 'layer',
      'layer (snippet)': 'layer ${1:name} ${2:4} ${3|sigmoid,tanh,relu,leaky_relu,linear,softmax|}',
    });
    expect(inserts('data d from "d.csv" {\n  $0\n}')).toEqual({
      inputs: 'inputs',
      target: 'target',
      encode: 'encode ${1:column} onehot',
      missing: 'missing ${1|drop,mean|}',
      separator: 'separator "${1|;,\\t|}"',
      normalize: 'normalize',
      header: 'header',
    });
  });

  it('writes each train statement with a value to start from', () => {
    expect(inserts(train('$0'))).toEqual({
      loss: 'loss ${1|mse,cross_entropy|}',
      optimizer: 'optimizer ${1|sgd,adam|} rate ${2:0.1}',
      epochs: 'epochs ${1:1000}',
      batch: 'batch ${1:full}',
      seed: 'seed ${1:0}',
      stop: 'stop when loss < ${1:0.001}',
      validate: 'validate ${1:20}%',
      precision: 'precision ${1|f64,f32|}',
      regularize: 'regularize ${1|l2,l1|} ${2:0.001}',
      schedule: 'schedule ${1|step,exponential,cosine,plateau|}',
      patience: 'patience ${1:50}',
      start: 'start from ${1:given}',
      expect: 'expect ',
    });
    expect(inserts(train('stop when $0'))).toEqual({ loss: 'loss', validation: 'validation loss < ${1:0.01}' });
    expect(inserts(train('stop $0'))).toEqual({ when: 'when loss < ${1:0.001}' });
  });

  it('writes an optimizer\'s parameters with its defaults (adam\'s rate is its own)', () => {
    expect(list(train('optimizer adam $0')).map((i) => [i.label, i.kind, i.textEdit?.newText])).toEqual([
      ['rate', CompletionItemKind.Property, 'rate ${1:0.001}'],
      ['beta1', CompletionItemKind.Property, 'beta1 ${1:0.9}'],
      ['beta2', CompletionItemKind.Property, 'beta2 ${1:0.999}'],
      ['epsilon', CompletionItemKind.Property, 'epsilon ${1:1e-8}'],
    ]);
    expect(inserts(train('optimizer sgd $0'))).toEqual({ rate: 'rate ${1:0.1}', momentum: 'momentum ${1:0}' });
    // An optimizer the language does not have has no parameters to offer.
    expect(list(train('optimizer rmsprop $0'))).toEqual([]);
  });

  it('writes a schedule with its parameters and a penalty with its weight', () => {
    expect(inserts(train('schedule $0'))).toEqual({
      step: 'step factor ${1:0.5} every ${2:100}',
      exponential: 'exponential factor ${1:0.99}',
      cosine: 'cosine min ${1:0}',
      plateau: 'plateau factor ${1:0.5} patience ${2:10}',
    });
    expect(inserts(train('regularize $0'))).toEqual({ l1: 'l1 ${1:0.0001}', l2: 'l2 ${1:0.001}' });
    expect(list(train('schedule step $0')).map((i) => [i.label, i.kind, i.textEdit?.newText])).toEqual([
      ['factor', CompletionItemKind.Property, 'factor ${1:0.5}'],
      ['every', CompletionItemKind.Property, 'every ${1:100}'],
    ]);
    // A schedule the language does not have has no parameters to offer.
    expect(list(train('schedule linear $0'))).toEqual([]);
  });

  it('writes an expectation with a bound, the likely comparison first', () => {
    const expectations = inserts(train('validate 20%\n  expect $0'));
    expect(expectations).toEqual({ loss: 'loss < ${1:0.01}', accuracy: 'accuracy > ${1:95}%', validation: 'validation' });
    const metrics = (spec: string) => list(spec).map((i) => [i.label, i.detail]);
    expect(metrics(train('expect $0'))[0]).toEqual(['loss', 'the training part’s loss on the final weights']);
    expect(metrics(train('validate 20%\n  expect validation $0'))[0]).toEqual(['loss', 'the held-out rows’ loss on the final weights']);
    expect(list(train('expect loss $0')).map((i) => [i.label, i.kind, i.detail, i.sortText, i.textEdit?.newText])).toEqual([
      ['<', CompletionItemKind.Operator, 'the loss must end below the bound', '0', '< ${1:0.01}'],
      ['>', CompletionItemKind.Operator, 'the loss must end above the bound', '1', '> ${1:0.01}'],
    ]);
    expect(list(train('expect validation accuracy $0')).map((i) => [i.label, i.detail, i.sortText, i.textEdit?.newText])).toEqual([
      ['<', 'the accuracy must end below the bound', '1', '< ${1:95}%'],
      ['>', 'the accuracy must end above the bound', '0', '> ${1:95}%'],
    ]);
    // After the bound's comparison there is nothing more to offer.
    expect(list(train('expect validation loss < $0'))).toEqual([]);
  });
});

describe('the documentation and details of the words completion writes for a keyword', () => {
  const docOf = (item: CompletionItem | undefined): string => (item?.documentation as { value: string } | undefined)?.value ?? '';

  it('documents each declaration template by its declaration', () => {
    const templates = list('$0').slice(4);
    expect(templates.map((i) => [i.label, docOf(i).split('\n')[0]])).toEqual([
      ['network block', '**network** — declaration'],
      ['data block (rows)', '**data** — declaration'],
      ['data from CSV', '**data** — declaration'],
      ['data generated', '**data** — declaration'],
      ['train block', '**train** — declaration'],
      ['weights block', '**weights** — declaration'],
      ['weights from a file', '**weights** — declaration'],
    ]);
    expect(docOf(list('network n {\n  input 2\n  $0\n}').find((i) => i.label === 'layer (snippet)'))).toMatch(/^\*\*layer\*\* — network statement/);
  });

  it('writes `from` where a weights header or `start` wants it, documented by its statement', () => {
    for (const spec of [`${NET}weights w for xor $0`, train('start $0')]) {
      const [from, ...others] = list(spec);
      expect(others).toEqual([]);
      expect([from.label, from.textEdit?.newText]).toEqual(['from', 'from']);
      expect(docOf(from)).toMatch(spec.includes('start') ? /^\*\*start\*\* — train statement/ : /^\*\*weights\*\* — declaration/);
    }
  });

  it('writes each separator quoted and says which it is', () => {
    expect(list('data d from "d.csv" {\n  separator $0\n}').map((i) => [i.label, i.detail, i.textEdit?.newText])).toEqual([
      ['";"', 'semicolons', '";"'],
      ['"\\t"', 'tabs', '"\\t"'],
      ['","', 'commas (the default)', '","'],
    ]);
  });
});

describe('what completion offers in a weights block of two layers', () => {
  const NET2 = 'network n {\n  input 3\n  layer h 2 tanh\n  layer o 1 sigmoid\n}\n';
  const block = (body: string) => `${NET2}weights w for n {\n${body}\n}\n`;

  it('each layer not given, by its place, shape and fan-in, each followed by all its rows as a snippet (the names sort first)', () => {
    expect(list(block('  $0')).map((i) => [i.label, i.kind, i.detail, i.sortText, i.textEdit?.newText])).toEqual([
      ['h', CompletionItemKind.Field, 'layer 1 of n: 2 W rows of 3, b of 2', '00', 'h'],
      ['h (every row)', CompletionItemKind.Snippet, 'layer 1 of n: 2 W rows of 3, b of 2', '10', 'h W ${1:0} ${2:0} ${3:0}\nh W ${4:0} ${5:0} ${6:0}\nh b ${7:0} ${8:0}'],
      ['o', CompletionItemKind.Field, 'layer 2 of n: 1 W row of 2, b of 1', '01', 'o'],
      ['o (every row)', CompletionItemKind.Snippet, 'layer 2 of n: 1 W row of 2, b of 1', '11', 'o W ${1:0} ${2:0}\no b ${3:0}'],
    ]);
    expect(list(block('  h W 1 2 3\n  $0')).map((i) => i.label)).toEqual(['o', 'o (every row)']);
  });

  it('W while the layer lacks rows and b while it has none, counting the rows above the cursor', () => {
    expect(list(block('  h W 1 2 3\n  h $0\n  h b 0 0')).map((i) => i.label)).toEqual(['W', 'b']);
    expect(list(block('  h W 1 2 3\n  h W 4 5 6\n  h $0')).map((i) => i.label)).toEqual(['b']);
    expect(list(block('  h W 1 2 3\n  h W 4 5 6\n  h b 0 0\n  h $0')).map((i) => i.label)).toEqual([]);
    expect(list(block('  x $0')).map((i) => i.label)).toEqual([]);
    expect(list(block('  h W $0')).map((i) => i.label)).toEqual([]);
  });
});
