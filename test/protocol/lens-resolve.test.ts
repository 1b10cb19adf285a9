// The lens drawn in an editor that resolves lenses as VS Code does keeps moving, even after a slow first answer taught the editor a long resolve delay, and a Stop shows at its next resolve pass (docs/editor.md "CodeLens").
//
// VS Code's lens controller has two RunOnceSchedulers: a refresh re-arms the fetch, and each
// fetched answer re-arms the resolve pass, which is the only time it draws new text on a lens
// line it already shows. Both wait a moving average of the last six fetch and resolve times (at
// least 250 ms), and the resolve's wait is learnt again only when a pass completes. The model
// below does the same; it announces codeLens.resolveSupport as VS Code's language client does.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { buildServer, LspClient, ROOT, VSCODE_CAPABILITIES } from './client';

const XOR = readFileSync(join(ROOT, 'examples', 'xor.nn'), 'utf8');
const LONG = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');
const URI = 'file:///tmp/nn-protocol/lens-resolve.nn';
const TRAIN = LONG.split('\n').findIndex((l) => /^train /.test(l));

const RESOLVING = { ...VSCODE_CAPABILITIES, textDocument: { ...VSCODE_CAPABILITIES.textDocument, codeLens: { resolveSupport: { properties: ['command'] } } } };

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});
beforeAll(() => buildServer(), 120_000);

interface Drawn {
  at: number;
  text: string;
}

/**
 * VS Code's CodeLensContribution for one editor: `firstAnswerMs` is how long its first fetch
 * took (a server starting on a loaded machine), the first sample of its moving average; its
 * first resolve pass waits 375 ms, the default before any sample.
 */
function vscodeLenses(c: LspClient, firstAnswerMs: number) {
  const drawn: Drawn[] = [];
  const samples: number[] = [];
  const average = () => Math.min(62_500, Math.max(250, samples.slice(-6).reduce((a, b) => a + b, 0) / Math.min(6, samples.length)));
  let fetchDelay = 375;
  let resolveDelay = 375;
  let fetchTimer: NodeJS.Timeout | undefined;
  let resolveTimer: NodeJS.Timeout | undefined;
  let fetching = 0;
  let row: CodeLens[] = [];
  let disposed = false;

  const draw = (lenses: CodeLens[]) => {
    drawn.push({ at: performance.now(), text: lenses.map((l) => l.command?.title ?? '').join(' | ') });
    c.recheck();
  };
  const resolvePass = async () => {
    resolveTimer = undefined;
    const started = performance.now();
    const resolved = await Promise.all(row.map((l) => (l.command ? l : c.request<CodeLens>('codeLens/resolve', l))));
    if (disposed) return;
    draw(resolved);
    // As CodeLensWidget.updateCommands: the commands land on the row it has now, which a newer answer may have replaced.
    resolved.forEach((l, i) => {
      if (row[i]) row[i].command = l.command ?? row[i].command;
    });
    samples.push(performance.now() - started);
    resolveDelay = average();
  };
  const fetch = async (took?: number) => {
    fetchTimer = undefined;
    const ticket = ++fetching;
    const started = performance.now();
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    if (disposed || ticket !== fetching) return;
    samples.push(took ?? performance.now() - started);
    fetchDelay = average();
    // A new line's lens is drawn at once with the commands it came with; a line already drawn waits for the resolve pass.
    const first = row.length === 0;
    row = lenses;
    if (first && lenses.every((l) => l.command)) draw(lenses);
    clearTimeout(resolveTimer);
    // A request cut short by the end of the test is no failure of the server.
    resolveTimer = setTimeout(() => void resolvePass().catch(() => undefined), resolveDelay);
  };
  c.onCodeLensRefresh = () => {
    clearTimeout(fetchTimer);
    fetchTimer = setTimeout(() => void fetch().catch(() => undefined), fetchDelay);
  };
  return {
    drawn,
    /** The editor opens the file: its first fetch, which took `firstAnswerMs`. */
    open: () => fetch(firstAnswerMs),
    dispose() {
      disposed = true;
      clearTimeout(fetchTimer);
      clearTimeout(resolveTimer);
    },
  };
}

async function editorWith(firstAnswerMs: number) {
  const c = await LspClient.start({ settings: { autoTrain: 'off' }, capabilities: RESOLVING });
  client = c;
  const editor = vscodeLenses(c, firstAnswerMs);
  c.open(URI, LONG);
  await c.waitForDiagnostics(URI, () => true);
  await editor.open();
  return { c, editor };
}

describe('lenses resolved as VS Code resolves them', () => {
  it('sends lenses without their commands to an editor that resolves them, and resolves them to the run’s words', async () => {
    const { c, editor } = await editorWith(250);
    try {
      expect((c.capabilities.codeLensProvider as { resolveProvider?: boolean }).resolveProvider).toBe(true);
      const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
      expect(lenses.length).toBeGreaterThan(0);
      expect(lenses.every((l) => l.command === undefined)).toBe(true);
      const drawn = await c.waitFor('the resolved row', () => editor.drawn.find((d) => /\bTrain\b/.test(d.text)), 10_000);
      expect(drawn.text).toMatch(/\$\(play\) Train \| \$\(debug-step-over\) Step \| est\./);
    } finally {
      editor.dispose();
    }
  });

  it('keeps the drawn lens moving after a slow first answer taught the editor a long resolve delay', async () => {
    // 2.5 s for the first answer: after its first pass the resolve waits 1.25 s, longer than answers come apart once training.
    const { c, editor } = await editorWith(2500);
    try {
      await c.waitFor('the first row drawn', () => editor.drawn.find((d) => /\bTrain\b/.test(d.text)), 10_000);
      await c.command('nn.train', URI, TRAIN);
      const started = performance.now();
      const moving = () => editor.drawn.filter((d) => d.at > started && /epoch \d+\//.test(d.text));
      // Four different epochs drawn: the resolve pass runs again and again while the run trains.
      await c.waitFor('four drawn rows of a training run', () => new Set(moving().map((d) => d.text)).size >= 4, 20_000);
      const epochs = moving().map((d) => Number(/epoch (\d+)\//.exec(d.text)![1]));
      expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
      await c.command('nn.stopTraining', URI, TRAIN);
    } finally {
      editor.dispose();
    }
  });

  it('draws a Stop at the editor’s next resolve pass, in place of the Stop lens', async () => {
    const { c, editor } = await editorWith(250);
    try {
      await c.command('nn.train', URI, TRAIN);
      await c.waitFor('a drawn running lens', () => editor.drawn.find((d) => /\bStop\b.*epoch \d+\//.test(d.text)), 10_000);
      const asked = performance.now();
      await c.command('nn.stopTraining', URI, TRAIN);
      const stopped = await c.waitFor('a drawn lens without Stop', () => editor.drawn.find((d) => d.at > asked && !/\$\(debug-stop\) Stop\b/.test(d.text)), 10_000);
      console.info(`nn.stopTraining → a drawn lens without Stop (fetch and resolve debounces 250 ms): ${(stopped.at - asked).toFixed(0)} ms`);
      expect(stopped.text).toMatch(/\$\(loading~spin\) Stopping \| stopping at epoch \d+|stopped at epoch \d+/);
      // At most one fetch and one resolve pass after the Stop, with room for a loaded machine.
      expect(stopped.at - asked).toBeLessThan(250 + 250 + 1000);
    } finally {
      editor.dispose();
    }
  });

  it('asks again at once when a resolve pass overlapped a newer answer, and holds an answer that would land inside a pass', async () => {
    const c = await LspClient.start({ settings: { autoTrain: 'off' }, capabilities: RESOLVING });
    client = c;
    c.open(URI, LONG);
    await c.waitForDiagnostics(URI, () => true);
    const fetch = () => c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
    const older = await fetch();
    const resolved = await c.request<CodeLens>('codeLens/resolve', older[0]);
    const after = performance.now();
    // An answer asked for just after a resolve comes a moment later, past the end of the editor's pass.
    await fetch();
    expect(performance.now() - after).toBeGreaterThanOrEqual(40);
    expect(resolved.command?.title).toBe('$(play) Train');
    // VS Code wrote the older answer's commands onto the newer lenses and released the older answer: only a new answer resolved afresh mends the row.
    const refreshes = c.codeLensRefreshes;
    await c.request<CodeLens>('codeLens/resolve', older[1]);
    await c.waitFor('a refresh after a resolve of an older answer', () => c.codeLensRefreshes > refreshes, 5_000);
  });
});
