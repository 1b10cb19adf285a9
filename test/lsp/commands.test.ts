// The server's commands (nn.train, nn.stopTraining, nn.step, nn.reset, nn.checkGradients; docs/editor.md "Commands"):
// which runs each one means by its [uri, line] arguments, what it answers, and the message the user reads when it
// refuses, on a workspace whose training host records what it was asked. The protocol suites train for real through
// the same function; this covers every refusal and selection without a worker.

import type { Connection } from 'vscode-languageserver';
import { describe, expect, it } from 'vitest';
import type { CheckedGradients } from '../../server/src/training/runState';
import { executeCommand } from '../../server/src/lsp/commands';
import type { ResolvedSettings } from '../../server/src/lsp/settings';
import type { DocumentState } from '../../server/src/lsp/state';
import type { Workspace } from '../../server/src/lsp/workspace';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { fixture, URI } from './harness';

const TWO_RUNS = `
  network n {
    input 1
    layer out 1 sigmoid
  }
  data d {
    0 -> 0
    1 -> 1
  }
  train n on d {
    epochs 5
  }

  train n on d {
    epochs 6
  }
`;

/** Lines of the spec above (0-based): the first run spans lines 8–10, the second 12–14. */
const FIRST_RUN_LINE = 9;
const SECOND_RUN_LINE = 13;
const BETWEEN_RUNS = 11;

interface Recorded {
  calls: string[];
  messages: string[];
}

function workspaceOf(
  state: DocumentState,
  options: { trusted?: boolean; gradients?: (key: string) => CheckedGradients | null; settings?: () => Promise<ResolvedSettings> } = {},
): { workspace: Workspace } & Recorded {
  const calls: string[] = [];
  const messages: string[] = [];
  const keys = state.check.runs.map((run) => run.key);
  const name = (key: string) => `run${keys.indexOf(key) + 1}`;
  const host = {
    train: (uri: string, runKeys: string[], maxSeconds: number) => (calls.push(`train ${uri} ${runKeys.map(name).join(',')} ${maxSeconds}s`), runKeys.slice(0, 1)),
    stop: (uri: string, runKeys: string[] | null) => (calls.push(`stop ${uri} ${runKeys === null ? 'all' : runKeys.map(name).join(',') || 'none'}`), 3),
    step: (uri: string, key: string) => (calls.push(`step ${uri} ${name(key)}`), true),
    reset: (uri: string, key: string) => (calls.push(`reset ${uri} ${name(key)}`), true),
    checkGradients: async (uri: string, key: string) => (calls.push(`check ${uri} ${name(key)}`), options.gradients?.(key) ?? null),
  };
  const show = (kind: string) => (message: string) => (messages.push(`${kind}: ${message}`), Promise.resolve(undefined));
  const workspace = {
    host,
    session: (uri: string) => (uri === state.uri ? { state } : undefined),
    settings: options.settings ?? (async () => ({ ...DEFAULT_SETTINGS, maxTrainingSeconds: 42, workspaceTrusted: options.trusted ?? true })),
    connection: { window: { showWarningMessage: show('warning'), showInformationMessage: show('info') } } as unknown as Connection,
  } as unknown as Workspace;
  return { workspace, calls, messages };
}

const run = (command: string, ...args: unknown[]) => ({ command, arguments: args });

describe('server commands', () => {
  const { state } = fixture(TWO_RUNS);

  it('nn.train trains the run at the line, or every run of the file, with the document’s time limit', async () => {
    const ws = workspaceOf(state);
    expect(await executeCommand(ws.workspace, run('nn.train', URI, SECOND_RUN_LINE))).toEqual({ started: 1 });
    expect(await executeCommand(ws.workspace, run('nn.train', URI))).toEqual({ started: 1 });
    // The answer counts the runs the host started (it starts one of the two here), none between runs.
    expect(await executeCommand(ws.workspace, run('nn.train', URI, BETWEEN_RUNS))).toEqual({ started: 0 });
    expect(ws.calls).toEqual([`train ${URI} run2 42s`, `train ${URI} run1,run2 42s`, `train ${URI}  42s`]);
    expect(ws.messages).toEqual([]);
  });

  it('nn.train refuses in Restricted Mode and in a file with errors, saying why', async () => {
    const untrusted = workspaceOf(state, { trusted: false });
    expect(await executeCommand(untrusted.workspace, run('nn.train', URI))).toEqual({ started: 0 });
    expect(untrusted.messages).toEqual(['warning: NN: training is off in Restricted Mode; trust the workspace to train.']);
    for (const [spec, message] of [
      [`${TWO_RUNS}\n  train n on nothing {}\n`, 'NN: fix 1 error to train.'],
      [`${TWO_RUNS}\n  train n on nothing {}\n  train nothing on d {}\n`, 'NN: fix 2 errors to train.'],
    ]) {
      const broken = workspaceOf(fixture(spec).state);
      expect(await executeCommand(broken.workspace, run('nn.train', URI, FIRST_RUN_LINE))).toEqual({ started: 0 });
      expect(broken.messages).toEqual([`warning: ${message}`]);
      expect(broken.calls).toEqual([]);
    }
    expect(untrusted.calls).toEqual([]);
  });

  it('nn.stopTraining stops the run at the line, none between runs, every run without a line; without waiting on settings', async () => {
    const ws = workspaceOf(state, { settings: () => new Promise(() => undefined) });
    expect(await executeCommand(ws.workspace, run('nn.stopTraining', URI, FIRST_RUN_LINE))).toEqual({ stopped: 3 });
    expect(await executeCommand(ws.workspace, run('nn.stopTraining', URI, BETWEEN_RUNS))).toEqual({ stopped: 3 });
    expect(await executeCommand(ws.workspace, run('nn.stopTraining', URI))).toEqual({ stopped: 3 });
    expect(ws.calls).toEqual([`stop ${URI} run1`, `stop ${URI} none`, `stop ${URI} all`]);
  });

  it('means the run whose block holds the line, from its `train` line to its closing brace', async () => {
    const ws = workspaceOf(state);
    for (const line of [7, 8, 10, 11, 12, 14, 15]) await executeCommand(ws.workspace, run('nn.stopTraining', URI, line));
    expect(ws.calls.map((call) => call.split(' ').at(-1))).toEqual(['none', 'run1', 'run1', 'none', 'run2', 'run2', 'none']);
  });

  it('line 0 is a line: a run declared first in the file is the one a command at line 0 means', async () => {
    const first = fixture(`
      train n on d {
        epochs 5
      }
      network n {
        input 1
        layer out 1 sigmoid
      }
      data d {
        0 -> 0
      }
    `).state;
    const ws = workspaceOf(first);
    expect(await executeCommand(ws.workspace, run('nn.step', URI, 0))).toEqual({ stepped: true });
    expect(ws.calls).toEqual([`step ${URI} run1`]);
  });

  it('nn.step and nn.reset act on the run at the line only, and refuse without one, untrusted or with errors', async () => {
    const ws = workspaceOf(state);
    expect(await executeCommand(ws.workspace, run('nn.step', URI, SECOND_RUN_LINE))).toEqual({ stepped: true });
    expect(await executeCommand(ws.workspace, run('nn.reset', URI, FIRST_RUN_LINE))).toEqual({ reset: true });
    expect(await executeCommand(ws.workspace, run('nn.step', URI))).toEqual({ stepped: false });
    expect(await executeCommand(ws.workspace, run('nn.reset', URI))).toEqual({ reset: false });
    expect(await executeCommand(ws.workspace, run('nn.step', URI, BETWEEN_RUNS))).toEqual({ stepped: false });
    expect(await executeCommand(ws.workspace, run('nn.reset', URI, BETWEEN_RUNS))).toEqual({ reset: false });
    expect(ws.calls).toEqual([`step ${URI} run2`, `reset ${URI} run1`]);
    const untrusted = workspaceOf(state, { trusted: false });
    const broken = workspaceOf(fixture(`${TWO_RUNS}\n  train n on nothing {}\n`).state);
    for (const ws2 of [untrusted, broken]) {
      expect(await executeCommand(ws2.workspace, run('nn.step', URI, FIRST_RUN_LINE))).toEqual({ stepped: false });
      expect(await executeCommand(ws2.workspace, run('nn.reset', URI, FIRST_RUN_LINE))).toEqual({ reset: false });
      expect(ws2.calls).toEqual([]);
    }
  });

  it('nn.checkGradients reports each run checked: a warning when the gradient is wrong, a hint to train one without weights', async () => {
    const checked = (error: number): CheckedGradients => ({ check: { rows: 2, of: 2, loss: 0.1, layers: [{ error }] } as CheckedGradients['check'], epoch: 5, source: 'trained' });
    const keys = state.check.runs.map((r) => r.key);
    const ws = workspaceOf(state, { gradients: (key) => (key === keys[0] ? checked(1e-9) : key === keys[1] ? checked(0.5) : null) });
    expect(await executeCommand(ws.workspace, run('nn.checkGradients', URI))).toEqual({ checked: 2 });
    expect(ws.messages).toEqual([
      "info: NN: gradient check of n on d, weights of epoch 5, 2 training rows: largest relative error per layer out 1.0e-9: backprop's gradient is the slope.",
      'warning: NN: gradient check of n on d, weights of epoch 5, 2 training rows: largest relative error per layer out 5.0e-1: backprop\'s gradient differs from the slope (errors above 0.0001).',
    ]);
    const none = workspaceOf(state);
    expect(await executeCommand(none.workspace, run('nn.checkGradients', URI, FIRST_RUN_LINE))).toEqual({ checked: 0 });
    expect(none.messages).toEqual(['info: NN: train or step n on d first: a gradient check needs its weights.']);
    expect(none.calls).toEqual([`check ${URI} run1`]);
    for (const refused of [workspaceOf(state, { trusted: false }), workspaceOf(fixture(`${TWO_RUNS}\n  train n on nothing {}\n`).state)]) {
      expect(await executeCommand(refused.workspace, run('nn.checkGradients', URI))).toEqual({ checked: 0 });
      expect(refused.calls).toEqual([]);
    }
  });

  it('answers null for a document that is not open, arguments that are not ours, or a command it does not know', async () => {
    const ws = workspaceOf(state);
    expect(await executeCommand(ws.workspace, run('nn.train', 'file:///other.nn'))).toBeNull();
    expect(await executeCommand(ws.workspace, run('nn.train', 7))).toBeNull();
    expect(await executeCommand(ws.workspace, { command: 'nn.train' })).toBeNull();
    expect(await executeCommand(ws.workspace, run('nn.export', URI))).toBeNull();
    expect(ws.calls).toEqual([]);
  });
});
