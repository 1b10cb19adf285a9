// Issue 21 over the protocol (docs/editor.md "Checking gradients", "The training panel"): "NN: Check Gradients" checks a run's backprop in a worker, says so, and the layer hover shows the figure; nn/training carries every run's curves, named by line, and the confusion matrices.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { TrainingView } from '../../server/src/protocol';
import { buildServer, LspClient, ROOT } from './client';

/** An example's path, text and URI. */
function example(name: string): { text: string; uri: string } {
  const file = join(ROOT, 'examples', name);
  return { text: readFileSync(file, 'utf8'), uri: pathToFileURL(file).href };
}

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

it('checks the trained weights in a worker, reports every layer below 1e-6, and the layer hover shows it', async () => {
  const { text: TEXT, uri: URI } = example('spiral.nn');
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

it('gives each run of circle.nn both runs\u2019 curves named by their lines, and its confusion matrices', async () => {
  const { text: TEXT, uri: URI } = example('circle.nn');
  client = await LspClient.start({ settings: { autoTrain: 'off' } });
  const lines = TEXT.split('\n');
  const trainLines = lines.flatMap((l, i) => (/^train /.test(l) ? [i] : []));
  expect(trainLines).toHaveLength(2);
  client.open(URI, TEXT);
  await client.waitForDiagnostics(URI, () => true);
  const ask = (line: number) => client!.request<TrainingView>('nn/training', { uri: URI, line });
  // Untrained: nothing to compare.
  expect((await ask(trainLines[0])).runs).toEqual([]);

  await client.command('nn.train', URI);
  await client.waitForDiagnostics(URI, (p) => p.diagnostics.filter((d) => d.code === 'trained').length === 2, 60_000);
  // The records follow the results; each comes with run news (nn/runStatus), on which the panel asks again.
  let views = await Promise.all(trainLines.map(ask));
  for (let tries = 0; tries < 20 && !views.every((v) => v.runs?.length === 2 && v.confusion); tries++) {
    const seen = client.runStatuses.length;
    await client.waitFor('run news', () => client!.runStatuses.length > seen, 10_000);
    views = await Promise.all(trainLines.map(ask));
  }
  for (const view of views) {
    expect(view.runs!.map((r) => r.label)).toEqual(trainLines.map((l) => `train ring on disc (line ${l + 1})`));
    for (const [i, curve] of view.runs!.entries()) {
      expect(curve.line).toBe(trainLines[i]);
      expect(curve.epochs.length).toBe(curve.loss.length);
      expect(curve.epochs.length).toBeGreaterThan(5);
    }
    // The runs differ (sgd with momentum, adam): their curves are not one curve twice.
    expect(view.runs![0].loss).not.toEqual(view.runs![1].loss);
    expect(view.confusion!.classes).toEqual(['0', '1']);
    const rows = (m: number[][] | null) => (m ?? []).flat().reduce((a, b) => a + b, 0);
    // Every one of the 200 points, in the training part or held out by `validate`.
    expect(rows(view.confusion!.training) + rows(view.confusion!.validation)).toBe(200);
    expect(rows(view.confusion!.validation)).toBeGreaterThan(0);
  }
}, 120_000);
