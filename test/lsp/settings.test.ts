// Settings as the server reads them from the client: well-formed values kept, the rest back to defaults, trust from the answer or the start.

import { describe, expect, it } from 'vitest';
import { commandTarget } from '../../server/src/lsp/commands';
import { DEFAULT_SETTINGS, resolveSettings } from '../../server/src/lsp/settings';

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
