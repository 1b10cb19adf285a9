// The server's state as objects: a closed document leaves nothing behind (timers, progress reports, state, runs), and the server stays healthy through open/close churn.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentSession } from '../../server/src/lsp/session';
import { buildServer, LspClient, ROOT } from '../protocol/client';

const XOR = readFileSync(join(ROOT, 'examples', 'xor.nn'), 'utf8');
/** A run that trains far longer than any test waits. */
const LONG = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');
const TRAIN_LINE = XOR.split('\n').findIndex((l) => /^train /.test(l));
const LAYER = { line: XOR.split('\n').findIndex((l) => /^\s*layer hidden/.test(l)), character: 4 };
const uriOf = (name: string) => pathToFileURL(join(ROOT, 'examples', `${name}.nn`)).href;

let client: LspClient | null = null;
beforeAll(() => buildServer(), 120_000);
afterEach(async () => {
  vi.restoreAllMocks();
  await client?.stop();
  client = null;
});

/** Every DocumentSession the server makes while `spy` watches, in order. */
function watchSessions() {
  const spy = vi.spyOn(DocumentSession.prototype, 'scheduleCheck');
  return () => [...new Set(spy.mock.contexts as DocumentSession[])];
}

describe('a document session', () => {
  it('is disposed of as a whole when its document closes: no timer, progress report, state or run is left', async () => {
    const sessions = watchSessions();
    // Auto-train armed (its timer runs after every check) but never starting anything: the run starts by command.
    client = await LspClient.inProcess({ settings: { autoTrain: 'onChange', autoTrainBudgetSeconds: 0 } });
    const workspace = client.workspace()!;
    const uri = uriOf('session-close');
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    expect(await client.command('nn.train', uri, TRAIN_LINE)).toEqual({ started: 1 });
    const begun = await client.waitFor('a work-done progress for the run', () => client!.progress.find((p) => p.value.kind === 'begin'));

    // An edit that keeps the run: checked at once, and its auto-train timer armed; a second edit
    // right after waits for the check interval.
    client.change(uri, `${LONG}\n# a comment\n`);
    await client.waitForDiagnostics(uri, () => true);
    client.change(uri, `${LONG}\n# a longer comment\n`);
    const session = workspace.session(uri)!;
    expect(sessions()).toEqual([session]);
    await client.waitFor('a check timer and the progress report', () => {
      const held = session.holdings();
      return held.timers > 0 && held.reporters === 1 && held.state;
    });
    expect(workspace.host.running(uri)).toHaveLength(1);

    void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const cleared = await client.waitFor('the closed document’s diagnostics cleared', () =>
      client!.diagnostics.filter((d) => d.uri === uri && d.diagnostics.length === 0 && d.version === undefined).at(-1),
    );
    expect(cleared).toBeDefined();
    expect(session.holdings()).toEqual({ timers: 0, reporters: 0, state: false });
    expect(workspace.session(uri)).toBeUndefined();
    expect(workspace.openDocuments).toBe(0);
    expect(workspace.host.running(uri)).toEqual([]);
    // The client's progress bar ends with the document.
    await client.waitFor('the work-done progress ended', () => client!.progress.find((p) => p.token === begun.token && p.value.kind === 'end'));
    // Nothing the session kept answers for it any more.
    expect(await client.request('textDocument/hover', { textDocument: { uri }, position: LAYER })).toBeNull();
  });

  it('keeps the server healthy through open/close churn: every closed session holds nothing, the next document trains', async () => {
    const sessions = watchSessions();
    client = await LspClient.inProcess({ settings: { autoTrain: 'onChange' } });
    const workspace = client.workspace()!;
    const uris = Array.from({ length: 6 }, (_, i) => uriOf(`churn-${i}`));
    for (let round = 0; round < 40; round++) {
      const uri = uris[round % uris.length];
      const text = round % 3 === 0 ? LONG.replace('seed', `# round ${round}\n  seed`) : XOR.replace(/epochs \d+/, `epochs ${100 + round}`);
      client.open(uri, text, round + 1);
      if (round % 2 === 0) {
        // Closed while its first check, a debounced re-check or auto-training is still on its way.
        client.change(uri, `${text}\n`);
      } else {
        await client.waitForDiagnostics(uri, () => true);
        await client.command('nn.train', uri, TRAIN_LINE);
      }
      void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    // The server still answers, checks and trains.
    const fresh = uriOf('churn-after');
    client.open(fresh, XOR);
    const trained = await client.waitForDiagnostics(fresh, (p) => p.diagnostics.some((d) => d.code === 'trained'), 30_000);
    expect(trained.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: fresh }, position: LAYER });
    expect(hover?.contents.value).toMatch(/layer/);

    // Only the open document has a session; every other session ever made holds nothing and runs nothing.
    expect(workspace.openDocuments).toBe(1);
    const closed = sessions().filter((s) => s !== workspace.session(fresh));
    expect(closed.length).toBeGreaterThanOrEqual(uris.length);
    expect(closed.filter((s) => s.holdings().timers + s.holdings().reporters > 0 || s.holdings().state)).toEqual([]);
    expect(uris.flatMap((uri) => workspace.host.running(uri))).toEqual([]);
    // The last word on every closed document is "no diagnostics".
    for (const uri of uris) expect(client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics).toEqual([]);
  });
});
