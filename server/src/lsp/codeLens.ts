// The CodeLens row above each `train` block (docs/editor.md "CodeLens"): what can be done with the run and where it stands.

import type { CodeLens, Command } from 'vscode-languageserver';
import { ClientCommands, Commands, type RunStatus } from '../protocol';
import type { RunSpec } from '../language/model';
import type { TrainDecl } from '../language/syntax';
import { tallyText, type GradedExpectation } from '../present/expectations';
import { formatLoss, formatSeconds, progressText, resultText } from '../present/summary';
import { iconTitle } from './icons';
import { rangeOf } from './spans';
import { runIndexAt, type DocumentState } from './state';

/** A lens that only says something: clients show a command with an empty id as plain text. */
function label(title: string): Command {
  return { title, command: '' };
}

export function codeLenses(state: DocumentState): CodeLens[] {
  const lenses: CodeLens[] = [];
  const trains = state.check.file.declarations.filter((d): d is TrainDecl => d.kind === 'train');
  for (const decl of trains) {
    const range = rangeOf(state.lines, decl.keyword);
    const line = range.start.line;
    const at = (command: Command): CodeLens => ({ range, command });
    if (!state.workspaceTrusted) {
      lenses.push(at(label('training is off in Restricted Mode (untrusted workspace)')));
      continue;
    }
    const errors = state.check.errorCount;
    const index = runIndexAt(state.check, decl.keyword.start);
    if (errors > 0 || index < 0) {
      const count = Math.max(errors, 1);
      lenses.push(at(label(`fix ${count} ${count === 1 ? 'error' : 'errors'} to train`)));
      continue;
    }
    const run = state.check.runs[index];
    for (const command of runCommands(state, run, state.statuses[index], state.estimates?.[index] ?? null, line)) {
      lenses.push(at(command));
    }
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

function runCommands(state: DocumentState, run: RunSpec, status: RunStatus | undefined, estimate: number | null, line: number): Command[] {
  const args = [state.uri, line];
  const client = state.client;
  const train = (words: 'Train' | 'Retrain'): Command => ({ title: iconTitle(client, 'play', words), command: Commands.train, arguments: args });
  const step: Command = { title: iconTitle(client, 'debug-step-over', 'Step'), command: Commands.step, arguments: args };
  const stop: Command = { title: iconTitle(client, 'debug-stop', 'Stop'), command: Commands.stopTraining, arguments: args };
  // The training panel is the VS Code client's; other editors get no lens that would do nothing.
  const showLens: Command = { title: iconTitle(client, 'graph-line', 'Show training'), command: ClientCommands.showTraining, arguments: args };
  const show: Command[] = state.client.commandLinks ? [showLens] : [];
  const outcome = state.outcomes.get(run.key);
  // "NN: Export Trained Model…" is the VS Code client's too; it exports the weights of a finished or stopped run.
  const trained = outcome?.result && outcome.result.stopped !== 'diverged';
  const exportLens: Command[] = state.client.commandLinks && trained ? [{ title: iconTitle(client, 'export', 'Export…'), command: ClientCommands.exportModel, arguments: args }] : [];
  const stepped = outcome?.step ? [label(`step ${outcome.step.update} · batch loss ${formatLoss(outcome.step.batchLoss)}`)] : [];
  const phase = status?.phase ?? 'idle';
  const runState = {
    phase,
    progress: null,
    outcome: outcome ?? null,
    failure: phase === 'failed' ? status?.summary.replace(/^training failed: /, '') ?? null : null,
    estimate: estimate ?? 0,
  };
  switch (phase) {
    case 'queued':
      return [stop, label('waiting for a free training worker')];
    case 'running':
      return [stop, label(status ? runningText(status, run) : progressText(null, run))];
    case 'failed':
      return [train('Retrain'), label(status?.summary ?? 'training failed')];
    case 'diverged':
      return [train('Retrain'), label(resultText(runState, run) ?? 'diverged')];
    case 'cancelled':
      return [train('Train'), step, ...show, ...exportLens, ...stepped, label(resultText(runState, run) ?? 'stopped')];
    case 'done': {
      const result = outcome?.result;
      const missed = result && (result.stopped === 'time' || (result.stopped === 'epochs' && run.settings.stopLoss !== null));
      const text = label(resultText(runState, run) ?? 'trained');
      return missed
        ? [train('Retrain'), ...show, ...exportLens, ...stepped, text]
        : [train('Retrain'), step, ...show, ...exportLens, ...stepped, text];
    }
    default: {
      const lenses = [train('Train'), step];
      if (outcome?.step) lenses.push(...show, ...stepped);
      if (estimate !== null) lenses.push(label(`est. ${formatSeconds(estimate)}`));
      return lenses;
    }
  }
}

/** `epoch 1200/20000 · loss 0.0213 · val 0.0250 · 0.4 s`, from the run's status. */
function runningText(status: RunStatus, run: RunSpec): string {
  if (status.epoch === 0 && status.loss === null) return `epoch 0/${run.settings.epochs} · starting`;
  const parts = [`epoch ${status.epoch}/${status.epochs}`, `loss ${formatLoss(status.loss)}`];
  if (status.validationLoss !== null) parts.push(`val ${formatLoss(status.validationLoss)}`);
  parts.push(formatSeconds(status.seconds));
  return parts.join(' · ');
}
