// "NN: Check Gradients" over the protocol (docs/editor.md "Checking gradients"): the built server checks the trained run's backprop in a worker, says so, and the layer hover shows the figure.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { buildServer, LspClient, ROOT } from './client';

const FILE = join(ROOT, 'examples', 'spiral.nn');
const TEXT = readFileSync(FILE, 'utf8');
const URI = pathToFileURL(FILE).href;

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

it('checks the trained weights in a worker, reports every layer below 1e-6, and the layer hover shows it', async () => {
  client = await LspClient.start({ settings: { autoTrain: 'off' } });
  const lines = TEXT.split('\n');
  const trainLine = lines.findIndex((l) => /^train /.test(l));
  const layerLine = lines.findIndex((l) => /^\s*layer second /.test(l));
  client.open(URI, TEXT);
  await client.waitForDiagnostics(URI, () => true);

  // Nothing to check before the run has weights.
  expect(await client.command('nn.checkGradients', URI, trainLine)).toEqual({ checked: 0 });
  const untrained = await client.waitFor('the message', () => client!.messages.at(-1));
  expect(untrained.message).toMatch(/train or step twister on arms first/);

  await client.command('nn.train', URI, trainLine);
  await client.waitForDiagnostics(URI, (p) => p.diagnostics.some((d) => d.code === 'trained'), 60_000);
  expect(await client.command('nn.checkGradients', URI, trainLine)).toEqual({ checked: 1 });
  const message = await client.waitFor('the check', () => client!.messages.length === 2 && client!.messages[1]);
  expect(message.type).toBe(3);
  const match = /^NN: gradient check of twister on arms, weights of epoch (\d+), 240 training rows: largest relative error per layer first (\S+), second (\S+), arm (\S+): backprop's gradient is the slope\.$/.exec(message.message);
  expect(match, message.message).not.toBeNull();
  for (const error of match!.slice(2)) expect(Number(error)).toBeLessThan(1e-6);

  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: { line: layerLine, character: 10 } });
  const text = (hover.contents as MarkupContent).value;
  expect(text).toContain(`gradient check (weights of epoch ${match![1]}): largest relative error ${match![3]} over `);
  expect(text).toContain('backprop is the slope');
  expect(text).toContain(`command:nn.checkGradients?${encodeURIComponent(JSON.stringify([URI, trainLine]))}`);
}, 120_000);
