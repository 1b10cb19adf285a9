// Settings as the server reads them from the client: well-formed values kept, the rest back to defaults, trust from the answer or the start.

import { describe, expect, it } from 'vitest';
import { commandTarget } from '../../server/src/lsp/commands';
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, readSettings, resolveSettings } from '../../server/src/lsp/settings';

describe('settings', () => {
  it('takes the defaults when the client answers nothing (no workspace/configuration)', () => {
    expect(resolveSettings(undefined, undefined)).toEqual({ ...DEFAULT_SETTINGS, workspaceTrusted: true });
  });

  it.each([
    [{ autoTrain: 'onSave' }, 'autoTrain', 'onSave'],
    [{ autoTrain: 'sometimes' }, 'autoTrain', 'onChange'],
    [{ autoTrainBudgetSeconds: 0 }, 'autoTrainBudgetSeconds', 0],
    [{ autoTrainBudgetSeconds: -1 }, 'autoTrainBudgetSeconds', 2],
    [{ autoTrainBudgetSeconds: '5' }, 'autoTrainBudgetSeconds', 2],
    [{ maxTrainingSeconds: 30 }, 'maxTrainingSeconds', 30],
    [{ maxTrainingSeconds: 0 }, 'maxTrainingSeconds', 300],
    [{ maxParameters: 1000.7 }, 'maxParameters', 1000],
    [{ maxParameters: Infinity }, 'maxParameters', 5_000_000],
    [{ autoTrain: 'off' }, 'autoTrain', 'off'],
    [{ autoTrain: 'onChange' }, 'autoTrain', 'onChange'],
    [{ autoTrainBudgetSeconds: NaN }, 'autoTrainBudgetSeconds', 2],
    [{ maxTrainingSeconds: 0.001 }, 'maxTrainingSeconds', 0.001],
    [{ maxTrainingSeconds: 0.0009 }, 'maxTrainingSeconds', 300],
    [{ maxParameters: 1 }, 'maxParameters', 1],
    [{ maxParameters: 0.5 }, 'maxParameters', 5_000_000],
    ['onSave', 'autoTrain', 'onChange'],
  ])('%j gives %s = %j', (answer, field, value) => {
    expect(resolveSettings(answer, undefined)[field as keyof typeof DEFAULT_SETTINGS]).toEqual(value);
  });

  it.each([
    [{}, undefined, true],
    [{}, { workspaceTrusted: false }, false],
    [{ workspaceTrusted: true }, { workspaceTrusted: false }, true],
    [{ workspaceTrusted: false }, undefined, false],
  ])('answer %j with initializationOptions %j is trusted: %s', (answer, init, trusted) => {
    expect(resolveSettings(answer, init).workspaceTrusted).toBe(trusted);
  });
});

describe('reading the settings from the client', () => {
  const INIT = { workspaceTrusted: false };
  function client(answer: () => Promise<unknown>): { connection: Connection; asked: unknown[] } {
    const asked: unknown[] = [];
    const connection = { workspace: { getConfiguration: (item: unknown) => (asked.push(item), answer()) } } as unknown as Connection;
    return { connection, asked };
  }

  it("asks for the 'nn' section of the document's scope and keeps its answer", async () => {
    const { connection, asked } = client(async () => ({ maxTrainingSeconds: 30, workspaceTrusted: true }));
    expect(await readSettings(connection, true, 'file:///a.nn', INIT)).toEqual({ ...DEFAULT_SETTINGS, maxTrainingSeconds: 30, workspaceTrusted: true });
    expect(asked).toEqual([{ scopeUri: 'file:///a.nn', section: 'nn' }]);
  });

  it('a client without workspace/configuration is not asked: defaults, with what initializationOptions said', async () => {
    const { connection, asked } = client(async () => ({ maxTrainingSeconds: 30 }));
    expect(await readSettings(connection, false, 'file:///a.nn', INIT)).toEqual({ ...DEFAULT_SETTINGS, workspaceTrusted: false });
    expect(asked).toEqual([]);
  });

  it('a configuration request that fails gives the defaults, with what initializationOptions said', async () => {
    const { connection } = client(() => Promise.reject(new Error('no configuration')));
    expect(await readSettings(connection, true, 'file:///a.nn', INIT)).toEqual({ ...DEFAULT_SETTINGS, workspaceTrusted: false });
  });
});

describe('command arguments', () => {
  it.each([
    [['file:///a.nn', 14], { uri: 'file:///a.nn', line: 14 }],
    [['file:///a.nn'], { uri: 'file:///a.nn', line: null }],
    [['file:///a.nn', -1], { uri: 'file:///a.nn', line: null }],
    [['file:///a.nn', 2.5], { uri: 'file:///a.nn', line: null }],
    [[42], null],
    [undefined, null],
  ])('%j reads as %j', (args, target) => {
    expect(commandTarget(args as unknown[] | undefined)).toEqual(target);
  });
});
