// Large data sets load off the LSP thread: the server answers while a CSV is read and a generated set drawn, reports progress, checks them once they are in, and an edit elsewhere reads nothing again (docs/editor.md "Large data sets").
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { LspClient } from './client';
import { tempDir } from '../support/temp';
import { writeXyCsv } from '../../bench/xyCsv.mjs';

const SPEC = `# Large data in the editor.
network n {
  input 3
  layer hidden 4 relu
  layer out 1 sigmoid
}
network spare {
  input 2
  layer out 1 sigmoidd
}
data big from "big.csv"
train n on big {
  epochs 1
}
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

let client: LspClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

describe('large data sets in the editor', () => {
  const CASES = [
    {
      name: 'a CSV of 2,000,000 rows',
      data: 'data big from "big.csv"\ntrain n on big {\n  epochs 1\n}\n',
      loading: "reading big.csv…; data set 'big' is checked, and its runs trained, once it is loaded",
      checked: "data set 'big' has 1 input but network",
      progress: /^reading big\.csv: \d+%$/,
      activity: 'reading big.csv',
    },
    {
      name: 'spiral(samples 3000000)',
      data: 'data drawn = spiral(samples 3000000, noise 0.1)\ntrain n on drawn {\n  epochs 1\n}\n',
      loading: "drawing spiral(samples 3000000)…; data set 'drawn' is checked, and its runs trained, once it is loaded",
      checked: "data set 'drawn' has 2 inputs but network",
      progress: /^drawing spiral\(samples 3000000\)…$/,
      activity: 'drawing spiral(samples 3000000)',
    },
  ];

  it.each(CASES)('answers hovers and completion while $name loads, with the rest of the spec checked, then checks it; an edit in a comment reads nothing again', async (c) => {
    const folder = tempDir('nn-data-loading-');
    writeXyCsv(join(folder, 'big.csv'), 2_000_000);
    const uri = pathToFileURL(join(folder, 'big.nn')).href;
    const spec = SPEC.slice(0, SPEC.indexOf('data big')) + c.data;
    client = await LspClient.inProcess({ workspaceFolder: folder, settings: { autoTrain: 'off' } });
    client.open(uri, spec);
    const opened = performance.now();
    // Before its first check a document has no state to hover on.
    await client.waitFor('the first diagnostics', () => client!.diagnostics.some((d) => d.uri === uri), 60_000);

    const checked = (d: PublishDiagnosticsParams) => d.diagnostics.some((p) => String(p.message).startsWith(c.checked));
    // Hovers and completion in the network answer at once all the while (before, the first check held the thread until the data was in).
    const latencies: number[] = [];
    const completions: number[] = [];
    const loaded = () => client!.diagnostics.some((d) => d.uri === uri && checked(d));
    // While it loads, the data set's hover says so and the run's lens waits (asked once; answers given after the load are not judged).
    const dataHover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 6 } });
    if (!loaded()) expect(dataHover?.contents.value).toContain(`loading: ${c.activity}`);
    const lenses = await client.request<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    if (!loaded()) expect(lenses.map((l) => l.command?.title)).toContain(`waiting for data '${c.data.split(' ')[1]}' (${c.activity})`);
    while (!loaded() && performance.now() - opened < 60_000) {
      const started = performance.now();
      const hover = await client.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 9 } });
      latencies.push(performance.now() - started);
      expect(JSON.stringify(hover)).toContain('layer hidden');
      const asked = performance.now();
      const items = await client.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 2 } });
      completions.push(performance.now() - asked);
      expect(items.map((i) => i.label)).toContain('layer');
    }
    expect(loaded()).toBe(true);
    expect(latencies.length).toBeGreaterThan(5);
    expect(percentile(latencies, 95)).toBeLessThan(50);
    expect(percentile(completions, 95)).toBeLessThan(50);
    // Meanwhile the declaration said so, the run waited, and the progress area counted.
    const first = client.diagnostics.find((d) => d.uri === uri);
    expect(first?.diagnostics.map((p) => p.message)).toContain(c.loading);
    // The rest of the spec is checked without waiting: another network's error is there from the first diagnostics.
    expect(first?.diagnostics.map((p) => p.message)).toContain("unknown activation 'sigmoidd'; did you mean 'sigmoid'?");
    // The progress says how far from its beginning (a file's size is known before its read starts), however fast the load.
    const begun = client.progress.find((p) => p.value.kind === 'begin');
    expect(begun?.value.message).toMatch(c.progress);
    expect(client.progress.some((p) => p.value.kind === 'end')).toBe(true);

    // Once in, the data set is checked against the network's 3 inputs, and says it is loading no more.
    const done = await client.waitForDiagnostics(uri, checked);
    expect(done.diagnostics.some((p) => String(p.message).includes('…'))).toBe(false);

    // An edit in a comment reads and draws nothing again: its diagnostics come at once, with the data checked.
    const store = client.workspace()!.store;
    const before = store.usage().loads;
    const edited = performance.now();
    client.change(uri, spec.replace('# Large data', '# Large data, edited'));
    await client.waitForDiagnostics(uri, checked);
    expect(performance.now() - edited).toBeLessThan(1_000);
    expect(store.usage().loads).toEqual(before);
  }, 120_000);

  it('keeps one version of a file that changes on disk again and again, and drops loads no document uses', async () => {
    const folder = tempDir('nn-data-changes-');
    const csv = join(folder, 'big.csv');
    writeXyCsv(csv, 300_000);
    const uri = pathToFileURL(join(folder, 'big.nn')).href;
    client = await LspClient.inProcess({ workspaceFolder: folder, settings: { autoTrain: 'off' } });
    const spec = SPEC;
    client.open(uri, spec);
    await client.waitForDiagnostics(uri, (d) => d.diagnostics.some((p) => String(p.message).includes("data set 'big' has 1 input")));
    const store = client.workspace()!.store;
    for (let version = 2; version <= 6; version++) {
      writeXyCsv(csv, 300_000 + version, { seed: version });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(csv).href, type: 2 }] });
      await client.waitFor(`version ${version} of big.csv`, () => {
        const big = client!.workspace()!.session(uri)?.state?.check.datasets.get('big');
        return big?.rows === 300_000 + version;
      }, 30_000);
      // One load of the file: the version the document shows.
      expect(store.usage().loads).toMatchObject({ entries: 1, pinned: 1 });
    }
    client.change(uri, spec.replace(/data big[^\n]*\n/, '').replace(/train n on big \{\n {2}epochs 1\n\}\n/, ''));
    await client.waitForDiagnostics(uri, (d) => !d.diagnostics.some((p) => String(p.message).includes("'big'")));
    // No document uses the file's load any more: nothing is pinned, and it goes when the store needs room.
    expect(store.usage().loads.pinned).toBe(0);
  }, 120_000);
});
