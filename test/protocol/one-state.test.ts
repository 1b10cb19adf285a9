// Every view of a run tells the same truth (docs/editor.md "One state, every view"), over stdio as an editor sees it: a training, Reset, three Steps and a retrain of examples/xor.nn, with the lens, the result diagnostic, the hovers, the ŷ hints, nn/runStatus (the status bar) and nn/training (the panel) read after each.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Diagnostic, InlayHint } from 'vscode-languageserver-protocol';
import type { RunStatus, TrainingView } from '../../server/src/protocol';
import { buildServer, LspClient, ROOT } from './client';

const XOR_FILE = join(ROOT, 'examples', 'xor.nn');
const XOR = readFileSync(XOR_FILE, 'utf8');
const URI = pathToFileURL(XOR_FILE).href;
const lines = XOR.split('\n');
const lineOf = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
const TRAIN = lineOf(/^train /);
const HIDDEN = lineOf(/layer hidden/);
const ROW = lineOf(/^\s*0 1 -> 1/);

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

/** What each view shows of the run, read at one moment. */
interface Views {
  status: RunStatus;
  lens: string;
  diagnostic: string;
  layerHover: string;
  trainHover: string;
  rowHover: string;
  hint: string;
  panel: TrainingView;
}

async function views(c: LspClient): Promise<Views> {
  const status = c.runStatuses.filter((s) => s.uri === URI).at(-1)!.runs[0];
  const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  const hover = async (line: number, character: number) =>
    (await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: URI }, position: { line, character } })).contents.value;
  const published = c.diagnostics.filter((d) => d.uri === URI).at(-1)!;
  const diagnostic = published.diagnostics.find((d: Diagnostic) => d.range.start.line === TRAIN && d.source === 'nn');
  const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
  return {
    status,
    lens: lenses.map((l) => l.command?.title ?? '').join(' | '),
    diagnostic: diagnostic ? String(diagnostic.message) : '',
    layerHover: await hover(HIDDEN, 4),
    trainHover: await hover(TRAIN, 1),
    rowHover: await hover(ROW, 3),
    hint: String(hints.find((h) => h.position.line === ROW)?.label ?? ''),
    panel: await c.request<TrainingView>('nn/training', { uri: URI, line: TRAIN }),
  };
}

/** Waits until the run's status says `done(status)`, and the panel's picture and the published diagnostic are of the same epoch (they follow the result). */
async function settle(c: LspClient, what: string, done: (status: RunStatus) => boolean): Promise<Views> {
  const latest = () => c.runStatuses.filter((s) => s.uri === URI).at(-1)?.runs[0];
  await c.waitFor(what, () => {
    const status = latest();
    return status && done(status) ? status : undefined;
  }, 30_000);
  for (;;) {
    const seen = c.runStatuses.length;
    const seenDiagnostics = c.diagnostics.length;
    const read = await views(c);
    // Diagnostics are published on their own (coalesced) clock: the one read must be of the same epoch.
    const published = new RegExp(`epoch ${read.status.epoch}\\b`).test(read.diagnostic);
    if (published && read.panel.snapshots.at(-1)?.epoch === read.status.epoch && read.panel.status.position === read.status.position) return read;
    await c.waitFor(`the panel's record and the diagnostic of ${what}`, () => c.runStatuses.length > seen || c.diagnostics.length > seenDiagnostics, 10_000);
  }
}

/** The ŷ of a row hover, and the hint's: the hint's three decimals agree with the hover's four digits. */
function predictions(v: Views): { hover: number; hint: number } {
  const hover = Number(/ŷ = ([\d.]+)/.exec(v.rowHover)![1]);
  const hint = Number(/ŷ ([\d.]+)/.exec(v.hint)![1]);
  return { hover, hint };
}

/** Every view names the status's position (epoch, loss, step) in the same words. */
function expectOneTruth(v: Views, words: RegExp): void {
  expect(v.status.position).toMatch(words);
  // The status bar (nn/runStatus) and the panel (nn/training) carry the same status.
  expect(v.panel.status).toEqual(v.status);
  // The lens and the hover on `train` say the status's summary.
  expect(v.lens).toContain(v.status.summary);
  expect(v.trainHover).toContain(v.status.summary);
  // The panel's picture is of that epoch.
  expect(v.panel.snapshots.at(-1)!.epoch).toBe(v.status.epoch);
  // The hint and the row hover put the row through the same weights.
  const { hover, hint } = predictions(v);
  expect(Math.abs(hover - hint)).toBeLessThanOrEqual(0.0005);
}

describe('one state in every view', () => {
  it('after a training, Reset, three Steps and a retrain, every view reports the same epoch, loss and step', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    client.open(URI, XOR);
    await client.waitForDiagnostics(URI, () => true);

    // A training.
    await client.command('nn.train', URI, TRAIN);
    const trained = await settle(client, 'the training', (s) => s.phase === 'done');
    const epoch = trained.status.epoch;
    const loss = /loss ([\d.e-]+)/.exec(trained.status.position)![1];
    expectOneTruth(trained, new RegExp(`^epoch ${epoch} · loss ${loss}$`));
    expect(trained.lens).toContain(`loss ${loss} at epoch ${epoch}`);
    expect(trained.diagnostic).toContain(`trained: loss ${loss} at epoch ${epoch}`);
    expect(trained.layerHover).toContain(`· epoch ${epoch} · rate`);

    // Reset: the initial weights, epoch 0.
    expect(await client.command('nn.reset', URI, TRAIN)).toEqual({ reset: true });
    const reset = await settle(client, 'the reset', (s) => s.phase === 'stepped' && s.step === 0);
    expectOneTruth(reset, /^initial weights · epoch 0 · loss [\d.]+$/);
    expect(reset.status).toMatchObject({ epoch: 0, step: 0, stepFrom: 'initial' });
    const resetPosition = reset.status.position;
    expect(reset.layerHover).toContain(`**${resetPosition}** (Reset)`);
    expect(reset.diagnostic).toContain(resetPosition.replace('initial weights · ', ''));
    expect(reset.lens).not.toContain('$(debug-restart) Reset');

    // Three Steps from there: every view at step 3.
    let stepped = reset;
    for (const step of [1, 2, 3]) {
      expect(await client.command('nn.step', URI, TRAIN)).toEqual({ stepped: true });
      stepped = await settle(client, `step ${step}`, (s) => s.phase === 'stepped' && s.step === step);
    }
    expectOneTruth(stepped, /^step 3 · epoch 3 · loss [\d.]+$/);
    expect(stepped.status).toMatchObject({ step: 3, epoch: 3, stepFrom: 'initial' });
    const position = stepped.status.position;
    expect(stepped.lens).toContain(`step 3 from the initial weights · epoch 3 · ${position.split(' · ')[2]}`);
    expect(stepped.diagnostic).toContain(`step 3 from the initial weights · epoch 3 · ${position.split(' · ')[2]}`);
    expect(stepped.layerHover).toContain(`**${position}**`);
    expect(stepped.rowHover).toContain('through the stepped weights (step 3, epoch 3)');
    // The step's time is not the run's: a reset run has trained for no time.
    expect(stepped.status.seconds).toBe(0);

    // A retrain discards the stepped state: the views agree on the training's result again.
    await client.command('nn.train', URI, TRAIN);
    const retrained = await settle(client, 'the retrain', (s) => s.phase === 'done');
    expectOneTruth(retrained, new RegExp(`^epoch ${epoch} · loss ${loss}$`));
    expect(retrained.status.step).toBeNull();
    expect(retrained.diagnostic).toContain(`trained: loss ${loss} at epoch ${epoch}`);
  }, 120_000);

  it('Step after a finished run continues from its final weights, and every view says so', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    client.open(URI, XOR);
    await client.waitForDiagnostics(URI, () => true);
    await client.command('nn.train', URI, TRAIN);
    const trained = await settle(client, 'the training', (s) => s.phase === 'done');
    await client.command('nn.step', URI, TRAIN);
    const stepped = await settle(client, 'the step', (s) => s.phase === 'stepped' && s.step === 1);
    expectOneTruth(stepped, new RegExp(`^step 1 · epoch ${trained.status.epoch + 1} · loss [\\d.]+$`));
    expect(stepped.status.stepFrom).toBe('trained');
    expect(stepped.lens).toContain('step 1 from the trained weights');
    expect(stepped.layerHover).toContain(`from the weights trained to epoch ${trained.status.epoch}`);
    // The training's time stays the run's time.
    expect(stepped.status.seconds).toBe(trained.status.seconds);
  }, 60_000);

  it('while a run trains, the hover shows the live weights of the epoch the lens shows', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' } });
    const long = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');
    client.open(URI, long);
    await client.waitForDiagnostics(URI, () => true);
    await client.command('nn.train', URI, TRAIN);
    await client.waitFor('the run to train', () => client!.runStatuses.some((s) => s.uri === URI && s.runs[0].phase === 'running' && s.runs[0].epoch > 0));
    // The previous result (none here) never stands beside a training: the diagnostic says it trains.
    const during = await client.waitForDiagnostics(URI, (p) => p.diagnostics.some((d) => d.code === 'training'));
    expect(String(during.diagnostics.find((d) => d.code === 'training')!.message)).toBe('training: the result will show here when the run ends');
    const hoverNow = async () =>
      (await client!.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: URI }, position: { line: HIDDEN, character: 4 } })).contents.value;
    const live = (text: string) => /\*\*(epoch (\d+) · loss [\d.e-]+) · live\*\*/.exec(text);
    const first = live(await hoverNow());
    expect(first).not.toBeNull();
    // The hover's weights are of an epoch the run reached: the status bar (nn/runStatus) has shown it
    // or a later one. (A cheap snapshot goes with the progress report of its epoch, so on a small
    // network they are usually the same epoch; a snapshot costly on a busy machine comes less often
    // than progress, and the hover then says the epoch of its own.)
    const latestEpoch = () => client!.runStatuses.filter((s) => s.uri === URI).at(-1)!.runs[0].epoch;
    expect(Number(first![2])).toBeGreaterThan(0);
    expect(Number(first![2])).toBeLessThanOrEqual(latestEpoch());
    // Hovering again later shows newer weights.
    const epoch = Number(first![2]);
    await client.waitFor('a later epoch', () => (client!.runStatuses.filter((s) => s.uri === URI).at(-1)?.runs[0].epoch ?? 0) > epoch);
    const again = live(await hoverNow());
    expect(Number(again![2])).toBeGreaterThan(epoch);
    expect(Number(again![2])).toBeLessThanOrEqual(latestEpoch());
    await client.command('nn.stopTraining', URI);
  }, 60_000);
});
