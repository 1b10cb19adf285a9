// "Save trained weights as 'weights …'": after a run, the code action on its `train` line that writes its weights into the spec as a declaration (docs/editor.md "Saving trained weights").
//
// The numbers are the ones the editor shows for the run (its trained result, or the
// weights after its last ⏭ Step), written at full precision (language/weights.ts
// exactNumber), so `start from` that declaration starts from the very same bits. A
// second action also points the run's `start from` at them, so the run goes on from where
// it was. Writing the numbers costs about a millisecond per 1,000 parameters, and editors ask
// for code actions as the cursor moves: a client that resolves edits (`codeAction/resolve`)
// gets the actions without their edit, made when one is chosen; another gets them for
// networks of at most EAGER_PARAMETERS.

import { CodeActionKind, type CodeAction } from 'vscode-languageserver';
import type { LayerParameters, RunSpec } from '../language/model';
import type { Fix, TextEdit } from '../language/problems';
import type { TrainDecl } from '../language/syntax';
import { blockOf } from '../language/walk';
import { weightsDeclarationText } from '../language/weights';
import { toWorkspaceEdit } from './convert';
import { formatNumber } from './describe';
import { runStateOf, type DocumentState } from './state';

/** The most parameters whose weights are written into the actions before one is chosen (for clients that do not resolve edits). */
export const EAGER_PARAMETERS = 20_000;

/** What a save action carries until it is resolved: the document, the run (by its key) and which of the two it is. */
interface SaveWeightsData {
  action: 'save-weights';
  uri: string;
  key: string;
  /** The second action: also `start from` the saved weights. */
  start: boolean;
}

/** The actions for the runs whose `train` line lies in [start, end]. */
export function saveWeightsActions(state: DocumentState, start: number, end: number): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const run of state.check.runs) {
    const line = state.lines.lineOf(run.keywordSpan.start);
    if (line < state.lines.lineOf(start) || line > state.lines.lineOf(end)) continue;
    const found = saveWeightsOf(state, run.key);
    if (!found) continue;
    const lazy = state.client.resolveEdits === true;
    if (!lazy && parameterCount(found.saved) > EAGER_PARAMETERS) continue;
    const fixes = saveWeightsFixes(state.text, state, found.run, found.decl, found.saved, !lazy);
    fixes.forEach((fix, i) => {
      const action: CodeAction = { title: fix.title, kind: CodeActionKind.RefactorExtract };
      if (lazy) action.data = { action: 'save-weights', uri: state.uri, key: run.key, start: i === 1 } satisfies SaveWeightsData;
      else action.edit = toWorkspaceEdit(state.uri, state.lines, fix);
      actions.push(action);
    });
  }
  return actions;
}

/** A save action chosen in a client that resolves edits: its edit, from the document as it is now (unchanged when the run is gone). */
export function resolveSaveWeights(state: DocumentState, action: CodeAction): CodeAction {
  const data = action.data as Partial<SaveWeightsData> | null | undefined;
  if (data?.action !== 'save-weights' || typeof data.key !== 'string') return action;
  const found = saveWeightsOf(state, data.key);
  if (!found) return action;
  const fix = saveWeightsFixes(state.text, state, found.run, found.decl, found.saved)[data.start === true ? 1 : 0];
  return fix ? { ...action, edit: toWorkspaceEdit(state.uri, state.lines, fix) } : action;
}

/** The run of this key, its `train` declaration and the weights it stands at, when there are some to save. */
function saveWeightsOf(state: DocumentState, key: string): { run: RunSpec; decl: TrainDecl; saved: SavedWeights } | null {
  const run = state.check.runs.find((r) => r.key === key);
  const decl = run && state.check.file.declarations.find((d): d is TrainDecl => d.kind === 'train' && d.keyword.start === run.keywordSpan.start);
  const saved = run && savedWeights(state, run);
  return run && decl && saved ? { run, decl, saved } : null;
}

function parameterCount(saved: SavedWeights): number {
  return saved.layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0);
}

/**
 * The weights a run stands at in the editor: trained, or after its last Step; null before either, and
 * for a run that diverged (its last weights led to a loss that is not finite: nothing to go on from).
 */
export interface SavedWeights {
  layers: LayerParameters[];
  /** What the weights are, for the comment above them. */
  origin: string;
  /** The end of the name: `trained` or `stepped`. */
  suffix: string;
}

export function savedWeights(state: DocumentState, run: RunSpec): SavedWeights | null {
  // What every view shows for the run (training/runState.ts): trained, stepped; not a live snapshot that moves on.
  const weights = runStateOf(state, run)?.weights;
  let saved: SavedWeights | null = null;
  if (weights?.source === 'stepped' && weights.step) {
    const step = weights.step;
    const count = weights.position ? `step ${weights.position.steps}` : `update ${step.update}`;
    saved = { layers: [...weights.layers], origin: `after ${count} (epoch ${step.epoch})`, suffix: 'stepped' };
  } else if (weights?.source === 'trained') {
    const result = runStateOf(state, run)?.outcome?.result;
    if (result?.stopped === 'diverged') return null;
    const loss = weights.loss === null ? '' : `, loss ${formatNumber(weights.loss).replace('−', '-')}`;
    saved = { layers: [...weights.layers], origin: `after epoch ${weights.epoch}${loss}`, suffix: 'trained' };
  }
  if (saved === null || saved.layers.length !== run.network.layers.length) return null;
  const finite = saved.layers.every((layer) => layer.weights.every(Number.isFinite) && layer.biases.every(Number.isFinite));
  return finite ? saved : null;
}

/**
 * The two edits: the declaration above the run, named so that it clashes with no other name of the
 * file; and the same plus `start from` that name in the run (replacing the one it has). Without
 * `withNumbers`, the titles alone (the edits are left empty, to be made when one is chosen).
 */
export function saveWeightsFixes(text: string, state: Pick<DocumentState, 'check'>, run: RunSpec, decl: TrainDecl, saved: SavedWeights, withNumbers = true): Fix[] {
  const taken = new Set(state.check.file.declarations.map((d) => (d.kind === 'train' ? undefined : d.name?.text)));
  const base = `${run.network.name}_${saved.suffix}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  const title = `Save trained weights as 'weights ${name}'`;
  const start = startEdit(text, decl, name);
  if (!withNumbers) return [{ title, edits: [] }, ...(start ? [{ title: `${title} and start this run from them`, edits: [] }] : [])];
  const lineStart = lineStartOf(text, decl.span.start);
  const indent = text.slice(lineStart, decl.span.start).replace(/[^ \t]/g, '');
  const comment = `# weights of train ${run.network.name} on ${run.data.name} ${saved.origin}`;
  const body = weightsDeclarationText(name, run.network, saved.layers, run.settings.precision);
  const declaration: TextEdit = {
    span: { start: lineStart, end: lineStart },
    newText: `${[comment, ...body.split('\n')].map((line) => indent + line).join('\n')}\n\n`,
  };
  const fixes: Fix[] = [{ title, edits: [declaration] }];
  if (start) fixes.push({ title: `${title} and start this run from them`, edits: [declaration, start] });
  return fixes;
}

/** `start from NAME` in the run: its name replaced, or the statement added as the block's first line. */
function startEdit(text: string, decl: TrainDecl, name: string): TextEdit | null {
  const existing = decl.statements.find((s) => s.kind === 'start');
  if (existing?.kind === 'start') {
    return existing.weights ? { span: existing.weights.span, newText: name } : { span: { start: existing.span.end, end: existing.span.end }, newText: ` ${name}` };
  }
  const block = blockOf(decl);
  if (!block) return null;
  const first = decl.statements[0];
  const indent = first ? text.slice(lineStartOf(text, first.span.start), first.span.start) : '  ';
  return { span: { start: block.open.end, end: block.open.end }, newText: `\n${/^[ \t]*$/.test(indent) ? indent : '  '}start from ${name}` };
}

function lineStartOf(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  return start;
}
