// A new user's first session in a real VS Code (code-server 1.139 + Chromium): install the .vsix, open the examples, and use every feature once, down to exporting the trained model.
//
// The steps run in order on one workbench, as a person would go through them;
// each saves a screenshot under test-results/e2e/ that shows what the step claims.
// Every wait is for an element or condition with a deadline (see harness/).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDirs, pollUntil, removeRunDirs, repoRoot, type CodeServer } from './harness/codeServer';
import { openWorkspace, screenshotDir, spacedPattern, T, type Workbench } from './harness/workbench';
import { exportCli } from '../export/helpers';

/** The text of a line of a file, and its 1-based number, found by a pattern (the example's own layout decides). */
function findLine(file: string, pattern: RegExp): { text: string; line: number } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const index = lines.findIndex((l) => pattern.test(l));
  if (index < 0) throw new Error(`${file} has no line matching ${pattern}`);
  return { text: lines[index]!.replace(/#.*/, '').trim(), line: index + 1 };
}

/** Numbers written out in a text (ASCII or typographic minus). */
function numbersIn(text: string): number[] {
  return (text.match(/[−-]?\d+\.\d+(?:e[−-]?\d+)?/g) ?? []).map((n) => Number(n.replace('−', '-')));
}

describe('a new user in VS Code', () => {
  const dirs = makeRunDirs();
  const folder = join(dirs.workspace, 'examples');
  const xorFile = join(folder, 'xor.nn');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  const shot = (name: string): Promise<string> => wb.screenshot(name);

  beforeAll(async () => {
    // Pictures of an earlier run would be mistaken for this one's.
    if (existsSync(screenshotDir)) {
      for (const f of readdirSync(screenshotDir)) if (/^(\d\d-|FAILED-).*\.png$/.test(f)) rmSync(join(screenshotDir, f));
      rmSync(join(screenshotDir, 'logs'), { recursive: true, force: true });
    }
    // The user's examples folder, copied so the journey's edits never touch the repository.
    cpSync(process.env.NN_E2E_EXAMPLES ?? join(repoRoot, 'examples'), folder, { recursive: true });
    cpSync(join(__dirname, 'fixtures', 'long-run.nn'), join(folder, 'long-run.nn'));
    ({ server, browser, wb } = await openWorkspace(dirs, folder));
  });

  // A failed step leaves a picture of what the user would have seen at that moment.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && wb) {
      const name = context.task.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60);
      await wb.screenshot(`FAILED-${name}`).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    // Keep code-server's and the extension host's logs beside the screenshots for whoever reads a failure.
    mkdirSync(screenshotDir, { recursive: true });
    if (existsSync(dirs.logs)) cpSync(dirs.logs, join(screenshotDir, 'logs'), { recursive: true });
    const userLogs = join(dirs.userData, 'logs');
    if (existsSync(userLogs)) cpSync(userLogs, join(screenshotDir, 'logs', 'vscode'), { recursive: true });
    removeRunDirs(dirs);
  });

  it('opens xor.nn from the examples folder in NN mode, coloured by the grammar', async () => {
    expect(existsSync(xorFile), 'examples/xor.nn is the file a new user opens first').toBe(true);
    await wb.openFromExplorer('xor.nn');
    await pollUntil('the language mode NN', async () => (await wb.languageMode().innerText()).trim() === 'NN', T.ui);
    const network = findLine(xorFile, /^\s*network\s/);
    const input = findLine(xorFile, /^\s*input\s+\d+/);
    const keyword = await wb.tokenClass(network.text, 'network');
    const number = await wb.tokenClass(input.text, input.text.split(/\s+/)[1]!);
    const inputKeyword = await wb.tokenClass(input.text, 'input');
    // Keywords and numbers get different colours (different mtk classes); plain text would give one class.
    expect(keyword).not.toBe(number);
    expect(inputKeyword).not.toBe(number);
    // And those colours come from the extension's grammar: the scopes are the grammar's own.
    const rawInput = readFileSync(xorFile, 'utf8').split(/\r?\n/)[input.line - 1]!;
    const numberScopes = await wb.inspectToken(input.line, rawInput.search(/\d/) + 1);
    expect(numberScopes).toMatch(/constant\.numeric\.nn/);
    expect(numberScopes).toMatch(/source\.nn/);
    const keywordScopes = await wb.inspectToken(input.line, rawInput.indexOf('input') + 1);
    expect(keywordScopes).toMatch(/keyword\.other\.input\.nn/);
    await shot('01-open-xor');
  });

  it('shows a typed mistake as a squiggle and as a Problems entry with its message', async () => {
    const hidden = findLine(xorFile, /^\s*layer\s+hidden\b/);
    const raw = readFileSync(xorFile, 'utf8').split(/\r?\n/)[hidden.line - 1]!;
    const column = raw.indexOf('sigmoid') + 'sigmoid'.length + 1;
    expect(column, 'the hidden layer of xor.nn uses sigmoid').toBeGreaterThan('sigmoid'.length);
    await wb.goTo(hidden.line, column);
    await wb.page.keyboard.type('d');
    await wb.line(hidden.text.replace('sigmoid', 'sigmoidd')).waitFor({ timeout: T.ui });
    await wb.squiggles('error').first().waitFor({ timeout: T.lsp });
    await wb.openProblems();
    const row = wb.problemRow("unknown activation 'sigmoidd'");
    await row.waitFor({ timeout: T.lsp });
    expect(await row.innerText()).toMatch(/did you mean 'sigmoid'\?/);
    await shot('02-mistake-squiggle-and-problem');
  });

  it("fixes it with the quick fix \"Change to 'sigmoid'\"", async () => {
    const hidden = findLine(xorFile, /^\s*layer\s+hidden\b/);
    const raw = readFileSync(xorFile, 'utf8').split(/\r?\n/)[hidden.line - 1]!;
    // The cursor goes back onto the misspelt word, as a user clicking it would.
    await wb.goTo(hidden.line, raw.indexOf('sigmoid') + 3);
    await wb.applyQuickFix("Change to 'sigmoid'");
    // The fix is an edit the server computed: wait for the text to change, then check what it became.
    const text = await pollUntil('the misspelling to be replaced', async () => {
      const t = await wb.editorText();
      return t.includes('sigmoidd') ? undefined : t;
    }, T.ui);
    expect(text).toMatch(spacedPattern(hidden.text));
    await wb.squiggles('error').first().waitFor({ state: 'detached', timeout: T.lsp });
    await wb.problemRow("unknown activation 'sigmoidd'").waitFor({ state: 'detached', timeout: T.lsp });
    await shot('03-quick-fix-applied');
    await wb.save();
  });

  it('trains the run and shows the result in the CodeLens above train', async () => {
    await wb.revealTop();
    await wb.closePanel();
    // Auto-training (the default) retrains a cheap run by itself; otherwise the user clicks Train.
    const before = await wb.waitForLens(/\b(Train|Retrain|Stop)\b/, T.lsp);
    if (/\bTrain\b/.test(before) && !/loss \d/.test(before)) await wb.clickLens(/\bTrain\b/);
    const lens = await wb.waitForLens(/Retrain[\s\S]*loss \d|loss \d[\s\S]*Retrain/, T.train);
    // The lens's actions carry codicons, drawn by VS Code's icon font: never emoji, which need a font of their own.
    expect(lens).not.toMatch(/[▶⏭📈■]|\$\(/u);
    await wb.codeLenses().locator('.codicon-play').first().waitFor({ timeout: T.ui });
    expect(lens).toMatch(/loss [\d.]+(e-?\d+)? (at epoch \d+|after \d+ epochs)/);
    await wb.openProblems();
    const result = wb.problemRow(/trained: loss/);
    await result.waitFor({ timeout: T.lsp });
    expect(await result.innerText()).toMatch(/trained: loss [\d.]+/);
    await shot('04-trained-result-lens');
    await wb.closePanel();
  });

  it('hovering the hidden layer shows its weights W and error terms δ', async () => {
    await wb.revealTop();
    const hidden = findLine(xorFile, /^\s*layer\s+hidden\b/);
    const units = Number(hidden.text.split(/\s+/)[2]);
    const inputs = Number(findLine(xorFile, /^\s*input\s+\d+/).text.split(/\s+/)[1]);
    const text = await wb.hover(wb.token(hidden.text, 'hidden'), /δ/, T.lsp);
    expect(text).toMatch(/hidden/);
    expect(text).toMatch(/W/);
    // The trained matrix is there, with its numbers: units × inputs weights at least.
    expect(numbersIn(text).length).toBeGreaterThanOrEqual(units * inputs);
    // Its "Show training" link carries a codicon, drawn, not spelled out.
    expect(text).toMatch(/Show training/);
    expect(text).not.toMatch(/\$\(/);
    await wb.page.locator('.monaco-hover .codicon-graph-line').first().waitFor({ timeout: T.ui });
    await shot('05-hover-hidden-layer');
    await wb.dismissHover();
  });

  it('hovering a data row shows the prediction ŷ for that sample', async () => {
    await wb.revealTop();
    const row = findLine(xorFile, /^\s*0\s+1\s*->\s*1\b/);
    const text = await wb.hover(wb.token(row.text, '->'), /ŷ/, T.lsp);
    const prediction = /ŷ\s*=\s*([−-]?\d+(?:\.\d+)?)/.exec(text);
    expect(prediction, `hover text: ${text}`).not.toBeNull();
    const yHat = Number(prediction![1]!.replace('−', '-'));
    // A trained XOR net predicts (0,1) -> 1 well.
    expect(yHat).toBeGreaterThan(0.5);
    expect(yHat).toBeLessThanOrEqual(1);
    await shot('06-hover-data-row');
    await wb.dismissHover();
  });

  it('starts a long run from the palette and stops it with "NN: Stop Training"', async () => {
    const file = join(folder, 'long-run.nn');
    await wb.openFromExplorer('long-run.nn');
    // Over the auto-train budget: the run waits for the user.
    await wb.waitForLens(/\bTrain\b/, T.lsp);
    const train = findLine(file, /^\s*train\s/);
    await wb.goTo(train.line + 1, 3);
    await wb.runCommand('NN: Train Network');
    // Live progress: the lens shows the epoch and the loss while the run trains.
    const running = await wb.waitForLens(/\bStop\b[\s\S]*epoch \d+[\s\S]*loss [\d.]/, T.train);
    await wb.codeLenses().locator('.codicon-debug-stop').first().waitFor({ timeout: T.ui });
    expect(running).toMatch(/epoch \d+\/1000000/);
    // The status bar pulses while the run trains.
    const pulsing = wb.page.locator('.statusbar-item', { has: wb.page.locator('.codicon-pulse'), hasText: /epoch \d+/ });
    await pulsing.first().waitFor({ timeout: T.ui });
    await shot('07-long-run-training');
    await wb.runCommand('NN: Stop Training');
    const stopped = await pollUntil(
      'the run to stop',
      async () => {
        const text = await wb.lensText();
        return !/\bStop\b/.test(text) && /\b(Train|Retrain)\b/.test(text) ? text : undefined;
      },
      T.lsp,
    );
    expect(stopped).not.toMatch(/\bStop\b/);
    await pulsing.first().waitFor({ state: 'detached', timeout: T.ui });
    await shot('08-long-run-stopped');
  });

  it('opens the training panel with the loss curve ("NN: Show Training")', async () => {
    await wb.closePanel();
    await wb.page.locator('.tabs-container .tab', { hasText: 'xor.nn' }).click();
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'xor.nn' }).waitFor({ timeout: T.ui });
    const train = findLine(xorFile, /^\s*train\s/);
    await wb.goTo(train.line + 1, 3);
    await wb.runCommand('NN: Show Training');
    await wb.page.locator('.tabs-container .tab', { hasText: /training/i }).first().waitFor({ timeout: T.ui });
    // The panel is a webview (nested iframes); the loss curve is drawn on a canvas.
    await wb.page.locator('iframe.webview.ready').first().waitFor({ timeout: T.lsp });
    const frame = await wb.frameWith('canvas', T.lsp);
    await frame.locator('canvas').first().waitFor({ state: 'visible', timeout: T.ui });
    // The panel draws its frame first and fills in the run when nn/training answers.
    const body = await pollUntil(
      'the panel to show the xor run and its loss',
      async () => {
        const text = await frame.locator('body').innerText();
        return spacedPattern('xor on xor_table').test(text) && /loss \d/i.test(text) ? text : undefined;
      },
      T.lsp,
    );
    expect(body).toMatch(/loss per epoch/i);
    await shot('09-training-panel');
  });

  it('exports the trained model in three clicks: the Export lens, ONNX, OK', async () => {
    await wb.page.locator('.tabs-container .tab', { hasText: 'xor.nn' }).click();
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'xor.nn' }).waitFor({ timeout: T.ui });
    await wb.dismissHover();
    const exported = join(folder, 'xor.run1.onnx');
    expect(existsSync(exported)).toBe(false);
    // Click 1: the lens the trained run shows.
    await wb.clickLens(/Export…/);
    const widget = wb.page.locator('.quick-input-widget');
    const onnx = widget.locator('.quick-input-list .monaco-list-row', { hasText: 'ONNX' }).first();
    await onnx.waitFor({ state: 'visible', timeout: T.ui });
    await shot('10-export-format');
    // Click 2: the format. The save dialog (code-server's own, a quick input with an OK button) then offers xor.run1.onnx beside the spec.
    await onnx.click();
    const save = widget.locator('.quick-input-action .monaco-button', { hasText: /^(OK|Export)$/ });
    await save.waitFor({ state: 'visible', timeout: T.lsp });
    await pollUntil('the save dialog to offer xor.run1.onnx', async () => /xor\.run1\.onnx$/.test(await widget.locator('input').inputValue()) || undefined, T.ui);
    await shot('11-export-save-dialog');
    // Click 3: OK (a desktop VS Code's own dialog says Export).
    await save.click();
    await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'Exported the trained model as ONNX: xor.run1.onnx' }).waitFor({ timeout: T.lsp });
    await shot('12-exported');
    // The editor's file is the one `nn export` writes for the same run (training is deterministic), and it loads in onnxruntime.
    const cli = exportCli(['xor.nn', '--run', '1', '--format', 'onnx', '--out', '-'], folder);
    expect(cli.status, cli.stderr).toBe(0);
    const file = readFileSync(exported);
    expect(file.equals(cli.stdout)).toBe(true);
    const session = await InferenceSession.create(file);
    const { output } = await session.run({ input: new Tensor('float64', Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]), [4, 2]) });
    expect(Array.from(output.data as Float64Array, (y) => Math.round(y))).toEqual([0, 1, 1, 0]);
  });

  it('opens the worked example, reads the new W of one update in the hover, and saves the trained weights to go on from them', async () => {
    const file = join(folder, 'worked-example.nn');
    await wb.openFromExplorer('worked-example.nn');
    const train = findLine(file, /^train /);
    // Its one epoch (one update from the given weights) trains by itself; the lens above `train` gives E.
    await wb.goTo(train.line, 1);
    const lens = await wb.waitForLens(/loss 0\.298\d* after 1 epoch/, T.train);
    expect(lens).toMatch(/Retrain/);
    // The hover on layer hidden shows W after the update with the decimals that make the change visible (0.15 → 0.1498).
    const hidden = findLine(file, /^\s*layer\s+hidden\b/);
    await wb.goTo(hidden.line, 4);
    const text = await wb.hover(wb.token(hidden.text, 'hidden'), /h₁\s+0\.1498\s+0\.1996\s+0\.3456/);
    expect(text).toMatch(/started from the weights given by weights slide/);
    await wb.dismissHover();
    await shot('13-worked-example-hover');
    // The code action on the train line writes the trained weights into the spec and starts the run from them.
    await wb.goTo(train.line, 1);
    await wb.applyQuickFix("Save trained weights as 'weights net_trained' and start this run from them");
    const edited = await pollUntil('the saved weights in the text', async () => {
      const t = await wb.editorText();
      return t.includes('weights net_trained for net') ? t : undefined;
    }, T.ui);
    expect(edited).toMatch(spacedPattern('hidden W  0.1497807161327628 0.19956143226552567'));
    expect(edited).toMatch(spacedPattern('start from net_trained'));
    // The run now starts from them, and trains its epoch again: the second update of the derivation.
    await wb.waitForLens(/loss 0\.28\d* after 1 epoch/, T.train);
    await shot('14-worked-example-saved-weights');
  });

  it('opens the overfitting example: the run with a penalty ends with the lower validation loss, and the hover gives its penalty', async () => {
    const file = join(folder, 'overfitting.nn');
    await wb.openFromExplorer('overfitting.nn');
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    const trains = lines.flatMap((text, i) => (/^train /.test(text) ? [i + 1] : []));
    expect(trains).toHaveLength(2);
    await wb.goTo(trains[1], 1);
    // Both runs train by themselves when they fit the auto-train budget; on a slower machine Train starts each that did not.
    await pollUntil('both runs trained', async () => {
      const lenses = await wb.lensText();
      if ((lenses.match(/after 2000 epochs/g) ?? []).length === 2) return lenses;
      if (!/\bStop\b/.test(lenses) && /\bTrain\b/.test(lenses)) await wb.clickLens(/\bTrain\b/);
      return undefined;
    }, T.train);
    // A layer's hover shows both runs' weights; the penalized run's last line gives its penalty beside the rate.
    const hidden = findLine(file, /^\s*layer 48 tanh/);
    // Into the text by a click on a word in view, then to the top, where the network is.
    await wb.token('regularize l2 0.004', 'regularize').click();
    await wb.page.keyboard.press('Control+Home');
    expect(await wb.cursorIs(1, 1, T.ui)).toBe(true);
    const text = await wb.hover(wb.token(hidden.text, 'layer'), /rate 0\.01 · penalty 0\.0\d+/);
    // Both runs are shown, and only the second has a penalty.
    expect(text.match(/train wide on wavy \(line \d+\)/g)).toHaveLength(2);
    expect(text.match(/penalty/g)).toHaveLength(1);
    await shot('15-overfitting-hover');
    await wb.dismissHover();
    // The result diagnostics give each run's validation loss, the penalized run's with its penalty.
    await wb.openProblems();
    const rows = wb.page.locator('.markers-panel .monaco-list-row', { hasText: /validation loss/ });
    const texts = await pollUntil('both result diagnostics', async () => {
      const all = await rows.allInnerTexts();
      return all.length === 2 ? all : undefined;
    }, T.lsp);
    const validation = (text: string) => Number(/validation loss ([\d.]+)/.exec(text)![1]);
    const penalized = texts.filter((t) => /penalty [\d.]+/.test(t));
    const plain = texts.filter((t) => !/penalty/.test(t));
    expect([penalized.length, plain.length]).toEqual([1, 1]);
    expect(validation(penalized[0])).toBeLessThan(validation(plain[0]) / 2);
    await shot('16-overfitting-problems');
    await wb.closePanel();
  });
});
