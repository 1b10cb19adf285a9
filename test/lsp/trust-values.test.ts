// Trust is `true` or it is not trust: a present value of another type (a string, a number, null) counts as untrusted; no value at all stays trusted.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../server/src/lsp/settings';
import type { InitializationOptions } from '../../server/src/protocol';

describe('workspace trust values', () => {
  it.each([['true'], ['false'], [1], [0], [null], [{}], [[]]])('a configuration answer with workspaceTrusted %j is untrusted', (value) => {
    expect(resolveSettings({ workspaceTrusted: value }, undefined).workspaceTrusted).toBe(false);
    // It wins over initializationOptions, as a boolean answer does (it can change while the server runs).
    expect(resolveSettings({ workspaceTrusted: value }, { workspaceTrusted: true }).workspaceTrusted).toBe(false);
  });

  it.each([['yes'], [1], [null]])('initializationOptions with workspaceTrusted %j is untrusted', (value) => {
    expect(resolveSettings({}, { workspaceTrusted: value } as unknown as InitializationOptions).workspaceTrusted).toBe(false);
  });

  it('a client that says nothing about trust (Neovim) is trusted, and true is trusted', () => {
    expect(resolveSettings({}, undefined).workspaceTrusted).toBe(true);
    expect(resolveSettings(undefined, {} as InitializationOptions).workspaceTrusted).toBe(true);
    expect(resolveSettings({ workspaceTrusted: true }, undefined).workspaceTrusted).toBe(true);
    expect(resolveSettings({}, { workspaceTrusted: true }).workspaceTrusted).toBe(true);
  });
});
