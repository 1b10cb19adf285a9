// The document outline: networks with their layers, data sets with their size, weights with their network, and train runs named `train NET on DATA`.
//
// The entries come from one walk of the syntax tree: a node that is a symbol gives an
// entry, nested in the entry of the nearest enclosing node that gave one. entryOf
// names the kinds that are symbols and adds what the checked model knows of them.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { DocumentSymbolParams } from 'vscode-languageserver';
import type { CheckResult } from '../language';
import type { LineIndex } from '../language/positions';
import type { DataDecl, LayerStmt, NetworkDecl, Node, Span, TrainDecl, WeightsDecl } from '../language/syntax';
import { walk } from '../language/walk';
import { plural } from '../language/wording';
import { datasetSummary, layerDetail, networkShape, networkParameters, params } from './describe';
import { rangeOf } from './spans';
import { runIndexAt, type DocumentState } from './state';

export function documentSymbols(state: DocumentState, _params: DocumentSymbolParams): DocumentSymbol[] {
  return outline(state.check, state).map((entry) => toSymbol(state.lines, entry));
}

/** One outline entry in offsets, before conversion to LSP ranges. */
export interface OutlineEntry {
  name: string;
  detail: string;
  kind: SymbolKind;
  span: Span;
  selection: Span;
  children: OutlineEntry[];
}

/** The outline from the syntax tree (so it survives errors), enriched with the checked model where it exists. */
export function outline(check: CheckResult, state?: Pick<DocumentState, 'statuses'>): OutlineEntry[] {
  const top: OutlineEntry[] = [];
  /** The entry lists open on the way down, and the nodes that opened them. */
  const lists = [top];
  const owners: Node[] = [check.file];
  walk(
    check.file,
    (node, parent) => {
      if (parent === undefined) return;
      const entry = entryOf(check, node, parent, state);
      if (entry === null) return;
      lists[lists.length - 1].push(entry);
      lists.push(entry.children);
      owners.push(node);
    },
    {
      leave: (node) => {
        if (owners[owners.length - 1] !== node) return;
        owners.pop();
        lists.pop();
      },
      // A value (a word, a number) is never a symbol, and holds none.
      leaves: false,
    },
  );
  return top;
}

function entryOf(check: CheckResult, node: Node, parent: Node, state?: Pick<DocumentState, 'statuses'>): OutlineEntry | null {
  switch (node.kind) {
    case 'network':
      return networkEntry(check, node);
    case 'layer':
      return parent.kind === 'network' ? layerEntry(check, parent, node) : null;
    case 'data':
      return dataEntry(check, node);
    case 'train':
      return trainEntry(check, node, state);
    case 'weights':
      return weightsEntry(check, node);
    default:
      return null;
  }
}

/** The checked network, when it was built from this declaration (duplicates share a name). */
function checkedNetwork(check: CheckResult, decl: NetworkDecl) {
  const network = decl.name ? check.networks.get(decl.name.text) : undefined;
  return network && decl.name && network.nameSpan.start === decl.name.span.start ? network : undefined;
}

function networkEntry(check: CheckResult, decl: NetworkDecl): OutlineEntry | null {
  if (!decl.name) return null;
  const checked = checkedNetwork(check, decl);
  return {
    name: decl.name.text,
    detail: checked ? `${networkShape(checked)} · ${params(networkParameters(checked))}` : 'network',
    kind: SymbolKind.Class,
    span: decl.span,
    selection: decl.name.span,
    children: [],
  };
}

/** A layer of a named network, named as the checker names it (`layer2` when unnamed). */
function layerEntry(check: CheckResult, decl: NetworkDecl, statement: LayerStmt): OutlineEntry | null {
  if (!decl.name) return null;
  const checked = checkedNetwork(check, decl);
  const layerIndex = decl.statements.filter((s) => s.kind === 'layer').indexOf(statement) + 1;
  const index = checked ? checked.layers.findIndex((l) => l.span.start === statement.span.start) : -1;
  const written = [statement.units?.text, statement.activation?.text].filter(Boolean).join(' ');
  return {
    name: statement.name?.text ?? `layer${layerIndex}`,
    detail: checked && index >= 0 ? layerDetail(checked, index, checked.layers[index]) : written,
    kind: SymbolKind.Field,
    span: statement.span,
    selection: statement.name?.span ?? statement.keyword,
    children: [],
  };
}

function dataEntry(check: CheckResult, decl: DataDecl): OutlineEntry | null {
  if (!decl.name) return null;
  const data = check.datasets.get(decl.name.text);
  const source = decl.source;
  let origin = 'data';
  if (source?.kind === 'inline') origin = 'inline';
  else if (source?.kind === 'file') origin = source.path ? `from "${source.path.value}"` : 'from file';
  else if (source?.kind === 'generated') origin = source.generator ? `= ${source.generator.text}(…)` : 'generated';
  return {
    name: decl.name.text,
    detail: data ? `${datasetSummary(data)} · ${origin}` : origin,
    kind: SymbolKind.Variable,
    span: decl.span,
    selection: decl.name.span,
    children: [],
  };
}

function weightsEntry(check: CheckResult, decl: WeightsDecl): OutlineEntry | null {
  if (!decl.name) return null;
  const given = check.weights.get(decl.name.text);
  const origin = decl.path ? `from "${decl.path.value}"` : 'written here';
  const count = given ? ` · ${params(given.layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0))}` : '';
  return {
    name: decl.name.text,
    detail: `for ${decl.network?.text ?? '?'}${count} · ${origin}`,
    kind: SymbolKind.Constant,
    span: decl.span,
    selection: decl.name.span,
    children: [],
  };
}

function trainEntry(check: CheckResult, decl: TrainDecl, state?: Pick<DocumentState, 'statuses'>): OutlineEntry {
  const name = `train ${decl.network?.text ?? '?'} on ${decl.data?.text ?? '?'}`;
  const runIndex = runIndexAt(check, decl.keyword.start);
  const run = runIndex >= 0 ? check.runs[runIndex] : undefined;
  let detail = '';
  if (run) {
    const status = state?.statuses[runIndex];
    const s = run.settings;
    detail = status && status.phase !== 'idle' && status.summary ? status.summary : `${s.loss} · ${s.optimizer.kind} rate ${s.optimizer.rate} · ${plural(s.epochs, 'epoch')}`;
  }
  return { name, detail, kind: SymbolKind.Event, span: decl.span, selection: decl.keyword, children: [] };
}

function toSymbol(lines: LineIndex, entry: OutlineEntry): DocumentSymbol {
  const range = rangeOf(lines, entry.span);
  const selectionRange = rangeOf(lines, entry.selection);
  return {
    name: entry.name,
    detail: entry.detail,
    kind: entry.kind,
    range,
    selectionRange,
    children: entry.children.map((child) => toSymbol(lines, child)),
  };
}
