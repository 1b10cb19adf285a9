// Messages no editor should send (missing fields, wrong types, edits of unknown documents, inverted ranges): each gets an answer or an error, and the server keeps working.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, LspClient, ROOT } from '../protocol/client';

let client: LspClient;
beforeAll(async () => {
  buildServer();
  client = await LspClient.start({ settings: { autoTrain: 'off' } });
}, 120_000);
afterAll(async () => {
  await client?.stop();
});

const uri = pathToFileURL(join(ROOT, 'examples', 'malformed.nn')).href;
const TEXT = 'network n {\n  input 2\n  layer 1 sigmoid\n}\n';
const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

const requests: [string, unknown][] = [
  ['textDocument/hover', null],
  ['textDocument/hover', { textDocument: { uri } }],
  ['textDocument/hover', { textDocument: { uri }, position: { line: 'x', character: null } }],
  ['textDocument/hover', { textDocument: { uri: 'file:///never-opened.nn' }, position: { line: 0, character: 0 } }],
  ['textDocument/completion', { textDocument: { uri }, position: { line: -1, character: -5 } }],
  ['textDocument/codeLens', {}],
  ['textDocument/semanticTokens/full', { textDocument: {} }],
  ['textDocument/formatting', { textDocument: { uri } }],
  ['textDocument/inlayHint', { textDocument: { uri } }],
  ['textDocument/codeAction', { textDocument: { uri }, range }],
  ['textDocument/references', { textDocument: { uri }, position: { line: 0, character: 9 } }],
  ['textDocument/rename', { textDocument: { uri }, position: { line: 1, character: 3 } }],
  ['nn/training', null],
  ['nn/training', { uri: 5, line: 'a' }],
  ['nn/runs', null],
  ['nn/runs', { textDocument: { uri }, position: 'x' }],
  ['nn/runs', { textDocument: { uri }, position: { line: 'x', character: -1 } }],
  ['nn/exportModel', null],
  ['nn/exportModel', { uri, line: 'a', format: {} }],
  ['nn/exportModel', { uri, line: 2, format: 'tflite' }],
  ['workspace/executeCommand', { command: 'nn.train' }],
  ['workspace/executeCommand', { command: 'nn.step', arguments: [uri, -3] }],
  ['workspace/executeCommand', { command: 'nn.stopTraining', arguments: [{}, null] }],
  ['workspace/executeCommand', { command: 'rm -rf /', arguments: [] }],
];

describe('malformed messages', () => {
  it('answer each request (a result or an error) and keep serving', async () => {
    client.open(uri, TEXT);
    await client.waitForDiagnostics(uri, () => true);
    for (const [method, params] of requests) {
      const settled = await client.request(method, params).then(
        () => 'answered',
        (error: { code?: number }) => `error ${error.code}`,
      );
      expect(settled, `${method} ${JSON.stringify(params)}`).toMatch(/^(answered|error -326\d\d)$/);
    }
    // Notifications no editor sends: an inverted range, edits and closes of documents never opened, an open without text.
    const notes: [string, unknown][] = [
      ['textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 99, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }] }],
      ['textDocument/didChange', { textDocument: { uri: 'file:///nope.nn', version: 2 }, contentChanges: [{ text: 'x' }] }],
      ['textDocument/didOpen', { textDocument: { uri: 'file:///bad.nn' } }],
      ['textDocument/didClose', { textDocument: { uri: 'file:///never.nn' } }],
      ['workspace/didChangeWatchedFiles', { changes: null }],
      ['workspace/didChangeConfiguration', null],
    ];
    for (const [method, params] of notes) void client.connection.sendNotification(method, params);

    // Still serving: a fresh document checks, and hover answers on it.
    const fresh = pathToFileURL(join(ROOT, 'examples', 'malformed-after.nn')).href;
    client.open(fresh, TEXT);
    await client.waitForDiagnostics(fresh, () => true);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: fresh }, position: { line: 2, character: 3 } });
    expect(hover?.contents.value).toMatch(/layer/);
    expect(client.process!.exitCode).toBeNull();
    expect(client.stderr.join('')).toBe('');
  });
});
