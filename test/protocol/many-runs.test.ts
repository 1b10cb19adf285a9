// A file with more runs than the result cache once held (64): every run keeps its result while the document is open, and an edit elsewhere retrains nothing (docs/editor.md "Training in the background").

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { DocumentSession } from '../../server/src/lsp/session';
import { manyXorRuns } from '../support/specs';
import { buildServer, LspClient } from './client';

const RUNS = 100;

let client: LspClient | null = null;
beforeAll(() => buildServer(), 120_000);
afterEach(async () => {
  vi.restoreAllMocks();
  await client?.stop();
  client = null;
});

describe(`a file of ${RUNS} runs`, () => {
  it('keeps every result while it is open: no run goes back to Train, and an edit elsewhere retrains none', async () => {
    // Every auto-train of the session, to wait for its decision rather than for time to pass.
    const autoTrains: Promise<void>[] = [];
    let called = () => {};
    const original = DocumentSession.prototype.autoTrain;
    vi.spyOn(DocumentSession.prototype, 'autoTrain').mockImplementation(function (this: DocumentSession, trigger) {
      const decided = original.call(this, trigger);
      autoTrains.push(decided);
      called();
      return decided;
    });
    const autoTrainCalls = (count: number) => new Promise<void>((resolve) => (called = () => autoTrains.length >= count && resolve()));
    client = await LspClient.inProcess({ settings: { autoTrain: 'onChange', autoTrainBudgetSeconds: 600 } });
    const uri = 'file:///many-runs.nn';
    const text = manyXorRuns(RUNS, 100);
    client.open(uri, text);
    const statusOf = (version: number) => client!.runStatuses.filter((s) => s.uri === uri && s.version === version).at(-1);
    const allDone = await client.waitFor('every run trained', () => statusOf(1)?.runs.every((r) => r.phase === 'done') && statusOf(1), 120_000);
    expect(allDone.runs).toHaveLength(RUNS);

    // A comment above everything: the same runs (same keys), so nothing may train again.
    const editAutoTrain = autoTrainCalls(2);
    client.change(uri, `# many runs\n${text}`);
    await client.waitFor('the edit checked', () => statusOf(2));
    await editAutoTrain;
    await Promise.all(autoTrains);
    expect(client.workspace()!.host.running(uri)).toEqual([]);
    const after = statusOf(2)!;
    expect(after.runs.filter((r) => r.phase !== 'done').map((r) => `run ${r.index}: ${r.phase}`)).toEqual([]);
    // Every lens row shows its result, none offers a first Train.
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const titles = lenses.map((l) => l.command?.title ?? '');
    expect(titles.filter((t) => t.endsWith(' Train'))).toEqual([]);
    expect(titles.filter((t) => /^loss [\d.e-]+ after 100 epochs/.test(t))).toHaveLength(RUNS);
  }, 180_000);
});
