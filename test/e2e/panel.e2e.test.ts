// The training panel's webview in a real Chromium, under the exact HTML and Content Security Policy VS Code gets: messages in, drawings, clicks and messages out.
//
// No code-server here: the page is served from a local HTTP origin that plays the
// part of webview.cspSource, and acquireVsCodeApi is a stub that records what the
// panel posts. The full editor journey lives in journey.e2e.test.ts.
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWebview } from '../support/webview';
import { panelHtml } from '../../client/src/panelHtml';
import { formatNumber } from '../../client/src/webview/layout';
import type { ToWebview } from '../../client/src/webview/messages';
import { renderReport } from '../../server/src/report/html';
import { trainingView } from '../../server/src/report/views';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { fourInputView, twoInputView } from '../report/fixtures';

const CHROMIUM = process.env.NN_E2E_CHROMIUM ?? '/usr/bin/chromium';
const screenshots = join(__dirname, '..', '..', 'test-results', 'e2e');

/** Dark Modern's variables, set through the CSSOM as VS Code does (inline style attributes would break the CSP). */
const darkModern: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-widget-border': '#313131',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
};

let server: Server;
let origin: string;
let browser: Browser;
const files = new Map<string, { type: string; body: string }>();

beforeAll(async () => {
  const bundle = await bundleWebview();
  files.set('/panel.js', { type: 'text/javascript', body: bundle.script });
  files.set('/panel.css', { type: 'text/css', body: bundle.style });
  server = createServer((request, response) => {
    if (request.url === '/favicon.ico') {
      // The browser asks for it by itself; a webview never does.
      response.writeHead(204).end();
      return;
    }
    const file = files.get(request.url ?? '');
    response.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' });
    response.end(file?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files.set('/index.html', {
    type: 'text/html',
    body: panelHtml({ cspSource: origin, scriptUri: `${origin}/panel.js`, styleUri: `${origin}/panel.css`, nonce: 'bm9uY2Utb2YtdGhlLXRlc3Q=' }),
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  mkdirSync(screenshots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

interface PanelPage {
  page: Page;
  problems: string[];
  posted: () => Promise<{ type: string; line?: number }[]>;
  send: (message: ToWebview) => Promise<void>;
}

async function openPanel(): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript((variables: Record<string, string>) => {
    // Runs in Chromium; the project's type-check has no DOM library, so the page's globals are untyped here.
    const w = globalThis as any;
    const document = w.document;
    w.__posted = [];
    w.__violations = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__posted.push(m), getState: () => undefined, setState: () => {} });
    document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) =>
      w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
    // Init scripts run before <html> exists; set the theme as soon as it does, before the panel's script reads it.
    const apply = () => {
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
    };
    if (document.documentElement) apply();
    else {
      new w.MutationObserver((_records: unknown, observer: { disconnect(): void }) => {
        if (!document.documentElement) return;
        observer.disconnect();
        apply();
      }).observe(document, { childList: true });
    }
  }, darkModern);
  await page.goto(`${origin}/index.html`);
  const posted = () => page.evaluate(() => (globalThis as unknown as { __posted: { type: string; line?: number }[] }).__posted);
  const send = (message: ToWebview) =>
    page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);
  return { page, problems, posted, send };
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations);
}

describe('training panel webview', () => {
  const view = twoInputView({ data: 'circle', hidden: 5, epochs: 1500, rate: 0.8, validate: true, grid: 32 });

  it('says it is ready, then draws curve, boundary and diagram under the strict CSP', async () => {
    const { page, problems, posted, send } = await openPanel();
    await expect.poll(async () => (await posted()).map((m) => m.type), { timeout: 10_000 }).toContain('ready');
    await send({ type: 'view', view });
    await page.locator('.nn-diagram line.edge').first().waitFor({ timeout: 10_000 });
    // 2 inputs × 5 hidden + 5 hidden × 1 output: one edge per weight.
    expect(await page.locator('.nn-diagram line.edge').count()).toBe(15);
    expect(await page.locator('.nn-diagram circle.node').count()).toBe(8);
    expect(await page.locator('.nn-curve canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('canvas.nn-boundary').isVisible()).toBe(true);
    expect(await page.locator('.nn-stat dd').first().textContent()).toBe('1500 / 1500');
    await page.screenshot({ path: join(screenshots, 'panel-dark.png'), fullPage: true });
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows W, its gradient and last update when hovering an edge', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await send({ type: 'view', view });
    const hit = page.locator('.nn-diagram line.edge-hit').first();
    await hit.waitFor({ timeout: 10_000 });
    await hit.hover({ force: true });
    const tooltip = page.locator('.nn-tooltip');
    await expect.poll(() => tooltip.isVisible(), { timeout: 5_000 }).toBe(true);
    const text = (await tooltip.textContent()) ?? '';
    const w11 = view.snapshots.at(-1)!.layers[0].weights[0];
    expect(text).toContain('W⁽¹⁾₁₁');
    expect(text).toContain(Number(w11.toPrecision(4)).toString().replace('-', '−'));
    // The last single update: its gradient and the step it took (here −η ∂L/∂W).
    const latest = view.snapshots.at(-1)!;
    expect(text).toContain(`last update`);
    expect(text).toContain(`in epoch ${latest.epoch}`);
    expect(text).toContain(`∂L/∂W⁽¹⁾₁₁${formatNumber(latest.layers[0].weightGradient![0])}`);
    expect(text).toContain(`ΔW⁽¹⁾₁₁${formatNumber(latest.layers[0].lastUpdate![0])}`);
    await page.close();
  });

  it('reveals a layer on click and highlights the layer under the editor cursor', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await send({ type: 'view', view });
    const columns = page.locator('.nn-diagram g.column.layer');
    await columns.first().waitFor({ timeout: 10_000 });
    await columns.nth(1).locator('.column-title').click();
    await expect.poll(async () => (await posted()).filter((m) => m.type === 'revealLine')).toEqual([{ type: 'revealLine', line: 3 }]);
    await send({ type: 'cursor', line: 2 });
    await expect.poll(() => columns.nth(0).getAttribute('class')).toContain('highlighted');
    expect(await columns.nth(1).getAttribute('class')).not.toContain('highlighted');
    // The cursor's layer also opens its weights as numbers: 5 units × (2 inputs + b).
    const hiddenWeights = page.locator('.nn-weights details').nth(0);
    expect(await hiddenWeights.getAttribute('open')).not.toBeNull();
    expect(await hiddenWeights.locator('tbody td').count()).toBe(5 * 3);
    const w21 = view.snapshots.at(-1)!.layers[0].weights[1 * 2 + 0];
    expect(await hiddenWeights.locator('tbody tr').nth(1).locator('td').first().textContent()).toBe(
      Number(w21.toPrecision(3)).toString().replace('-', '−'),
    );
    expect(await page.locator('.nn-weights details').nth(1).getAttribute('open')).toBeNull();
    await send({ type: 'cursor', line: null });
    await expect.poll(() => columns.nth(0).getAttribute('class')).not.toContain('highlighted');
    await page.close();
  });

  it('shows the network as it was at an earlier epoch when the slider moves, and returns to the latest', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await send({ type: 'view', view });
    const edge = page.locator('.nn-diagram line.edge').first();
    await edge.waitFor({ timeout: 10_000 });
    const latestWidth = await edge.getAttribute('stroke-width');
    await page.locator('.nn-slider input').fill('0');
    await expect.poll(() => page.locator('.nn-diagram-figure figcaption').textContent()).toBe('Network before training');
    expect(await edge.getAttribute('stroke-width')).not.toBe(latestWidth);
    // A new picture while looking at the past keeps the chosen epoch.
    await send({ type: 'view', view });
    expect(await page.locator('.nn-diagram-figure figcaption').textContent()).toBe('Network before training');
    await page.locator('.nn-slider button', { hasText: 'Latest' }).click();
    await expect.poll(() => page.locator('.nn-diagram-figure figcaption').textContent()).toBe('Network at epoch 1500');
    await page.close();
  });

  it('keeps the previous network, marked as such, while a retraining sends only its live curve', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await send({ type: 'view', view });
    await page.locator('.nn-diagram line.edge').first().waitFor({ timeout: 10_000 });
    const live = { ...view, status: { ...view.status, phase: 'running' as const, epoch: 10 }, curve: view.curve.slice(0, 10), snapshots: [] };
    await send({ type: 'view', view: live });
    await expect.poll(() => page.locator('.nn-diagram-figure figcaption').textContent()).toContain('previous training');
    expect(await page.locator('.nn-diagram line.edge').count()).toBe(15);
    expect(await page.locator('.nn-stat dd').first().textContent()).toBe('10 / 1500');
    // A first training has no earlier picture: the diagram waits for weights.
    const fresh = await openPanel();
    await expect.poll(async () => (await fresh.posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await fresh.send({ type: 'view', view: live });
    await fresh.page.locator('.nn-curve canvas').first().waitFor({ timeout: 10_000 });
    expect(await fresh.page.locator('.nn-diagram-figure').isVisible()).toBe(false);
    await fresh.page.close();
    await page.close();
  });

  it('follows a live training: merges the snapshots it is sent, keeps the slider on its epoch, asks again when an answer does not fit', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const running = { ...view, status: { ...view.status, phase: 'running' as const }, series: 7 };
    const all = view.snapshots;
    const caption = page.locator('.nn-boundary-figure figcaption');
    const slider = page.locator('.nn-slider input');
    await send({ type: 'view', view: { ...running, seqs: [0, 1, 2], snapshots: all.slice(0, 3) } });
    await expect.poll(() => caption.textContent()).toBe(`Decision boundary at epoch ${all[2].epoch} · live`);
    // Only the new ones come; the webview keeps what it holds.
    await send({ type: 'view', view: { ...running, seqs: [0, 1, 2, 3, 4], after: 2, snapshots: all.slice(3, 5) } });
    await expect.poll(() => caption.textContent()).toBe(`Decision boundary at epoch ${all[4].epoch} · live`);
    expect(await slider.getAttribute('max')).toBe('4');
    // Looking back at epoch all[2] while the server thins its snapshots (1 and 3 dropped) and adds one.
    await slider.fill('2');
    await expect.poll(() => caption.textContent()).toBe(`Decision boundary at epoch ${all[2].epoch}`);
    await send({ type: 'view', view: { ...running, seqs: [0, 2, 4, 5], after: 4, snapshots: [all[5]] } });
    await expect.poll(() => slider.getAttribute('max')).toBe('3');
    expect(await slider.inputValue()).toBe('1');
    expect(await caption.textContent()).toBe(`Decision boundary at epoch ${all[2].epoch}`);
    // An answer that does not fit (a snapshot it never got): the webview asks for the whole view.
    await send({ type: 'view', view: { ...running, seqs: [0, 9, 10], after: 9, snapshots: [all[6]] } });
    await expect.poll(async () => (await posted()).map((m) => m.type)).toContain('resync');
    await page.close();
  });

  it('keeps up with 60 updates a second of a 2-150-150-1 network, drawing at most once a frame', async () => {
    const { page, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const result = await page.evaluate(async () => {
      const w = globalThis as any;
      const sizes = [2, 150, 150, 1];
      let seed = 1;
      const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
      const layer = (k: number) => {
        const n = sizes[k] * sizes[k - 1];
        const weights = Array.from({ length: n }, random);
        return {
          name: `l${k}`, units: sizes[k], inputs: sizes[k - 1], activation: 'tanh', line: k,
          weights, biases: Array.from({ length: sizes[k] }, random),
          weightGradient: weights.map((x: number) => x / 100), lastUpdate: weights.map((x: number) => x / 1000),
        };
      };
      const snapshot = (epoch: number) => ({ epoch, layers: [1, 2, 3].map(layer), boundary: Array.from({ length: 40 * 40 }, (_, i) => (i % 40) / 40) });
      const status = { line: 0, index: 1, network: 'big', data: 'd', phase: 'running', epoch: 0, epochs: 1000, loss: 0.5, validationLoss: null, accuracy: null, seconds: 1, summary: '' };
      const base = { uri: 'file:///big.nn', version: 1, status, inputNames: ['x', 'y'], curve: [{ epoch: 1, loss: 0.5, validationLoss: null, accuracy: null, validationAccuracy: null }], points: [{ x: 0, y: 0, label: 1 }], box: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, grid: 40, series: 1 };
      // Sixty views a second, every sixth with a new snapshot: ten a second, more than the
      // server sends of a network this large (it holds them to 250,000 numbers a second).
      const messages = [{ ...base, seqs: [0], snapshots: [snapshot(0)] }];
      for (let n = 1; n <= 60; n++) {
        const count = Math.floor(n / 6) + 1;
        const fresh = n % 6 === 0;
        messages.push({
          ...base,
          status: { ...status, epoch: n },
          curve: Array.from({ length: n }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 2), validationLoss: null, accuracy: null, validationAccuracy: null })),
          seqs: Array.from({ length: count }, (_, i) => i),
          after: fresh ? count - 2 : count - 1,
          snapshots: fresh ? [snapshot(n)] : [],
        } as any);
      }
      let frames = 0;
      const original = w.requestAnimationFrame.bind(w);
      w.requestAnimationFrame = (callback: (t: number) => void) => original((t: number) => { frames++; callback(t); });
      const caption = w.document.querySelector('.nn-diagram-figure figcaption');
      // One message every 1/60 s, as fast as a panel could ever be fed.
      const started = performance.now();
      for (const [n, view] of messages.entries()) {
        while (performance.now() - started < (n * 1000) / 60) await new Promise((resolve) => setTimeout(resolve, 1));
        w.postMessage({ type: 'view', view }, '*');
      }
      const sent = performance.now();
      // The stats are rebuilt on every draw: ask for the element each time.
      const stat = { get textContent() { return w.document.querySelector('.nn-stat dd')?.textContent; } };
      while (caption.textContent !== 'Network at epoch 60 · live' || stat.textContent !== '60 / 1000') {
        if (performance.now() - sent > 10_000) return { stuck: `${caption.textContent} | ${stat.textContent} | ${JSON.stringify(w.__posted)}` } as any;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return { sending: sent - started, lag: performance.now() - sent, frames, edges: w.document.querySelectorAll('.nn-diagram line.edge').length };
    });
    expect(result.stuck).toBeUndefined();
    console.log(
      `61 live views (11 snapshots) of a 2-150-150-1 network at 60/s: sent over ${result.sending.toFixed(0)} ms, last drawn ${result.lag.toFixed(0)} ms after, ${result.frames} draws, ${result.edges} edges drawn`,
    );
    // Keeps up: the last picture follows the last message within a few frames (a loaded
    // 2-core machine included), and never more than one draw per message.
    expect(result.lag).toBeLessThan(250);
    expect(result.frames).toBeLessThanOrEqual(61);
    expect(result.edges).toBeGreaterThan(0);
    await page.close();
  });

  it('posts train, stop and step from its buttons, and reveals a layer from the keyboard', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await send({ type: 'view', view: { ...view, status: { ...view.status, phase: 'running' } } });
    await page.locator('.nn-button', { hasText: 'Stop' }).click();
    await send({ type: 'view', view });
    await page.locator('.nn-button', { hasText: 'Retrain' }).click();
    await page.locator('.nn-button', { hasText: 'Step' }).click();
    await page.locator('.nn-button', { hasText: 'Reset' }).click();
    // Keyboard: Tab onto a layer, Enter reveals it.
    await page.locator('.nn-diagram g.column.layer').first().focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await posted()).map((m) => m.type).filter((t) => t !== 'ready'))
      .toEqual(['stop', 'train', 'step', 'reset', 'revealLine']);
    // At the initial weights already (after Reset), Reset has nothing to do.
    await send({ type: 'view', view: { ...view, status: { ...view.status, phase: 'stepped', step: 0, stepFrom: 'initial', epoch: 0 } } });
    await expect.poll(() => page.locator('.nn-button', { hasText: 'Reset' }).isDisabled()).toBe(true);
    await page.close();
  });

  it('keeps the slider still under the pointer while its label grows, and every bias inside its node', async () => {
    const { page, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Large biases: the longest labels a node can get.
    const big = { ...view, snapshots: view.snapshots.map((s) => ({ ...s, layers: s.layers.map((l) => ({ ...l, biases: l.biases.map((b, i) => (i % 2 ? -1 : 1) * (123.4 + 1000 * Math.abs(b))) })) })) };
    await send({ type: 'view', view: big });
    const slider = page.locator('.nn-slider input');
    await slider.waitFor({ timeout: 10_000 });
    const widths = new Set<number>();
    const lastIndex = Number(await slider.getAttribute('max'));
    for (const index of [0, 1, Math.floor(lastIndex / 2), lastIndex]) {
      await slider.fill(String(index));
      widths.add(Math.round((await slider.boundingBox())!.width));
    }
    // "initial weights of 1500" and "epoch 37 of 1500" are labels of different lengths; the slider keeps its width.
    expect(widths.size).toBe(1);
    // Replay's label turns into Pause: the slider keeps its width then too.
    await page.locator('.nn-slider button', { hasText: 'Replay' }).click();
    widths.add(Math.round((await slider.boundingBox())!.width));
    expect(widths.size).toBe(1);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as any).document;
      return [...d.querySelectorAll('.nn-diagram text.bias')]
        .map((text: any) => {
          // The node's circle comes before its label (its picture, when it has one, between them).
          let circle = text.previousElementSibling;
          while (circle && circle.tagName !== 'circle') circle = circle.previousElementSibling;
          const r = Number(circle?.getAttribute('r') ?? 0);
          return { label: text.textContent, width: text.getBBox().width, diameter: 2 * r };
        })
        .filter((b: { width: number; diameter: number }) => b.width > b.diameter - 2);
    });
    expect(overflow).toEqual([]);
    await page.close();
  });
});

describe('static report', () => {
  it('draws every run from the file alone, without errors', async () => {
    const html = renderReport([twoInputView({ data: 'xor', hidden: 4, epochs: 800, rate: 1, validate: false, grid: 32 }), fourInputView()], {
      assets: { script: files.get('/panel.js')!.body, style: files.get('/panel.css')!.body },
    });
    files.set('/report.html', { type: 'text/html', body: html });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${origin}/report.html`);
    await expect.poll(() => page.locator('section.nn-run').count(), { timeout: 10_000 }).toBe(2);
    // The 4-16-3 network shows 12 of its 16 hidden units, and says so.
    expect(await page.locator('section.nn-run').nth(1).locator('text=+4 more').count()).toBe(1);
    // Four inputs: no decision boundary to draw.
    expect(await page.locator('section.nn-run').nth(1).locator('canvas.nn-boundary').isVisible()).toBe(false);
    expect(await page.locator('section.nn-run').nth(0).locator('canvas.nn-boundary').isVisible()).toBe(true);
    expect(requests.filter((url) => !url.endsWith('/favicon.ico'))).toEqual([`${origin}/report.html`]);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'report-light.png'), fullPage: true });
    await page.close();
  });
});

// docs/language.md §7.2–§7.4 in the panel: the rate, the penalty and the epoch patience kept, listed and marked on the curve.
describe('training panel webview with the training vocabulary', () => {
  it('lists the rate, the penalty and the kept epoch, draws a line at the kept epoch, and ends the slider there', async () => {
    const text = readFileSync(join(__dirname, '..', '..', 'examples', 'overfitting.nn'), 'utf8').replace('  validate 30%\n  seed 1\n}', '  validate 30%\n  seed 1\n  patience 60\n  schedule exponential factor 0.999\n}');
    const [run] = checkedWithoutErrors(text).runs;
    const result = new Trainer(run.network, run.data, run.settings).train({ snapshots: { maxSnapshots: 40 } });
    expect(result.stopped).toBe('patience');
    const kept = trainingView('file:///tmp/overfitting.nn', text, { run, result, seconds: 0.3 });
    const { page, problems, send, posted } = await openPanel();
    await expect.poll(async () => (await posted()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const pixels = () =>
      page.evaluate(() => {
        const canvas = (globalThis as any).document.querySelector('.nn-curve canvas');
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let sum = 0;
        for (let i = 0; i < data.length; i += 97) sum = (sum * 31 + data[i]) % 1_000_000_007;
        return sum;
      });
    await send({ type: 'view', view: { ...kept, status: { ...kept.status, bestEpoch: undefined } } });
    await page.locator('.nn-curve canvas').first().waitFor({ timeout: 10_000 });
    const without = await pixels();
    await send({ type: 'view', view: kept });
    await expect.poll(() => page.locator('.nn-stat.kept dd').textContent(), { timeout: 10_000 }).toBe(String(result.bestEpoch));
    expect(await page.locator('.nn-stat.kept dt').textContent()).toBe('kept epoch');
    const stats = await page.locator('.nn-stat dt').allTextContents();
    expect(stats).toEqual(expect.arrayContaining(['rate', 'kept epoch']));
    expect(await page.locator('.nn-summary').textContent()).toContain(`kept the weights of epoch ${result.bestEpoch}`);
    // The kept epoch's line is drawn: the curve's pixels differ from the same view without it.
    await expect.poll(pixels, { timeout: 5_000 }).not.toBe(without);
    expect(kept.snapshots.at(-1)!.epoch).toBe(result.bestEpoch);
    await page.screenshot({ path: join(screenshots, 'panel-kept-epoch.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
