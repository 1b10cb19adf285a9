// The `nn` settings of one document, read from the client per resource on every use (never cached: the user may change them any time).

import type { Connection } from 'vscode-languageserver';
import { DEFAULT_MAX_PARAMETERS } from '../language';
import type { InitializationOptions, NnSettings } from '../protocol';

export const DEFAULT_SETTINGS: Readonly<NnSettings> = {
  autoTrain: 'onChange',
  autoTrainBudgetSeconds: 2,
  maxTrainingSeconds: 300,
  maxParameters: DEFAULT_MAX_PARAMETERS,
};

/** What a document's features need to know of the settings and the workspace. */
export interface ResolvedSettings extends NnSettings {
  /** The workspace is trusted: data files may be read and runs may train. */
  workspaceTrusted: boolean;
}

/** Takes whatever the client answered and keeps only well-formed values; the rest falls back to the defaults. */
export function resolveSettings(raw: unknown, init: InitializationOptions | undefined): ResolvedSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const positive = (x: unknown, fallback: number, minimum: number) =>
    typeof x === 'number' && Number.isFinite(x) && x >= minimum ? x : fallback;
  const autoTrain = value.autoTrain === 'onSave' || value.autoTrain === 'off' || value.autoTrain === 'onChange' ? value.autoTrain : DEFAULT_SETTINGS.autoTrain;
  // Trust comes from the client: in every configuration answer (it can change while the
  // server runs) or, for clients that only say it once, in initializationOptions.
  // A client without Workspace Trust (Neovim, …) says nothing: trusted. A value that is
  // there but is not `true` (`"false"`, `0`, `null`) is not trust.
  const said = (x: unknown): boolean | undefined => (x === undefined ? undefined : x === true);
  const workspaceTrusted = said(value.workspaceTrusted) ?? said(init?.workspaceTrusted) ?? true;
  return {
    autoTrain,
    autoTrainBudgetSeconds: positive(value.autoTrainBudgetSeconds, DEFAULT_SETTINGS.autoTrainBudgetSeconds, 0),
    maxTrainingSeconds: positive(value.maxTrainingSeconds, DEFAULT_SETTINGS.maxTrainingSeconds, 0.001),
    maxParameters: Math.floor(positive(value.maxParameters, DEFAULT_SETTINGS.maxParameters, 1)),
    workspaceTrusted,
  };
}

/**
 * Asks the client for the `nn` section of this document's scope. Clients without
 * workspace/configuration get the defaults (and whatever initializationOptions said).
 */
export async function readSettings(
  connection: Connection,
  supportsConfiguration: boolean,
  uri: string,
  init: InitializationOptions | undefined,
): Promise<ResolvedSettings> {
  if (!supportsConfiguration) return resolveSettings(undefined, init);
  try {
    const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'nn' });
    return resolveSettings(raw, init);
  } catch {
    return resolveSettings(undefined, init);
  }
}
