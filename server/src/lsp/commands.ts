// The server commands (protocol.ts Commands, workspace/executeCommand): their arguments, which runs they mean, and what they do.

import type { ExecuteCommandParams } from 'vscode-languageserver';
import type { RunSpec } from '../language/model';
import { Commands } from '../protocol';
import { runAtLine, type DocumentState } from './state';
import { gradientCheckText } from '../present/health';
import type { Workspace } from './workspace';

export interface CommandTarget {
  uri: string;
  /** 0-based line inside a `train` block, or null for "every run of the file". */
  line: number | null;
}

/** Reads `[uri, line?]`; anything else is not a call of ours. */
export function commandTarget(args: unknown[] | undefined): CommandTarget | null {
  const [uri, line] = args ?? [];
  if (typeof uri !== 'string') return null;
  return { uri, line: typeof line === 'number' && Number.isInteger(line) && line >= 0 ? line : null };
}

/** The run at the line, or every run of the file when there is no line (a line outside every run selects none). */
export function selectRuns(state: DocumentState, line: number | null): RunSpec[] {
  if (line === null) return [...state.check.runs];
  const run = runAtLine(state, line);
  return run ? [run] : [];
}

/** Train, stop, step or reset the runs a command names; null for a command or document the server does not know. */
export async function executeCommand(workspace: Workspace, params: ExecuteCommandParams): Promise<object | null> {
  const target = commandTarget(params.arguments);
  const state = target ? workspace.session(target.uri)?.state : null;
  if (!target || !state) return null;
  const host = workspace.host;
  if (params.command === Commands.stopTraining) {
    // Stopping needs no settings: do it before anything that waits on the client.
    const runs = target.line === null ? null : selectRuns(state, target.line).map((r) => r.key);
    return { stopped: host.stop(target.uri, runs) };
  }
  const settings = await workspace.settings(target.uri);
  switch (params.command) {
    case Commands.train: {
      if (!settings.workspaceTrusted) {
        void workspace.connection.window.showWarningMessage('NN: training is off in Restricted Mode; trust the workspace to train.');
        return { started: 0 };
      }
      if (state.check.errorCount > 0) {
        const n = state.check.errorCount;
        void workspace.connection.window.showWarningMessage(`NN: fix ${n} ${n === 1 ? 'error' : 'errors'} to train.`);
        return { started: 0 };
      }
      const runs = selectRuns(state, target.line);
      const started = host.train(target.uri, runs.map((r) => r.key), settings.maxTrainingSeconds);
      return { started: started.length };
    }
    case Commands.checkGradients: {
      if (!settings.workspaceTrusted || state.check.errorCount > 0) return { checked: 0 };
      const runs = selectRuns(state, target.line);
      let checked = 0;
      for (const run of runs) {
        const result = await host.checkGradients(target.uri, run.key);
        const window = workspace.connection.window;
        if (!result) {
          void window.showInformationMessage(`NN: train or step ${run.network.name} on ${run.data.name} first: a gradient check needs its weights.`);
          continue;
        }
        checked++;
        const { text, wrong } = gradientCheckText(run, result);
        void (wrong ? window.showWarningMessage(`NN: ${text}`) : window.showInformationMessage(`NN: ${text}`));
      }
      return { checked };
    }
    case Commands.step: {
      if (!settings.workspaceTrusted || state.check.errorCount > 0 || target.line === null) return { stepped: false };
      const run = runAtLine(state, target.line);
      return { stepped: run ? host.step(target.uri, run.key) : false };
    }
    case Commands.reset: {
      if (!settings.workspaceTrusted || state.check.errorCount > 0 || target.line === null) return { reset: false };
      const run = runAtLine(state, target.line);
      return { reset: run ? host.reset(target.uri, run.key) : false };
    }
    default:
      return null;
  }
}
