// The lens keeps moving in an editor that debounces its lens requests as VS Code does, and a Stop shows at the editor's next request (docs/editor.md "CodeLens").
//
// VS Code answers workspace/codeLens/refresh by re-arming a RunOnceScheduler: a refresh that
// comes before the scheduler fired starts its wait over. This client does the same, with a
// debounce longer than the refresh clock the server used to run on (750 ms): refreshes sent on
// a clock would re-arm it forever and the lens would never be asked for again.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { buildServer, LspClient, ROOT } from './client';

const XOR = readFileSync(join(ROOT, 'examples', 'xor.nn'), 'utf8');
const LONG = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');
const URI = 'file:///tmp/nn-protocol/lens-refresh.nn';
const TRAIN = LONG.split('\n').findIndex((l) => /^train /.test(l));

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

/** A lens controller as VS Code's: each refresh re-arms one timer; when it fires, the lenses are fetched. */
function debouncedLenses(c: LspClient, debounceMs: number): { shown: { at: number; text: string }[]; drop(): void; dispose(): void } {
  const shown: { at: number; text: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let dropNext = false;
  c.onCodeLensRefresh = () => {
    clearTimeout(timer);
    // VS Code drops a pending fetch when the editor loses focus (onDidBlurEditorText).
    if (dropNext) {
      dropNext = false;
      return;
    }
    timer = setTimeout(async () => {
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
      shown.push({ at: performance.now(), text: lenses.map((l) => l.command?.title ?? '').join(' | ') });
      c.recheck();
    }, debounceMs);
  };
  return { shown, drop: () => (dropNext = true), dispose: () => clearTimeout(timer) };
}

/** A server, an editor that fetches lenses with this debounce, and LONG training in it. */
async function training(debounceMs: number): Promise<{ c: LspClient; editor: ReturnType<typeof debouncedLenses> }> {
  const c = await LspClient.start({ settings: { autoTrain: 'off' } });
  client = c;
  const editor = debouncedLenses(c, debounceMs);
  c.open(URI, LONG);
  await c.waitForDiagnostics(URI, () => true);
  await c.command('nn.train', URI, TRAIN);
  return { c, editor };
}

describe('lens refresh', () => {
  it('keeps the lens moving when the editor debounces longer than the old refresh clock', async () => {
    const { c, editor } = await training(900);
    try {
      const started = performance.now();
      // Six fetches of a running lens, each with a new epoch, within a deadline: never starved.
      const running = () => editor.shown.filter((s) => s.at > started && /epoch \d+\//.test(s.text));
      await c.waitFor('six lens fetches while the run trains', () => running().length >= 6, 15_000);
      const epochs = running().map((s) => Number(/epoch (\d+)\//.exec(s.text)![1]));
      expect(new Set(epochs).size).toBe(epochs.length);
      // One fetch per debounce, plus the server's spacing after each fetch: about one a second here.
      const gaps = running().slice(1).map((s, i) => s.at - running()[i].at);
      expect(Math.max(...gaps)).toBeLessThan(2 * (900 + 300) + 500);
    } finally {
      editor.dispose();
    }
  });

  it('asks for the lenses at once when a run changes state, so Stop shows at the editor’s next fetch', async () => {
    const { c, editor } = await training(250);
    try {
      await c.waitFor('a running lens', () => editor.shown.find((s) => /\bStop\b/.test(s.text)), 10_000);
      const asked = performance.now();
      await c.command('nn.stopTraining', URI, TRAIN);
      const stopped = await c.waitFor('a lens without Stop', () => editor.shown.find((s) => s.at > asked && !/\$\(debug-stop\) Stop/.test(s.text)), 5_000);
      const latency = stopped.at - asked;
      console.info(`nn.stopTraining → a fetched lens without Stop (editor debounce 250 ms): ${latency.toFixed(0)} ms`);
      // The server's part is the time beyond the editor's own debounce.
      expect(latency).toBeLessThan(250 + 300);
      expect(stopped.text).toMatch(/stopping at epoch \d+|stopped at epoch \d+/);
    } finally {
      editor.dispose();
    }
  });

  it('moves again after the editor dropped a fetch (it lost focus)', async () => {
    const { c, editor } = await training(250);
    try {
      await c.waitFor('a running lens', () => editor.shown.find((s) => /epoch \d+\//.test(s.text)), 10_000);
      editor.drop();
      const dropped = performance.now();
      // Its next refresh finds no fetch to answer it; the server asks again after its patience (2.5 s at least).
      const next = await c.waitFor('a fetch after the dropped one', () => editor.shown.find((s) => s.at > dropped + 250), 6_000);
      expect(next.at - dropped).toBeLessThan(4_000);
      await c.command('nn.stopTraining', URI);
    } finally {
      editor.dispose();
    }
  });
});
