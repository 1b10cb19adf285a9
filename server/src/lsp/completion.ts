// Context-aware completion: the words that may stand at the cursor, each with its documentation from keywordDocs.
//
// A statement never spans lines, so the context is the current line's tokens
// before the cursor plus the kind of block the cursor is in (from the syntax
// tree, which survives the half-typed line). Everything offered is valid at
// that place: statements already written in a block are not offered again,
// optimizer parameters follow the optimizer, `on` names data sets, a weights block names
// its network's layers, `start from` names weights and `weights … from` the files beside the spec.

import { CompletionItemKind, InsertTextFormat, MarkupKind } from 'vscode-languageserver';
import type { CompletionItem, CompletionParams, Range } from 'vscode-languageserver';
import { readdirSync, type Dirent } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { readHeader, textSource } from '../data/csv';
import type { CheckResult } from '../language';
import { lex } from '../language/lexer';
import type { Token } from '../language/lexer';
import type { DataDecl, Declaration, Node, Span, SpecFile, TrainDecl } from '../language/syntax';
import { classificationOf } from '../nn/parts';
import { blockOf, children } from '../language/walk';
import { datasetSummary, networkParameters, networkShape, params } from './describe';
import { docDetail, docFor, docMarkdown, docsOf } from './keywordDocs';
import type { DocCategory, KeywordDoc } from './keywordDocs';
import { rangeOf } from './spans';
import type { DocumentState } from './state';

export type BlockKind = 'top' | 'network' | 'inline-data' | 'file-data' | 'train' | 'weights';

/** Where the cursor is, in the terms completion needs. */
export interface CompletionContext {
  block: BlockKind;
  /** The declaration whose block holds the cursor (null at top level). */
  declaration: Declaration | null;
  /** The tokens of the current line before the word being typed. */
  before: Token[];
  /** The word being typed (possibly empty) and where it starts. */
  prefix: string;
  prefixStart: number;
  /** The offsets of the cursor's line: a statement that starts on it is the one being written, not one already set. */
  line: Span;
}

/** Whether a statement is one the block already has, rather than the one on the cursor's line being written (or rewritten). */
function alreadySet(context: CompletionContext, span: Span | undefined): boolean {
  return span !== undefined && (span.start < context.line.start || span.start > context.line.end);
}

export function completion(state: DocumentState, params: CompletionParams): CompletionItem[] {
  const offset = state.lines.offsetAt(params.position);
  // A weights file's path first (its line says `weights … from`), then any other `from "…"`: a data file.
  const files = weightsFileCompletion(state, offset) ?? fileNameCompletion(state, offset);
  if (files !== null) return files;
  const context = completionContext(state.text, state.check.file, offset);
  if (!context) return [];
  const range = rangeOf(state.lines, { start: context.prefixStart, end: offset });
  const snippets = state.client.snippets !== false;
  return complete(context, state.check, (decl) => csvColumns(state, decl))
    .filter((item) => snippets || item.kind !== CompletionItemKind.Snippet)
    .map((item) => toItem(snippets ? item : { ...item, snippet: undefined }, range, state.client.markdown));
}

/** How a string is written in the language: quotes, with `"` and `\\` escaped. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Every column of a data block's CSV file, in file order, from its header line.
 * The block itself may be half-typed (that is when completion runs), so its data
 * set may not have loaded; the header is read through the same reader, path
 * rules and trust as the check's. Null when unknown or not allowed.
 */
export function csvColumns(state: Pick<DocumentState, 'check' | 'checkOptions'>, decl: DataDecl): string[] | null {
  const source = decl.source;
  const options = state.checkOptions;
  if (source?.kind !== 'file' || !source.path?.terminated || !options?.readFile || !options.specPath) {
    return decl.name ? (state.check.datasets.get(decl.name.text)?.inputNames ?? null) : null;
  }
  // Without a header the columns have no names; they are referred to by index.
  if (source.header?.value?.text === 'no') return null;
  const absolute = resolve(dirname(options.specPath), source.path.value);
  if (options.allowedRoot !== null) {
    const root = options.allowedRoot.endsWith(sep) ? options.allowedRoot : options.allowedRoot + sep;
    if (!absolute.startsWith(root)) return null;
  }
  const read = options.readFile(absolute);
  if ('error' in read) return null;
  // Only the first record is read, however large the file.
  const separator = source.separator?.value?.value === '\\t' ? '\t' : (source.separator?.value?.value ?? ',');
  if (separator.length !== 1) return null;
  return readHeader('file' in read ? read.open() : textSource(read.text), separator);
}

/** The file names a data path may name: data files and folders. */
const DATA_FILE = /\.(csv|tsv|txt|dat|data)$/i;

/**
 * Inside the quotes of `data NAME from "…`: the files and folders of the folder the typed path
 * points into (relative to the spec), within the folder the editor reads data from, and only in
 * a trusted workspace. Null when the cursor is not in such a string.
 */
export function fileNameCompletion(state: Pick<DocumentState, 'text' | 'lines' | 'checkOptions' | 'client'>, offset: number): CompletionItem[] | null {
  const text = state.text;
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const tokens = lex(text.slice(lineStart, offset)).tokens.filter((t) => t.kind !== 'eof' && t.kind !== 'newline');
  const last = tokens[tokens.length - 1];
  const fromAt = tokens.length - 2;
  if (last?.kind !== 'string' || last.terminated || fromAt < 0 || tokens[fromAt].kind !== 'name' || tokens[fromAt].text !== 'from') return null;
  const options = state.checkOptions;
  if (!options?.readFile || !options.specPath) return [];
  const typed = last.stringValue;
  const slash = Math.max(typed.lastIndexOf('/'), typed.lastIndexOf('\\'));
  const folderPart = typed.slice(0, slash + 1);
  const folder = resolve(dirname(options.specPath), folderPart);
  if (options.allowedRoot !== null && folder !== options.allowedRoot && !folder.startsWith(options.allowedRoot.endsWith(sep) ? options.allowedRoot : options.allowedRoot + sep)) return [];
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  // The name after the last separator of the path, as written, is what an item replaces.
  const raw = last.text.slice(1);
  const start = lineStart + last.start + 1 + Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1;
  const range = { start: state.lines.positionAt(start), end: state.lines.positionAt(offset) };
  return entries
    .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || (entry.isFile() && DATA_FILE.test(entry.name))))
    .slice(0, 500)
    .map((entry) => {
      const folderEntry = entry.isDirectory();
      const name = folderEntry ? `${entry.name}/` : entry.name;
      const item: CompletionItem = {
        label: name,
        kind: folderEntry ? CompletionItemKind.Folder : CompletionItemKind.File,
        detail: folderEntry ? `folder ${folderPart}${name}` : `data file ${folderPart}${name}`,
        sortText: `${folderEntry ? 1 : 0}${name}`,
        textEdit: { range, newText: name.replace(/\\/g, '\\\\').replace(/"/g, '\\"') },
      };
      // A folder's files come next, as its name is completed.
      if (folderEntry && state.client.commandLinks) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
      return item;
    })
    .sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
}

/** The context at `offset`, or null where nothing can be completed (comments, strings). */
export function completionContext(text: string, file: SpecFile, offset: number): CompletionContext | null {
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  let lineEnd = offset;
  while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
  const lineText = text.slice(lineStart, offset);
  const tokens = lex(lineText).tokens.filter((t) => t.kind !== 'eof' && t.kind !== 'newline');
  // Inside a comment or a string there is nothing to offer.
  const lastEnd = tokens.length ? tokens[tokens.length - 1].end : 0;
  if (lineText.indexOf('#', lastEnd) >= 0) return null;
  const last = tokens[tokens.length - 1];
  if (last && last.kind === 'string' && (!last.terminated || last.end === lineText.length)) return null;
  let prefix = '';
  let before = tokens.map((t) => ({ ...t, start: t.start + lineStart, end: t.end + lineStart }));
  const typed = before[before.length - 1];
  if (typed && typed.end === offset && (typed.kind === 'name' || typed.kind === 'invalid')) {
    prefix = typed.text;
    before = before.slice(0, -1);
  } else if (typed && typed.end === offset && typed.kind === 'number') {
    // Right after a number (`layer h 4`) there is nothing to complete until a space is typed.
    return null;
  }
  const { block, declaration } = blockAt(file, offset, lineStart);
  return { block, declaration, before, prefix, prefixStart: offset - prefix.length, line: { start: lineStart, end: lineEnd } };
}

/** What each kind of node with a block holds, as completion offers it. */
const BLOCK_KINDS: Partial<Record<Node['kind'], BlockKind>> = { network: 'network', train: 'train', inline: 'inline-data', file: 'file-data', weights: 'weights' };

/** The block that holds the cursor; a declaration's own header line counts as top level. */
function blockAt(file: SpecFile, offset: number, lineStart: number): { block: BlockKind; declaration: Declaration | null } {
  for (const declaration of file.declarations) {
    // The declaration's block, or its data source's.
    const holder = [declaration, ...children(declaration)].find((node) => blockOf(node) !== undefined);
    const block = holder && blockOf(holder);
    const kind = holder && BLOCK_KINDS[holder.kind];
    if (!block || !kind) continue;
    // The line must start after `{` (the header line is top level) and the cursor be before `}`.
    if (lineStart < block.open.end || (block.close && offset > block.close.start)) continue;
    // An unterminated block ends where the next declaration starts.
    const next = file.declarations[file.declarations.indexOf(declaration) + 1];
    if (!block.close && next && next.span.start <= offset) continue;
    return { block: kind, declaration };
  }
  return { block: 'top', declaration: null };
}

/** A completion before conversion: what to insert and how to describe it. */
export interface Candidate {
  label: string;
  kind: CompletionItemKind;
  detail?: string;
  documentation?: string;
  /** A snippet (`${1:name}`); plain `insert` or `label` is inserted otherwise. */
  snippet?: string;
  insert?: string;
  /** Orders items; lower first. */
  sortText?: string;
}

const words = (category: DocCategory, kind: CompletionItemKind = CompletionItemKind.EnumMember): Candidate[] =>
  docsOf(category).map((doc) => fromDoc(doc, kind));

function fromDoc(doc: KeywordDoc, kind: CompletionItemKind, label = doc.word): Candidate {
  return { label, kind, detail: docDetail(doc), documentation: docMarkdown(doc) };
}

function keyword(word: string, ...categories: DocCategory[]): Candidate {
  const doc = docFor(word, ...categories);
  return doc ? fromDoc(doc, CompletionItemKind.Keyword) : { label: word, kind: CompletionItemKind.Keyword };
}

/** Whether the token is one of the words: only a name's text is a bare word (a string's keeps its quotes, a number's is digits). */
function isWord(token: Token | undefined, ...texts: string[]): boolean {
  return token !== undefined && texts.includes(token.text);
}

/** Every candidate for the context, in the order they should be offered. */
export function complete(
  context: CompletionContext,
  check: CheckResult,
  columnsOf: (decl: DataDecl) => string[] | null = () => null,
): Candidate[] {
  switch (context.block) {
    case 'top':
      return completeTop(context, check);
    case 'network':
      return completeNetwork(context);
    case 'inline-data':
      return completeInlineData(context);
    case 'file-data':
      return completeFileData(context, columnsOf);
    case 'train':
      return completeTrain(context, check);
    case 'weights':
      return completeWeights(context, check);
  }
}

const ACTIVATION_CHOICE = '${3|sigmoid,tanh,relu,leaky_relu,linear,softmax|}';

function completeTop(context: CompletionContext, check: CheckResult): Candidate[] {
  const b = context.before;
  if (b.length === 0) {
    const snippet = (label: string, word: string, body: string, detail: string): Candidate => ({
      ...keyword(word, 'declaration'),
      label,
      kind: CompletionItemKind.Snippet,
      snippet: body,
      detail,
      sortText: `1${label}`,
    });
    return [
      { ...keyword('network', 'declaration'), sortText: '0network' },
      { ...keyword('data', 'declaration'), sortText: '0data' },
      { ...keyword('train', 'declaration'), sortText: '0train' },
      { ...keyword('weights', 'declaration'), sortText: '0weights' },
      snippet('network block', 'network', 'network ${1:name} {\n  input ${2:2}\n  layer ${3:hidden} ${4:4} ${5|sigmoid,tanh,relu,leaky_relu,linear|}\n  layer ${6:output} ${7:1} ${8|sigmoid,linear,softmax|}\n}\n', 'network NAME { input · layers }'),
      snippet('data block (rows)', 'data', 'data ${1:name} {\n  ${2:0 0} -> ${3:0}\n}\n', 'data NAME { inputs -> targets }'),
      snippet('data from CSV', 'data', 'data ${1:name} from "${2:file.csv}" {\n  target ${3:column}\n}\n', 'data NAME from "file.csv" { … }'),
      snippet('data generated', 'data', 'data ${1:name} = ${2|xor,circle,spiral,gauss|}(samples ${3:200}, noise ${4:0.1})\n', 'data NAME = GENERATOR(samples N, noise S)'),
      trainSnippet(check, snippet),
      snippet('weights block', 'weights', weightsSnippet(check), 'weights NAME for NETWORK { LAYER W … · LAYER b … }'),
      snippet('weights from a file', 'weights', `weights \${1:saved} for \${2:${firstName(check, 'network')}} from "\${3:model.safetensors}"\n`, 'weights NAME for NETWORK from "file"'),
    ];
  }
  const first = b[0];
  if (isWord(first, 'weights')) {
    if (b.length === 2 && b[1].kind === 'name') return [keyword('for', 'declaration')];
    if (b.length === 3 && isWord(b[2], 'for')) return networkNames(check);
    if (b.length === 4 && isWord(b[2], 'for') && b[3].kind === 'name') return [{ ...keyword('weights', 'declaration'), label: 'from', insert: 'from' }];
    return [];
  }
  if (isWord(first, 'train')) {
    if (b.length === 1) return networkNames(check);
    if (b.length === 2 && b[1].kind === 'name') return [keyword('on', 'declaration')];
    if (b.length === 3 && isWord(b[2], 'on')) return dataNames(check);
    return [];
  }
  if (isWord(first, 'data')) {
    if (b.length === 2 && b[1].kind === 'name') return [keyword('from', 'data-statement')];
    if (b.length === 3 && b[2].kind === '=') return docsOf('generator').map((doc) => ({
      ...fromDoc(doc, CompletionItemKind.Function),
      snippet: `${doc.word}(samples \${1:200}, noise \${2:0})`,
    }));
    const open = b.findIndex((t) => t.kind === '(');
    if (b[2]?.kind === '=' && open !== -1 && !b.some((t) => t.kind === ')')) {
      const lastToken = b[b.length - 1];
      if (lastToken.kind === '(' || lastToken.kind === ',') {
        // The words from `(` on: the parenthesis, numbers and commas are no argument's name.
        const used = new Set(b.slice(open).map((t) => t.text));
        return docsOf('generator-argument')
          .filter((doc) => !used.has(doc.word))
          .map((doc) => ({ ...fromDoc(doc, CompletionItemKind.Property), snippet: `${doc.word} \${1:${doc.defaults!}}` }));
      }
    }
    return [];
  }
  return [];
}

function completeNetwork(context: CompletionContext): Candidate[] {
  const b = context.before;
  if (b.length === 0) {
    const hasInput = context.declaration?.kind === 'network' && context.declaration.statements.some((s) => s.kind === 'input' && alreadySet(context, s.span));
    const items = [
      { ...keyword('layer', 'network-statement') },
      {
        ...keyword('layer', 'network-statement'),
        label: 'layer (snippet)',
        kind: CompletionItemKind.Snippet,
        snippet: `layer \${1:name} \${2:4} ${ACTIVATION_CHOICE}`,
      },
    ];
    return hasInput ? items : [keyword('input', 'network-statement'), ...items];
  }
  if (!isWord(b[0], 'layer')) return [];
  const lastToken = b[b.length - 1];
  // `layer [NAME] UNITS ▮` → an activation; `… ACTIVATION ▮` → `init`, `dropout`; `init ▮` → an initialization.
  if (lastToken.kind === 'number' && (b.length === 2 || (b.length === 3 && b[1].kind === 'name'))) return words('activation');
  if (isWord(lastToken, 'init')) return words('init');
  const previous = b[b.length - 2];
  const clauseEnds =
    (lastToken.kind === 'name' && docFor(lastToken.text, 'activation') !== undefined && !b.some((t) => isWord(t, 'init', 'dropout'))) ||
    (lastToken.kind === 'name' && isWord(previous, 'init')) ||
    (lastToken.kind === 'percent' && isWord(previous, 'dropout'));
  if (!clauseEnds) return [];
  // docs/language.md §7.2: dropout on hidden layers only, so not offered on the network's last layer.
  const network = context.declaration?.kind === 'network' ? context.declaration : undefined;
  const layers = network?.statements.filter((st) => st.kind === 'layer') ?? [];
  const current = layers.find((layer) => layer.span.start === b[0].start);
  const last = current !== undefined && current === layers[layers.length - 1];
  const clauses: Candidate[] = [];
  if (!b.some((t) => isWord(t, 'init'))) clauses.push(keyword('init', 'network-statement'));
  if (!b.some((t) => isWord(t, 'dropout')) && !last) clauses.push({ ...keyword('dropout', 'network-statement'), snippet: 'dropout ${1:20}%' });
  return clauses;
}

function normalizeMethods(): Candidate[] {
  return [fromDoc(docFor('minmax', 'value')!, CompletionItemKind.EnumMember), fromDoc(docFor('zscore', 'value')!, CompletionItemKind.EnumMember)];
}

function completeInlineData(context: CompletionContext): Candidate[] {
  const b = context.before;
  const data = context.declaration?.kind === 'data' ? context.declaration.source : undefined;
  if (b.length === 0) return data?.kind === 'inline' && alreadySet(context, data.normalize?.span) ? [] : [keyword('normalize', 'data-statement')];
  if (b.length === 1 && isWord(b[0], 'normalize')) return normalizeMethods();
  return [];
}

function completeFileData(context: CompletionContext, columnsOf: (decl: DataDecl) => string[] | null): Candidate[] {
  const b = context.before;
  const source = context.declaration?.kind === 'data' ? context.declaration.source : undefined;
  const file = source?.kind === 'file' ? source : undefined;
  if (b.length === 0) {
    const statements = ['inputs', 'target', 'encode', 'missing', 'separator', 'normalize', 'header'] as const;
    const snippets: Partial<Record<(typeof statements)[number], string>> = {
      encode: 'encode ${1:column} onehot',
      missing: 'missing ${1|drop,mean|}',
      separator: 'separator "${1|;,\\t|}"',
    };
    return statements
      .filter((w) => !alreadySet(context, file?.[w]?.span))
      .map((w) => ({ ...keyword(w, 'data-statement'), snippet: snippets[w] }));
  }
  const first = b[0];
  if (b.length === 1 && isWord(first, 'normalize')) return normalizeMethods();
  if (b.length === 1 && isWord(first, 'missing')) {
    return [fromDoc(docFor('drop', 'value')!, CompletionItemKind.EnumMember), fromDoc(docFor('mean', 'value')!, CompletionItemKind.EnumMember)];
  }
  if (b.length === 1 && isWord(first, 'separator')) {
    return [
      { label: '";"', kind: CompletionItemKind.Value, detail: 'semicolons', insert: '";"' },
      { label: '"\\t"', kind: CompletionItemKind.Value, detail: 'tabs', insert: '"\\t"' },
      { label: '","', kind: CompletionItemKind.Value, detail: 'commas (the default)', insert: '","' },
    ];
  }
  if (b.length === 1 && isWord(first, 'header')) {
    return [fromDoc(docFor('yes', 'value')!, CompletionItemKind.EnumMember), fromDoc(docFor('no', 'value')!, CompletionItemKind.EnumMember)];
  }
  if (isWord(first, 'inputs', 'target', 'encode')) {
    if (isWord(first, 'target', 'encode') && b.some((t) => isWord(t, 'onehot'))) return [];
    const decl = context.declaration?.kind === 'data' ? context.declaration : undefined;
    // Stryker disable next-line StringLiteral: a data block without a name offers no columns, so no detail names it
    const name = decl?.name?.text ?? 'the data set';
    const used = new Set(b.slice(1).map((t) => (t.kind === 'string' ? t.stringValue : t.text)));
    const columns: Candidate[] = ((decl && columnsOf(decl)) ?? [])
      .map((column, i) => ({ column, i }))
      .filter(({ column }) => !used.has(column))
      .map(({ column, i }) => ({
        label: column,
        kind: CompletionItemKind.Field,
        detail: `column ${i} of ${name}`,
        // A column name that is not an identifier, or that a keyword would shadow, must be quoted.
        insert: /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) && column !== 'onehot' ? undefined : quote(column),
      }));
    const extra = isWord(first, 'target', 'encode') && b.length > 1 ? [keyword('onehot', 'data-statement')] : [];
    return [...columns, ...extra];
  }
  return [];
}

function completeTrain(context: CompletionContext, check: CheckResult): Candidate[] {
  const b = context.before;
  const decl = context.declaration?.kind === 'train' ? context.declaration : undefined;
  if (isWord(b[0], 'expect')) return completeExpect(b, decl, check);
  // `start from ▮`: the weights declared for the run's network first, then the others.
  if (isWord(b[0], 'start')) {
    if (b.length === 1) return [{ ...keyword('start', 'train-statement'), label: 'from', insert: 'from' }];
    if (b.length === 2 && isWord(b[1], 'from')) return weightsNames(check, decl?.network?.text);
    return [];
  }
  if (b.length === 0) {
    // The statement on the cursor's line is the one being written: it does not count as set.
    // Stryker disable next-line ArrayDeclaration: a train block's context always holds its train declaration
    const present = new Set(decl?.statements.filter((s) => alreadySet(context, s.span)).map((s) => s.kind) ?? []);
    const snippets: Record<string, string> = {
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
    };
    return [
      ...Object.keys(snippets)
        .filter((w) => !present.has(w as never))
        .map((w) => ({ ...keyword(w, 'train-statement'), snippet: snippets[w] })),
      // A run may have several expectations: `expect` is always offered.
      { ...keyword('expect', 'train-statement'), snippet: 'expect ' },
    ];
  }
  const first = b[0];
  const lastToken = b[b.length - 1];
  if (b.length === 1 && isWord(first, 'loss')) return words('loss');
  if (b.length === 1 && isWord(first, 'precision')) return [fromDoc(docFor('f64', 'value')!, CompletionItemKind.EnumMember), fromDoc(docFor('f32', 'value')!, CompletionItemKind.EnumMember)];
  if (b.length === 1 && isWord(first, 'batch')) return [fromDoc(docFor('full', 'value')!, CompletionItemKind.EnumMember)];
  if (b.length === 1 && isWord(first, 'stop')) return [{ ...keyword('when', 'train-statement'), snippet: 'when loss < ${1:0.001}' }];
  if (b.length === 2 && isWord(first, 'stop') && isWord(b[1], 'when')) {
    return [keyword('loss', 'train-statement'), { ...keyword('validation', 'train-statement'), snippet: 'validation loss < ${1:0.01}' }];
  }
  if (b.length === 3 && isWord(first, 'stop') && isWord(b[2], 'validation')) return [keyword('loss', 'train-statement')];
  const vocabulary = completeTrainingVocabulary(b);
  if (vocabulary !== null) return vocabulary;
  if (isWord(first, 'optimizer')) {
    if (b.length === 1) return words('optimizer');
    const optimizer = b[1].text;
    // After a parameter's name its value is due, not another name.
    if (lastToken.kind === 'name' && b.length > 2) return [];
    const allowed = optimizer === 'adam' ? ['rate', 'beta1', 'beta2', 'epsilon'] : optimizer === 'sgd' ? ['rate', 'momentum'] : [];
    // Every word of the line counts as given: `optimizer` and its kind are no parameter's name.
    const used = new Set(b.map((t) => t.text));
    return allowed
      .filter((p) => !used.has(p))
      .map((p) => {
        const doc = docFor(p, 'optimizer-parameter')!;
        const value = optimizer === 'adam' && p === 'rate' ? '0.001' : doc.defaults!.split(/[ ,]/)[0];
        return { ...fromDoc(doc, CompletionItemKind.Property), snippet: `${p} \${1:${value}}` };
      });
  }
  return [];
}

/**
 * The words of `expect [validation] loss|accuracy <|> BOUND` (docs/language.md §7 "Expectations"),
 * as far as the run measures them: accuracy for classification data, validation with `validate`.
 */
function completeExpect(b: Token[], decl: TrainDecl | undefined, check: CheckResult): Candidate[] {
  const data = decl?.data ? check.datasets.get(decl.data.text) : undefined;
  const classification = data === undefined || classificationOf(data) !== null;
  // Stryker disable next-line BooleanLiteral: a train block's context always holds its train declaration
  const validates = decl?.statements.some((s) => s.kind === 'validate') ?? false;
  const words = b.slice(1);
  const metric = (validation: boolean): Candidate[] => [
    { label: 'loss', kind: CompletionItemKind.Keyword, detail: `${validation ? 'the held-out rows’' : 'the training part’s'} loss on the final weights`, documentation: docMarkdown(docFor('expect', 'train-statement')!), snippet: 'loss < ${1:0.01}' },
    ...(classification ? [{ ...keyword('accuracy', 'train-statement'), snippet: 'accuracy > ${1:95}%' }] : []),
  ];
  if (words.length === 0) return [...metric(false), ...(validates ? [keyword('validation', 'train-statement')] : [])];
  if (words.length === 1 && isWord(words[0], 'validation')) return metric(true);
  const last = words[words.length - 1];
  if (words.length <= 2 && isWord(last, 'loss', 'accuracy')) {
    const accuracy = last.text === 'accuracy';
    const bound = accuracy ? '${1:95}%' : '${1:0.01}';
    return (['<', '>'] as const).map((op) => ({
      label: op,
      kind: CompletionItemKind.Operator,
      detail: `the ${accuracy ? 'accuracy' : 'loss'} must end ${op === '<' ? 'below' : 'above'} the bound`,
      snippet: `${op} ${bound}`,
      sortText: (accuracy ? op === '>' : op === '<') ? '0' : '1',
    }));
  }
  return [];
}

/** Each schedule's parameters with a value to start from (docs/language.md §7.3). */
const SCHEDULE_PARAMETERS: Record<string, [string, string][]> = {
  step: [['factor', '0.5'], ['every', '100']],
  exponential: [['factor', '0.99']],
  cosine: [['min', '0']],
  plateau: [['factor', '0.5'], ['patience', '10']],
};

/** `regularize` and `schedule` (docs/language.md §7.2–§7.3), or null when the line is another statement. */
function completeTrainingVocabulary(b: Token[]): Candidate[] | null {
  const first = b[0];
  const lastToken = b[b.length - 1];
  if (isWord(first, 'regularize')) {
    // `regularize ▮` or `regularize l1 0.001 ▮`: the penalties not given yet.
    if (lastToken.kind === 'name' && b.length > 1) return [];
    // Every word of the line counts as given: `regularize` is no penalty's name.
    const used = new Set(b.map((t) => t.text));
    return docsOf('regularizer')
      .filter((doc) => !used.has(doc.word))
      .map((doc) => ({ ...fromDoc(doc, CompletionItemKind.EnumMember), snippet: `${doc.word} \${1:${doc.word === 'l1' ? '0.0001' : '0.001'}}` }));
  }
  if (!isWord(first, 'schedule')) return null;
  if (b.length === 1) {
    return docsOf('schedule').map((doc) => ({
      ...fromDoc(doc, CompletionItemKind.EnumMember),
      snippet: [doc.word, ...SCHEDULE_PARAMETERS[doc.word].map(([name, value], i) => `${name} \${${i + 1}:${value}}`)].join(' '),
    }));
  }
  if (lastToken.kind === 'name' && b.length > 2) return [];
  // Every word of the line counts as given: `schedule` and its kind are no parameter's name.
  const used = new Set(b.map((t) => t.text));
  return (SCHEDULE_PARAMETERS[b[1].text] ?? [])
    .filter(([name]) => !used.has(name))
    .map(([name, value]) => ({ ...fromDoc(docFor(name, 'schedule-parameter')!, CompletionItemKind.Property), snippet: `${name} \${1:${value}}` }));
}

/** A weights block for the file's first network: every row of every layer, each number a placeholder. */
function weightsSnippet(check: CheckResult): string {
  const network = check.networks.values().next().value;
  if (!network) return 'weights ${1:given} for ${2:network} {\n  ${3:layer} W ${4:0}\n  ${3:layer} b ${5:0}\n}\n';
  let tab = 2;
  const rows: string[] = [];
  network.layers.forEach((layer, k) => rows.push(...layerRows(layer.name, layer.units, k === 0 ? network.input : network.layers[k - 1].units, () => tab++)));
  return `weights \${1:given} for ${network.name} {\n${rows.map((row) => `  ${row}`).join('\n')}\n}\n`;
}

/** A layer's rows as snippet lines: `units` W rows of `inputs` placeholders, then its b row. */
function layerRows(name: string, units: number, inputs: number, nextTab: () => number): string[] {
  const cells = (n: number) => Array.from({ length: n }, () => `\${${nextTab()}:0}`).join(' ');
  const rows = Array.from({ length: units }, () => `${name} W ${cells(inputs)}`);
  rows.push(`${name} b ${cells(units)}`);
  return rows;
}

/** In a weights block: the layers of its network not yet given (each also as a snippet of all its rows), then `W` or `b` after a layer's name. */
function completeWeights(context: CompletionContext, check: CheckResult): Candidate[] {
  const b = context.before;
  const decl = context.declaration?.kind === 'weights' ? context.declaration : undefined;
  const network = decl?.network ? check.networks.get(decl.network.text) : undefined;
  if (!decl || !network) return [];
  const rowsOf = (layer: string) => decl.rows.filter((row) => row.layer.text === layer);
  if (b.length === 0) {
    const candidates: Candidate[] = [];
    network.layers.forEach((layer, k) => {
      const inputs = k === 0 ? network.input : network.layers[k - 1].units;
      if (rowsOf(layer.name).length > 0) return;
      const detail = `layer ${k + 1} of ${network.name}: ${layer.units} W ${layer.units === 1 ? 'row' : 'rows'} of ${inputs}, b of ${layer.units}`;
      candidates.push({ label: layer.name, kind: CompletionItemKind.Field, detail, sortText: `0${k}` });
      let tab = 1;
      candidates.push({
        label: `${layer.name} (every row)`,
        kind: CompletionItemKind.Snippet,
        detail,
        snippet: layerRows(layer.name, layer.units, inputs, () => tab++).join('\n'),
        sortText: `1${k}`,
      });
    });
    return candidates;
  }
  if (b.length === 1 && b[0].kind === 'name') {
    const layer = network.layers.find((l) => l.name === b[0].text);
    if (!layer) return [];
    const rows = rowsOf(layer.name).filter((row) => row.span.start < context.prefixStart);
    const out: Candidate[] = [];
    if (rows.filter((row) => row.tokens[0]?.text === 'W').length < layer.units) out.push(fromDoc(docFor('W', 'weights-row')!, CompletionItemKind.Keyword));
    if (!rows.some((row) => row.tokens[0]?.text === 'b')) out.push(fromDoc(docFor('b', 'weights-row')!, CompletionItemKind.Keyword));
    return out;
  }
  return [];
}

/** The checked weights, those for `network` first (the others still listed: the check says why they do not fit). */
function weightsNames(check: CheckResult, network: string | undefined): Candidate[] {
  const names: Candidate[] = [];
  for (const d of check.file.declarations) {
    if (d.kind !== 'weights' || !d.name || names.some((n) => n.label === d.name!.text)) continue;
    const given = check.weights.get(d.name.text);
    const forNetwork = d.network?.text;
    names.push({
      label: d.name.text,
      kind: CompletionItemKind.Constant,
      detail: `weights for ${forNetwork ?? '?'}${given ? (given.file ? ` · from "${given.file}"` : ' · written here') : ' · has errors'}`,
      sortText: `${forNetwork === network ? 0 : 1}${d.name.text}`,
    });
  }
  return names.sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
}

/** Weights files a `weights … from "` may name: `.json` and `.safetensors` files under the spec's folder (two levels deep). */
function weightsFileCompletion(state: DocumentState, offset: number): CompletionItem[] | null {
  let lineStart = offset;
  while (lineStart > 0 && state.text[lineStart - 1] !== '\n' && state.text[lineStart - 1] !== '\r') lineStart--;
  const line = state.text.slice(lineStart, offset);
  const match = /^\s*weights\s+[A-Za-z_]\w*\s+for\s+[A-Za-z_]\w*\s+from\s+("?)([^"]*)$/.exec(line);
  if (!match) return null;
  const options = state.checkOptions;
  // Files are listed only where the check may read them: trusted, from a saved spec.
  if (!options?.readFile || !options.specPath) return [];
  const folder = dirname(options.specPath);
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= 200 || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = resolve(dir, entry.name);
      if (entry.isDirectory() && depth < 2) visit(path, depth + 1);
      else if (entry.isFile() && /\.(json|safetensors)$/i.test(entry.name)) found.push(relative(folder, path).split(sep).join('/'));
    }
  };
  visit(folder, 0);
  const start = offset - match[2].length - match[1].length;
  const range = rangeOf(state.lines, { start, end: offset });
  return found.sort().map((file) => ({
    label: file,
    kind: CompletionItemKind.File,
    detail: /\.safetensors$/i.test(file) ? 'safetensors weights (nn export --format safetensors)' : 'JSON document (nn export --format json)',
    textEdit: { range, newText: quote(file) },
    filterText: `"${file}`,
  }));
}

/**
 * The `train` block snippet: the first network and data set, and the loss that goes with the
 * network's output (cross_entropy after softmax, or after one sigmoid unit on 0/1 targets;
 * mse otherwise) first among the choices; the optimizer, its rate and the epochs are tab stops.
 */
function trainSnippet(check: CheckResult, snippet: (label: string, word: string, body: string, detail: string) => Candidate): Candidate {
  const network = firstName(check, 'network');
  const data = firstName(check, 'data');
  const losses = classifies(check, network, data) ? 'cross_entropy,mse' : 'mse,cross_entropy';
  const body = `train \${1:${network}} on \${2:${data}} {\n  loss \${3|${losses}|}\n  optimizer \${4|sgd,adam|} rate \${5:0.1}\n  epochs \${6:1000}\n}\n`;
  return snippet('train block', 'train', body, 'train NETWORK on DATA { … }');
}

/** Whether the network's output is a classifier's for this data: softmax, or one sigmoid unit with 0/1 targets (any, when the data is unknown). */
function classifies(check: CheckResult, networkName: string, dataName: string): boolean {
  const last = check.networks.get(networkName)?.layers.at(-1);
  if (!last) return false;
  if (last.activation === 'softmax') return true;
  if (last.activation !== 'sigmoid' || last.units !== 1) return false;
  const targets = check.datasets.get(dataName)?.targets;
  return !targets || targets.every((y) => y === 0 || y === 1);
}

function firstName(check: CheckResult, kind: 'network' | 'data'): string {
  return declaredNames(check, kind)[0] ?? (kind === 'network' ? 'network' : 'data');
}

function declaredNames(check: CheckResult, kind: 'network' | 'data'): string[] {
  const names: string[] = [];
  for (const d of check.file.declarations) if (d.kind === kind && d.name && !names.includes(d.name.text)) names.push(d.name.text);
  return names;
}

function networkNames(check: CheckResult): Candidate[] {
  return declaredNames(check, 'network').map((name) => {
    const network = check.networks.get(name);
    return {
      label: name,
      kind: CompletionItemKind.Class,
      detail: network ? `network ${networkShape(network)} · ${params(networkParameters(network))}` : 'network',
    };
  });
}

function dataNames(check: CheckResult): Candidate[] {
  return declaredNames(check, 'data').map((name) => {
    const data = check.datasets.get(name);
    return { label: name, kind: CompletionItemKind.Variable, detail: data ? `data ${datasetSummary(data)}` : 'data' };
  });
}

function toItem(candidate: Candidate, range: Range, markdown: boolean): CompletionItem {
  const item: CompletionItem = { label: candidate.label, kind: candidate.kind };
  if (candidate.detail) item.detail = candidate.detail;
  if (candidate.documentation) {
    item.documentation = markdown ? { kind: MarkupKind.Markdown, value: candidate.documentation } : plainText(candidate.documentation);
  }
  if (candidate.sortText) item.sortText = candidate.sortText;
  const newText = candidate.snippet ?? candidate.insert ?? candidate.label;
  item.textEdit = { range, newText };
  if (candidate.snippet) {
    item.insertTextFormat = InsertTextFormat.Snippet;
    // Filter on the word itself, not on the snippet's label (`layer (snippet)` still matches `la`).
    item.filterText = candidate.snippet.split(/[ ($]/)[0];
  }
  return item;
}
