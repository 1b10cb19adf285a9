// Completion offers exactly the words valid at the cursor `$0`, each with its documentation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver';
import { completion, fileNameCompletion } from '../../server/src/lsp/completion';
import { tempDir } from '../support/temp';
import { fixture, textOf, URI, XOR_AND_TABLE } from './harness';

function items(spec: string, files?: Record<string, string>): { list: CompletionItem[]; fx: ReturnType<typeof fixture> } {
  const fx = fixture(spec, { files });
  return { list: completion(fx.state, { textDocument: { uri: URI }, position: fx.position }), fx };
}

function check(spec: string, expected: string[], files?: Record<string, string>): void {
  expect(items(spec, files).list.map((i) => i.label)).toEqual(expected);
}

const NET = XOR_AND_TABLE;

describe('completion', () => {
  it.each<[string, string, string[]]>([
    ['declarations at top level', '$0', ['network', 'data', 'train', 'weights', 'network block', 'data block (rows)', 'data from CSV', 'data generated', 'train block', 'weights block', 'weights from a file']],
    ['network names after train', `${NET}train $0`, ['xor']],
    ['`on` after the network', `${NET}train xor $0`, ['on']],
    ['data names after on', `${NET}train xor on t$0`, ['table']],
    ['`from` after a data name', 'data d $0', ['from']],
    ['generators after =', 'data d = $0', ['xor', 'circle', 'spiral', 'gauss']],
    ['generator arguments', 'data d = circle($0', ['samples', 'noise', 'seed']],
    ['unused generator arguments', 'data d = circle(samples 10, $0', ['noise', 'seed']],
    ['nothing after an argument name', 'data d = circle(samples $0', []],
    ['network statements, input first', 'network n {\n  $0\n}', ['input', 'layer', 'layer (snippet)']],
    ['no second input', 'network n {\n  input 2\n  $0\n}', ['layer', 'layer (snippet)']],
    ['activations after the units', 'network n {\n  input 2\n  layer h 4 $0\n}', ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax']],
    ['activations after units of an unnamed layer', 'network n {\n  input 2\n  layer 4 s$0\n}', ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax']],
    ['init and dropout after a hidden layer\'s activation', 'network n {\n  input 2\n  layer h 4 relu $0\n  layer 1 sigmoid\n}', ['init', 'dropout']],
    ['only init after the last layer\'s activation (dropout belongs on hidden layers)', 'network n {\n  input 2\n  layer h 4 relu $0\n}', ['init']],
    ['dropout after init', 'network n {\n  input 2\n  layer h 4 relu init he $0\n  layer 1 sigmoid\n}', ['dropout']],
    ['init after dropout', 'network n {\n  input 2\n  layer h 4 relu dropout 20% $0\n  layer 1 sigmoid\n}', ['init']],
    ['nothing after init and dropout', 'network n {\n  input 2\n  layer h 4 relu dropout 20% init he $0\n  layer 1 sigmoid\n}', []],
    ['inits after init', 'network n {\n  input 2\n  layer h 4 relu init $0\n}', ['xavier', 'he', 'uniform', 'zeros']],
    ['nothing while typing a layer name', 'network n {\n  input 2\n  layer $0\n}', []],
    ['train statements not yet written', `${NET}train xor on table {\n  loss mse\n  $0\n}`, ['optimizer', 'epochs', 'batch', 'seed', 'stop', 'validate', 'precision', 'regularize', 'schedule', 'patience', 'start', 'expect']],
    ['expect again: a run may have several', `${NET}train xor on table {\n  expect loss < 0.1\n  $0\n}`, ['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'validate', 'precision', 'regularize', 'schedule', 'patience', 'start', 'expect']],
    ['what to expect of classes', `${NET}train xor on table {\n  expect $0\n}`, ['loss', 'accuracy']],
    ['validation once the run validates', `${NET}train xor on table {\n  validate 25%\n  expect $0\n}`, ['loss', 'accuracy', 'validation']],
    ['what to expect of the held-out rows', `${NET}train xor on table {\n  validate 25%\n  expect validation $0\n}`, ['loss', 'accuracy']],
    ['the comparison', `${NET}train xor on table {\n  expect accuracy $0\n}`, ['<', '>']],
    ['no accuracy for regression', 'network r {\n  input 1\n  layer 1 linear\n}\ndata v {\n  0 -> 0.5\n  1 -> 2.5\n}\ntrain r on v {\n  expect $0\n}', ['loss']],
    ['penalties after regularize', `${NET}train xor on table {\n  regularize $0\n}`, ['l1', 'l2']],
    ['the other penalty', `${NET}train xor on table {\n  regularize l2 0.01 $0\n}`, ['l1']],
    ['nothing after a penalty\'s name', `${NET}train xor on table {\n  regularize l2 $0\n}`, []],
    ['schedules', `${NET}train xor on table {\n  schedule $0\n}`, ['step', 'exponential', 'cosine', 'plateau']],
    ['a schedule\'s parameters not yet given', `${NET}train xor on table {\n  schedule step factor 0.5 $0\n}`, ['every']],
    ['plateau\'s parameters', `${NET}train xor on table {\n  schedule plateau $0\n}`, ['factor', 'patience']],
    ['losses', `${NET}train xor on table {\n  loss $0\n}`, ['mse', 'cross_entropy']],
    ['optimizers', `${NET}train xor on table {\n  optimizer $0\n}`, ['sgd', 'adam']],
    ['sgd parameters', `${NET}train xor on table {\n  optimizer sgd $0\n}`, ['rate', 'momentum']],
    ['adam parameters not yet given', `${NET}train xor on table {\n  optimizer adam rate 0.01 $0\n}`, ['beta1', 'beta2', 'epsilon']],
    ['nothing after a parameter name', `${NET}train xor on table {\n  optimizer sgd rate $0\n}`, []],
    ['full after batch', `${NET}train xor on table {\n  batch $0\n}`, ['full']],
    ['precisions', `${NET}train xor on table {\n  precision $0\n}`, ['f64', 'f32']],
    ['`when` after stop', `${NET}train xor on table {\n  stop $0\n}`, ['when']],
    ['`loss` or `validation` after stop when', `${NET}train xor on table {\n  stop when $0\n}`, ['loss', 'validation']],
    ['`loss` after stop when validation', `${NET}train xor on table {\n  stop when validation $0\n}`, ['loss']],
    ['normalize in inline data', 'data d {\n  0 -> 1\n  $0\n}', ['normalize']],
    ['methods after normalize', 'data d {\n  normalize $0\n}', ['minmax', 'zscore']],
    ['nothing inside a comment', 'network n {\n  # layer $0\n}', []],
    ['file statements', 'data d from "d.csv" {\n  $0\n}', ['inputs', 'target', 'encode', 'missing', 'separator', 'normalize', 'header']],
    ['file statements not yet written', 'data d from "d.csv" {\n  missing drop\n  separator ";"\n  $0\n}', ['inputs', 'target', 'encode', 'normalize', 'header']],
    ['header values', 'data d from "d.csv" {\n  header $0\n}', ['yes', 'no']],
    ['missing values', 'data d from "d.csv" {\n  missing $0\n}', ['drop', 'mean']],
    ['separators', 'data d from "d.csv" {\n  separator $0\n}', ['";"', '"\\t"', '","']],
    // The statement on the cursor's line is the one being written: it is offered again.
    ['the statement being rewritten, at the start of its line', `${NET}train xor on table {\n  loss mse\n  $0optimizer sgd rate 0.5\n  epochs 100\n}`, ['optimizer', 'batch', 'seed', 'stop', 'validate', 'precision', 'regularize', 'schedule', 'patience', 'start', 'expect']],
    ['the input being rewritten', 'network n {\n  $0input 2\n  layer h 4 tanh\n}', ['input', 'layer', 'layer (snippet)']],
    ['a file statement being rewritten', 'data d from "d.csv" {\n  $0target y\n}', ['inputs', 'target', 'encode', 'missing', 'separator', 'normalize', 'header']],
    ['normalize being rewritten', 'data d {\n  $0normalize zscore\n  0 -> 1\n}', ['normalize']],
    ['nothing right after a number, until a space', 'network n {\n  input 2\n  layer h 4$0\n}', []],
    ['nothing inside a string', 'data d from "d.csv" {\n  separator ";$0"\n}', []],
    ['the declarations after a block left open, once the next declaration has begun', 'network n {\n  input 2\ndata d {\n  0 -> 1\n}\n$0', ['network', 'data', 'train', 'weights', 'network block', 'data block (rows)', 'data from CSV', 'data generated', 'train block', 'weights block', 'weights from a file']],
  ])('%s', (_, spec, expected) => check(spec, expected));

  // Where nothing fits (a finished statement, a word where a name or a `(` is due, a clause given twice), nothing is
  // offered: a word offered there would be written into a line that does not parse.
  const WEIGHTS = `${NET}weights given for xor {\n  out W 0 0\n  out b 0\n}\n`;
  it.each<[string, string, string[]]>([
    ['nothing after `weights` and a number', 'weights 3 $0', []],
    ['nothing after a weights header without `for`', 'weights w x xor $0', []],
    ['nothing after `for` and a number', 'weights w for 3 $0', []],
    ['nothing after a whole weights header', `${NET}weights w for xor from "w.json" $0`, []],
    ['nothing after `train` and a number', 'train 3 $0', []],
    ['nothing after a whole train header', `${NET}train xor on table $0`, []],
    ['no data names after another word than `on`', `${NET}train xor of $0`, []],
    ['nothing after a network\'s name', 'network n $0', []],
    ['nothing after `data` alone', 'data $0', []],
    ['nothing after `data` and a number', 'data 3 $0', []],
    ['no generators after another word than =', 'data d x $0', []],
    ['no generator arguments without =', 'data d x($0', []],
    ['no generator arguments without (', 'data d = xor, $0', []],
    ['no generator arguments after the )', 'data d = circle(samples 10), $0', []],
    ['the data set\'s own name is no argument given', 'data samples = circle($0', ['samples', 'noise', 'seed']],
    ['nothing after input', 'network n {\n  input 2 $0\n}', []],
    ['nothing after a layer\'s name', 'network n {\n  input 2\n  layer h $0\n}', []],
    ['nothing after a dropout without %', 'network n {\n  input 2\n  layer h 4 relu dropout 20 $0\n  layer 1 sigmoid\n}', []],
    ['nothing after two numbers', 'network n {\n  input 2\n  layer 4 5 $0\n}', []],
    ['nothing after a second activation', 'network n {\n  input 2\n  layer h 4 relu init he tanh $0\n  layer 1 sigmoid\n}', []],
    ['nothing after an activation that follows dropout', 'network n {\n  input 2\n  layer h 4 relu dropout 20% tanh $0\n  layer 1 sigmoid\n}', []],
    ['only init on the last layer, though input follows it', 'network n {\n  layer h 4 relu $0\n  input 2\n}', ['init']],
    ['only init on the last of two layers', 'network n {\n  input 2\n  layer h 4 relu\n  layer o 1 sigmoid $0\n}', ['init']],
    ['no second normalize in rows', 'data d {\n  normalize zscore\n  0 -> 1\n  $0\n}', []],
    ['nothing after a normalize method in rows', 'data d {\n  0 -> 1\n  normalize minmax $0\n}', []],
    ['nothing after a row\'s first number', 'data d {\n  0 $0\n}', []],
    ['methods after normalize in a file block', 'data d from "d.csv" {\n  normalize $0\n}', ['minmax', 'zscore']],
    ['nothing after a file block\'s normalize method', 'data d from "d.csv" {\n  normalize zscore $0\n}', []],
    ['nothing after a missing policy', 'data d from "d.csv" {\n  missing drop $0\n}', []],
    ['nothing after a separator', 'data d from "d.csv" {\n  separator ";" $0\n}', []],
    ['nothing after a header value', 'data d from "d.csv" {\n  header yes $0\n}', []],
    ['nothing after `start from` and a name', `${WEIGHTS}train xor on table {\n  start from given $0\n}`, []],
    ['no weights after `start` and another word', `${WEIGHTS}train xor on table {\n  start with $0\n}`, []],
    ['nothing after a loss', `${NET}train xor on table {\n  loss mse $0\n}`, []],
    ['nothing after a precision', `${NET}train xor on table {\n  precision f32 $0\n}`, []],
    ['nothing after batch full', `${NET}train xor on table {\n  batch full $0\n}`, []],
    ['nothing after stop when validation loss', `${NET}train xor on table {\n  stop when validation loss $0\n}`, []],
    ['nothing after seed', `${NET}train xor on table {\n  seed $0\n}`, []],
    ['nothing after a schedule parameter\'s name', `${NET}train xor on table {\n  schedule step factor $0\n}`, []],
    ['no comparison after an unknown metric', `${NET}train xor on table {\n  expect x $0\n}`, []],
    ['no comparison after a finished expectation and a stray metric', `${NET}train xor on table {\n  expect loss < 0.1 accuracy $0\n}`, []],
  ])('%s', (_, spec, expected) => check(spec, expected));

  it('offers a file\'s columns by name, quoting those a keyword would take, and not those already given', () => {
    const files = { '/work/d.csv': 'a,b c,onehot,encode,label\n1,2,3,4,x\n' };
    const columns = (line: string) => items(`data d from "d.csv" {\n  ${line}\n}`, files).list.map((i) => [i.label, i.detail, i.textEdit!.newText]);
    expect(columns('inputs $0')).toEqual([
      ['a', 'column 0 of d', 'a'],
      ['b c', 'column 1 of d', '"b c"'],
      ['onehot', 'column 2 of d', '"onehot"'],
      ['encode', 'column 3 of d', 'encode'],
      ['label', 'column 4 of d', 'label'],
    ]);
    // A data block whose name is not written yet is no block to complete in.
    expect(items('data from "d.csv" {\n  inputs $0\n}', files).list).toEqual([]);
    // A column named like the statement is still offered; a quoted column already given is not.
    expect(columns('encode "b c" $0').map(([label]) => label)).toEqual(['a', 'onehot', 'encode', 'label', 'onehot']);
    // After onehot the target or the encoded columns are complete.
    expect(columns('target label onehot $0')).toEqual([]);
    expect(columns('encode a onehot $0')).toEqual([]);
  });

describe('the train block snippet', () => {
  const snippetOf = (spec: string) => (items(spec).list.find((i) => i.label === 'train block')!.textEdit as { newText: string }).newText;
  it.each([
    ['a softmax network', 'network n {\n  input 2\n  layer out 3 softmax\n}\ndata d {\n  0 0 -> 1 0 0\n}\n$0', 'cross_entropy,mse'],
    ['one sigmoid unit on 0/1 targets', `${NET}$0`, 'cross_entropy,mse'],
    ['one sigmoid unit on other targets', 'network n {\n  input 1\n  layer out 1 sigmoid\n}\ndata d {\n  0 -> 0.5\n}\n$0', 'mse,cross_entropy'],
    ['a linear output (regression)', 'network n {\n  input 1\n  layer out 1 linear\n}\ndata d {\n  0 -> 3\n}\n$0', 'mse,cross_entropy'],
  ])('puts first the loss that goes with %s', (_, spec, losses) => {
    expect(snippetOf(spec)).toContain(`loss \${3|${losses}|}`);
  });

  it('makes the optimizer, its rate and the epochs tab stops', () => {
    const text = snippetOf(`${NET}$0`);
    expect(text).toContain('optimizer ${4|sgd,adam|} rate ${5:0.1}');
    expect(text).toContain('epochs ${6:1000}');
  });
});

  it('offers every CSV column inside a from block, even while the statement is half-typed', () => {
    const files = { '/work/d.csv': 'a,b c,"say ""hi""",label\n1,2,3,x\n3,4,5,y\n' };
    const labels = (spec: string): string[][] => items(spec, files).list.map((i) => [i.label, i.textEdit!.newText]);
    // `inputs` alone does not load: the columns still come from the file.
    expect(labels('data d from "d.csv" {\n  inputs $0\n}')).toEqual([
      ['a', 'a'],
      ['b c', '"b c"'],
      ['say "hi"', '"say \\"hi\\""'],
      ['label', 'label'],
    ]);
    // Columns already named on the line are not offered again; after the target's columns, onehot.
    expect(labels('data d from "d.csv" {\n  target label $0\n}').map(([l]) => l)).toEqual(['a', 'b c', 'say "hi"', 'onehot']);
    // The columns to encode, then onehot.
    expect(labels('data d from "d.csv" {\n  encode $0\n}').map(([l]) => l)).toEqual(['a', 'b c', 'say "hi"', 'label']);
    expect(labels('data d from "d.csv" {\n  encode a $0\n}').map(([l]) => l)).toEqual(['b c', 'say "hi"', 'label', 'onehot']);
  });

  it('reads the header of a file with another separator by it', () => {
    const files = { '/work/d.csv': 'a;b;label\n1;2;x\n' };
    expect(items('data d from "d.csv" {\n  separator ";"\n  inputs $0\n}', files).list.map((i) => i.label)).toEqual(['a', 'b', 'label']);
  });

  it('reads a tab-separated header by its escape, and no header by a separator of two characters', () => {
    const files = { '/work/d.tsv': 'a\tb c\tlabel\n1\t2\tx\n' };
    expect(items('data d from "d.tsv" {\n  separator "\\t"\n  inputs $0\n}', files).list.map((i) => i.label)).toEqual(['a', 'b c', 'label']);
    expect(items('data d from "d.tsv" {\n  separator ";;"\n  inputs $0\n}', files).list).toEqual([]);
  });

  it('offers no names for a CSV without a header, nor for a file that cannot be read', () => {
    const files = { '/work/d.csv': '1,2,3\n4,5,6\n' };
    expect(items('data d from "d.csv" {\n  header no\n  inputs $0\n}', files).list).toEqual([]);
    expect(items('data d from "missing.csv" {\n  inputs $0\n}', files).list).toEqual([]);
    // A file outside the workspace is not read for completion either (the check refuses it too).
    expect(items('data d from "../elsewhere/d.csv" {\n  inputs $0\n}', { '/elsewhere/d.csv': 'a,b\n1,2\n' }).list).toEqual([]);
  });

  it('replaces the word being typed and documents every keyword', () => {
    const { list, fx } = items('network n {\n  input 2\n  layer h 4 sig$0\n}');
    const sigmoid = list.find((i) => i.label === 'sigmoid')!;
    const edit = sigmoid.textEdit as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
    expect(textOf(fx.state, edit.range)).toBe('sig');
    expect(edit.newText).toBe('sigmoid');
    const doc = sigmoid.documentation as MarkupContent;
    expect(doc.kind).toBe(MarkupKind.Markdown);
    expect(doc.value).toContain('σ(z) = 1 / (1 + e⁻ᶻ)');
    expect(sigmoid.detail).toContain('activation');
  });

  it('inserts statement snippets with placeholders', () => {
    const { list } = items(`${NET}train xor on table {\n  $0\n}`);
    const stop = list.find((i) => i.label === 'stop')!;
    expect(stop.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(stop.textEdit?.newText).toBe('stop when loss < ${1:0.001}');
    const train = items(`${NET}$0`).list.find((i) => i.label === 'train block')!;
    expect(train.textEdit?.newText).toMatch(/^train \$\{1:xor\} on \$\{2:table\} \{/);
  });
});

describe('completion for clients without snippets (Neovim 0.7)', () => {
  it('writes a schedule with its parameters, a penalty with a weight, dropout with a percentage', () => {
    const newText = (spec: string, label: string) => items(spec).list.find((i) => i.label === label)?.textEdit?.newText;
    const train = (line: string) => `${NET}train xor on table {\n  ${line}\n}`;
    expect(newText(train('schedule $0'), 'step')).toBe('step factor ${1:0.5} every ${2:100}');
    expect(newText(train('schedule $0'), 'cosine')).toBe('cosine min ${1:0}');
    expect(newText(train('schedule plateau factor 0.5 $0'), 'patience')).toBe('patience ${1:10}');
    expect(newText(train('regularize $0'), 'l2')).toBe('l2 ${1:0.001}');
    expect(newText(train('$0'), 'patience')).toBe('patience ${1:50}');
    expect(newText('network n {\n  input 2\n  layer h 4 relu $0\n  layer 1 sigmoid\n}', 'dropout')).toBe('dropout ${1:20}%');
  });

  it('documents each word as a string for a client without markdown', () => {
    const fx = fixture('network n {\n  input 2\n  layer h 4 $0\n}');
    const state = { ...fx.state, client: { ...fx.state.client, markdown: false } };
    const sigmoid = completion(state, { textDocument: { uri: URI }, position: fx.position }).find((i) => i.label === 'sigmoid')!;
    expect(typeof sigmoid.documentation).toBe('string');
    expect(sigmoid.documentation).toContain('σ(z) = 1 / (1 + e⁻ᶻ)');
    // The same plain text as a hover: no fences or emphasis shown as characters.
    expect(sigmoid.documentation).toMatch(/^sigmoid — /);
    expect(sigmoid.documentation).not.toMatch(/```|\*\*/);
  });

  it('offers plain words only: no templates, no placeholders', () => {
    const fx = fixture(`${NET}train xor on table {\n  $0\n}`);
    const state = { ...fx.state, client: { ...fx.state.client, snippets: false } };
    const list = completion(state, { textDocument: { uri: URI }, position: fx.position });
    expect(list.map((i) => i.textEdit?.newText)).toEqual(['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'validate', 'precision', 'regularize', 'schedule', 'patience', 'start', 'expect']);
    expect(list.every((i) => i.insertTextFormat !== InsertTextFormat.Snippet)).toBe(true);
    const top = fixture('$0');
    const topList = completion({ ...top.state, client: { ...top.state.client, snippets: false } }, { textDocument: { uri: URI }, position: top.position });
    expect(topList.map((i) => i.label)).toEqual(['network', 'data', 'train', 'weights']);
  });
});

describe('completion of given weights (docs/language.md §7.1)', () => {
  const WEIGHTS = `${NET}weights given for xor {\n  out W 1 2\n  out b 0\n}\nweights other for elsewhere {\n}\n`;

  it.each<[string, string, string[]]>([
    ['`for` after the weights name', 'weights w $0', ['for']],
    ['network names after for', `${NET}weights w for $0`, ['xor']],
    ['`from` after the network', `${NET}weights w for xor $0`, ['from']],
    ['the layers of the network, each also as all its rows', `${NET}weights w for xor {\n  $0\n}`, ['out', 'out (every row)']],
    ['no layer that is already given', `${NET}weights w for xor {\n  out W 1 2\n  $0\n}`, []],
    ['W and b after a layer name', `${NET}weights w for xor {\n  out $0\n}`, ['W', 'b']],
    ['only what the layer still lacks', `${NET}weights w for xor {\n  out W 1 2\n  out $0\n}`, ['b']],
    ['nothing in the block of an unknown network', 'weights w for nowhere {\n  $0\n}', []],
    ['`from` after start', `${WEIGHTS}train xor on table {\n  start $0\n}`, ['from']],
    ['weights names after start from, those for the run\'s network first', `${WEIGHTS}train xor on table {\n  start from $0\n}`, ['given', 'other']],
  ])('%s', (_, spec, expected) => check(spec, expected));

  it('a layer\'s rows as a snippet, one placeholder per number', () => {
    const item = items(`${NET}weights w for xor {\n  $0\n}`).list.find((i) => i.label === 'out (every row)')!;
    expect(item.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(item.textEdit?.newText).toBe('out W ${1:0} ${2:0}\nout b ${3:0}');
    expect(item.detail).toBe('layer 1 of xor: 1 W row of 2, b of 1');
  });

  it('names the weights declared for the run\'s network as such', () => {
    const list = items(`${WEIGHTS}train xor on table {\n  start from $0\n}`).list;
    expect(list.map((i) => i.detail)).toEqual(['weights for xor · written here', 'weights for elsewhere · has errors']);
  });

  it('lists the weights files beside the spec after `from`, quoted, only where files may be read', () => {
    const dir = tempDir('nn-completion-');
    mkdirSync(join(dir, 'runs', 'deep', 'deeper'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    for (const file of ['model.json', 'runs/xor.run1.safetensors', 'runs/deep/older.json', 'runs/deep/deeper/too-deep.json', 'data.csv', '.git/config.json']) writeFileSync(join(dir, file), '{}');
    const at = (line: string, trusted = true) => {
      const fx = fixture(`${NET}${line}$0`);
      const checkOptions = { ...fx.state.checkOptions!, specPath: join(dir, 'spec.nn'), allowedRoot: dir, readFile: trusted ? fx.state.checkOptions!.readFile : null };
      return completion({ ...fx.state, checkOptions }, { textDocument: { uri: URI }, position: fx.position });
    };
    const list = at('weights w for xor from ');
    expect(list.map((i) => i.label)).toEqual(['model.json', 'runs/deep/older.json', 'runs/xor.run1.safetensors']);
    expect(list.map((i) => i.textEdit?.newText)).toEqual(['"model.json"', '"runs/deep/older.json"', '"runs/xor.run1.safetensors"']);
    // Inside the quotes the item replaces what is typed, quote included.
    const typed = at('weights w for xor from "ru');
    expect(typed.map((i) => i.label)).toContain('runs/xor.run1.safetensors');
    expect(typed[0].textEdit).toMatchObject({ range: { start: { character: 23 }, end: { character: 26 } } });
    expect(at('weights w for xor from ', false)).toEqual([]);
  });

  it('says which export wrote each weights file, and leaves out node_modules', () => {
    const dir = tempDir('nn-completion-');
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    for (const file of ['a.json', 'b.SAFETENSORS', 'node_modules/pkg/package.json', 'node_modules/x.json']) writeFileSync(join(dir, file), '{}');
    const fx = fixture(`${NET}weights w for xor from $0`);
    const checkOptions = { ...fx.state.checkOptions!, specPath: join(dir, 'spec.nn'), allowedRoot: dir };
    const list = completion({ ...fx.state, checkOptions }, { textDocument: { uri: URI }, position: fx.position });
    expect(list.map((i) => [i.label, i.kind, i.detail, i.filterText])).toEqual([
      ['a.json', CompletionItemKind.File, 'JSON document (nn export --format json)', '"a.json'],
      ['b.SAFETENSORS', CompletionItemKind.File, 'safetensors weights (nn export --format safetensors)', '"b.SAFETENSORS'],
    ]);
  });
});

describe('file names inside from "…"', () => {
  /** A state of `spec` saved in a real folder holding `files` (names; a trailing / makes a folder). */
  function inFolder(spec: string, names: string[]) {
    const root = tempDir('nn-files-');
    for (const name of names) {
      if (name.endsWith('/')) mkdirSync(join(root, name), { recursive: true });
      else writeFileSync(join(root, name), 'a,b\n1,2\n');
    }
    const { state, offset } = fixture(spec);
    const specPath = join(root, 'spec.nn');
    const options = { ...state.checkOptions!, specPath, allowedRoot: root };
    return { state: { ...state, checkOptions: options }, offset, root };
  }
  const complete = (spec: string, names: string[]) => {
    const { state, offset } = inFolder(spec, names);
    return fileNameCompletion(state, offset)!.map((item) => [item.label, item.textEdit && 'range' in item.textEdit ? textOf(state, item.textEdit.range) : null]);
  };

  it('offers the data files and folders beside the spec, replacing the name typed so far', () => {
    expect(complete('data d from "ir$0', ['iris.csv', 'notes.md', 'tabs.tsv', 'sub/', '.hidden.csv'])).toEqual([
      ['iris.csv', 'ir'],
      ['tabs.tsv', 'ir'],
      ['sub/', 'ir'],
    ]);
  });

  it('says what each entry is, files before folders, and asks for a folder\'s files once one is chosen', () => {
    const { state, offset } = inFolder('data d from "sub/$0', ['sub/', 'sub/inner.csv', 'sub/deeper/']);
    expect(fileNameCompletion(state, offset)!.map((i) => [i.label, i.kind, i.detail, i.sortText, i.command?.command])).toEqual([
      ['inner.csv', CompletionItemKind.File, 'data file sub/inner.csv', '0inner.csv', undefined],
      ['deeper/', CompletionItemKind.Folder, 'folder sub/deeper/', '1deeper/', 'editor.action.triggerSuggest'],
    ]);
    // A client without command links is not asked to run one.
    const plain = { ...state, client: { ...state.client, commandLinks: false } };
    expect(fileNameCompletion(plain, offset)!.map((i) => i.command)).toEqual([undefined, undefined]);
  });

  it('goes into the folder the typed path names, and not out of the workspace', () => {
    expect(complete('data d from "sub/x$0"', ['sub/', 'sub/inner.csv'])).toEqual([['inner.csv', 'x']]);
    expect(complete('data d from "../$0', ['iris.csv'])).toEqual([]);
  });

  it('is not asked for outside the string of a from', () => {
    const { state, offset } = inFolder('data d from "iris.csv" $0', ['iris.csv']);
    expect(fileNameCompletion(state, offset)).toBeNull();
  });
});
