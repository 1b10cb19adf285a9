// The CodeLens row above each `train` block (docs/editor.md "CodeLens"): what can be done with the run and where it stands.

import type { CodeLens, Command, Range } from 'vscode-languageserver';
import { ClientCommands, Commands, type RunStatus } from '../protocol';
import type { RunSpec } from '../language/model';
import type { TrainDecl } from '../language/syntax';
import { tallyText, type GradedExpectation } from '../present/expectations';
import { estimateText } from '../present/summary';
import type { RunState } from '../training/runState';
import { iconTitle } from './icons';
import { rangeOf } from './spans';
import { runIndexAt, type DocumentState } from './state';

/** A lens that only says something: clients show a command with an empty id as plain text. */
function label(title: string): Command {
  return { title, command: '' };
}

export function codeLenses(state: DocumentState): CodeLens[] {
  return lensRows(state, null);
}

/** The lenses of the document, or only those of the row on `onLine` (a lazy lens's resolve). */
function lensRows(state: DocumentState, onLine: number | null): CodeLens[] {
  const lenses: CodeLens[] = [];
  const trains = state.check.file.declarations.filter((d): d is TrainDecl => d.kind === 'train');
  for (const decl of trains) {
    const range = rangeOf(state.lines, decl.keyword);
    const line = range.start.line;
    if (onLine !== null && line !== onLine) continue;
    const at = (command: Command): CodeLens => ({ range, command });
    if (!state.workspaceTrusted) {
      lenses.push(at(label('training is off in Restricted Mode (untrusted workspace)')));
      continue;
    }
    const errors = state.check.errorCount;
    const index = runIndexAt(state.check, decl.keyword.start);
    // A run on a data set still loading waits for it (docs/editor.md "Large data sets").
    const waiting = index < 0 ? state.check.pending.find((p) => p.name === decl.data?.text) : undefined;
    if (waiting !== undefined) {
      lenses.push(at(label(`waiting for data '${waiting.name}' (${waiting.activity})`)));
      continue;
    }
    if (errors > 0 || index < 0) {
      const count = Math.max(errors, 1);
      lenses.push(at(label(`fix ${count} ${count === 1 ? 'error' : 'errors'} to train`)));
      continue;
    }
    const run = state.check.runs[index];
    for (const command of runCommands(state, run, state.runStates[index], state.statuses[index], line)) lenses.push(at(command));
    const graded = state.graded?.[index];
    if (graded) lenses.push(at(label(expectationTally(state, graded))));
  }
  return lenses;
}

/** `$(pass) 3 of 3 expectations met`, `$(error) 2 of 3 expectations met` (docs/editor.md "Expectations"). */
function expectationTally(state: DocumentState, graded: readonly GradedExpectation[]): string {
  const icon = graded.some((g) => g.verdict === 'failed') ? 'error' : graded.every((g) => g.verdict === 'met') ? 'pass' : 'circle-slash';
  return iconTitle(state.client, icon, tallyText(graded));
}

/**
 * The lenses of one run, from its one state: the actions it allows and its status's summary
 * (the same words the status bar's tooltip, the panel and the hover on `train` use).
 */
function runCommands(state: DocumentState, run: RunSpec, runState: RunState, status: RunStatus, line: number): Command[] {
  const args = [state.uri, line];
  const client = state.client;
  const train = (words: 'Train' | 'Retrain'): Command => ({ title: iconTitle(client, 'play', words), command: Commands.train, arguments: args });
  const step: Command = { title: iconTitle(client, 'debug-step-over', 'Step'), command: Commands.step, arguments: args };
  const reset: Command = { title: iconTitle(client, 'debug-restart', 'Reset'), command: Commands.reset, arguments: args };
  const stop: Command = { title: iconTitle(client, 'debug-stop', 'Stop'), command: Commands.stopTraining, arguments: args };
  // The training panel is the VS Code client's; other editors get no lens that would do nothing.
  const showLens: Command = { title: iconTitle(client, 'graph-line', 'Show training'), command: ClientCommands.showTraining, arguments: args };
  const show: Command[] = state.client.commandLinks ? [showLens] : [];
  const text = label(runState.busy ? `${runState.busy === 'step' ? 'stepping' : 'resetting'}…` : status.summary);
  const trainWord = runState.outcome?.result ? 'Retrain' : 'Train';
  // "NN: Export Trained Model…" is the VS Code client's too; it exports the weights of a finished or stopped run.
  const trained = runState.outcome?.result && runState.outcome.result.stopped !== 'diverged';
  const exportLens: Command[] = state.client.commandLinks && trained ? [{ title: iconTitle(client, 'export', 'Export…'), command: ClientCommands.exportModel, arguments: args }] : [];
  switch (status.phase) {
    case 'queued':
      return [stop, text];
    case 'running':
      // Once Stop is asked, the lens says so at once; the run's answer follows. The row keeps its
      // two lenses, so an editor that resolves lenses late shows the stop in place (lazyLenses).
      return status.stopping ? [label(iconTitle(client, 'loading~spin', 'Stopping')), text] : [stop, text];
    case 'failed':
      return [train('Retrain'), text];
    case 'diverged':
      return [train('Retrain'), reset, text];
    case 'cancelled':
      return [train('Train'), step, reset, ...show, ...exportLens, text];
    case 'stepped': {
      const atStart = status.step === 0 && status.stepFrom === 'initial';
      return [train(trainWord), step, ...(atStart ? [] : [reset]), ...show, text];
    }
    case 'done': {
      const result = runState.outcome?.result;
      const target = run.settings.stopLoss ?? run.settings.stopValidationLoss ?? null;
      const missed = result && (result.stopped === 'time' || (result.stopped === 'epochs' && target !== null));
      return missed ? [train('Retrain'), reset, ...show, ...exportLens, text] : [train('Retrain'), step, reset, ...show, ...exportLens, text];
    }
    default:
      return [train('Train'), step, label(estimateText(runState.estimate, run))];
  }
}

/** What a lazy lens carries to its resolve: its place in its row and the command it had when it was sent. */
interface LazyLensData {
  uri: string;
  /** Which answer it came in (LensRefresh.served): a resolve of an older answer than the last means the editor's pass overlapped a newer answer. */
  answer: number;
  /** Its index in the row of lenses on its line, and the row's length. */
  slot: number;
  row: number;
  command: Command;
}

/**
 * The lenses without their commands, for an editor that resolves them (VS Code): it shows a
 * lens's new text only at its resolve pass, which it runs a debounce after each answer, and
 * each new answer re-arms that debounce. Sent lazily, every resolve is a request the server
 * sees, so the workspace paces its refreshes by them (lensRefresh.ts refresh), and the
 * resolve reads the run's state as it is then (resolveLens), not as it was at the answer
 * (docs/editor.md "CodeLens").
 */
export function lazyLenses(uri: string, answer: number, lenses: readonly CodeLens[]): CodeLens[] {
  const rows = new Map<number, number>();
  for (const lens of lenses) rows.set(lens.range.start.line, (rows.get(lens.range.start.line) ?? 0) + 1);
  const seen = new Map<number, number>();
  return lenses.map((lens) => {
    const line = lens.range.start.line;
    const slot = seen.get(line) ?? 0;
    seen.set(line, slot + 1);
    const data: LazyLensData = { uri, answer, slot, row: rows.get(line)!, command: lens.command ?? label('') };
    return { range: lens.range, data };
  });
}

/** The lazy lens's data, if it is one of ours (any message may come). */
export function lazyLensData(lens: CodeLens | null | undefined): LazyLensData | null {
  const data = (lens as { data?: unknown } | null | undefined)?.data as Partial<LazyLensData> | null | undefined;
  if (!data || typeof data !== 'object' || typeof data.uri !== 'string' || typeof data.answer !== 'number' || typeof data.slot !== 'number' || typeof data.row !== 'number') return null;
  const command = data.command;
  if (!command || typeof command !== 'object' || typeof command.title !== 'string' || typeof command.command !== 'string') return null;
  return data as LazyLensData;
}

/**
 * A lazy lens resolved, from the state as it is now: the command at its place in its line's row
 * when the row still has the same length (a run's progress, Stop asked). A row that grew (the run
 * stopped or finished: [Stop, words] became [Train, Step, …, words]) keeps its first actions and
 * its last place shows the run's words, so the lens tells the new state at once; the editor asks
 * for the whole row at the next refresh. A row that shrank is drawn as it was sent until then.
 */
export function resolveLens(state: DocumentState | null, lens: CodeLens & { range: Range }, data: LazyLensData): CodeLens {
  const line = lens.range.start.line;
  const row = state ? lensRows(state, line) : [];
  let now: Command | undefined;
  if (row.length === data.row) now = row[data.slot].command;
  else if (row.length > data.row) {
    const words = row.findIndex((l) => l.command?.command === '');
    const last = data.slot === data.row - 1;
    // The actions before the words, and the words in the last place; anything else waits for the new row.
    if (last && words >= 0) now = row[words].command;
    else if (!last && (words < 0 || data.slot < words)) now = row[data.slot].command;
  }
  return { range: lens.range, command: now ?? data.command };
}
