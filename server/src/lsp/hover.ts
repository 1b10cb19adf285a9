// Hover: a layer's W, b and δ with their formulas in the layer's own names, a data row's forward and backward pass, a name's summary, a keyword's documentation.
//
// Three steps, as every handler here: find what is under the cursor in the
// syntax tree (hoverTarget), build the text from the checked model and the
// run outcomes (pure functions of DocumentState), convert it to an LSP Hover.

import { CHECK_WRONG } from '../present/health';
import { MarkupKind } from 'vscode-languageserver';
import type { Hover, HoverParams } from 'vscode-languageserver';
import type { Dataset, NetworkSpec, RunSpec } from '../language/model';
import type { DataDecl, DataRow, LayerStmt, NetworkDecl, Node, Span, SpecFile, SyntaxToken, TrainDecl, WeightRow, WeightsDecl, Word } from '../language/syntax';
import { isLeaf, nodePath, tokenAt, tokensOf } from '../language/walk';
import type { LayerState } from '../nn/types';
import { ClientCommands, Commands, type RunStatus } from '../protocol';
import type { RunState, RunWeights } from '../training/runState';
import { positionText } from '../present/summary';
import { datasetSummary, fixed, formatNumber, layerInputs, layerParameters, networkParameters, networkShape } from './describe';
import { iconTitle, type Codicon } from './icons';
import { docFor, docMarkdown, plainText } from './keywordDocs';
import { verdictMessage } from '../present/expectations';
import type { DocCategory } from './keywordDocs';
import { deltaFormula, forwardFormula, layerMark, lossFormula, outputSymbol, sub, unitLabel } from './notation';
import { rangeOf } from './spans';
import { runIndexAt, runStateOf, type DocumentState } from './state';

/** Matrices larger than this show their corners. */
export const MAX_ROWS = 8;
export const MAX_COLUMNS = 6;
/** Runs of one network whose weights a layer's hover shows; the others are counted (docs/editor.md "Several runs of one network"). */
export const MAX_RUNS_SHOWN = 4;

export type HoverTarget =
  | { kind: 'keyword'; word: string; categories: DocCategory[]; span: Span }
  | { kind: 'input'; decl: NetworkDecl; span: Span }
  | { kind: 'layer'; decl: NetworkDecl; statement: LayerStmt; span: Span }
  | { kind: 'row'; decl: DataDecl; row: DataRow; span: Span }
  | { kind: 'network'; name: string; span: Span }
  | { kind: 'data'; name: string; span: Span }
  | { kind: 'weights'; name: string; span: Span }
  | { kind: 'weight-row'; decl: WeightsDecl; row: WeightRow; span: Span };

export function hover(state: DocumentState, params: HoverParams): Hover | null {
  const offset = state.lines.offsetAt(params.position);
  const target = hoverTarget(state.check.file, offset);
  if (!target) return null;
  const text = hoverText(state, target);
  if (!text) return null;
  return {
    contents: state.client.markdown ? { kind: MarkupKind.Markdown, value: text } : { kind: MarkupKind.PlainText, value: plainText(text) },
    range: rangeOf(state.lines, target.span),
  };
}

// ------------------------------------------------------------------ what is under the cursor

/** The documentation category of the statements a node of each kind holds (the declarations are the file's). */
const STATEMENT_CATEGORY: Partial<Record<Node['kind'], DocCategory>> = {
  spec: 'declaration',
  network: 'network-statement',
  data: 'data-statement',
  inline: 'data-statement',
  file: 'data-statement',
  train: 'train-statement',
  weights: 'weights-row',
};

/** Where the words of a fixed set (`value`) and the names of numbers (`parameter`) are documented. */
const VALUE_CATEGORIES: DocCategory[] = ['activation', 'init', 'loss', 'optimizer', 'generator', 'regularizer', 'schedule', 'value'];
const PARAMETER_CATEGORIES: DocCategory[] = ['optimizer-parameter', 'generator-argument', 'schedule-parameter'];

/** The thing under the cursor, from the syntax tree (nodePath); null on blanks, numbers of settings, punctuation. */
export function hoverTarget(file: SpecFile, offset: number): HoverTarget | null {
  const path = nodePath(file, offset);
  const node = path[path.length - 1];
  if (node === undefined) return null;
  if (node.kind === 'word') {
    const target = wordTarget(node);
    if (target !== undefined) return target;
  }
  // A value without a meaning of its own (a number, a layer's name) means what its statement means.
  const at = isLeaf(node) ? path.length - 2 : path.length - 1;
  const owner = path[at];
  const parent = at > 0 ? path[at - 1] : file;
  if (owner === undefined) return null;
  const decl = path[0];
  switch (owner.kind) {
    case 'input':
      if (parent.kind === 'network') return { kind: 'input', decl: parent, span: owner.span };
      return null;
    case 'layer': {
      // The layer's own keyword shows the layer; `init` has its documentation.
      const token = owner === node ? tokenAt(owner, offset) : undefined;
      if (token !== undefined && token.kind === 'keyword' && token !== owner.tokens[0]) return keywordTarget(owner, parent, token);
      return parent.kind === 'network' ? { kind: 'layer', decl: parent, statement: owner, span: owner.span } : null;
    }
    case 'row':
      return decl.kind === 'data' ? { kind: 'row', decl, row: owner, span: owner.span } : null;
    case 'file':
      // The path names the data set's file: show the data set.
      if (node.kind === 'string' && decl.kind === 'data' && decl.name) return { kind: 'data', name: decl.name.text, span: node.span };
      break;
    case 'weights':
      // The path names the weights' file: show the weights.
      if (node.kind === 'string' && owner.name) return { kind: 'weights', name: owner.name.text, span: node.span };
      break;
    case 'weight-row': {
      // `W` and `b` have their documentation; the rest of the row says what its numbers are.
      const token = owner === node ? tokenAt(owner, offset) : undefined;
      if (token !== undefined && token.kind === 'keyword') return keywordTarget(owner, parent, token);
      return parent.kind === 'weights' ? { kind: 'weight-row', decl: parent, row: owner, span: owner.span } : null;
    }
  }
  if (owner !== node) return null;
  const token = tokenAt(node, offset);
  return token === undefined || token.kind === 'punctuation' ? null : keywordTarget(node, parent, token);
}

/** A word's own meaning: a name, or a documented value or parameter; undefined for a word that means what its statement means. */
function wordTarget(word: Word): HoverTarget | null | undefined {
  switch (word.role) {
    case 'network':
      return { kind: 'network', name: word.text, span: word.span };
    case 'data':
      return { kind: 'data', name: word.text, span: word.span };
    case 'weights':
      return { kind: 'weights', name: word.text, span: word.span };
    case 'value':
      return { kind: 'keyword', word: word.text, categories: VALUE_CATEGORIES, span: word.span };
    case 'parameter':
      return { kind: 'keyword', word: word.text, categories: PARAMETER_CATEGORIES, span: word.span };
    case 'unknown':
      return null;
    default:
      return undefined;
  }
}

/**
 * A keyword or operator of a node. The node's own keyword is documented in the category
 * of its place; a later keyword by the entry the table has for it in this statement
 * (`init` in `layer … init he`, `on` in `train … on …`), else, as an operator is, by
 * the statement's keyword (the `loss` and `<` of `stop when loss <` explain `stop`).
 */
function keywordTarget(node: Node, parent: Node, token: SyntaxToken): HoverTarget | null {
  const category = STATEMENT_CATEGORY[parent.kind];
  const categories = category === undefined ? [] : [category];
  const lead = tokensOf(node)[0];
  if (lead === undefined || lead.kind !== 'keyword') return null;
  // A word of several statements lists each one's syntax, separated by ` · ` (`onehot` in `target` and `encode`).
  const syntaxes = docFor(token.text, ...categories)?.syntax.split(' · ') ?? [];
  const own = token.kind === 'keyword' && (token === lead || syntaxes.some((syntax) => syntax.startsWith(`${lead.text} `)));
  return { kind: 'keyword', word: own ? token.text : lead.text, categories, span: token.span };
}

// ------------------------------------------------------------------ text of each kind

export function hoverText(state: DocumentState, target: HoverTarget): string | null {
  switch (target.kind) {
    case 'keyword':
      return keywordText(state, target.word, target.categories, target.span);
    case 'input':
      return inputText(state, target.decl);
    case 'layer':
      return layerText(state, target.decl, target.statement);
    case 'row':
      return rowText(state, target.decl, target.row);
    case 'network':
      return networkText(state, target.name);
    case 'data':
      return dataText(state, target.name);
    case 'weights':
      return weightsText(state, target.name);
    case 'weight-row':
      return weightRowText(state, target.decl, target.row);
  }
}

function keywordText(state: DocumentState, word: string, categories: DocCategory[], span: Span): string | null {
  const doc = docFor(word, ...categories);
  if (!doc) return null;
  const parts = [docMarkdown(doc)];
  // On a run's `train` keyword (no other word starts where a run does), say where the run stands and what it will
  // do (defaults resolved) before explaining the keyword.
  const index = state.check.runs.findIndex((r) => r.keywordSpan.start === span.start);
  if (index >= 0) {
    const run = state.check.runs[index];
    const status = state.statuses[index];
    const title = `**run ${run.index}** · train ${run.network.name} on ${run.data.name}${status.summary ? ` · ${status.summary}` : ''}`;
    parts.unshift(`${title}\n\n${code(settingsLines(state, run))}`);
  }
  // On an `expect`, first its verdict after the run, as its line shows it (docs/editor.md "Expectations").
  const graded = state.graded?.flatMap((list) => list ?? []).find((g) => span.start >= g.expectation.span.start && span.start < g.expectation.span.end);
  if (graded) parts.unshift(`${verdictMessage(graded)}; measured on the final weights of the run's last training`);
  return parts.join('\n\n---\n\n');
}

/** The run's settings with every default resolved, defaults marked, one per line. */
function settingsLines(state: DocumentState, run: RunSpec): string[] {
  const decl = state.check.file.declarations.find((d): d is TrainDecl => d.kind === 'train' && d.keyword.start === run.keywordSpan.start);
  const written = new Set<string>(decl?.statements.map((st) => st.kind) ?? []);
  const s = run.settings;
  const o = s.optimizer;
  const optimizer = o.kind === 'sgd' ? `sgd rate ${o.rate}${o.momentum ? ` momentum ${o.momentum}` : ''}` : `adam rate ${o.rate} beta1 ${o.beta1} beta2 ${o.beta2} epsilon ${o.epsilon}`;
  const entries: [string, string][] = [
    ['loss', `loss ${s.loss}`],
    ['optimizer', `optimizer ${optimizer}`],
    ['epochs', `epochs ${s.epochs}`],
    ['batch', `batch ${s.batch}`],
    ['seed', `seed ${s.seed}`],
    ['stop', s.stopLoss !== null ? `stop when loss < ${s.stopLoss}` : s.stopValidationLoss != null ? `stop when validation loss < ${s.stopValidationLoss}` : 'no stop target'],
    ['validate', s.validate === null ? 'no validation' : `validate ${Math.round(s.validate * 1000) / 10}%`],
    ['precision', `precision ${s.precision}`],
    ...vocabularyLines(s),
    ['start', s.start === null ? 'weights drawn from the seed' : `start from ${s.start.name}`],
  ];
  const width = Math.max(...entries.map(([, text]) => text.length));
  return entries.map(([kind, text]) => (written.has(kind) ? text : `${text.padEnd(width)}  (default)`));
}

/** The settings of docs/language.md §7.2–§7.4 as settingsLines writes them, keyed by their statement. */
function vocabularyLines(s: RunSpec['settings']): [string, string][] {
  const r = s.regularization;
  return [
    ['regularize', r ? `regularize ${[r.l1 ? `l1 ${r.l1}` : '', r.l2 ? `l2 ${r.l2}` : ''].filter(Boolean).join(' ')}` : 'no penalty'],
    [
      'schedule',
      s.schedule ? `schedule ${Object.entries(s.schedule).map(([key, value]) => (key === 'kind' ? value : `${key} ${value}`)).join(' ')}` : 'no schedule (constant rate)',
    ],
    ['patience', s.patience != null ? `patience ${s.patience}` : 'no early stopping'],
  ];
}

/** A run of this version with its one state. */
export interface RunInView {
  run: RunSpec;
  runState: RunState;
}

/** The runs of this network, in the file's order, each with its state. */
export function runsOfNetwork(state: DocumentState, network: string): RunInView[] {
  return state.check.runs.flatMap((run, i) => (run.network.name === network ? [{ run, runState: state.runStates[i] }] : []));
}

/** The runs on this data set, in the file's order, each with its state. */
export function runsOfData(state: DocumentState, data: string): RunInView[] {
  return state.check.runs.flatMap((run, i) => (run.data.name === data ? [{ run, runState: state.runStates[i] }] : []));
}

/** The run whose per-row explanations a data row's hint shows: the first on this data set whose weights explain its rows, else the first. */
export function runForData(state: DocumentState, data: string): RunInView | null {
  const runs = runsOfData(state, data);
  return runs.find((r) => r.runState.weights?.rows) ?? runs[0] ?? null;
}

/** Why there are no numbers yet: no run uses the name, or the runs that do have errors. */
function unusedNote(state: DocumentState, kind: 'network' | 'data', name: string): string {
  const what = kind === 'network' ? 'network' : 'data set';
  const users = state.check.file.declarations.filter(
    (d): d is TrainDecl => d.kind === 'train' && (kind === 'network' ? d.network?.text : d.data?.text) === name,
  );
  if (users.length === 0) return `No \`train\` block uses ${what} '${name}' yet.`;
  const line = state.lines.positionAt(users[0].keyword.start).line + 1;
  return `Not trainable yet: fix the errors of \`train\` on line ${line} to see the numbers.`;
}

/** Words with their codicon, for a client that draws codicons in markdown. */
function hoverIcon(state: DocumentState, icon: Codicon, words: string): string {
  return state.client.markdown ? iconTitle(state.client, icon, words) : words;
}

function commandLink(state: DocumentState, title: string, command: string, run: RunSpec): string {
  if (!state.client.commandLinks || !state.client.markdown) return title;
  const args = encodeURIComponent(JSON.stringify([state.uri, state.lines.positionAt(run.keywordSpan.start).line]));
  return `[${title}](command:${command}?${args})`;
}

function runName(state: DocumentState, run: RunSpec): string {
  return `train ${run.network.name} on ${run.data.name} (line ${state.lines.positionAt(run.keywordSpan.start).line + 1})`;
}

function checkedNetwork(state: DocumentState, decl: NetworkDecl): NetworkSpec | undefined {
  const network = decl.name ? state.check.networks.get(decl.name.text) : undefined;
  return network && network.nameSpan.start === decl.name!.span.start ? network : undefined;
}

function code(lines: string[]): string {
  return '```text\n' + lines.join('\n') + '\n```';
}

/** `input N`: what x is for this network's run (the data's input columns), then the keyword's documentation. */
function inputText(state: DocumentState, decl: NetworkDecl): string | null {
  const doc = docFor('input', 'network-statement');
  const network = checkedNetwork(state, decl);
  const found = network ? (runsOfNetwork(state, network.name)[0] ?? null) : null;
  const parts: string[] = [];
  if (network && found) {
    const data = found.run.data;
    const columns = data.inputNames.length === network.input ? data.inputNames.map(markdownName).join(', ') : '';
    const normalized = data.normalize ? `, normalized (${data.normalize})` : '';
    parts.push(`**input ${network.input}** — x = (${Array.from({ length: network.input }, (_, j) => `x${sub(j + 1)}`).join(', ')}): ${columns ? `${columns} of ` : ''}data '${data.name}'${normalized}, in ${runName(state, found.run)}`);
  }
  if (doc) parts.push(docMarkdown(doc));
  return parts.length > 0 ? parts.join('\n\n---\n\n') : null;
}

function layerText(state: DocumentState, decl: NetworkDecl, statement: LayerStmt): string | null {
  const network = checkedNetwork(state, decl);
  if (!network) {
    // An unchecked network still has a shape worth naming, as written.
    const written = [statement.name?.text, statement.units?.text, statement.activation?.text].filter(Boolean).join(' ');
    return `**layer** ${written}\n\nFix the errors in network '${decl.name?.text ?? ''}' to see its shape and weights.`;
  }
  const index = network.layers.findIndex((l) => l.span.start === statement.span.start);
  if (index < 0) return null;
  const k = index + 1;
  const layer = network.layers[index];
  const inputs = layerInputs(network, index);
  const dropout = layer.dropout ? `, dropout ${Number((layer.dropout * 100).toPrecision(12))}% in training` : '';
  const header = `**layer ${layer.name}** — dense ${inputs} → ${layer.units}, ${layer.activation}${dropout} · ${layerParameters(network, index)} parameters`;
  const parts = [header, code([forwardFormula(network, k)])];
  const runs = runsOfNetwork(state, network.name);
  if (runs.length === 0) {
    parts.push(`W${layerMark(k)} is ${layer.units} × ${inputs}, b${layerMark(k)} has ${layer.units}; init ${layer.init}.`);
    parts.push(unusedNote(state, 'network', network.name));
    return parts.join('\n\n');
  }
  // Each run of the network trains its own weights: every run's are shown, each named by its line.
  const several = runs.length > 1;
  for (const found of runs.slice(0, MAX_RUNS_SHOWN)) {
    if (several) parts.push('---', `**${runName(state, found.run)}** · ${statusOf(state, found.run)?.position ?? ''}`);
    parts.push(...layerSection(state, network, index, found, several));
  }
  // A file may train one network hundreds of times: the hover stays readable (and quick) with the first few.
  const more = runs.length - MAX_RUNS_SHOWN;
  if (more > 0) parts.push('---', `and ${more} more ${more === 1 ? 'run' : 'runs'} of ${network.name}`);
  return parts.join('\n\n');
}

/** One run's part of a layer hover: its weights now (live, trained, stepped or reset), or how to get some. */
function layerSection(state: DocumentState, network: NetworkSpec, index: number, { run, runState }: RunInView, several: boolean): string[] {
  const k = index + 1;
  const layer = network.layers[index];
  const inputs = layerInputs(network, index);
  const loss = run.settings.loss;
  const rows = Array.from({ length: layer.units }, (_, i) => unitLabel(network, k, i));
  const columns = [...Array.from({ length: inputs }, (_, j) => unitLabel(network, k - 1, j)), 'b'];
  const weights = runState.weights;
  const now = weights?.layers[index];
  const parts: string[] = [];
  // Weights without this layer's state (a failed run) show the untrained view.
  if (weights?.step && now && weights.step.before[index] && weights.step.after[index]) {
    parts.push(...stepLines(state, network, index, run, weights, rows, columns));
  } else if (weights && now) {
    if (weights.source === 'live') {
      const icon = state.client.markdown && state.client.icons ? '$(pulse) ' : '';
      parts.push(`${icon}**${weightsPosition(weights, run)} · live**: the training's latest snapshot; hover again for newer weights`);
    } else if (weights.source === 'initial') {
      parts.push(`**${weightsPosition(weights, run)}** (Reset): ${hoverIcon(state, 'debug-step-over', 'Step')} makes the first update from here`);
    }
    // From given weights (`start from`), as many decimals as show how far training moved them.
    const given = run.settings.start?.layers[index];
    parts.push(code(matrixLines(rows, columns, now, given ? decimalsToShow(changeOf(given, now)) : undefined)));
    const updated = weights.epoch > 0;
    const tail = `${weightsEpoch(weights, runState)}${vocabularyTail(run, runState)}`;
    parts.push(
      code([
        updated ? `δ${layerMark(k)} of the last update (batch mean): ${vector(now.delta)}` : `δ${layerMark(k)}: no update yet`,
        deltaFormula(network, k, loss),
        ...dropoutLines(network, k),
        `‖∂L/∂W${layerMark(k)}‖ = ${updated ? formatNumber(now.gradientNorm) : '0'} · ${tail}`,
      ]),
    );
  } else {
    parts.push(code([deltaFormula(network, k, loss)]));
    const given = run.settings.start?.layers[index];
    if (given && run.settings.start) {
      // `start from w` (docs/language.md §7.1): the run starts from these numbers, not from a draw.
      parts.push(`W${layerMark(k)} and b${layerMark(k)} before training: ${givenBy(state, run.settings.start.name)}`);
      parts.push(code(matrixLines(rows, columns, { ...given, units: layer.units, inputs })));
    } else {
      parts.push(`W${layerMark(k)} is ${layer.units} × ${inputs}, b${layerMark(k)} has ${layer.units}; init ${layer.init}.`);
    }
    if (runState.phase === 'running' || runState.phase === 'queued') parts.push('training: its first snapshot of the weights is on its way.');
    else parts.push(`not trained yet — ${commandLink(state, hoverIcon(state, 'play', 'Train'), Commands.train, run)} · ${commandLink(state, hoverIcon(state, 'debug-step-over', 'Step'), Commands.step, run)}`);
    return parts;
  }
  const abbreviated = layer.units > MAX_ROWS || inputs > MAX_COLUMNS;
  const footer = several ? [] : [`from ${runName(state, run)}`];
  if (run.settings.start) footer.push(`started from the weights ${givenBy(state, run.settings.start.name)}`);
  // The panel opens only from a client that runs command links; elsewhere a link title would be noise.
  // The run's last gradient check, this layer's figure (docs/editor.md "Checking gradients").
  const checked = runState.gradientCheck;
  const layerCheck = checked?.check.layers[index];
  if (checked && layerCheck) {
    parts.push(`gradient check (weights of epoch ${checked.epoch}): largest relative error ${layerCheck.error.toExponential(1)} over ${layerCheck.checked} of ${layerCheck.of} parameters: ${layerCheck.error <= CHECK_WRONG ? 'backprop is the slope' : 'backprop differs from the slope'}`);
  }
  if (state.client.commandLinks && state.client.markdown) {
    footer.push(commandLink(state, abbreviated ? 'Show all weights' : hoverIcon(state, 'graph-line', 'Show training'), ClientCommands.showTraining, run));
    footer.push(commandLink(state, hoverIcon(state, 'check', 'Check gradients'), Commands.checkGradients, run));
  }
  if (footer.length > 0) parts.push(footer.join(' · '));
  return parts;
}

/**
 * A layer after Step: the update (which step, from where), the rule of the run's optimizer,
 * W before, the gradient, W after and the change ΔW, with as many decimals in W as it takes
 * for the change to show (docs/editor.md "Step and Reset").
 */
function stepLines(state: DocumentState, network: NetworkSpec, index: number, run: RunSpec, weights: RunWeights, rows: string[], columns: string[]): string[] {
  const k = index + 1;
  const step = weights.step!;
  const before = step.before[index];
  const after = step.after[index];
  const opt = run.settings.optimizer;
  const rule =
    opt.kind === 'adam'
      ? `W${layerMark(k)} ← W${layerMark(k)} − η m̂ / (√v̂ + ε)  (Adam; b likewise)`
      : opt.momentum > 0
        ? `v ← μv − η ∂L/∂W${layerMark(k)},  W${layerMark(k)} ← W${layerMark(k)} + v  (μ = ${opt.momentum}; b likewise)`
        : `W${layerMark(k)} ← W${layerMark(k)} − η ∂L/∂W${layerMark(k)},  b${layerMark(k)} ← b${layerMark(k)} − η ∂L/∂b${layerMark(k)}`;
  const position = weights.position;
  const from = position ? (position.from === 'trained' ? ` from the weights trained to epoch ${trainedEpoch(state, run)}` : ' from the initial weights') : '';
  const count = position ? `step ${position.steps}` : `update ${step.update}`;
  const change = {
    ...after,
    weights: Float64Array.from(after.weights, (w, i) => w - before.weights[i]),
    biases: Float64Array.from(after.biases, (b, i) => b - before.biases[i]),
  };
  const decimals = decimalsToShow(change);
  return [
    `${hoverIcon(state, 'debug-step-over', `**${position ? weightsPosition(weights, run) : `${count} · epoch ${step.epoch}`}**`)} —${from} · batch of ${step.batchSize} · batch loss ${formatNumber(step.batchLoss)} (before the update) · η = ${step.learningRate}`,
    code([rule]),
    `W${layerMark(k)} before:`,
    code(matrixLines(rows, columns, before, decimals)),
    `∂L/∂W${layerMark(k)} = δ${layerMark(k)} ${outputSymbol(network, k - 1)}ᵀ${penaltyTerm(run)} (column b: ∂L/∂b${layerMark(k)} = δ${layerMark(k)}), batch mean:`,
    code(matrixLines(rows, columns, { ...after, weights: after.weightGradient, biases: after.biasGradient }, 'scaled')),
    `W${layerMark(k)} after:`,
    code(matrixLines(rows, columns, after, decimals)),
    `ΔW${layerMark(k)} = W${layerMark(k)} after − W${layerMark(k)} before (column b: Δb${layerMark(k)}):`,
    code(matrixLines(rows, columns, change, 'scaled')),
    code([`δ${layerMark(k)} of this update (batch mean): ${vector(after.delta)}`, deltaFormula(network, k, run.settings.loss)]),
  ];
}

/** Where the weights stand, in the words of the run's status (present/summary.ts positionText): `step 3 · epoch 3 · loss 0.24`. */
function weightsPosition(weights: RunWeights, run: RunSpec): string {
  const position = weights.position;
  return positionText({ phase: 'done', epoch: weights.epoch, loss: weights.loss, step: position?.steps ?? null, stepFrom: position?.from ?? null }, run);
}

/** The epoch the run's training reached, for "from the weights trained to epoch N". */
function trainedEpoch(state: DocumentState, run: RunSpec): number {
  return runStateOf(state, run)?.outcome?.result?.epochs ?? 0;
}

/**
 * Decimals for W before and after a step: three, or more when the update is smaller, so the
 * largest change shows in its first two significant digits (up to ten decimals).
 */
export function decimalsToShow(change: Pick<LayerState, 'weights' | 'biases'>): number {
  let largest = 0;
  for (const v of change.weights) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  for (const v of change.biases) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return 3;
  return Math.min(10, Math.max(3, 1 - Math.floor(Math.log10(largest))));
}

/** `given by weights w, line N`: where a run's start weights are declared. */
function givenBy(state: DocumentState, name: string): string {
  const given = state.check.weights.get(name);
  return given ? `given by weights ${name}, line ${state.lines.positionAt(given.nameSpan.start).line + 1}` : `of weights ${name}`;
}

/**
 * The epoch the shown weights are at: `epoch 56868 · live` while training, `epoch 362 (kept by
 * patience; trained to 412)` after patience went back to its best epoch (docs/language.md §7.4).
 */
function weightsEpoch(weights: RunWeights, runState: RunState): string {
  if (weights.source === 'live') return `epoch ${weights.epoch} · live`;
  const result = runState.outcome?.result;
  const best = result?.bestEpoch ?? null;
  if (weights.source === 'trained' && result && best !== null && best !== result.epochs) return `epoch ${best} (kept by patience; trained to ${result.epochs})`;
  return `epoch ${weights.epoch}`;
}

/**
 * The rate and penalty beside the norm (docs/language.md §7.2–§7.3): while training, the latest
 * epoch's; after it, the result's (the rate of its last epoch, the penalty of the kept weights).
 */
function vocabularyTail(run: RunSpec, runState: RunState): string {
  const live = runState.weights?.source === 'live' ? runState.progress : null;
  const result = runState.weights?.source === 'trained' ? runState.outcome?.result : null;
  const rate = live?.rate ?? result?.rate ?? run.settings.optimizer.rate;
  const penalty = live ? live.penalty : result?.penalty;
  return ` · rate ${rate}${penalty != null ? ` · penalty ${formatNumber(penalty)}` : ''}`;
}

/** The penalty's terms of a weight's gradient (docs/language.md §7.2), as the step's hover writes them after δ aᵀ. */
function penaltyTerm(run: RunSpec): string {
  const r = run.settings.regularization;
  if (!r) return '';
  return `${r.l2 ? ` + ${r.l2} W` : ''}${r.l1 ? ` + ${r.l1} sign(W)` : ''}`;
}

/** With dropout on layer k (docs/language.md §7.2): how its δ and what it passes on change in training. */
function dropoutLines(network: NetworkSpec, k: number): string[] {
  const share = network.layers[k - 1].dropout;
  if (!share) return [];
  return [`in training, ⊙ m${layerMark(k)}: each unit dropped (0) with probability ${Number((share * 100).toPrecision(12))}%, else × 1/(1 − ${share}); evaluation never drops`];
}

/** Indices shown along one axis: all of them, or the first three, a gap (-1) and the last two. */
function shownIndices(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  return [0, 1, 2, -1, count - 2, count - 1];
}

/** W and b after − before. */
function changeOf(before: Pick<LayerState, 'weights' | 'biases'>, after: Pick<LayerState, 'weights' | 'biases'>): Pick<LayerState, 'weights' | 'biases'> {
  return {
    weights: Float64Array.from(after.weights, (w, i) => w - before.weights[i]),
    biases: Float64Array.from(after.biases, (b, i) => b - before.biases[i]),
  };
}

/**
 * W with b as a last column, labelled rows and columns, numbers right-aligned; corners only when
 * large. Three decimals by default (one past 100), `decimals` to show more, or 'scaled' for
 * the decimals that give the largest entry three significant digits (a small change ΔW).
 */
export function matrixLines(
  rowLabels: string[],
  columnLabels: string[],
  layer: Pick<LayerState, 'weights' | 'biases' | 'units' | 'inputs'>,
  decimals?: number | 'scaled',
): string[] {
  const inputs = layer.inputs;
  const rowsShown = shownIndices(layer.units, MAX_ROWS);
  const columnsShown = shownIndices(inputs, MAX_COLUMNS);
  let largest = 0;
  for (const v of layer.weights) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  for (const v of layer.biases) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  const cell =
    decimals === 'scaled'
      ? sharedScale([...layer.weights, ...layer.biases])
      : (v: number): string =>
          largest >= 0.001 && largest < 1e5 ? fixed(v, Math.max(decimals ?? 0, largest >= 100 ? 1 : 3)) : formatNumber(v);
  const table: string[][] = [];
  table.push(['', ...columnsShown.map((j) => (j < 0 ? '…' : columnLabels[j])), 'b']);
  for (const i of rowsShown) {
    if (i < 0) {
      table.push(['⋮', ...columnsShown.map(() => '⋮'), '⋮']);
      continue;
    }
    table.push([rowLabels[i], ...columnsShown.map((j) => (j < 0 ? '…' : cell(layer.weights[i * inputs + j]))), cell(layer.biases[i])]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => [...row[c]].length)));
  return table.map((row) =>
    row
      .map((text, c) => (c === 0 ? text + ' '.repeat(widths[0] - [...text].length) : ' '.repeat(widths[c] - [...text].length) + text))
      .join('   ')
      .trimEnd(),
  );
}

/**
 * `[0.0012, −0.0004]`, or `0.0012` for one value; long vectors keep their ends.
 * All entries share one number of decimals (enough for `digits` significant
 * digits of the largest), so small entries read as small next to large ones.
 */
export function vector(values: ArrayLike<number>, digits = 3): string {
  const all = Array.from(values);
  if (all.length === 1) return formatNumber(all[0], digits);
  const cell = sharedScale(all, digits);
  const shown = all.length > 8 ? [...all.slice(0, 6).map(cell), '…', cell(all[all.length - 1])] : all.map(cell);
  return `[${shown.join(', ')}]`;
}

/** A formatter with the decimals that give the largest finite value `digits` significant digits. */
export function sharedScale(values: readonly number[], digits = 3): (value: number) => string {
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0 || largest >= 1e6 || largest < 1e-7) return (v) => formatNumber(v, digits);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(largest)));
  return (v) => fixed(v, decimals);
}

/** `(0, 1)` for x; a single number stays bare. */
function tuple(values: readonly number[], digits = 4): string {
  if (values.length === 1) return formatNumber(values[0], digits);
  const shown = values.length > 8 ? [...values.slice(0, 6).map((v) => formatNumber(v, digits)), '…', formatNumber(values[values.length - 1], digits)] : values.map((v) => formatNumber(v, digits));
  return `(${shown.join(', ')})`;
}

function rowText(state: DocumentState, decl: DataDecl, row: DataRow): string | null {
  const name = decl.name?.text;
  const data = name ? state.check.datasets.get(name) : undefined;
  const index = data?.rowSpans ? data.rowSpans.findIndex((s) => s.start === row.span.start) : -1;
  const inputs = index >= 0 && data ? Array.from(data.inputs.subarray(index * data.inputWidth, (index + 1) * data.inputWidth)) : row.inputs.map((n) => n.value);
  const targets = index >= 0 && data ? Array.from(data.targets.subarray(index * data.targetWidth, (index + 1) * data.targetWidth)) : row.targets.map((n) => n.value);
  const ordinal = index >= 0 ? index + 1 : (decl.source?.kind === 'inline' ? decl.source.rows.indexOf(row) + 1 : 0);
  const sample = `sample ${ordinal}: x = ${tuple(inputs)}, target y = ${tuple(targets)}`;
  const runs = name ? runsOfData(state, name) : [];
  const explained = index >= 0 ? runs.filter((r) => r.runState.weights?.rows?.[index]) : [];
  if (explained.length === 0) {
    const parts = [code([sample])];
    const first = runs[0];
    if (first && (first.runState.phase === 'running' || first.runState.phase === 'queued')) parts.push('training: the first snapshot of the weights is on its way.');
    else if (first) parts.push(`not trained yet — ${commandLink(state, hoverIcon(state, 'play', 'Train'), Commands.train, first.run)}`);
    else if (name) parts.push(unusedNote(state, 'data', name));
    return parts.join('\n\n');
  }
  // Every run on this data explains the row through its own weights, each named by its line.
  const parts: string[] = [];
  explained.slice(0, MAX_RUNS_SHOWN).forEach(({ run, runState }, i) => {
    const weights = runState.weights!;
    const explanation = weights.rows![index];
    const network = run.network;
    const L = network.layers.length;
    const lines = i === 0 ? [sample] : [];
    lines.push(`ŷ = ${tuple(explanation.output)}, loss ${lossFormula(network, run.settings.loss)} = ${formatNumber(explanation.loss, 3)}`);
    for (let k = L; k >= 1 && explanation.deltas[k - 1]; k--) {
      lines.push(`${deltaFormula(network, k, run.settings.loss)} = ${vector(explanation.deltas[k - 1])}`);
    }
    if (i > 0) parts.push('---');
    parts.push(code(lines));
    const notes = [`through the ${weightsWords(weights)} of ${runName(state, run)}`];
    if (data?.normalize) notes.push(`inputs normalized (${data.normalize}) before the first layer`);
    parts.push(notes.join(' · '));
  });
  const more = explained.length - MAX_RUNS_SHOWN;
  if (more > 0) parts.push('---', `and ${more} more ${more === 1 ? 'run' : 'runs'} on ${name}`);
  return parts.join('\n\n');
}

/** Which weights a row was explained with: `trained weights`, `live weights (epoch 1200)`, … */
function weightsWords(weights: RunWeights): string {
  switch (weights.source) {
    case 'live':
      return `live weights (epoch ${weights.epoch})`;
    case 'trained':
      return 'trained weights';
    case 'initial':
      return 'initial weights (Reset)';
    case 'stepped':
      return `stepped weights (step ${weights.position?.steps ?? 0}, epoch ${weights.epoch})`;
  }
}

/** A run's status (its one state in words), of this version. */
function statusOf(state: DocumentState, run: RunSpec): RunStatus | undefined {
  return state.statuses[runIndexAt(state.check, run.keywordSpan.start)];
}

function networkText(state: DocumentState, name: string): string | null {
  const network = state.check.networks.get(name);
  if (!network) return state.check.file.declarations.some((d) => d.kind === 'network' && d.name?.text === name) ? `**network ${name}** — has errors` : `no network named '${name}'`;
  const labels = ['input', ...network.layers.map((l) => l.name)];
  const width = Math.max(...labels.map((l) => l.length));
  const lines = [`${'input'.padEnd(width)}  ${network.input}`];
  network.layers.forEach((layer, i) => {
    const shape = `W${layerMark(i + 1)} ${layer.units}×${layerInputs(network, i)} + b ${layer.units} = ${layerParameters(network, i)}`;
    lines.push(`${layer.name.padEnd(width)}  ${String(layer.units).padEnd(4)} ${layer.activation.padEnd(10)} ${shape}`);
  });
  const parts = [`**network ${name}** — ${networkShape(network)} · ${networkParameters(network).toLocaleString('en-US')} parameters`, code(lines)];
  const runs = state.check.runs.filter((r) => r.network.name === name);
  if (runs.length > 0) {
    parts.push(runs.map((r) => `${runName(state, r)}${statusSuffix(state, r)}`).join('  \n'));
  }
  return parts.join('\n\n');
}

function statusSuffix(state: DocumentState, run: RunSpec): string {
  const status = state.statuses[state.check.runs.indexOf(run)];
  return status?.summary && status.phase !== 'idle' ? `: ${status.summary}` : '';
}

function dataText(state: DocumentState, name: string): string | null {
  const data = state.check.datasets.get(name);
  const decl = state.check.file.declarations.find((d): d is DataDecl => d.kind === 'data' && d.name?.text === name);
  const pending = state.check.pending.find((p) => p.name === name);
  if (pending) {
    const done = pending.fraction !== null ? ` (${Math.round(pending.fraction * 100)}% when this version was checked)` : '';
    return `**data ${name}** — loading: ${pending.activity}${done}; it is checked, and its runs train, once it is loaded`;
  }
  if (!data) return decl ? `**data ${name}** — not loaded (see the problems on its declaration)` : `no data set named '${name}'`;
  const parts = [`**data ${name}** — ${datasetSummary(data)}`];
  const lines: string[] = [];
  const source = decl?.source;
  if (source?.kind === 'file' && source.path) lines.push(`from "${source.path.value}"`);
  if (source?.kind === 'generated' && source.generator) {
    lines.push(`generated: ${source.generator.text}(${source.args.map((a) => `${a.name.text} ${a.value?.text ?? ''}`.trim()).join(', ')})`);
  }
  if (source?.kind === 'inline') lines.push('inline rows');
  lines.push(`inputs: ${shortList(data.inputNames.map(codeName))}`);
  for (const encoding of data.encodings ?? []) lines.push(`encode ${codeName(encoding.column)}: ${shortList(encoding.categories.map(codeName))} (one input each)`);
  if (data.classes) lines.push(`classes: ${shortList(data.classes.map(codeName))} (one-hot)`);
  if (data.missing === 'mean') lines.push('missing mean (filled with the training part\'s mean of each column)');
  if (data.missing === 'drop') lines.push('missing drop (rows with a missing value left out)');
  if (data.normalize) lines.push(`normalize ${data.normalize} (fitted on the training part)`);
  lines.push(...rangeLines(data));
  parts.push(code(lines));
  const runs = state.check.runs.filter((r) => r.data.name === name);
  if (runs.length > 0) parts.push(runs.map((r) => `${runName(state, r)}${statusSuffix(state, r)}`).join('  \n'));
  return parts.join('\n\n');
}

/** A `weights` name: what the declaration gives, where from, and the runs that start from it. */
function weightsText(state: DocumentState, name: string): string | null {
  const given = state.check.weights.get(name);
  const decl = state.check.file.declarations.find((d): d is WeightsDecl => d.kind === 'weights' && d.name?.text === name);
  if (!given) return decl ? `**weights ${name}** — has errors (see the problems on its declaration)` : `no weights named '${name}'`;
  const network = state.check.networks.get(given.network);
  const count = given.layers.reduce((sum, layer) => sum + layer.weights.length + layer.biases.length, 0);
  const origin = given.file === null ? 'written here' : `read from "${codeName(given.file)}"`;
  const parts = [`**weights ${name}** for network ${given.network} — ${count.toLocaleString('en-US')} numbers, ${origin}`];
  if (network) {
    const width = Math.max(...network.layers.map((l) => l.name.length));
    parts.push(code(network.layers.map((layer, i) => `${layer.name.padEnd(width)}  W${layerMark(i + 1)} ${layer.units}×${layerInputs(network, i)} · b${layerMark(i + 1)} ${layer.units}`)));
  }
  const runs = state.check.runs.filter((r) => r.settings.start?.name === name);
  parts.push(runs.length > 0 ? `runs that start from them: ${runs.map((r) => `${runName(state, r)}${statusSuffix(state, r)}`).join('  \n')}` : `No run starts from them yet: add \`start from ${name}\` to a \`train\` block of network '${given.network}'.`);
  return parts.join('\n\n');
}

/** A row of a weights block: which unit's weights (or the biases) it holds, each number named as in the math. */
function weightRowText(state: DocumentState, decl: WeightsDecl, row: WeightRow): string | null {
  const network = decl.network ? state.check.networks.get(decl.network.text) : undefined;
  const index = network ? network.layers.findIndex((l) => l.name === row.layer.text) : -1;
  if (!network || index < 0) return null;
  const k = index + 1;
  const layer = network.layers[index];
  const m = layerMark(k);
  const numbers = row.values.map((n) => n.value);
  if (row.tokens[0]?.text === 'b') {
    const lines = numbers.map((b, j) => `b${m}${sub(j + 1)} = ${formatNumber(b, 6)}   (unit ${unitLabel(network, k, j)})`);
    return [`**layer ${layer.name}, b${m}** — the biases, one per unit`, code(lines)].join('\n\n');
  }
  const j = decl.rows.filter((r) => r.layer.text === row.layer.text && r.tokens[0]?.text === 'W').indexOf(row);
  const unit = unitLabel(network, k, j);
  const lines = numbers.map((w, i) => `W${m}${sub(j + 1)}${sub(i + 1)} = ${formatNumber(w, 6)}   (${unitLabel(network, k - 1, i)} → ${unit})`);
  const sum = `z${m}${sub(j + 1)} = ${numbers.map((_, i) => `W${m}${sub(j + 1)}${sub(i + 1)} ${unitLabel(network, k - 1, i)}`).slice(0, 4).join(' + ')}${numbers.length > 4 ? ' + …' : ''} + b${m}${sub(j + 1)}`;
  return [`**layer ${layer.name}, W${m} row ${j + 1}** — the incoming weights of unit ${unit}`, code([sum, ...lines])].join('\n\n');
}

/**
 * Column names and class labels come from a CSV's header and cells, which may hold anything
 * (HTML, markdown links, quoted line breaks). In markdown they are shown as text: every
 * markdown character escaped and line breaks made visible, so a name can neither render as
 * HTML nor become a link (a `command:` one included).
 */
export function markdownName(name: string): string {
  return codeName(name).replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** Inside a code block only a line break could end the block early: show it as ↵. */
export function codeName(name: string): string {
  return name.replace(/\r\n|[\r\n\u2028\u2029]/g, '↵');
}

function shortList(items: readonly string[]): string {
  return items.length > 10 ? `${items.slice(0, 8).join(', ')}, … (${items.length})` : items.join(', ');
}

/**
 * The range of each input column (at most four), so an unnormalized wide range is visible. A
 * data set is read-only and may have millions of rows: its ranges are computed once.
 */
function rangeLines(data: Dataset): string[] {
  let lines = RANGES.get(data);
  if (lines !== undefined) return lines;
  lines = [];
  const columns = Math.min(data.inputWidth, 4);
  for (let c = 0; c < columns; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < data.rows; r++) {
      const v = data.inputs[r * data.inputWidth + c];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (data.rows > 0) lines.push(`  ${codeName(data.inputNames[c] ?? `x${sub(c + 1)}`)} ∈ [${formatNumber(min)}, ${formatNumber(max)}]`);
  }
  if (data.inputWidth > columns) lines.push('  …');
  RANGES.set(data, lines);
  return lines;
}

/** rangeLines by data set, as long as the data set lives. */
const RANGES = new WeakMap<Dataset, string[]>();
