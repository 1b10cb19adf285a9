// The panel's "Compare runs" and classification detail over the protocol (docs/editor.md "The training panel"): nn/training carries every run's curves, named by line, and the confusion matrices.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { TrainingView } from '../../server/src/protocol';
import { buildServer, LspClient, ROOT } from './client';

const FILE = join(ROOT, 'examples', 'circle.nn');
const TEXT = readFileSync(FILE, 'utf8');
const URI = pathToFileURL(FILE).href;

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

it('gives each run of circle.nn both runs\u2019 curves named by their lines, and its confusion matrices', async () => {
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
