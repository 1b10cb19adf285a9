// Every word of the language has documentation, and hovering any keyword or value in a spec shows it.
import { describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver';
import { GENERATOR_DEFAULTS } from '../../server/src/data/generators';
import { ACTIVATIONS, GENERATORS, INITS, LOSSES, REGULARIZERS, SCHEDULES } from '../../server/src/language/model';
import type { OptimizerSpec, ScheduleSpec } from '../../server/src/language/model';
import { hover } from '../../server/src/lsp/hover';
import { docDetail, docFor, docMarkdown, docsOf, KEYWORD_DOCS } from '../../server/src/lsp/keywordDocs';
import type { DocCategory } from '../../server/src/lsp/keywordDocs';
import { classify } from '../../server/src/lsp/semanticTokens';
import { fixture, URI } from './harness';

/** Every word of docs/language.md §3, with the category its slot documents it under. */
const GRAMMAR_WORDS: [string, Parameters<typeof docFor>[1]][] = [
  ...(['network', 'data', 'train', 'on'] as const).map((w) => [w, 'declaration'] as [string, 'declaration']),
  ...(['input', 'layer', 'init'] as const).map((w) => [w, 'network-statement'] as [string, 'network-statement']),
  ...ACTIVATIONS.map((w) => [w, 'activation'] as [string, 'activation']),
  ...INITS.map((w) => [w, 'init'] as [string, 'init']),
  ...(['from', 'inputs', 'target', 'onehot', 'header', 'normalize', 'encode', 'missing', 'separator'] as const).map((w) => [w, 'data-statement'] as [string, 'data-statement']),
  ...(['minmax', 'zscore', 'yes', 'no', 'full', 'f64', 'f32', 'drop', 'mean'] as const).map((w) => [w, 'value'] as [string, 'value']),
  ...GENERATORS.map((w) => [w, 'generator'] as [string, 'generator']),
  ...(['samples', 'noise', 'seed'] as const).map((w) => [w, 'generator-argument'] as [string, 'generator-argument']),
  ...(['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'when', 'validate', 'precision', 'expect', 'validation', 'accuracy'] as const).map((w) => [w, 'train-statement'] as [string, 'train-statement']),
  ...LOSSES.map((w) => [w, 'loss'] as [string, 'loss']),
  ...(['sgd', 'adam'] as const).map((w) => [w, 'optimizer'] as [string, 'optimizer']),
  ...(['rate', 'momentum', 'beta1', 'beta2', 'epsilon'] as const).map((w) => [w, 'optimizer-parameter'] as [string, 'optimizer-parameter']),
  // docs/language.md §7.2–§7.4
  ['dropout', 'network-statement'],
  ...(['regularize', 'schedule', 'patience', 'validation'] as const).map((w) => [w, 'train-statement'] as [string, 'train-statement']),
  ...REGULARIZERS.map((w) => [w, 'regularizer'] as [string, 'regularizer']),
  ...SCHEDULES.map((w) => [w, 'schedule'] as [string, 'schedule']),
  ...(['factor', 'every', 'min', 'patience'] as const).map((w) => [w, 'schedule-parameter'] as [string, 'schedule-parameter']),
  // Given weights (docs/language.md §7.1).
  ...(['weights', 'for'] as const).map((w) => [w, 'declaration'] as [string, 'declaration']),
  ['start', 'train-statement'],
  ...(['W', 'b'] as const).map((w) => [w, 'weights-row'] as [string, 'weights-row']),
];

describe('keyword documentation', () => {
  it.each(GRAMMAR_WORDS)('documents %s (%s) with a meaning, a syntax sketch and an example', (word, category) => {
    const doc = docFor(word, category);
    expect(doc, `${word} as ${category}`).toBeDefined();
    expect(doc!.summary.length).toBeGreaterThan(20);
    expect(doc!.example).toMatch(new RegExp(`\\b${word}\\b`));
    expect(docMarkdown(doc!)).toContain(`**${word}**`);
  });

  it('has no entry twice', () => {
    const keys = KEYWORD_DOCS.map((d) => `${d.category}:${d.word}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('shows the documentation of the training vocabulary (docs/language.md §7.2–§7.4) where it stands', () => {
    const spec = [
      'network n {',
      '  input 2',
      '  layer h 4 relu init he dropout 20%',
      '  layer 1 sigmoid',
      '}',
      'data rows {',
      '  0 1 -> 1',
      '}',
      'train n on rows {',
      '  regularize l1 0.001 l2 0.01',
      '  schedule plateau factor 0.5 patience 3',
      '  patience 20',
      '  validate 20%',
      '  stop when validation loss < 0.1',
      '}',
      'train n on rows {',
      '  schedule step factor 0.5 every 10',
      '}',
      'train n on rows {',
      '  schedule cosine min 0.01',
      '}',
      'train n on rows {',
      '  schedule exponential factor 0.9',
      '}',
      '',
    ].join('\n');
    const { state } = fixture(spec);
    const at = (needle: string, nth = 0): string => {
      let offset = -1;
      for (let i = 0; i <= nth; i++) offset = spec.indexOf(needle, offset + 1);
      const result = hover(state, { textDocument: { uri: URI }, position: state.lines.positionAt(offset + 1) });
      return (result?.contents as MarkupContent | undefined)?.value ?? '';
    };
    expect(at('dropout')).toContain('**dropout** — network statement');
    expect(at('regularize')).toContain('**regularize** — train statement');
    expect(at('l1 0')).toContain('**l1** — penalty');
    expect(at('l2 0')).toContain('**l2** — penalty');
    expect(at('schedule plateau')).toContain('**schedule** — train statement');
    expect(at('plateau')).toContain('**plateau** — learning-rate schedule');
    expect(at('factor 0.5')).toContain('**factor** — schedule parameter');
    expect(at('patience 3')).toContain('**patience** — schedule parameter');
    expect(at('patience 20')).toContain('**patience** — train statement');
    expect(at('validation loss')).toContain('**validation** — train statement');
    expect(at('step factor')).toContain('**step** — learning-rate schedule');
    expect(at('every')).toContain('**every** — schedule parameter');
    expect(at('cosine')).toContain('**cosine** — learning-rate schedule');
    expect(at('min 0')).toContain('**min** — schedule parameter');
    expect(at('exponential')).toContain('**exponential** — learning-rate schedule');
  });

  it('shows documentation when hovering any keyword or value of a spec', () => {
    const spec = [
      'network n {',
      '  input 2',
      '  layer h 4 leaky_relu init he',
      '  layer 3 softmax',
      '}',
      'data rows {',
      '  0 1 -> 1 0 0',
      '  normalize minmax',
      '}',
      'data csv from "c.csv" {',
      '  inputs a..b',
      '  target label onehot',
      '  normalize zscore',
      '  header yes',
      '  encode city onehot',
      '  missing mean',
      '  separator ";"',
      '}',
      'data g = circle(samples 10, noise 0.1, seed 2)',
      'train n on rows {',
      '  loss cross_entropy',
      '  optimizer adam rate 0.01 beta1 0.9 beta2 0.99 epsilon 1e-7',
      '  epochs 10',
      '  batch full',
      '  seed 3',
      '  stop when loss < 0.1',
      '  validate 20%',
      '  precision f32',
      '  expect validation accuracy > 90%',
      '  expect loss < 0.1',
      '}',
      '',
    ].join('\n');
    const { state } = fixture(spec);
    const words = classify(state.check.file).filter((c) => ['keyword', 'enumMember', 'parameter'].includes(c.type));
    expect(words.length).toBe(55);
    for (const { span } of words) {
      const word = state.text.slice(span.start, span.end);
      const result = hover(state, { textDocument: { uri: URI }, position: state.lines.positionAt(span.start + 1) });
      expect(result, `hover on '${word}' at ${span.start}`).not.toBeNull();
      const value = (result!.contents as MarkupContent).value;
      // The `loss` of `stop when loss <` is explained by `stop` (`when` has its own entry), that of `expect loss <` by
      // `expect` (`validation` and `accuracy` have their own); `layer` shows the layer itself.
      const before = state.text.slice(span.start - 10, span.start);
      const expected = before === 'stop when ' ? 'stop' : before.endsWith('expect ') && word === 'loss' ? 'expect' : word;
      if (word !== 'layer') expect(value, `hover on '${word}'`).toContain(`**${expected}**`);
    }
  });
});

/** The label a hover's title gives each category (`**sigmoid** — activation`, docs/editor.md "Hovers"). */
const CATEGORY_TITLES: [DocCategory, string][] = [
  ['declaration', 'declaration'],
  ['network-statement', 'network statement'],
  ['data-statement', 'data statement'],
  ['train-statement', 'train statement'],
  ['activation', 'activation'],
  ['init', 'weight initialization'],
  ['loss', 'loss'],
  ['optimizer', 'optimizer'],
  ['optimizer-parameter', 'optimizer parameter'],
  ['generator', 'data generator'],
  ['generator-argument', 'generator argument'],
  ['regularizer', 'penalty'],
  ['schedule', 'learning-rate schedule'],
  ['schedule-parameter', 'schedule parameter'],
  ['weights-row', 'weights row'],
  ['value', 'value'],
];

/** The words whose meaning is a formula: a hover on them shows it in a code block. */
const FORMULA_WORDS: [string, DocCategory][] = [
  ['network', 'declaration'], ['weights', 'declaration'], ['layer', 'network-statement'], ['dropout', 'network-statement'],
  ...ACTIVATIONS.map((w): [string, DocCategory] => [w, 'activation']),
  ...INITS.map((w): [string, DocCategory] => [w, 'init']),
  ['onehot', 'data-statement'], ['encode', 'data-statement'], ['mean', 'value'], ['minmax', 'value'], ['zscore', 'value'],
  ...LOSSES.map((w): [string, DocCategory] => [w, 'loss']),
  ['sgd', 'optimizer'], ['adam', 'optimizer'],
  ...(['rate', 'momentum', 'beta1', 'beta2', 'epsilon'] as const).map((w): [string, DocCategory] => [w, 'optimizer-parameter']),
  ['regularize', 'train-statement'], ['l1', 'regularizer'], ['l2', 'regularizer'],
  ['step', 'schedule'], ['exponential', 'schedule'], ['cosine', 'schedule'], ['W', 'weights-row'],
];

/** The statements and arguments that may be left out: each says what applies without it. */
const OPTIONAL_WORDS: [string, DocCategory][] = [
  ['train', 'declaration'], ['dropout', 'network-statement'], ['init', 'network-statement'],
  ...ACTIVATIONS.map((w): [string, DocCategory] => [w, 'activation']),
  ['xavier', 'init'], ['he', 'init'],
  ...(['inputs', 'target', 'missing', 'separator', 'header', 'normalize'] as const).map((w): [string, DocCategory] => [w, 'data-statement']),
  ...GENERATORS.map((w): [string, DocCategory] => [w, 'generator']),
  ...(['samples', 'noise', 'seed'] as const).map((w): [string, DocCategory] => [w, 'generator-argument']),
  ...(['loss', 'optimizer', 'epochs', 'batch', 'seed', 'stop', 'validate', 'start', 'precision', 'regularize', 'schedule', 'patience', 'expect'] as const)
    .map((w): [string, DocCategory] => [w, 'train-statement']),
  ['sgd', 'optimizer'], ['adam', 'optimizer'],
  ...(['rate', 'momentum', 'beta1', 'beta2', 'epsilon'] as const).map((w): [string, DocCategory] => [w, 'optimizer-parameter']),
  ['step', 'schedule'], ['cosine', 'schedule'], ['plateau', 'schedule'],
  ...(['factor', 'min', 'patience'] as const).map((w): [string, DocCategory] => [w, 'schedule-parameter']),
];

describe('what the keyword documentation tells a reader', () => {
  const shown = (word: string, category: DocCategory): string => docMarkdown(docFor(word, category)!);
  const defaults = (word: string, category: DocCategory): string => docFor(word, category)!.defaults ?? '';

  it('looks a word up by the categories of its slot, in order, and by the word alone without them', () => {
    expect(docFor('seed', 'generator-argument')?.category).toBe('generator-argument');
    expect(docFor('seed', 'activation', 'train-statement', 'generator-argument')?.category).toBe('train-statement');
    // A slot whose categories do not have the word has no documentation for it, even if another category does.
    expect(docFor('seed', 'activation')).toBeUndefined();
    expect(docFor('sigmoid')?.category).toBe('activation');
    expect(docFor('sigmoidal')).toBeUndefined();
    expect(docsOf('loss').map((doc) => doc.word)).toEqual([...LOSSES]);
  });

  it('ends every documentation with its example in an nn code block', () => {
    for (const doc of KEYWORD_DOCS) expect(docMarkdown(doc).endsWith('\n\nExample:\n```nn\n' + doc.example + '\n```')).toBe(true);
    // Without its title (completion shows the word already), it starts with the syntax.
    const sigmoid = docFor('sigmoid', 'activation')!;
    expect(docMarkdown(sigmoid, { title: false }).startsWith('```nn\n' + sigmoid.syntax + '\n```\n\n' + sigmoid.summary)).toBe(true);
  });

  it('documents only the words of the grammar, each under the slot it stands in', () => {
    const grammar = new Set(GRAMMAR_WORDS.map(([word, category]) => `${category}:${word}`));
    expect(KEYWORD_DOCS.filter((d) => !grammar.has(`${d.category}:${d.word}`)).map((d) => `${d.category}:${d.word}`)).toEqual([]);
  });

  it('sketches the syntax of every word with the word in it, on one line, in an nn code block and in completion\'s detail', () => {
    for (const doc of KEYWORD_DOCS) {
      expect(doc.syntax, `${doc.category}:${doc.word}`).toMatch(new RegExp(`\\b${doc.word}\\b`));
      expect(doc.syntax).not.toContain('\n');
      expect(docMarkdown(doc)).toContain('```nn\n' + doc.syntax + '\n```');
      expect(docDetail(doc).endsWith(` · ${doc.syntax}`)).toBe(true);
    }
  });

  it('shows no formula or default a word does not have', () => {
    for (const doc of KEYWORD_DOCS) {
      expect(docMarkdown(doc), `${doc.category}:${doc.word}`).not.toContain('undefined');
      expect(docMarkdown(doc).includes('\n\n```\n')).toBe(doc.formula !== undefined);
      expect(docMarkdown(doc).includes('\n\nDefault: ')).toBe(doc.defaults !== undefined);
    }
  });

  it.each(CATEGORY_TITLES)('titles a word of category %s as "%s", in hovers and in completion details', (category, label) => {
    const [first] = docsOf(category);
    expect(first, category).toBeDefined();
    expect(docMarkdown(first!)).toMatch(new RegExp(`^\\*\\*${first!.word}\\*\\* — ${label}\\n`));
    expect(docDetail(first!).startsWith(`${label} · `)).toBe(true);
  });

  it.each(FORMULA_WORDS)('shows the formula of %s (%s) as math in a code block', (word, category) => {
    const { formula } = docFor(word, category)!;
    expect(formula, `${category}:${word}`).toMatch(/[=←~↦Σ]/);
    expect(shown(word, category)).toContain('```\n' + formula + '\n```');
  });

  it.each(OPTIONAL_WORDS)('says what applies when %s (%s) is left out', (word, category) => {
    expect(shown(word, category)).toMatch(/\n\nDefault: \S[^\n]*\.\n\nExample:/);
  });

  it('states the defaults the checker applies to a run, a layer and a generated data set', () => {
    const activations = ACTIVATIONS.filter((a) => a !== 'softmax');
    const spec = [
      'network n {',
      '  input 2',
      ...activations.map((activation) => `  layer ${activation}_layer 2 ${activation}`),
      '  layer out 1 sigmoid',
      '}',
      'network s {',
      '  input 2',
      '  layer out 2 softmax',
      '}',
      'data d = xor()',
      'train n on d {',
      '}',
      'train n on d {',
      '  optimizer adam',
      '}',
      'train n on d {',
      '  schedule step every 5',
      '}',
      'train n on d {',
      '  schedule cosine',
      '}',
      'train n on d {',
      '  schedule plateau',
      '}',
      '',
    ].join('\n');
    const { state } = fixture(spec);
    expect(state.check.errorCount, state.check.problems.map((p) => p.message).join('\n')).toBe(0);
    const [plain, adam, step, cosine, plateau] = state.check.runs.map((run) => run.settings);
    const layers = [...state.check.runs[0]!.network.layers, ...state.check.networks.get('s')!.layers];
    for (const activation of ACTIVATIONS) {
      const layer = layers.find((l) => l.activation === activation)!;
      expect(defaults(activation, 'activation'), activation).toBe(`init ${layer.init}`);
      expect(defaults(layer.init, 'init'), activation).toContain(activation);
    }
    const sgd = plain!.optimizer as Extract<OptimizerSpec, { kind: 'sgd' }>;
    const adamSpec = adam!.optimizer as Extract<OptimizerSpec, { kind: 'adam' }>;
    expect(defaults('train', 'declaration')).toBe(
      `loss ${plain!.loss}, optimizer sgd rate ${sgd.rate} (adam rate ${adamSpec.rate}), epochs ${plain!.epochs}, batch ${plain!.batch}, seed ${plain!.seed}, precision ${plain!.precision}`,
    );
    expect(defaults('loss', 'train-statement')).toBe(plain!.loss);
    expect(defaults('optimizer', 'train-statement')).toBe(`sgd rate ${sgd.rate} (adam rate ${adamSpec.rate})`);
    expect(defaults('epochs', 'train-statement')).toBe(String(plain!.epochs));
    expect(defaults('batch', 'train-statement')).toBe(String(plain!.batch));
    expect(defaults('seed', 'train-statement')).toBe(String(plain!.seed));
    expect(defaults('precision', 'train-statement')).toBe(plain!.precision);
    expect(defaults('sgd', 'optimizer')).toBe(`rate ${sgd.rate}, momentum ${sgd.momentum}`);
    expect(defaults('adam', 'optimizer')).toBe(`rate ${adamSpec.rate}, beta1 ${adamSpec.beta1}, beta2 ${adamSpec.beta2}, epsilon ${adamSpec.epsilon}`);
    expect(defaults('rate', 'optimizer-parameter')).toBe(`${sgd.rate} for sgd, ${adamSpec.rate} for adam`);
    expect(defaults('momentum', 'optimizer-parameter')).toBe(String(sgd.momentum));
    for (const parameter of ['beta1', 'beta2', 'epsilon'] as const) {
      expect(defaults(parameter, 'optimizer-parameter')).toBe(String(adamSpec[parameter]));
    }
    const stepSpec = step!.schedule as Extract<ScheduleSpec, { kind: 'step' }>;
    const cosineSpec = cosine!.schedule as Extract<ScheduleSpec, { kind: 'cosine' }>;
    const plateauSpec = plateau!.schedule as Extract<ScheduleSpec, { kind: 'plateau' }>;
    expect(defaults('step', 'schedule')).toBe(`factor ${stepSpec.factor}`);
    expect(defaults('cosine', 'schedule')).toBe(`min ${cosineSpec.min}`);
    expect(defaults('plateau', 'schedule')).toBe(`factor ${plateauSpec.factor}, patience ${plateauSpec.patience}`);
    expect(defaults('factor', 'schedule-parameter')).toMatch(new RegExp(`^${plateauSpec.factor} for step and plateau`));
    expect(defaults('min', 'schedule-parameter')).toBe(String(cosineSpec.min));
    expect(defaults('patience', 'schedule-parameter')).toBe(String(plateauSpec.patience));
    const generated = `samples ${GENERATOR_DEFAULTS.samples}, noise ${GENERATOR_DEFAULTS.noise}, seed ${GENERATOR_DEFAULTS.seed}`;
    for (const generator of GENERATORS) expect(defaults(generator, 'generator')).toBe(generated);
    expect(state.check.datasets.get('d')!.rows).toBe(GENERATOR_DEFAULTS.samples);
    for (const argument of ['samples', 'noise', 'seed'] as const) {
      expect(defaults(argument, 'generator-argument')).toBe(String(GENERATOR_DEFAULTS[argument]));
    }
  });
});
