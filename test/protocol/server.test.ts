// The built language server over stdio, as an editor drives it: diagnostics, CodeLens, commands, training results, stale results, stop latency, trust, small clients.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { RunsRequest, type RunLocation } from '../../server/src/protocol';
import { exportCli } from '../export/helpers';
import { buildServer, LspClient, ROOT } from './client';

/** The file a new user opens first. */
const XOR_FILE = join(ROOT, 'examples', 'xor.nn');
const XOR = readFileSync(XOR_FILE, 'utf8');
const XOR_URI = pathToFileURL(XOR_FILE).href;

/** A run that trains far longer than any test waits (XOR never reaches loss < 0). */
const LONG = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');

const INFO = 3;
const WARNING = 2;
const ERROR = 1;

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});

beforeAll(() => buildServer(), 120_000);

function lineOf(text: string, needle: RegExp): number {
  return text.split('\n').findIndex((l) => needle.test(l));
}

const titles = (lenses: CodeLens[]) => lenses.map((l) => l.command?.title ?? '');
/** LSP 3.18 allows markup in messages; this server sends plain strings. */
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const result = (d: Diagnostic) => ['trained', 'target-missed', 'diverged', 'training-failed'].includes(String(d.code));

async function lenses(c: LspClient, uri: string): Promise<CodeLens[]> {
  return c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
}

describe('language server over stdio', () => {
  it('checks, offers Train, trains on nn.train and reports the result on the train line', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const trainLine = lineOf(XOR, /^train /);
    client.open(XOR_URI, XOR);
    const first = await client.waitForDiagnostics(XOR_URI, () => true);
    expect(first.diagnostics.filter((d) => d.severity === ERROR)).toEqual([]);

    const before = await lenses(client, XOR_URI);
    expect(before.every((l) => l.range.start.line === trainLine)).toBe(true);
    expect(titles(before).slice(0, 2)).toEqual(['$(play) Train', '$(debug-step-over) Step']);
    // XOR stops at its target, which may come before its last epoch: the estimate is a bound (docs/editor.md "Auto-train and the estimate").
    expect(titles(before)[2]).toMatch(/^est\. (?:up to [\d.]+|< 0\.01) s$/);
    expect(before[0].command).toMatchObject({ command: 'nn.train', arguments: [XOR_URI, trainLine] });

    const answer = await client.command<{ started: number }>('nn.train', XOR_URI, trainLine);
    expect(answer.started).toBe(1);
    const done = await client.waitForDiagnostics(XOR_URI, (p) => p.diagnostics.some(result));
    const info = done.diagnostics.find(result)!;
    expect(info.severity).toBe(INFO);
    expect(info.range.start.line).toBe(trainLine);
    expect(info.message).toMatch(/^trained: loss 0\.000\d+ at epoch \d+ \(target < 0\.001 reached\) in (?:< 0\.01|[\d.]+) s; accuracy 100%$/);

    const after = titles(await lenses(client, XOR_URI));
    expect(after.slice(0, 5)).toEqual(['$(play) Retrain', '$(debug-step-over) Step', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(after[5]).toMatch(/^loss 0\.000\d+ at epoch \d+, target < 0\.001 reached · (?:< 0\.01|[\d.]+) s$/);

    // Hover on the hidden layer now shows its trained W (one row per unit) and δ.
    const layerLine = lineOf(XOR, /layer hidden/);
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri: XOR_URI },
      position: { line: layerLine, character: 4 },
    });
    expect(hover?.contents.kind).toBe('markdown');
    expect(hover!.contents.value).toMatch(/layer hidden/);
    expect(hover!.contents.value).toMatch(/δ⁽¹⁾ of the last update \(batch mean\): \[/);
    expect(hover!.contents.value).toMatch(/epoch \d+ · rate 0\.5/);

    // Inlay hints: each inline row's trained prediction.
    const hints = await client.request<{ label: string; position: { line: number } }[]>('textDocument/inlayHint', {
      textDocument: { uri: XOR_URI },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
    });
    const rowLine = lineOf(XOR, /^\s*0 1 -> 1/);
    expect(hints.some((h) => h.position.line === rowLine && /ŷ/.test(h.label))).toBe(true);

    // The panel's data (sent right after the result): the curve ends at the reported epoch,
    // and two inputs give a boundary grid for every snapshot.
    const epoch = Number(/at epoch (\d+)/.exec(messageOf(info))![1]);
    type View = { curve: { epoch: number }[]; snapshots: { epoch: number; boundary: number[] | null }[]; grid: number; points: unknown[] | null };
    let view: View | null = null;
    for (const deadline = performance.now() + 5000; performance.now() < deadline; ) {
      view = await client.request<View>('nn/training', { uri: XOR_URI, line: trainLine + 2 });
      // Until the worker's record comes, the live snapshots stand in for it.
      if (view.snapshots.at(-1)?.epoch === epoch) break;
      const seen = client.runStatuses.length;
      await client.waitFor('the next run status', () => client!.runStatuses.length > seen, 5000);
    }
    expect(view!.curve[view!.curve.length - 1].epoch).toBe(epoch);
    expect(view!.snapshots[view!.snapshots.length - 1].epoch).toBe(epoch);
    expect(view!.snapshots.every((s) => s.boundary?.length === view!.grid * view!.grid)).toBe(true);
    expect(view!.points).toHaveLength(4);
  });

  it('says where the runs are (nn/runs), in the text as the client has it, for the palette commands', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    client.open(XOR_URI, XOR);
    await client.waitForDiagnostics(XOR_URI, () => true);
    const trainLine = lineOf(XOR, /^train /);
    const runs = (position?: { line: number; character: number }, uri = XOR_URI) =>
      client!.request<RunLocation[] | null>(RunsRequest.method, { textDocument: { uri }, ...(position ? { position } : {}) });

    expect((await runs())?.map((r) => [r.line, r.network, r.data])).toEqual([[trainLine, 'xor', 'xor_table']]);
    expect((await runs({ line: trainLine + 2, character: 0 }))?.map((r) => r.line)).toEqual([trainLine]);
    expect(await runs({ line: lineOf(XOR, /layer hidden/), character: 4 })).toEqual([]);
    expect(await runs(undefined, 'file:///never-opened.nn')).toBeNull();

    // Sent right after an edit, before its debounced check: the answer is about the new text.
    client.change(XOR_URI, `# two lines\n# above\n${XOR}`);
    expect((await runs({ line: trainLine + 2, character: 0 }))?.map((r) => r.line)).toEqual([trainLine + 2]);
  });

  it('exports the trained run in every format from what it holds, without training again (nn/exportModel)', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const trainLine = lineOf(XOR, /^train /);
    client.open(XOR_URI, XOR);
    await client.waitForDiagnostics(XOR_URI, () => true);
    const exportAs = (format: string) => client!.request<{ fileName: string; data: string } | { error: string }>('nn/exportModel', { uri: XOR_URI, line: trainLine + 1, format });
    expect(await exportAs('onnx')).toEqual({ error: 'Run 1 (xor on xor_table) has not been trained yet: train it (NN: Train Network), then export it.' });

    await client.command('nn.train', XOR_URI, trainLine);
    await client.waitForDiagnostics(XOR_URI, (p) => p.diagnostics.some(result));
    const statusesBefore = client.runStatuses.length;
    const out = mkdtempSync(join(tmpdir(), 'nn-protocol-export-'));
    try {
      for (const [format, extension] of [['json', 'json'], ['pytorch', 'py'], ['onnx', 'onnx'], ['safetensors', 'safetensors']]) {
        const answer = await exportAs(format);
        if ('error' in answer) throw new Error(answer.error);
        expect(answer.fileName).toBe(`xor.run1.${extension}`);
        // The command line trains the same run afresh; training is deterministic, so the files are the same bytes.
        const file = join(out, answer.fileName);
        const cli = exportCli(['xor.nn', '--run', '1', '--format', format, '--out', file], join(ROOT, 'examples'));
        expect(cli.status, cli.stderr).toBe(0);
        expect(Buffer.from(answer.data, 'base64').equals(readFileSync(file))).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    // Nothing trained for the exports: no run went back to queued or running.
    const later = client.runStatuses.slice(statusesBefore).flatMap((s) => s.runs);
    expect(later.filter((r) => r.phase === 'queued' || r.phase === 'running')).toEqual([]);
  });

  it('trains by itself after opening when the run is under the budget (nn.autoTrain onChange)', async () => {
    client = await LspClient.start();
    const opened = performance.now();
    client.open(XOR_URI, XOR);
    const done = await client.waitForDiagnostics(XOR_URI, (p) => p.diagnostics.some(result));
    console.info(`didOpen → first result diagnostic: ${(performance.now() - opened).toFixed(0)} ms`);
    expect(done.diagnostics.find(result)!.message).toMatch(/^trained: /);
  });

  it('trains examples/spiral.nn by itself on open, under the default 2 s budget (docs/editor.md "Auto-train and the estimate")', async () => {
    client = await LspClient.start();
    const spiral = join(ROOT, 'examples', 'spiral.nn');
    const uri = pathToFileURL(spiral).href;
    client.open(uri, readFileSync(spiral, 'utf8'));
    // Nobody asks it to train: the first run status that leaves 'idle' comes from auto-train.
    const started = await client.waitFor('spiral.nn to start training by itself', () =>
      client!.runStatuses.find((s) => s.uri === uri && s.runs[0] && s.runs[0].phase !== 'idle'),
    );
    expect(['queued', 'running', 'done']).toContain(started.runs[0].phase);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result), 60_000);
    expect(messageOf(done.diagnostics.find(result)!)).toMatch(/^trained: loss 0\.0\d+ at epoch \d+ \(target < 0\.02 reached\)/);
  });

  it('leaves runs over the budget for Train and shows their estimate', async () => {
    client = await LspClient.start({ settings: { autoTrainBudgetSeconds: 0 } });
    client.open(XOR_URI, XOR);
    await client.waitForDiagnostics(XOR_URI, () => true);
    const shown = titles(await lenses(client, XOR_URI));
    expect(shown).toEqual(['$(play) Train', '$(debug-step-over) Step', expect.stringMatching(/^est\. /)]);
    expect(client.runStatuses.flatMap((s) => s.runs).every((r) => r.phase === 'idle')).toBe(true);
  });

  it('trains on save only, with nn.autoTrain onSave', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'onSave' } });
    const uri = 'file:///tmp/nn-protocol/on-save.nn';
    client.open(uri, XOR);
    await client.waitForDiagnostics(uri, () => true);
    const edited = client.change(uri, `${XOR}\n# edited\n`);
    await client.waitForDiagnostics(uri, (p) => p.version === edited);
    expect(client.runStatuses.flatMap((s) => s.runs).every((r) => r.phase === 'idle')).toBe(true);
    client.save(uri);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    expect(messageOf(done.diagnostics.find(result)!)).toMatch(/^trained: /);
  });

  it('nn/training carries the network and boundary while a run trains, sending each snapshot once', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/live.nn';
    const trainLine = lineOf(LONG, /^train /);
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri, trainLine);
    type View = {
      status: { phase: string };
      classes?: string[] | null;
      snapshots: { epoch: number; boundary: number[] | null; layers: { line: number }[] }[];
      series?: number;
      seqs?: number[];
      after?: number;
      grid: number;
    };
    const ask = (held?: { series: number; upTo: number }) => client!.request<View>('nn/training', { uri, line: trainLine, ...(held ? { held } : {}) });
    let whole: View | null = null;
    for (const deadline = performance.now() + 10_000; performance.now() < deadline; ) {
      whole = await ask();
      if (whole.status.phase === 'running' && whole.snapshots.length >= 2) break;
      const seen = client.runStatuses.length;
      await client.waitFor('the next run status', () => client!.runStatuses.length > seen, 5000);
    }
    expect(whole!.status.phase).toBe('running');
    expect(whole!.classes).toBeNull();
    expect(whole!.snapshots[0].epoch).toBe(0);
    expect(whole!.seqs).toHaveLength(whole!.snapshots.length);
    expect(whole!.snapshots.every((s) => s.boundary?.length === whole!.grid ** 2)).toBe(true);
    expect(whole!.snapshots.at(-1)!.boundary).not.toEqual(whole!.snapshots[0].boundary);
    // Each layer of the diagram knows its line, so a click on it reveals its `layer` statement.
    const layerLines = LONG.split('\n').flatMap((l, i) => (/^\s*layer /.test(l) ? [i] : []));
    expect(layerLines).toHaveLength(2);
    expect(whole!.snapshots.every((s) => JSON.stringify(s.layers.map((l) => l.line)) === JSON.stringify(layerLines))).toBe(true);

    // Asking again with what is held: only newer snapshots come.
    const upTo = whole!.seqs!.at(-1)!;
    const seen = client.runStatuses.length;
    await client.waitFor('the next run status', () => client!.runStatuses.length > seen + 2, 5000);
    const next = await ask({ series: whole!.series!, upTo });
    expect(next.series).toBe(whole!.series);
    expect(next.after).toBe(upTo);
    expect(next.snapshots.length).toBe(next.seqs!.filter((seq) => seq > upTo).length);
    expect(next.snapshots.length).toBeLessThan(next.seqs!.length);
    await client.command('nn.stopTraining', uri);
  });

  it('stops a run at nn.maxTrainingSeconds with a Warning that says so', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off', maxTrainingSeconds: 0.3 } });
    const uri = 'file:///tmp/nn-protocol/time.nn';
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    const warning = done.diagnostics.find(result)!;
    expect(warning.severity).toBe(WARNING);
    expect(messageOf(warning)).toMatch(/^stopped at the time limit after 0\.\d+ s, at epoch \d+ of 100000000: loss [\d.e-]+\. Raise nn\.maxTrainingSeconds/);
  });

  it('never lets a result land on text that changed while it trained', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/stale.nn';
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri);
    await client.waitFor('the run to train', () => client!.runStatuses.some((s) => s.uri === uri && s.runs[0]?.phase === 'running'));

    // Change the run itself (its seed): the running job no longer belongs to the text.
    const changed = LONG.replace(/seed 1/, 'seed 2');
    const version = client.change(uri, changed);
    await client.waitForDiagnostics(uri, () => true);
    await client.waitFor('the stale run to be dropped', () =>
      client!.runStatuses.some((s) => s.uri === uri && s.version === version && s.runs[0]?.phase === 'idle'),
    );

    // A short run of the new text trains to the end; the old one must never have reported.
    const short = changed.replace(/epochs \d+/, 'epochs 500');
    const shortVersion = client.change(uri, short);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    expect(done.version).toBe(shortVersion);
    expect(done.diagnostics.find(result)!.message).toMatch(/after 500 epochs/);
    const landed = client.diagnostics.filter((p) => p.uri === uri).flatMap((p) => p.diagnostics.filter(result).map(messageOf));
    expect(landed.every((m) => /after 500 epochs/.test(m))).toBe(true);
  });

  it('puts a result on the train line of the current text when lines moved during training', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/moved.nn';
    const text = XOR.replace(/epochs \d+/, 'epochs 3000').replace(/\n\s*stop when loss < [\d.e-]+/, '');
    client.open(uri, text);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri);
    // Three comment lines above everything: the run's key is the same, its line is not.
    const moved = `# one\n# two\n# three\n${text}`;
    const version = client.change(uri, moved);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    expect(done.version).toBe(version);
    expect(done.diagnostics.find(result)!.range.start.line).toBe(lineOf(moved, /^train /));
  });

  it('stops a run promptly on nn.stopTraining', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/stop.nn';
    const trainLine = lineOf(LONG, /^train /);
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri, trainLine);
    await client.waitFor('progress', () => client!.runStatuses.some((s) => s.uri === uri && (s.runs[0]?.epoch ?? 0) > 0));
    const running = titles(await lenses(client, uri));
    expect(running[0]).toBe('$(debug-stop) Stop');
    expect(running[1]).toMatch(/^epoch \d+\/100000000 · loss [\d.e-]+ · [\d.]+ s$/);

    const asked = performance.now();
    const answer = await client.command<{ stopped: number }>('nn.stopTraining', uri, trainLine);
    expect(answer.stopped).toBe(1);
    const stopped = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    const latency = performance.now() - asked;
    console.info(`nn.stopTraining → stopped result: ${latency.toFixed(1)} ms`);
    expect(latency).toBeLessThan(250);
    expect(stopped.diagnostics.find(result)!.message).toMatch(/^stopped at epoch \d+ of 100000000: loss /);
    expect(titles(await lenses(client, uri))[0]).toBe('$(play) Train');
  });

  it('shows a cancellable work-done progress while training, and its Cancel stops the run', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/progress.nn';
    client.open(uri, LONG);
    await client.waitForDiagnostics(uri, () => true);
    await client.command('nn.train', uri);
    const begin = await client.waitFor('a progress begin', () => client!.progress.find((p) => p.value.kind === 'begin'));
    expect(begin.value).toMatchObject({ kind: 'begin', cancellable: true });
    await client.waitFor('a progress report', () => client!.progress.find((p) => p.token === begin.token && p.value.kind === 'report' && /^epoch \d+/.test(p.value.message ?? '')));
    void client.connection.sendNotification('window/workDoneProgress/cancel', { token: begin.token });
    const stopped = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    expect(messageOf(stopped.diagnostics.find(result)!)).toMatch(/^stopped at epoch \d+/);
    await client.waitFor('the progress to end', () => client!.progress.find((p) => p.token === begin.token && p.value.kind === 'end'));
  });

  it('steps one update at a time with Step', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/step.nn';
    const trainLine = lineOf(XOR, /^train /);
    client.open(uri, XOR);
    await client.waitForDiagnostics(uri, () => true);
    for (const update of [1, 2]) {
      const seen = client.runStatuses.length;
      expect(await client.command<{ stepped: boolean }>('nn.step', uri, trainLine)).toEqual({ stepped: true });
      await client.waitFor(`step ${update}`, () => client!.runStatuses.slice(seen).some((s) => s.uri === uri && s.runs[0].summary.startsWith(`step ${update} `)));
      const shown = titles(await lenses(client, uri));
      expect(shown).toContain('$(debug-step-over) Step');
      expect(shown.some((t) => new RegExp(`^step ${update} from the initial weights · epoch ${update} · loss [\\d.]+$`).test(t))).toBe(true);
    }
    // Hover on the hidden layer shows W before, the gradient and W after of the last step.
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: lineOf(XOR, /layer hidden/), character: 4 },
    });
    expect(hover.contents.value).toMatch(/\*\*step 2 · epoch 2 · loss [\d.]+\*\* — from the initial weights/);
    expect(hover.contents.value).toMatch(/before:[\s\S]*after:/);
  });

  it('re-checks with new settings when they change (nn.maxParameters)', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const uri = 'file:///tmp/nn-protocol/settings.nn';
    client.open(uri, XOR);
    const before = await client.waitForDiagnostics(uri, () => true);
    expect(before.diagnostics.filter((d) => d.severity === ERROR)).toEqual([]);
    client.settings = { ...client.settings, maxParameters: 10 };
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const after = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'network-too-large'));
    expect(messageOf(after.diagnostics.find((d) => d.code === 'network-too-large')!)).toMatch(/^network 'xor' has \d+ parameters.*\b10\b/);
    expect(titles(await lenses(client, uri))).toEqual(['fix 1 error to train']);
  });

  it('says how many errors stand between the spec and training', async () => {
    client = await LspClient.start();
    const uri = 'file:///tmp/nn-protocol/errors.nn';
    const broken = XOR.replace('layer hidden 3 sigmoid', 'layer hidden 3 sigmoidd').replace('epochs 20000', 'epochs 0');
    client.open(uri, broken);
    const published = await client.waitForDiagnostics(uri, () => true);
    const errors = published.diagnostics.filter((d) => d.severity === ERROR).length;
    expect(errors).toBe(2);
    expect(titles(await lenses(client, uri))).toEqual(['fix 2 errors to train']);
    const answer = await client.command<{ started: number }>('nn.train', uri);
    expect(answer.started).toBe(0);
  });

  it('reads no data and trains nothing in an untrusted workspace, and says so', async () => {
    client = await LspClient.start({ initializationOptions: { workspaceTrusted: false } });
    client.open(XOR_URI, XOR);
    const published = await client.waitForDiagnostics(XOR_URI, () => true);
    expect(published.diagnostics.some((d) => /not trusted/.test(messageOf(d)))).toBe(true);
    expect(titles(await lenses(client, XOR_URI))).toEqual(['training is off in Restricted Mode (untrusted workspace)']);
    expect((await client.command<{ started: number }>('nn.train', XOR_URI)).started).toBe(0);
  });

  it('reads CSV data inside the workspace, refuses a path that leaves it, and reads nothing when untrusted', async () => {
    const iris = join(ROOT, 'examples', 'iris.nn');
    const irisUri = pathToFileURL(iris).href;
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    client.open(irisUri, readFileSync(iris, 'utf8'));
    const trusted = await client.waitForDiagnostics(irisUri, () => true);
    expect(trusted.diagnostics.filter((d) => d.severity === ERROR)).toEqual([]);
    expect(titles(await lenses(client, irisUri))[0]).toBe('$(play) Train');
    // The panel names the one-hot outputs by their classes, before any training too.
    const irisTrainLine = lineOf(readFileSync(iris, 'utf8'), /^train /);
    const irisView = await client.request<{ classes?: string[] | null }>('nn/training', { uri: irisUri, line: irisTrainLine });
    expect(irisView.classes).toEqual(['setosa', 'versicolor', 'virginica']);

    // The same folder layout, with the data one level above the workspace folder.
    const workspace = mkdtempSync(join(tmpdir(), 'nn-workspace-'));
    mkdirSync(join(workspace, 'specs'));
    copyFileSync(join(ROOT, 'examples', 'iris.csv'), join(workspace, 'iris.csv'));
    const inside = join(workspace, 'specs', 'inside.nn');
    const insideText = readFileSync(iris, 'utf8').replace('"iris.csv"', '"../iris.csv"');
    await client.stop();
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: workspace });
    client.open(pathToFileURL(inside).href, insideText);
    const allowed = await client.waitForDiagnostics(pathToFileURL(inside).href, () => true);
    expect(allowed.diagnostics.filter((d) => d.severity === ERROR)).toEqual([]);
    await client.stop();
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: join(workspace, 'specs') });
    client.open(pathToFileURL(inside).href, insideText);
    const outside = await client.waitForDiagnostics(pathToFileURL(inside).href, () => true);
    expect(outside.diagnostics.map((d) => d.code)).toContain('path-outside-workspace');
    expect(outside.diagnostics.map(messageOf).join('\n')).toMatch(/outside the workspace folder;.*Move the file into the workspace/);
    await client.stop();
    // No folder open at all: the spec's own folder is the limit, and the message says so.
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: null });
    client.open(pathToFileURL(inside).href, insideText);
    const alone = await client.waitForDiagnostics(pathToFileURL(inside).href, () => true);
    const aloneMessage = alone.diagnostics.filter((d) => d.code === 'path-outside-workspace').map(messageOf).join('\n');
    expect(aloneMessage).toMatch(/'\.\.\/iris\.csv' is outside the spec's folder; .*open a folder that holds both/);
    expect(aloneMessage).not.toMatch(/workspace folder/);
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });

    client = await LspClient.start({ settings: { autoTrain: 'off', workspaceTrusted: false } });
    client.open(irisUri, readFileSync(iris, 'utf8'));
    const untrusted = await client.waitForDiagnostics(irisUri, () => true);
    expect(untrusted.diagnostics.some((d) => /not read because the workspace is not trusted/.test(messageOf(d)))).toBe(true);
  });

  it('serves a client without configuration, refresh or progress support (Neovim 0.7)', async () => {
    client = await LspClient.start({
      capabilities: { textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['plaintext'] } } },
      clientName: 'Neovim',
    });
    client.open(XOR_URI, XOR);
    const done = await client.waitForDiagnostics(XOR_URI, (p) => p.diagnostics.some(result));
    expect(done.diagnostics.find(result)!.severity).toBe(INFO);
    expect(client.codeLensRefreshes).toBe(0);
    expect(client.progress).toEqual([]);
    expect(client.capabilities.inlayHintProvider).toBeUndefined();
    expect(client.capabilities.semanticTokensProvider).toBeUndefined();
    // No training panel outside VS Code: no lens that would open one.
    const shown = titles(await lenses(client, XOR_URI));
    // Neovim draws no codicons: plain words, no `$(…)`; and no panel or save dialog to offer.
    expect(shown.slice(0, 2)).toEqual(['Retrain', 'Step']);
    expect(shown.filter((title) => title.includes('$(') || /show training|export/i.test(title))).toEqual([]);
  });

  it('reports a missed target as a Warning with advice', async () => {
    client = await LspClient.start();
    const uri = 'file:///tmp/nn-protocol/missed.nn';
    client.open(uri, XOR.replace(/epochs \d+/, 'epochs 50'));
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result));
    const warning = done.diagnostics.find(result)!;
    expect(warning.severity).toBe(WARNING);
    expect(warning.message).toMatch(/^loss [\d.]+ after 50 epochs did not reach 0\.001\. /);
    const shown = titles(await lenses(client, uri));
    expect(shown.slice(0, 4)).toEqual(['$(play) Retrain', '$(debug-restart) Reset', '$(graph-line) Show training', '$(export) Export…']);
    expect(shown[4]).toMatch(/^loss [\d.]+ after 50 epochs \(target 0\.001 not reached\)$/);
  });

  it('reports divergence as an Error with the epoch and a rate fix', async () => {
    client = await LspClient.start();
    const uri = 'file:///tmp/nn-protocol/diverged.nn';
    // Linear units do not saturate, so inputs this large with this rate blow up.
    const text = XOR.replace('0 1 -> 1', '0 3000 -> 1').replace(/sigmoid/g, 'linear').replace(/optimizer sgd rate [\d.]+/, 'optimizer sgd rate 100').replace(/\n\s*stop when loss < [\d.e-]+/, '');
    client.open(uri, text);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some(result), 20_000);
    const error = done.diagnostics.find(result)!;
    expect(error.code).toBe('diverged');
    expect(error.severity).toBe(ERROR);
    expect(error.message).toMatch(
      // …and the layer whose weights blew up first (docs/editor.md "Training health").
      /^loss became (NaN|infinite) at epoch \d+: rate 100 is too high for inputs this large \(up to 3000\)\. Lower the rate, or add 'normalize zscore' to data 'xor_table'\. The weights of layer '\w+' blew up first \(‖W‖ (grew [\d.,e+]+×|stopped being finite) by epoch \d+\)\.$/,
    );
    // examples/xor.nn expects its loss and accuracy: a run that diverged meets neither, and says why on each.
    expect(titles(await lenses(client, uri))).toEqual(['$(play) Retrain', '$(debug-restart) Reset', expect.stringMatching(/^loss became (NaN|infinite) at epoch \d+$/), '$(error) 0 of 2 expectations met']);
    expect(done.diagnostics.filter((d) => d.code === 'expectation-failed').map((d) => d.message)).toEqual([
      expect.stringMatching(/^expectation not met: the run diverged at epoch \d+, so there is no loss to compare with 0\.001$/),
      expect.stringMatching(/^expectation not met: the run diverged at epoch \d+, so there is no accuracy to compare with 99%$/),
    ]);
    const actions = await client.request<{ title: string; isPreferred?: boolean }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: error.range,
      context: { diagnostics: [error], only: ['quickfix'] },
    });
    expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(['Set rate to 0.01', "Add normalize zscore to data 'xor_table'"]));
  });
});
