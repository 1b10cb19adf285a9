// The server's own stale-result rule, over stdio: once it has an edit, nothing it publishes for the text before the edit reaches the client, even while the training host still takes that text for current.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { buildServer, LspClient, ROOT } from './client';

/** XOR with a run that trains far longer than the test (it never reaches loss < 0). */
const LONG = readFileSync(join(ROOT, 'examples', 'xor.nn'), 'utf8')
  .replace(/epochs \d+/, 'epochs 100000000')
  .replace(/\n\s*stop when loss < [\d.e-]+/, '');
const URI = 'file:///tmp/nn-protocol/stale-publish.nn';

const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});

beforeAll(() => buildServer(), 120_000);

/** A promise and the function that resolves it. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('stale results on the server', () => {
  it('a run that ends between an edit and its check publishes nothing for the old text; its result lands on the new', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const c = client;
    c.open(URI, LONG);
    await c.waitForDiagnostics(URI, () => true);
    expect(await c.command('nn.train', URI)).toEqual({ started: 1 });
    await c.waitFor('the run to train', () => c.runStatuses.some((s) => s.uri === URI && s.version === 1 && s.runs[0]?.phase === 'running'));

    // From here the client holds the server's settings request. The server asks for the settings
    // only once it has the edit (its check of version 2 starts with the question), and it cannot
    // finish that check, tell the training host of version 2, or publish it until the answer comes:
    // the host still takes version 1 for current, so the run's end reaches the server as version 1's.
    const asked = signal<{ diagnostics: number; statuses: number }>();
    const answer = signal<void>();
    c.connection.onRequest('workspace/configuration', async (params: { items: { section?: string }[] }) => {
      // What had arrived before this request: anything later was sent with version 2 in hand.
      asked.resolve({ diagnostics: c.diagnostics.length, statuses: c.runStatuses.length });
      await answer.promise;
      return params.items.map((item) => (item.section === 'nn' ? c.settings : null));
    });
    // The server asks the client to refetch inlay hints when a run's outcome is stored, after it
    // has published (or dropped) that outcome's state.
    let hintRefreshes = 0;
    const refreshed = signal<void>();
    c.connection.onRequest('workspace/inlayHint/refresh', () => {
      hintRefreshes++;
      refreshed.resolve();
      return null;
    });

    const version = c.change(URI, `${LONG}\n# an edit that keeps the run\n`);
    expect(version).toBe(2);
    const seenBefore = await asked.promise;
    // Stopping needs no settings: the run ends while version 2's check waits.
    expect(await c.command('nn.stopTraining', URI)).toEqual({ stopped: 1 });
    await refreshed.promise;

    // Nothing of version 1 came after the server had version 2.
    const stale = [
      ...c.diagnostics.slice(seenBefore.diagnostics).filter((p) => p.uri === URI && (p.version ?? 0) < version),
      ...c.runStatuses.slice(seenBefore.statuses).filter((s) => s.uri === URI && s.version < version),
    ];
    expect(stale).toEqual([]);
    expect(hintRefreshes).toBe(1);

    // Once the check of version 2 has its settings, the stopped run's result is published on it.
    answer.resolve();
    const stopped = (d: Diagnostic) => /^stopped at epoch \d+ of 100000000: loss /.test(messageOf(d));
    const done = await c.waitForDiagnostics(URI, (p) => p.diagnostics.some(stopped));
    expect(done.version).toBe(version);
  });
});
