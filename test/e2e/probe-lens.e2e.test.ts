// Exploratory: how often does the lens text change in code-server during a long run? (not committed)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { installVsix, locateVsix, makeRunDirs, removeRunDirs, startCodeServer, writeUserSettings, type CodeServer } from './harness/codeServer';
import { launchBrowser, T, Workbench } from './harness/workbench';

describe('probe', () => {
  const dirs = makeRunDirs('nn-probe-');
  const folder = join(dirs.workspace, 'p');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  beforeAll(async () => {
    mkdirSync(folder, { recursive: true });
    cpSync(join(__dirname, 'fixtures', 'long-run.nn'), join(folder, 'long-run.nn'));
    cpSync(join(__dirname, 'fixtures', 'probe-fast.nn'), join(folder, 'fast.nn'));
    writeUserSettings(dirs, { 'nn.trace.server': 'verbose' });
    installVsix(dirs, locateVsix());
    server = await startCodeServer(dirs, folder);
    browser = await launchBrowser(dirs);
    wb = await Workbench.open(browser, server.url, folder);
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (existsSync(dirs.userData)) cpSync(dirs.userData + '/logs', '/tmp/probe-logs', { recursive: true });
    removeRunDirs(dirs);
  });
  it('lens over 20 s', async () => {
    await wb.openFromExplorer(process.env.PROBE_FILE ?? 'long-run.nn');
    await wb.waitForLens(/\bTrain\b/, T.lsp);
    const mode = process.env.PROBE_MODE ?? 'lens';
    if (mode === 'palette') { await wb.goTo(13, 3); await wb.runCommand('NN: Train Network'); }
    else await wb.clickLens(/\bTrain\b/);
    if (process.env.PROBE_PANEL) { await wb.clickLens(/Stop/); await wb.waitForLens(/Show training/); await wb.clickLens(/Show training/); await wb.page.waitForTimeout(2000); await wb.clickLens(/Train/); }
    const t0 = Date.now();
    let last = '';
    const log: string[] = [];
    while (Date.now() - t0 < 20_000) {
      const text = await wb.lensText();
      if (text !== last) { log.push(`${((Date.now() - t0) / 1000).toFixed(2)}s ${text}`); last = text; }
      await wb.page.waitForTimeout(50);
    }
    console.log(log.join('\n'));
    await wb.page.evaluate(() => {
      const w = window as unknown as { lensLog: string[] };
      w.lensLog = [];
      let last = '';
      const editor = document.querySelector('.editor-group-container.active .monaco-editor')!;
      new MutationObserver(() => {
        const text = [...editor.querySelectorAll('.codelens-decoration')].map((e) => (e as HTMLElement).innerText).join(' | ');
        if (text !== last) { last = text; w.lensLog.push(`${Date.now()} ${text.replace(/\n/g, ' ')}`); }
      }).observe(editor, { subtree: true, childList: true, characterData: true });
    });
    require('node:fs').appendFileSync('/tmp/nn-probe-server.log', `${Date.now()} click\n`);
    await wb.clickLens(/\bStop\b/);
    const s0 = Date.now();
    require('node:fs').appendFileSync('/tmp/nn-probe-server.log', `${Date.now()} clicked\n`);
    let prev = '';
    await wb.page.waitForTimeout(3000);
    require('node:fs').appendFileSync('/tmp/nn-probe-server.log', (await wb.page.evaluate(() => (window as unknown as { lensLog: string[] }).lensLog)).map((l: string) => `${l.slice(0, 13)} browser ${l.slice(14)}`).join('\n') + '\n');
    while (Date.now() - s0 < 5000) {
      const text = await wb.lensText();
      if (text !== prev) { console.log(`after stop ${Date.now() - s0} ms: ${text.replace(/\n/g, ' ')}`); prev = text; }
      await wb.page.waitForTimeout(20);
    }
  });
});
