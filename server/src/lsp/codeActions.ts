// Quick fixes: every fix the checker and the training results attach to a problem, plus a few the editor adds (remove an unused declaration, declare a missing network or data set, a linear output for targets beyond [0, 1], another seed or momentum for a stuck run); and, on a trained run's `train` line, saving its weights (saveWeights.ts).
//
// Fixes are matched to problems by Problem.code and computed from the syntax
// tree, never by re-reading messages.

import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, CodeActionParams, Diagnostic } from 'vscode-languageserver';
import type { CheckResult } from '../language';
import type { Fix, Problem } from '../language/problems';
import type { Declaration, NetworkDecl, Span, TrainDecl, WeightsDecl } from '../language/syntax';
import { blockOf } from '../language/walk';
import { toDiagnostic, toWorkspaceEdit } from './convert';
import { resolveSaveWeights, saveWeightsActions } from './saveWeights';
import { allProblems } from './state';
import type { DocumentState } from './state';

export function codeActions(state: DocumentState, params: CodeActionParams): CodeAction[] {
  const start = state.lines.offsetAt(params.range.start);
  const end = state.lines.offsetAt(params.range.end);
  const only = params.context.only;
  /** Whether the client asked for actions of this kind (all of them when it names none). */
  const wants = (kind: string) => !only || only.some((asked) => asked === kind || kind.startsWith(`${asked}.`) || asked === CodeActionKind.Empty);
  const actions: CodeAction[] = [];
  if (wants(CodeActionKind.QuickFix)) actions.push(...quickFixes(state, start, end, params));
  if (wants(CodeActionKind.RefactorExtract)) actions.push(...saveWeightsActions(state, start, end));
  return actions;
}

/** A code action made without its edit (the client resolves edits when chosen): the edit, from the state of now. */
export function resolveCodeAction(state: DocumentState, action: CodeAction): CodeAction {
  return resolveSaveWeights(state, action);
}

/** The fixes of every problem in [start, end]. */
function quickFixes(state: DocumentState, start: number, end: number, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const problem of allProblems(state)) {
    if (problem.span.end < start || problem.span.start > end) continue;
    const diagnostic = matchingDiagnostic(params.context.diagnostics, state, problem);
    for (const fix of fixesFor(state, problem)) {
      const action: CodeAction = {
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit(state.uri, state.lines, fix),
      };
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

/** The client's own diagnostic object when it sent one for this problem (clients match fixes by identity), else ours. */
function matchingDiagnostic(sent: Diagnostic[], state: DocumentState, problem: Problem): Diagnostic {
  const ours = toDiagnostic(state.lines, problem);
  return (
    sent.find(
      (d) =>
        d.code === problem.code &&
        d.range.start.line === ours.range.start.line &&
        d.range.start.character === ours.range.start.character &&
        d.range.end.line === ours.range.end.line &&
        d.range.end.character === ours.range.end.character,
    ) ?? ours
  );
}

/** The problem's own fixes, then the editor's extra ones for its code, without two of the same title. */
export function fixesFor(state: Pick<DocumentState, 'text' | 'check'>, problem: Problem): Fix[] {
  const fixes = [...(problem.fixes ?? []), ...extraFixes(state.text, state.check, problem)];
  return fixes.filter((fix, i) => fixes.findIndex((f) => f.title === fix.title) === i);
}

function extraFixes(text: string, check: CheckResult, problem: Problem): Fix[] {
  switch (problem.code) {
    case 'unused': {
      const decl = check.file.declarations.find((d) => d.kind !== 'train' && d.name && sameSpan(d.name.span, problem.span));
      if (decl?.kind === 'weights') return [...startRunsFrom(text, check, decl), removeDeclaration(text, decl)];
      return decl ? [removeDeclaration(text, decl)] : [];
    }
    case 'targets-outside-unit-interval': {
      const train = trainAt(check, problem.span);
      const network = train && networkOf(check, train);
      const last = network?.statements.filter((s) => s.kind === 'layer').pop();
      if (last?.kind !== 'layer' || !last.activation) return [];
      const name = last.name ? `layer '${last.name.text}'` : 'the last layer';
      return [{ title: `Make ${name} linear`, edits: [{ span: last.activation.span, newText: 'linear' }] }];
    }
    case 'loss-flat':
    case 'target-missed': {
      const train = trainAt(check, problem.span);
      const run = check.runs.find((r) => r.keywordSpan.start === problem.span.start);
      if (!train || !run) return [];
      const fixes: Fix[] = [];
      const seed = train.statements.find((s) => s.kind === 'seed');
      const nextSeed = run.settings.seed + 1;
      fixes.push(
        seed?.kind === 'seed' && seed.value
          ? { title: `Try seed ${nextSeed}`, edits: [{ span: seed.value.span, newText: String(nextSeed) }] }
          : insertStatement(text, train, `seed ${nextSeed}`, `Try seed ${nextSeed}`),
      );
      const optimizer = train.statements.find((s) => s.kind === 'optimizer');
      if (run.settings.optimizer.kind === 'sgd' && run.settings.optimizer.momentum === 0 && optimizer?.kind === 'optimizer') {
        const at = optimizer.span.end;
        fixes.push({ title: 'Add momentum 0.9', edits: [{ span: { start: at, end: at }, newText: ' momentum 0.9' }] });
      }
      const epochs = train.statements.find((s) => s.kind === 'epochs');
      const more = run.settings.epochs * 2;
      fixes.push(
        epochs?.kind === 'epochs' && epochs.value
          ? { title: `Set epochs to ${more}`, edits: [{ span: epochs.value.span, newText: String(more) }] }
          : insertStatement(text, train, `epochs ${more}`, `Set epochs to ${more}`),
      );
      return fixes.filter((f) => f.edits.length > 0);
    }
    case 'unknown-name': {
      const fix = declareMissing(text, check, problem);
      return fix ? [fix] : [];
    }
    default:
      return [];
  }
}

/**
 * `train mynet on table` with no network `mynet`: declare one shaped for the
 * data (and a data block shaped for the network, the other way round), just
 * above the run, so the learner starts from something that checks.
 */
function declareMissing(text: string, check: CheckResult, problem: Problem): Fix | null {
  const train = trainAt(check, problem.span);
  if (!train) return null;
  const missingNetwork = train.network && sameSpan(train.network.span, problem.span);
  const missingData = train.data && sameSpan(train.data.span, problem.span);
  if (!missingNetwork && !missingData) return null;
  const name = text.slice(problem.span.start, problem.span.end);
  // A name declared as the other kind is a mix-up, not a missing declaration.
  if (check.file.declarations.some((d) => d.kind !== 'train' && d.name?.text === name)) return null;
  let block: string;
  if (missingNetwork) {
    const data = train.data ? check.datasets.get(train.data.text) : undefined;
    const inputs = data?.inputWidth ?? 2;
    const outputs = data?.targetWidth ?? 1;
    const output = data?.classes ? 'softmax' : 'sigmoid';
    block = `network ${name} {\n  input ${inputs}\n  layer hidden 4 sigmoid\n  layer output ${outputs} ${output}\n}\n\n`;
  } else {
    const network = train.network ? check.networks.get(train.network.text) : undefined;
    const inputs = Array(network?.input ?? 2).fill('0').join(' ');
    const targets = Array(network?.layers[network.layers.length - 1]?.units ?? 1).fill('0').join(' ');
    block = `data ${name} {\n  ${inputs} -> ${targets}\n}\n\n`;
  }
  const at = train.span.start;
  return { title: `Declare ${missingNetwork ? 'network' : 'data set'} '${name}'`, edits: [{ span: { start: at, end: at }, newText: block }] };
}

function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

function trainAt(check: CheckResult, span: Span): TrainDecl | undefined {
  return check.file.declarations.find((d): d is TrainDecl => d.kind === 'train' && d.span.start <= span.start && span.end <= d.span.end);
}

function networkOf(check: CheckResult, train: TrainDecl): NetworkDecl | undefined {
  const name = train.network?.text;
  return check.file.declarations.find((d): d is NetworkDecl => d.kind === 'network' && d.name?.text === name);
}

/** Unused weights: `start from` them in each run of their network that starts from nothing given yet. */
function startRunsFrom(text: string, check: CheckResult, decl: WeightsDecl): Fix[] {
  const name = decl.name?.text;
  if (name === undefined) return [];
  return check.file.declarations
    .filter((d): d is TrainDecl => d.kind === 'train' && d.network?.text === decl.network?.text && !d.statements.some((s) => s.kind === 'start'))
    .map((train) => insertStatement(text, train, `start from ${name}`, `Start the run on line ${lineOf(text, train.keyword.start)} from '${name}'`))
    .filter((fix) => fix.edits.length > 0);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A new statement as the first line of the train block, indented like its first statement. */
function insertStatement(text: string, train: TrainDecl, statement: string, title: string): Fix {
  const block = blockOf(train);
  if (!block) return { title, edits: [] };
  const at = block.open.end;
  const first = train.statements[0];
  let indent = '  ';
  if (first) {
    let lineStart = first.span.start;
    while (lineStart > 0 && text[lineStart - 1] !== '\n') lineStart--;
    indent = text.slice(lineStart, first.span.start);
  }
  return { title, edits: [{ span: { start: at, end: at }, newText: `\n${indent}${statement}` }] };
}

/** Deletes a declaration with its line break and one blank line after it, so no gap is left. */
function removeDeclaration(text: string, decl: Declaration): Fix {
  let end = decl.span.end;
  for (let breaks = 0; breaks < 2; breaks++) {
    let probe = end;
    while (probe < text.length && (text[probe] === ' ' || text[probe] === '\t')) probe++;
    if (text[probe] === '\r' && text[probe + 1] === '\n') end = probe + 2;
    else if (text[probe] === '\n') end = probe + 1;
    else break;
  }
  const what = decl.kind === 'network' ? 'network' : decl.kind === 'data' ? 'data set' : 'weights';
  const name = decl.kind !== 'train' ? decl.name?.text : undefined;
  return { title: `Remove ${what} '${name ?? ''}'`, edits: [{ span: { start: decl.span.start, end }, newText: '' }] };
}
