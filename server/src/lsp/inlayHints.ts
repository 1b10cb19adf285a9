// Inlay hints: each layer's shape and parameter count, each inline row's trained prediction ŷ, each loaded file or generated set's size, and what batch and validate mean in rows.

import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import { heldOutRows } from '../language/model';
import { hintText, verdictMessage } from '../present/expectations';
import type { DataDecl, NetworkDecl, Span, TrainDecl, WeightsDecl } from '../language/syntax';
import { plural } from '../language/wording';
import { datasetSummary, fixed, formatNumber, layerInputs, layerParameters, params } from './describe';
import { runForData } from './hover';
import { runIndexAt, type DocumentState } from './state';

/** A hint before conversion: where (an offset) and what. */
export interface Hint {
  offset: number;
  label: string;
  tooltip?: string;
}

export function inlayHints(state: DocumentState, params_: InlayHintParams): InlayHint[] {
  const start = state.lines.offsetAt(params_.range.start);
  const end = state.lines.offsetAt(params_.range.end);
  return hints(state)
    .filter((h) => h.offset >= start && h.offset <= end)
    .map((h) => {
      const hint: InlayHint = { position: state.lines.positionAt(h.offset), label: h.label, paddingLeft: true };
      if (h.tooltip) hint.tooltip = h.tooltip;
      return hint;
    });
}

/** Every hint of the document, in document order. */
export function hints(state: DocumentState): Hint[] {
  const out: Hint[] = [];
  for (const decl of state.check.file.declarations) {
    if (decl.kind === 'network') out.push(...layerHints(state, decl));
    else if (decl.kind === 'data') out.push(...dataHints(state, decl));
    else if (decl.kind === 'train') out.push(...trainHints(state, decl));
    else out.push(...weightsHints(state, decl));
  }
  return out;
}

/** What `validate` and `batch` mean for this data: rows held out, updates per epoch. */
function trainHints(state: DocumentState, decl: TrainDecl): Hint[] {
  const index = runIndexAt(state.check, decl.keyword.start);
  const run = state.check.runs[index];
  if (!run) return [];
  const rows = run.data.rows;
  const held = heldOutRows(rows, run.settings.validate);
  const training = rows - held;
  const out: Hint[] = [];
  for (const statement of decl.statements) {
    if (statement.kind === 'validate' && run.settings.validate !== null) {
      out.push({ offset: statement.span.end, label: `${held} of ${rows} rows held out`, tooltip: `${plural(training, 'row')} train, ${held} validate (chosen by seed ${run.settings.seed})` });
    } else if (statement.kind === 'batch') {
      const batch = run.settings.batch === 'full' ? training : Math.min(run.settings.batch, training);
      const updates = batch > 0 ? Math.ceil(training / batch) : 0;
      out.push({
        offset: statement.span.end,
        label: `${updates} ${updates === 1 ? 'update' : 'updates'}/epoch`,
        tooltip: `${training} training rows in batches of ${batch}${training % batch !== 0 ? `, the last one of ${training % batch}` : ''}`,
      });
    }
  }
  // Each expectation's verdict after the run: `✓ measured 97.3%` (docs/editor.md "Expectations").
  for (const graded of state.graded?.[index] ?? []) {
    out.push({ offset: graded.expectation.span.end, label: hintText(graded), tooltip: verdictMessage(graded) });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Weights read from a file: how many numbers they give, beside the file's name (as a data file's size is). */
function weightsHints(state: DocumentState, decl: WeightsDecl): Hint[] {
  const given = decl.name ? state.check.weights.get(decl.name.text) : undefined;
  if (!given || !decl.path || given.nameSpan.start !== decl.name!.span.start) return [];
  const count = given.layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0);
  return [{ offset: decl.path.span.end, label: `${given.layers.length} ${given.layers.length === 1 ? 'layer' : 'layers'} · ${params(count)}`, tooltip: `every W and b of network '${given.network}', read from the file` }];
}

function layerHints(state: DocumentState, decl: NetworkDecl): Hint[] {
  const network = decl.name ? state.check.networks.get(decl.name.text) : undefined;
  if (!network || network.nameSpan.start !== decl.name!.span.start) return [];
  return network.layers.map((layer, i) => ({
    offset: layer.span.end,
    label: `${layerInputs(network, i)}→${layer.units} · ${params(layerParameters(network, i))}`,
    tooltip: `W is ${layer.units} × ${layerInputs(network, i)} and b has ${layer.units}: ${layer.units} × (${layerInputs(network, i)} + 1) = ${layerParameters(network, i)} trainable parameters; init ${layer.init}`,
  }));
}

/** A prediction as the hint shows it: three decimals for the usual (0, 1) outputs. */
function prediction(value: number): string {
  return Number.isFinite(value) && Math.abs(value) < 1000 ? fixed(value, 3) : formatNumber(value);
}

function dataHints(state: DocumentState, decl: DataDecl): Hint[] {
  const name = decl.name?.text;
  const data = name ? state.check.datasets.get(name) : undefined;
  const source = decl.source;
  if (!data || !source) return [];
  if (source.kind === 'file' || source.kind === 'generated') {
    const anchor: Span | undefined = source.kind === 'file' ? source.path?.span : source.span;
    return anchor ? [{ offset: anchor.end, label: datasetSummary(data) }] : [];
  }
  const found = runForData(state, data.name);
  const weights = found?.runState.weights;
  const rows = weights?.rows;
  if (!found || !rows || !data.rowSpans) return [];
  const out: Hint[] = [];
  data.rowSpans.forEach((span, r) => {
    const explanation = rows[r];
    if (!explanation) return;
    const y = explanation.output;
    const label = y.length === 1 ? `ŷ ${prediction(y[0])}` : `ŷ (${y.map(prediction).join(', ')})`;
    const lineOfRun = state.lines.positionAt(found.run.keywordSpan.start).line + 1;
    out.push({
      offset: span.end,
      label,
      tooltip: `prediction of train ${found.run.network.name} on ${found.run.data.name} (line ${lineOfRun})${weights?.source === 'live' ? `, live at epoch ${weights.epoch}` : weights?.source === 'trained' ? '' : ` (${weights?.source} weights, epoch ${weights?.epoch})`}; loss ${formatNumber(explanation.loss, 3)}`,
    });
  });
  return out;
}
