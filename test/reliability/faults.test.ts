// Faults and limits: a worker that dies mid-run, a CSV changed or deleted while it trains, the time limit, and data or networks too large refused before any memory is taken.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, truncateSync, unlinkSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions } from '../../server/src/language';
import { TrainingHost } from '../../server/src/training/host';
import { resultProblem } from '../../server/src/present/results';
import { buildServer, LspClient } from '../protocol/client';
import { bundledWorker, checked, Events, xorSpec } from '../training/helpers';

const ERROR = 1;
const WARNING = 2;
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

describe('a training worker that dies', () => {
  let host: TrainingHost | null = null;
  afterEach(() => {
    host?.dispose();
    host = null;
  });

  it('is replaced, its run reports an Error that says so, and the runs queued behind it still finish', async () => {
    host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1 });
    const events = new Events(host);
    // The first document trains for ever; the second is as long (so it waits for the one
    // regular worker) but has a 0.5 s limit; two short runs may take the express worker or wait.
    const specs = [
      xorSpec('optimizer sgd rate 0.5\n  epochs 100000000\n  seed 1'),
      xorSpec('optimizer sgd rate 0.5\n  epochs 100000000\n  seed 2'),
      xorSpec('optimizer sgd rate 0.5\n  epochs 500\n  seed 3'),
      xorSpec('optimizer sgd rate 0.5\n  epochs 500\n  seed 4'),
    ];
    const uris = specs.map((_, i) => `file:///crash-${i}.nn`);
    const checks = specs.map(checked);
    checks.forEach((c, i) => host!.update(uris[i], 1, c.runs));
    checks.forEach((_, i) => host!.train(uris[i], null, i === 1 ? 0.5 : 60));
    await events.next((e) => e.uri === uris[0] && e.kind === 'progress', 20_000, 'the first run to train');
    expect(host.state(uris[1], checks[1].runs[0]).phase).toBe('queued');

    // The worker leaves as a native fault or an out-of-memory would: its thread exits mid-batch.
    expect(host.crashWorkerOf(uris[0], checks[0].runs[0].key)).toBe(true);
    await events.next((e) => e.uri === uris[0] && e.kind === 'failed', 10_000, 'the crash to be reported');
    const state = host.state(uris[0], checks[0].runs[0]);
    expect(state.phase).toBe('failed');
    const problem = resultProblem(checks[0], checks[0].runs[0], state, specs[0]);
    expect(problem?.severity).toBe('error');
    expect(problem?.message).toMatch(/^training failed: the training worker crashed \(it exited with code 70\); it has been restarted\. Train to try again\.$/);

    // Nothing is lost: the queued run goes to the replacement worker (and stops at its limit), the short ones finish.
    for (const i of [1, 2, 3]) {
      if (host.state(uris[i], checks[i].runs[0]).phase !== 'done') {
        await events.next((e) => e.uri === uris[i] && e.kind === 'done', 30_000, `run ${i} to finish`);
      }
      expect(host.state(uris[i], checks[i].runs[0]).phase).toBe('done');
    }
    expect(host.state(uris[1], checks[1].runs[0]).outcome?.result?.stopped).toBe('time');
    expect(host.poolSize).toBe(1);
    // And the failed run trains again on request.
    host.train(uris[0], null, 0.3);
    await events.next((e) => e.uri === uris[0] && e.kind === 'done', 20_000, 'the failed run to train again');
    expect(host.state(uris[0], checks[0].runs[0]).outcome?.result?.stopped).toBe('time');
  });
});

describe('data files that change under a run, the time limit', () => {
  let folder: string;
  let client: LspClient | null = null;
  const csv = (rows: number) => `a,b,y\n${Array.from({ length: rows }, (_, i) => `${i % 2},${(i >> 1) % 2},${(i % 2) ^ ((i >> 1) % 2)}`).join('\n')}\n`;
  const spec = (epochs: number) =>
    `network n {\n  input 2\n  layer 3 sigmoid\n  layer 1 sigmoid\n}\n\ndata d from "data.csv" {\n  target y\n}\n\ntrain n on d {\n  optimizer sgd rate 0.5\n  epochs ${epochs}\n}\n`;
  const TRAIN_LINE = 11;

  beforeAll(() => {
    buildServer();
    folder = realpathSync(mkdtempSync(join(tmpdir(), 'nn-faults-')));
  }, 120_000);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  afterEach(async () => {
    await client?.stop();
    client = null;
  });

  /** The run's phase in the latest nn/runStatus of the document's current version. */
  const phase = (c: LspClient, uri: string): string | undefined => {
    const latest = [...c.runStatuses].reverse().find((s) => s.uri === uri && s.version === c.version(uri));
    return latest ? (latest.runs[0]?.phase ?? 'none') : undefined;
  };

  it('a CSV changed while its run trains: the stale run stops and nothing lands; retraining uses the new rows', async () => {
    writeFileSync(join(folder, 'data.csv'), csv(4));
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const uri = pathToFileURL(join(folder, 'changed.nn')).href;
    client.open(uri, spec(100_000_000));
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.every((d) => d.severity !== ERROR), 30_000);
    expect(await client.command('nn.train', uri, TRAIN_LINE)).toEqual({ started: 1 });
    await client.waitFor('the run to train', () => phase(client!, uri) === 'running', 30_000);

    writeFileSync(join(folder, 'data.csv'), csv(8));
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(folder, 'data.csv')).href, type: 2 }] });
    // The data (so the run's key) changed: the old job is cancelled, the run is idle again.
    await client.waitFor('the stale run to stop', () => phase(client!, uri) === 'idle', 30_000);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 5 } });
    expect(hover.contents.value).toMatch(/8 rows/);
    // Nothing from the old job lands afterwards.
    const published = client.diagnostics.length;
    expect(await client.command('nn.train', uri, TRAIN_LINE)).toEqual({ started: 1 });
    await client.waitFor('the new run to train', () => phase(client!, uri) === 'running', 30_000);
    await client.command('nn.stopTraining', uri, TRAIN_LINE);
    const stopped = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trained'), 30_000);
    expect(messageOf(stopped.diagnostics.find((d) => d.code === 'trained')!)).toMatch(/^stopped at epoch \d+ of 100000000/);
    expect(client.diagnostics.slice(published).filter((p) => p.uri === uri).every((p) => p.version === client!.version(uri))).toBe(true);
  });

  it('a CSV deleted while its run trains: the run stops, and the check reports the missing file, also without a file watcher', async () => {
    writeFileSync(join(folder, 'data.csv'), csv(4));
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const uri = pathToFileURL(join(folder, 'deleted.nn')).href;
    const text = spec(100_000_000);
    client.open(uri, text);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.every((d) => d.severity !== ERROR), 30_000);
    expect(await client.command('nn.train', uri, TRAIN_LINE)).toEqual({ started: 1 });
    await client.waitFor('the run to train', () => phase(client!, uri) === 'running', 30_000);

    unlinkSync(join(folder, 'data.csv'));
    // No didChangeWatchedFiles (a client without file watching): the next edit re-checks.
    client.change(uri, `${text}# edited\n`);
    const missing = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'csv-missing'), 30_000);
    expect(messageOf(missing.diagnostics.find((d) => d.code === 'csv-missing')!)).toMatch(/^cannot read 'data\.csv': no such file \(looked for .*data\.csv/);
    // A spec with an error trains nothing: the running job was cancelled.
    await client.waitFor('the run to be cancelled', () => phase(client!, uri) === 'none', 30_000);
    expect(missing.diagnostics.some((d) => ['trained', 'target-missed', 'training-failed'].includes(String(d.code)))).toBe(false);
  });

  it('a data path that is a folder is worded as the command line words it', async () => {
    mkdirSync(join(folder, 'folder.csv'), { recursive: true });
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const uri = pathToFileURL(join(folder, 'folder.nn')).href;
    client.open(uri, spec(10).replace('"data.csv"', '"folder.csv"'));
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.severity === ERROR), 30_000);
    expect(published.diagnostics.filter((d) => d.severity === ERROR).map(messageOf)).toEqual(["cannot read 'folder.csv': it is a folder, not a file"]);
  });

  it('a run past nn.maxTrainingSeconds stops with a Warning that says so', async () => {
    writeFileSync(join(folder, 'data.csv'), csv(4));
    client = await LspClient.start({ settings: { autoTrain: 'off', maxTrainingSeconds: 0.5 }, workspaceFolder: folder });
    const uri = pathToFileURL(join(folder, 'slow.nn')).href;
    client.open(uri, spec(100_000_000));
    await client.waitForDiagnostics(uri, () => true, 30_000);
    const started = performance.now();
    await client.command('nn.train', uri, TRAIN_LINE);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'target-missed'), 30_000);
    const seconds = (performance.now() - started) / 1000;
    const warning = done.diagnostics.find((d) => d.code === 'target-missed')!;
    expect(warning.severity).toBe(WARNING);
    expect(messageOf(warning)).toMatch(/^stopped at the time limit after 0\.\d+ s, at epoch \d+ of 100000000: loss [\d.e-]+\. Raise nn\.maxTrainingSeconds/);
    expect(seconds).toBeLessThan(10);
  });

  it('a data file too large to load is refused by its size, unread, with the numbers', async () => {
    // A sparse file: 1.5 GB long, no disk used.
    const big = join(folder, 'data.csv');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 1.5 * 1024 * 1024 * 1024);
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const uri = pathToFileURL(join(folder, 'big.nn')).href;
    client.open(uri, spec(10));
    const published = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.severity === ERROR), 30_000);
    expect(published.diagnostics.map(messageOf)).toContain(
      "cannot read 'data.csv': it is 1.5 GB, more than the 1 GB the editor reads; use a sample of the data (the nn command line reads any size)",
    );
  });
});

describe('limits: refused before memory is taken, with the numbers', () => {
  const options = (overrides: Partial<CheckOptions> = {}): CheckOptions => ({
    specPath: null,
    allowedRoot: null,
    readFile: null,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
    ...overrides,
  });
  const network = (layers: string, input = 2) => `network n {\n  input ${input}\n${layers}\n}\n`;
  const cases: { name: string; text: string; options?: Partial<CheckOptions>; message: RegExp }[] = [
    {
      name: 'a network of ten billion parameters',
      text: network('  layer 100000 relu\n  layer 100000 relu\n  layer 1 sigmoid', 1000),
      message: /^network 'n' has 10,100,300,001 parameters, more than the limit of 5,000,000 that can be trained here; use fewer or smaller layers$/,
    },
    {
      name: 'a network over a lowered nn.maxParameters',
      text: network('  layer 3 sigmoid\n  layer 1 sigmoid'),
      options: { maxParameters: 10 },
      message: /^network 'n' has 13 parameters, more than the limit of 10 that can be trained here/,
    },
    {
      name: 'units beyond any integer',
      text: network('  layer 99999999999999999999 relu\n  layer 1 sigmoid'),
      message: /parameters, more than the limit of 5,000,000|too large|whole number/,
    },
    {
      name: 'a generated set of a hundred million samples',
      text: 'data d = circle(samples 100000000)\n',
      message: /^data set 'd' would hold 300,000,000 numbers, more than the limit of 50,000,000; use fewer rows$/,
    },
    {
      name: 'a CSV over the data limit',
      text: 'data d from "rows.csv" {\n  target y\n}\n',
      options: {
        specPath: '/virtual/spec.nn',
        readFile: () => ({ text: `a,b,y\n${'1,2,3\n'.repeat(500)}` }),
        maxDataCells: 1000,
      },
      message: /^data set 'd' would hold 1,500 numbers \(500 rows × 3\), more than the limit of 1,000; use fewer rows$/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = process.memoryUsage();
      const started = performance.now();
      const result = check(c.text, options(c.options));
      const ms = performance.now() - started;
      const after = process.memoryUsage();
      const errors = result.problems.filter((p) => p.severity === 'error');
      expect(errors.map((p) => p.message).join('\n')).toMatch(c.message);
      expect(result.runs).toEqual([]);
      // Refused by counting: no buffer of the refused size was taken, and the check was quick.
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
      expect(ms).toBeLessThan(500);
    });
  }
});
