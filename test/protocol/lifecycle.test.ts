// The protocol's lifecycle over stdio (docs/editor.md "The protocol's lifecycle"): requests before `initialize` get error -32002, a second `initialize` is refused without starting a second training pool, requests after `shutdown` get error -32600, and `exit` ends the process with the code LSP prescribes.

import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { record } from '../reliability/figures';
import { rssMegabytes, threadCount } from '../reliability/process';
import { tempDir } from '../support/temp';
import { buildServer, LspClient, ROOT, VSCODE_CAPABILITIES } from './client';

const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;

const XOR = readFileSync(join(ROOT, 'examples', 'xor.nn'), 'utf8');
const uriOf = (name: string) => pathToFileURL(join(ROOT, 'examples', `${name}.nn`)).href;
const LAYER = { line: XOR.split('\n').findIndex((l) => /^\s*layer hidden/.test(l)), character: 4 };

let client: LspClient | null = null;
beforeAll(() => buildServer(), 120_000);
afterEach(async () => {
  await client?.stop();
  client = null;
});

/** The request's error code, or 'answered' when it got a result. */
function outcome(c: LspClient, method: string, params: unknown): Promise<number | 'answered'> {
  return c.request(method, params).then(
    () => 'answered' as const,
    (error: { code: number }) => error.code,
  );
}

/** The server process's exit code, once it has exited. */
function exitCode(c: LspClient): Promise<number | null> {
  const child = c.process!;
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** LSP 3.18 allows markup in messages; this server sends plain strings. */
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const hoverOf = (uri: string) => ({ textDocument: { uri }, position: LAYER });

describe('before initialize', () => {
  it('answers every request with error -32002 and drops notifications; exit without shutdown ends with code 1', async () => {
    client = LspClient.spawn();
    const uri = uriOf('lifecycle-early');
    // A document opened before initialize is dropped with the notification.
    client.open(uri, XOR);
    for (const [method, params] of [
      ['textDocument/hover', hoverOf(uri)],
      ['textDocument/codeLens', { textDocument: { uri } }],
      ['workspace/executeCommand', { command: 'nn.train', arguments: [uri] }],
      ['nn/training', { uri, line: 0 }],
      ['textDocument/documentHighlight', hoverOf(uri)],
      ['shutdown', undefined],
    ] as const) {
      expect(await outcome(client, method, params), method).toBe(SERVER_NOT_INITIALIZED);
    }
    // Once initialized, the server works, and knows nothing of the early document.
    await client.initialize({ settings: { autoTrain: 'off' } });
    expect(await outcome(client, 'textDocument/hover', hoverOf(uri))).toBe('answered');
    expect(await client.request('textDocument/hover', hoverOf(uri))).toBeNull();
    expect(client.diagnostics.filter((d) => d.uri === uri)).toEqual([]);
    const fresh = uriOf('lifecycle-fresh');
    client.open(fresh, XOR);
    await client.waitForDiagnostics(fresh, () => true);
    expect(await client.request<{ contents: { value: string } } | null>('textDocument/hover', hoverOf(fresh))).toMatchObject({ contents: { value: expect.stringMatching(/layer hidden/) } });
    // A refused shutdown does not count: exit now is an exit without shutdown.
    const exited = exitCode(client);
    void client.connection.sendNotification('exit');
    expect(await exited).toBe(1);
  });

  it('exits with code 1 on exit before initialize', async () => {
    client = LspClient.spawn();
    const exited = exitCode(client);
    void client.connection.sendNotification('exit');
    expect(await exited).toBe(1);
  });
});

describe('a second initialize', () => {
  it('is refused with error -32600, and thirty of them start no thread and hold no memory', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const pid = client.process!.pid!;
    const uri = uriOf('lifecycle-reinit');
    client.open(uri, XOR);
    await client.waitForDiagnostics(uri, () => true);
    const before = { threads: threadCount(pid), rss: rssMegabytes(pid) };
    const params = { processId: null, rootUri: null, workspaceFolders: null, capabilities: {} };
    for (let i = 0; i < 30; i++) expect(await outcome(client, 'initialize', params)).toBe(INVALID_REQUEST);
    const after = { threads: threadCount(pid), rss: rssMegabytes(pid) };
    record('lifecycle', `30 extra initialize: threads ${before.threads} -> ${after.threads}, RSS ${before.rss.toFixed(0)} -> ${after.rss.toFixed(0)} MB`);
    // Each accepted initialize used to start a training pool: a worker thread and its heap each.
    expect(after.threads).toBeLessThanOrEqual(before.threads + 2);
    expect(after.rss - before.rss).toBeLessThan(40);
    // The first initialize's state is intact: the document is still open and its run trains.
    expect(await client.request<{ contents: { value: string } } | null>('textDocument/hover', hoverOf(uri))).toMatchObject({ contents: { value: expect.stringMatching(/layer hidden/) } });
    expect(await client.command('nn.train', uri)).toEqual({ started: 1 });
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trained'), 30_000);
  });

  it('leaves the first initialize in charge: workspace folder changes are still heard', async () => {
    // specs/spec.nn reads ../data.csv: outside the spec's own folder until the folder above is opened.
    const workspaceFolder = realpathSync(tempDir('nn-lifecycle-'));
    mkdirSync(join(workspaceFolder, 'specs'));
    writeFileSync(join(workspaceFolder, 'data.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
    const uri = pathToFileURL(join(workspaceFolder, 'specs', 'spec.nn')).href;
    const text = XOR.replace(/data (\w+) \{[^}]*\}/, 'data $1 from "../data.csv" {\n  target y\n}');
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: null });
    client.open(uri, text);
    const outside = await client.waitForDiagnostics(uri, () => true);
    expect(outside.diagnostics.map(messageOf).join('\n')).toMatch(/outside the spec's folder/);
    const again = { processId: null, rootUri: null, workspaceFolders: null, capabilities: VSCODE_CAPABILITIES };
    expect(await outcome(client, 'initialize', again)).toBe(INVALID_REQUEST);
    const folder = { uri: pathToFileURL(workspaceFolder).href, name: 'workspace' };
    void client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
    const inside = await client.waitFor('a check with the folder open', () =>
      client!.diagnostics.filter((d) => d.uri === uri).find((d) => !d.diagnostics.some((x) => /outside/.test(messageOf(x)))),
    );
    expect(inside.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });
});

describe('after shutdown', () => {
  it('answers requests with error -32600, and exit ends with code 0', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = uriOf('lifecycle-late');
    client.open(uri, XOR);
    await client.waitForDiagnostics(uri, () => true);
    expect(await outcome(client, 'shutdown', undefined)).toBe('answered');
    for (const [method, params] of [
      ['textDocument/hover', hoverOf(uri)],
      ['textDocument/completion', hoverOf(uri)],
      ['workspace/executeCommand', { command: 'nn.train', arguments: [uri] }],
      ['textDocument/documentHighlight', hoverOf(uri)],
      ['initialize', { processId: null, rootUri: null, capabilities: {} }],
      ['shutdown', undefined],
    ] as const) {
      expect(await outcome(client, method, params), method).toBe(INVALID_REQUEST);
    }
    const exited = exitCode(client);
    void client.connection.sendNotification('exit');
    expect(await exited).toBe(0);
    expect(client.stderr.join('')).toBe('');
  });
});
