// The document outline: networks with their layers, data sets with their size, and train runs named `train NET on DATA`.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { DocumentSymbolParams } from 'vscode-languageserver';
import type { CheckResult } from '../language';
import type { LineIndex } from '../language/positions';
import type { DataDecl, Declaration, NetworkDecl, Span, TrainDecl } from '../language/syntax';
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
  const entries: OutlineEntry[] = [];
  for (const declaration of check.file.declarations) {
    const entry = entryOf(check, declaration, state);
    if (entry) entries.push(entry);
  }
  return entries;
}

function entryOf(check: CheckResult, declaration: Declaration, state?: Pick<DocumentState, 'statuses'>): OutlineEntry | null {
  switch (declaration.kind) {
    case 'network':
      return networkEntry(check, declaration);
    case 'data':
      return dataEntry(check, declaration);
    case 'train':
      return trainEntry(check, declaration, state);
  }
}

function networkEntry(check: CheckResult, decl: NetworkDecl): OutlineEntry | null {
  if (!decl.name) return null;
  const network = check.networks.get(decl.name.text);
  // Only trust the checked model when it was built from this declaration (duplicates share a name).
  const checked = network && network.nameSpan.start === decl.name.span.start ? network : undefined;
  const children: OutlineEntry[] = [];
  let layerIndex = 0;
  for (const statement of decl.statements) {
    if (statement.kind !== 'layer') continue;
    layerIndex++;
    const spec = checked?.layers.find((l) => l.span.start === statement.span.start);
    const index = spec ? checked!.layers.indexOf(spec) : -1;
    const name = statement.name?.text ?? `layer${layerIndex}`;
    const written = [statement.units?.text, statement.activation?.text].filter(Boolean).join(' ');
    children.push({
      name,
      detail: spec && index >= 0 ? layerDetail(checked!, index, spec) : written,
      kind: SymbolKind.Field,
      span: statement.span,
      selection: statement.name?.span ?? statement.keyword,
      children: [],
    });
  }
  return {
    name: decl.name.text,
    detail: checked ? `${networkShape(checked)} · ${params(networkParameters(checked))}` : 'network',
    kind: SymbolKind.Class,
    span: decl.span,
    selection: decl.name.span,
    children,
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

function trainEntry(check: CheckResult, decl: TrainDecl, state?: Pick<DocumentState, 'statuses'>): OutlineEntry {
  const name = `train ${decl.network?.text ?? '?'} on ${decl.data?.text ?? '?'}`;
  const runIndex = runIndexAt(check, decl.keyword.start);
  const run = runIndex >= 0 ? check.runs[runIndex] : undefined;
  let detail = '';
  if (run) {
    const status = state?.statuses[runIndex];
    const s = run.settings;
    detail = status && status.phase !== 'idle' && status.summary ? status.summary : `${s.loss} · ${s.optimizer.kind} rate ${s.optimizer.rate} · ${s.epochs} epochs`;
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
