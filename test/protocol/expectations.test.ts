// Expectations over the protocol (docs/editor.md "Expectations", "The Test Explorer"): each verdict on its line after a run, the lens's count, an edited bound regraded without training, and the Test Explorer's requests on open and unopened files.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Diagnostic, InlayHint } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { RunTestRequest, TestRunsRequest, type TestFile, type TestOutcome } from '../../server/src/protocol';
import type { RunEvent } from '../../server/src/training/host';
import { buildServer, LspClient, VSCODE_CAPABILITIES } from './client';

const ERROR = 1;
const INFO = 3;

/** XOR twice: the first run reaches what it expects, the second (200 epochs of plain sgd) does not. */
const SPEC = `network n {
  input 2
  layer h 3 sigmoid
  layer o 1 sigmoid
}

data d {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}

train n on d {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 20000
  seed 1
  stop when loss < 0.001
  expect loss < 0.001
  expect accuracy > 99%
}

train n on d {
  optimizer sgd rate 0.5
  epochs 200
  seed 1
  expect accuracy > 99%
  expect loss > 0.01
}
`;

const lineOf = (text: string, needle: string, from = 0): number => {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i;
  throw new Error(`no line with ${needle}`);
};
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const expectation = (d: Diagnostic) => String(d.code).startsWith('expectation-');

let folder: string;
let client: LspClient | null = null;

beforeAll(() => {
  buildServer();
  folder = mkdtempSync(join(tmpdir(), 'nn-expect-'));
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(async () => {
  await client?.stop();
  client = null;
});

function specFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return pathToFileURL(path).href;
}

/** A server in process (auto-train off, or as `options` say) with the spec at `uri` (SPEC) opened and checked. */
async function openSpec(uri: string, options: Partial<Parameters<typeof LspClient.inProcess>[0]> = {}): Promise<LspClient> {
  const c = await LspClient.inProcess({ settings: { autoTrain: 'off' }, workspaceFolder: folder, ...options });
  c.open(uri, SPEC);
  await c.waitForDiagnostics(uri, () => true);
  return c;
}

/** Every run event of the in-process server's host, to count trainings. */
function recordEvents(c: LspClient): RunEvent[] {
  const events: RunEvent[] = [];
  c.workspace()!.host.onEvent((event) => events.push(event));
  return events;
}

/** The next event of the in-process server's host that `accept`s, or a rejection at the deadline. */
function nextEvent(c: LspClient, accept: (event: RunEvent) => boolean, timeoutMs: number): Promise<RunEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no such run event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = c.workspace()!.host.onEvent((event) => {
      if (!accept(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

describe('expectations in the editor', () => {
  it('after a run, shows a failed expectation as an Error naming the measure, a met one as a hint, and counts them in the lens', async () => {
    const uri = specFile('editor.nn', SPEC);
    client = await openSpec(uri);
    await client.command('nn.train', uri);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 1 && p.diagnostics.filter((d) => d.code === 'trained' || d.code === 'target-missed').length === 2, 30_000);
    const [failed] = done.diagnostics.filter(expectation);
    const second = lineOf(SPEC, 'train n on d', lineOf(SPEC, 'train n on d') + 1);
    expect(failed.severity).toBe(ERROR);
    expect(failed.range.start.line).toBe(lineOf(SPEC, 'expect accuracy > 99%', second));
    expect(messageOf(failed)).toMatch(/^expectation not met: accuracy is (50|75|25|0)%, not above 99%$/);

    // VS Code shows inlay hints: the verdicts of the met expectations are hints on their lines, with the measure.
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } } });
    const verdicts = hints.filter((h) => /measured/.test(String(h.label)));
    expect(verdicts.map((h) => [h.position.line, h.label])).toEqual([
      [lineOf(SPEC, 'expect loss < 0.001'), expect.stringMatching(/^✓ measured 0\.000\d+$/)],
      [lineOf(SPEC, 'expect accuracy > 99%'), '✓ measured 100%'],
      [lineOf(SPEC, 'expect accuracy > 99%', second), expect.stringMatching(/^✗ measured \d+%$/)],
      [lineOf(SPEC, 'expect loss > 0.01', second), expect.stringMatching(/^✓ measured 0\.\d+$/)],
    ]);

    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const counts = lenses.map((l) => l.command?.title ?? '').filter((t) => /expectation/.test(t));
    expect(counts).toEqual(['$(pass) 2 of 2 expectations met', '$(error) 1 of 2 expectations met']);

    // Hovering the expectation says the same verdict above its documentation.
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: failed.range.start.line, character: 4 } });
    expect(hover.contents.value).toMatch(/^expectation not met: accuracy is (50|75|25|0)%, not above 99%; measured on the final weights/);
    expect(hover.contents.value).toContain('**expect**');
  });

  it('regrades an edited expectation at once, without training again (expectations are not part of the run key)', async () => {
    const uri = specFile('regrade.nn', SPEC);
    client = await openSpec(uri);
    const events = recordEvents(client);
    await client.command('nn.train', uri);
    // Both runs have their results (a met expectation is a hint, not a diagnostic: count the results on `train`).
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 1 && p.diagnostics.filter((d) => d.code === 'trained' || d.code === 'target-missed').length === 2, 30_000);
    const trainings = events.filter((e) => e.kind === 'started').length;
    expect(trainings).toBe(2);
    const before = events.length;

    // The second run's loss bound moves above what it measured: that expectation now fails too.
    const edited = SPEC.replace('expect loss > 0.01', 'expect loss > 100');
    client.change(uri, edited);
    const regraded = await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 2);
    expect(messageOf(regraded.diagnostics.filter(expectation)[1])).toMatch(/^expectation not met: loss is 0\.\d+, not above 100$/);
    // And back: the first failure only.
    client.change(uri, SPEC);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 1);
    // Nothing was queued, started, stopped or finished since (the panel's record of the first training may still come).
    expect(events.slice(before).filter((e) => e.kind !== 'record')).toEqual([]);
  });

  it('takes the verdicts away from every view while Step has moved the weights, and a retrain brings them back', async () => {
    const uri = specFile('stepped.nn', SPEC);
    client = await openSpec(uri);
    const second = lineOf(SPEC, 'train n on d', lineOf(SPEC, 'train n on d') + 1);
    const views = async () => {
      const lenses = await client!.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const hints = await client!.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } } });
      return {
        counts: lenses.map((l) => l.command?.title ?? '').filter((t) => /expectation/.test(t)),
        verdicts: hints.filter((h) => /measured/.test(String(h.label))).map((h) => h.position.line),
      };
    };
    await client.command('nn.train', uri, second);
    const trained = await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 1 && p.diagnostics.some((d) => d.code === 'target-missed' || d.code === 'trained'), 30_000);
    expect(trained.diagnostics.filter(expectation)[0].range.start.line).toBe(lineOf(SPEC, 'expect accuracy > 99%', second));
    expect(await views()).toEqual({ counts: ['$(error) 1 of 2 expectations met'], verdicts: [lineOf(SPEC, 'expect accuracy > 99%', second), lineOf(SPEC, 'expect loss > 0.01', second)] });

    // One Step from the trained weights: they are no longer the training's final ones, so nothing is graded.
    await client.command('nn.step', uri, second);
    const stepped = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'stepped'), 30_000);
    expect(stepped.diagnostics.filter(expectation)).toEqual([]);
    expect(await views()).toEqual({ counts: [], verdicts: [] });
    // The Test Explorer agrees: its test trains the run again rather than grade weights Step moved.
    const mark = client.diagnostics.length;
    const outcome = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d (2)' });
    expect(outcome).toMatchObject({ status: 'failed', cached: false });
    const regraded = (p: { uri: string; diagnostics: Diagnostic[] }) => p.uri === uri && p.diagnostics.filter(expectation).length === 1 && !p.diagnostics.some((d) => d.code === 'stepped');
    await client.waitFor('the retrained run graded in the editor', () => client!.diagnostics.slice(mark).find(regraded), 30_000);
    expect(await views()).toEqual({ counts: ['$(error) 1 of 2 expectations met'], verdicts: [lineOf(SPEC, 'expect accuracy > 99%', second), lineOf(SPEC, 'expect loss > 0.01', second)] });
  });

  it('says a met expectation as an Information diagnostic to a client without inlay hints (Neovim 0.7)', async () => {
    const { inlayHint: _, ...textDocument } = VSCODE_CAPABILITIES.textDocument!;
    const uri = specFile('neovim.nn', SPEC);
    client = await openSpec(uri, { capabilities: { ...VSCODE_CAPABILITIES, textDocument }, clientName: 'Neovim' });
    await client.command('nn.train', uri);
    const done = await client.waitForDiagnostics(uri, (p) => p.diagnostics.filter(expectation).length === 4, 30_000);
    const met = done.diagnostics.filter((d) => d.code === 'expectation-met');
    expect(met.map((d) => d.severity)).toEqual([INFO, INFO, INFO]);
    expect(met.map((d) => [d.range.start.line, messageOf(d)])).toContainEqual([lineOf(SPEC, 'expect accuracy > 99%'), 'expectation met: accuracy is 100%, above 99%']);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    expect(lenses.map((l) => l.command?.title)).toContain('1 of 2 expectations met');
  });
});

describe('the Test Explorer requests', () => {
  it('lists the runs with expectations of an open document and of a file that is not open', async () => {
    client = await LspClient.inProcess({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const text = `${SPEC}\ntrain n on d {\n  epochs 10\n}\n`;
    const disk = specFile('listed.nn', text);
    const listed = await client.request<TestFile>(TestRunsRequest.method, { uri: disk });
    expect(listed.version).toBeNull();
    expect(listed.runs.map((r) => [r.id, r.line, r.expectations.map((e) => e.text), r.key])).toEqual([
      ['n on d', lineOf(text, 'train n on d'), ['expect loss < 0.001', 'expect accuracy > 99%'], null],
      ['n on d (2)', lineOf(text, 'train n on d', lineOf(text, 'train n on d') + 1), ['expect accuracy > 99%', 'expect loss > 0.01'], null],
    ]);

    client.open(disk, text);
    await client.waitForDiagnostics(disk, () => true);
    const open = await client.request<TestFile>(TestRunsRequest.method, { uri: disk });
    expect(open.version).toBe(1);
    expect(open.runs.every((r) => typeof r.key === 'string')).toBe(true);
    // A run renamed in the editor is listed under its new name; one whose expectations go is not listed.
    client.change(disk, text.replace('train n on d {\n  optimizer sgd rate 0.5\n', 'train n on dd {\n  optimizer sgd rate 0.5\n').replace(/  expect loss < 0\.001\n  expect accuracy > 99%\n/, ''));
    const edited = await client.request<TestFile>(TestRunsRequest.method, { uri: disk });
    expect(edited.runs.map((r) => [r.id, r.key])).toEqual([['n on dd', null]]);
    expect(await client.request(TestRunsRequest.method, { uri: pathToFileURL(join(folder, 'missing.nn')).href })).toBeNull();
  });

  it('trains a run of a file that is not open, grades it, and answers from the cache the second time', async () => {
    client = await LspClient.inProcess({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const events = recordEvents(client);
    const uri = specFile('disk.nn', SPEC);
    const passed = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d' });
    expect(passed).toMatchObject({ status: 'passed', cached: false });
    expect(passed.seconds).toBeGreaterThan(0);
    expect(passed.expectations.map((e) => [e.range.start.line, e.verdict, e.message])).toEqual([
      [lineOf(SPEC, 'expect loss < 0.001'), 'met', expect.stringMatching(/^expectation met: loss is 0\.000\d+, below 0\.001$/)],
      [lineOf(SPEC, 'expect accuracy > 99%'), 'met', 'expectation met: accuracy is 100%, above 99%'],
    ]);
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(1);
    // The host forgot the file once its test ended; its result stays cached by the run's key.
    expect(client.workspace()!.host.running(uri)).toEqual([]);

    const again = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d' });
    expect(again).toMatchObject({ status: 'passed', cached: true, seconds: passed.seconds });
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(1);

    // Opening the file shows the same result, without training: one cache, one truth.
    client.open(uri, SPEC);
    const shown = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trained'));
    expect(shown.diagnostics.filter((d) => d.code === 'trained')).toHaveLength(1);
    const open = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d' });
    expect(open).toMatchObject({ status: 'passed', cached: true });
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(1);

    const failed = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d (2)' });
    expect(failed.status).toBe('failed');
    expect(failed.expectations.map((e) => e.verdict)).toEqual(['failed', 'met']);
    expect(failed.expectations[0].message).toMatch(/^expectation not met: accuracy is \d+%, not above 99%$/);
  });

  it('grades what a run the editor trained has, training nothing, when asked for settled results only', async () => {
    const uri = specFile('settled.nn', SPEC);
    client = await openSpec(uri);
    const events = recordEvents(client);
    // Nothing trained yet: nothing to grade, and nothing starts.
    expect(await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d', settledOnly: true })).toMatchObject({ status: 'skipped', message: 'the run has no result to grade' });
    expect(events).toEqual([]);
    // Trained by the lens: the Test Explorer's verdict is the editor's, from the same result.
    await client.command('nn.train', uri, lineOf(SPEC, 'train n on d'));
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trained'), 30_000);
    const graded = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d', settledOnly: true });
    expect(graded).toMatchObject({ status: 'passed', cached: true });
    expect(graded.expectations.map((e) => e.verdict)).toEqual(['met', 'met']);
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(1);
  });

  it('errors with the first error of a spec that cannot train, at its place', async () => {
    client = await LspClient.inProcess({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const broken = SPEC.replace('layer h 3 sigmoid', 'layer h 3 sigmoidd');
    const uri = specFile('broken.nn', broken);
    const outcome = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d' });
    expect(outcome.status).toBe('errored');
    expect(outcome.message).toBe("fix 1 error to train: unknown activation 'sigmoidd'; did you mean 'sigmoid'?");
    expect(outcome.range?.start.line).toBe(lineOf(broken, 'sigmoidd'));
    const none = await client.request<TestOutcome>(RunTestRequest.method, { uri: specFile('fine.nn', SPEC), id: 'nothing on here' });
    expect(none).toMatchObject({ status: 'errored', message: "the file has no run 'nothing on here' any more" });
  });

  it('trains nothing in Restricted Mode: the test errors and says why', async () => {
    client = await LspClient.inProcess({ settings: { autoTrain: 'off', workspaceTrusted: false }, workspaceFolder: folder });
    const events = recordEvents(client);
    const uri = specFile('untrusted.nn', SPEC);
    const listed = await client.request<TestFile>(TestRunsRequest.method, { uri });
    expect(listed.runs).toHaveLength(2);
    const outcome = await client.request<TestOutcome>(RunTestRequest.method, { uri, id: 'n on d' });
    expect(outcome).toMatchObject({ status: 'errored', message: 'training is off in Restricted Mode (untrusted workspace); trust the workspace to run tests' });
    expect(events).toEqual([]);
  });

  it('stops the training when the test is cancelled, and says the run was not graded', async () => {
    client = await LspClient.inProcess({ settings: { autoTrain: 'off' }, workspaceFolder: folder });
    const events = recordEvents(client);
    const long = SPEC.replace('epochs 20000', 'epochs 100000000').replace('  stop when loss < 0.001\n', '');
    const uri = specFile('long.nn', long);
    const source = new CancellationTokenSource();
    const started = nextEvent(client, (e) => e.uri === uri && e.kind === 'started', 20_000);
    const answer = client.connection.sendRequest(RunTestRequest, { uri, id: 'n on d' }, source.token);
    await started;
    const stopped = nextEvent(client, (e) => e.uri === uri && e.kind === 'done', 5_000);
    const cancelledAt = performance.now();
    source.cancel();
    await stopped;
    expect(performance.now() - cancelledAt).toBeLessThan(5_000);
    const outcome = await answer;
    expect(outcome).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^not graded: the run was stopped at epoch \d+ before it ended/) });
    expect(client.workspace()!.host.running(uri)).toEqual([]);
    expect(events.filter((e) => e.kind === 'started')).toHaveLength(1);
  });
});
