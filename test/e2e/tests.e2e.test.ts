// The Test Explorer in a real VS Code (code-server 1.139 + Chromium): the runs with expectations of the examples and of an exercise are listed, run with one click, marked passed or failed, and a failed expectation's message stands at its line; a run the editor trains is marked too.
//
// Each step saves a screenshot under test-results/e2e/ (names starting `tests-`).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDirs, pollUntil, removeRunDirs, repoRoot, type CodeServer } from './harness/codeServer';
import { openWorkspace, screenshotDir, T, type Workbench } from './harness/workbench';

/** The 1-based line of the first line of a file that matches. */
function lineOf(file: string, pattern: RegExp, after = 0): number {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const index = lines.findIndex((l, i) => i >= after && pattern.test(l));
  if (index < 0) throw new Error(`${file} has no line matching ${pattern}`);
  return index + 1;
}

describe('the Test Explorer', () => {
  const dirs = makeRunDirs('nn-e2e-tests-');
  const folder = join(dirs.workspace, 'course');
  const grading = join(folder, 'grading.nn');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  const shot = (name: string): Promise<string> => wb.screenshot(`tests-${name}`);

  beforeAll(async () => {
    if (existsSync(screenshotDir)) {
      for (const f of readdirSync(screenshotDir)) if (/^tests-.*\.png$/.test(f)) rmSync(join(screenshotDir, f));
    }
    // The course folder: the examples, and an exercise with one run that meets its expectations and one that does not.
    cpSync(process.env.NN_E2E_EXAMPLES ?? join(repoRoot, 'examples'), folder, { recursive: true });
    cpSync(join(__dirname, 'fixtures', 'grading.nn'), grading);
    ({ server, browser, wb } = await openWorkspace(dirs, folder, { 'testing.automaticallyOpenPeekView': 'failureInVisibleDocument' }));
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && wb) {
      const name = context.task.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60);
      await wb.screenshot(`tests-FAILED-${name}`).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    mkdirSync(screenshotDir, { recursive: true });
    if (existsSync(dirs.logs)) cpSync(dirs.logs, join(screenshotDir, 'logs-tests'), { recursive: true });
    removeRunDirs(dirs);
  });

  /** The specs of the course folder: every example (each has expectations) and the exercise. */
  const specs = () => readdirSync(folder).filter((f) => f.endsWith('.nn')).sort();
  const tree = () => wb.page.locator('.test-explorer-tree');
  const row = (label: string | RegExp) => tree().locator('.monaco-list-row', { hasText: label }).first();
  /** The state icon of a tree row: passed, failed, unset, running…, from its codicon. */
  const stateOf = async (label: string | RegExp): Promise<string> => {
    const icon = row(label).locator('.computed-state');
    const cls = (await icon.getAttribute('class')) ?? '';
    return /codicon-testing-(\w+)-icon/.exec(cls)?.[1] ?? cls;
  };

  it('lists the runs with expectations of every spec of the folder, without opening one', async () => {
    // The flask in the activity bar, as a user opens the Testing view.
    await wb.page.locator('.part.activitybar .action-label[aria-label^="Testing"]').first().click();
    for (const name of specs()) {
      await row(name).waitFor({ timeout: T.lsp });
    }
    // No editor is open: the server read the files from disk.
    expect(await wb.page.locator('.tabs-container .tab').count()).toBe(0);
    await row('grading.nn').locator('.monaco-tl-twistie').click();
    await row('xor on table (2)').waitFor({ timeout: T.lsp });
    expect(await row('xor on table (2)').innerText()).toMatch(/2 expectations/);
    expect(await row(/^xor on table\s*1 expectation/).innerText()).toMatch(/1 expectation/);
    await shot('01-listed');
  });

  it('runs them all with one click and marks each run passed or failed, with its duration', async () => {
    await wb.page.locator('.part.sidebar .action-label.codicon-testing-run-all-icon').first().click();
    // Every spec's runs are done when no row is queued or running any more.
    await pollUntil(
      'every test to have a result',
      async () => {
        const states = await Promise.all(specs().map(stateOf));
        return states.every((s) => s === 'passed' || s === 'failed');
      },
      T.train,
      200,
    );
    // Every example keeps the promises its expectations make; the exercise's second run does not.
    for (const name of specs().filter((f) => f !== 'grading.nn')) expect(await stateOf(name), name).toBe('passed');
    expect(await stateOf('grading.nn')).toBe('failed');
    expect(await stateOf(/^xor on table\s*1 expectation/)).toBe('passed');
    expect(await stateOf('xor on table (2)')).toBe('failed');
    // The duration is the training's, as the server measured it.
    expect(await row('xor.nn').innerText()).toMatch(/\d+(\.\d+)?\s*m?s/);
    await shot('02-ran');
  });

  it("shows a failed expectation's message at its line", async () => {
    await row('xor on table (2)').dblclick();
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'grading.nn' }).waitFor({ timeout: T.ui });
    // VS Code's peek opens under the line the test message points at: an `expect` of the failed run.
    const peek = wb.page.locator('.test-output-peek');
    await peek.waitFor({ timeout: T.ui });
    const message = (await peek.locator('.peekview-title .filename').innerText()).trim();
    expect(message).toMatch(/^expectation not met: (accuracy is \d+%, not above 99%|loss is 0\.\d+, not below 0\.05)$/);
    const expected = /accuracy/.test(message) ? 'expect accuracy > 99%' : 'expect loss < 0.05';
    const expectLine = lineOf(grading, new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), lineOf(grading, /without it/i));
    // The peek's zone stands right below that line.
    const editor = wb.editor();
    const lineTop = await editor.locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^${expectLine}$`) }).boundingBox();
    const peekBox = await peek.boundingBox();
    expect(lineTop).not.toBeNull();
    expect(peekBox!.y).toBeGreaterThanOrEqual(lineTop!.y + lineTop!.height - 2);
    expect(peekBox!.y).toBeLessThan(lineTop!.y + 2 * lineTop!.height + 8);
    // And the failure is on the run's line in the gutter, and the measure beside each expectation.
    await editor.locator('.testing-run-glyph.codicon-testing-failed-icon').first().waitFor({ timeout: T.ui });
    await pollUntil('the measures beside the failed expectations', async () => /expect accuracy > 99%\s*✗ measured \d+%\s*\n\s*expect loss < 0\.05\s*✗ measured 0\.\d+/.test(await wb.editorText()), T.lsp);
    await shot('03-failure-at-its-line');
  });

  it('follows edits of the open spec: a run whose expectation goes leaves the tree, and comes back with it', async () => {
    const firstRun = /^xor on table\s*1 expectation/;
    await wb.page.locator('.test-output-peek .action-label.codicon-close').first().click();
    await wb.page.locator('.test-output-peek').waitFor({ state: 'hidden', timeout: T.ui });
    // Into the editor, at the top of the file (the sticky scroll header would cover the editor's corner).
    await wb.line('epochs 300').click();
    await wb.page.keyboard.press('Control+Home');
    await wb.goTo(lineOf(grading, /expect accuracy > 99%/), 3);
    await wb.page.keyboard.press('Control+Shift+K'); // delete the line: the first run has no expectation left
    await pollUntil('the first run to leave the tree', async () => (await tree().locator('.monaco-list-row', { hasText: firstRun }).count()) === 0, T.lsp);
    expect(await row('xor on table (2)').isVisible()).toBe(true);
    // The lens says the same: the first run counts no expectation any more, the second still its two.
    await pollUntil('the lenses to follow the edit', async () => {
      const lenses = await wb.lensText();
      return /0 of 2 expectations met/.test(lenses) && !/1 of 1 expectation met/.test(lenses);
    }, T.lsp);
    await shot('04-edited-run-left');
    await wb.page.keyboard.press('Control+z');
    await row(firstRun).waitFor({ timeout: T.lsp });
    await shot('05-undone-run-back');
  });

  it('marks a run the editor trains by itself: the exercise fixed in the editor turns green without Run', async () => {
    expect(await stateOf('xor on table (2)')).toBe('failed');
    // The failing run gets momentum, as the first has: auto-train trains it once typing stops.
    await wb.line(/optimizer\s+sgd\s+rate\s+0\.5\s*$/).click();
    await wb.page.keyboard.press('End');
    expect(await wb.cursorIs(lineOf(grading, /optimizer sgd rate 0\.5$/), 'optimizer sgd rate 0.5'.length + 3, T.ui)).toBe(true);
    await wb.page.keyboard.type(' momentum 0.9');
    await pollUntil(
      'the run and its file marked passed by the training the editor started',
      async () => (await stateOf('xor on table (2)')) === 'passed' && (await stateOf('grading.nn')) === 'passed',
      T.train,
      200,
    );
    await wb.waitForLens(/2 of 2 expectations met/);
    await shot('06-trained-in-editor-passed');
  });

  it('follows the files on disk: a new spec is listed, a run renamed on disk is renamed in the tree, a deleted spec leaves it', async () => {
    const homework = join(folder, 'homework.nn');
    const spec = (data: string) =>
      `network gate {\n  input 2\n  layer out 1 sigmoid\n}\n\ndata ${data} {\n  0 0 -> 0\n  0 1 -> 0\n  1 0 -> 0\n  1 1 -> 1\n}\n\ntrain gate on ${data} {\n  optimizer sgd rate 2\n  epochs 2000\n  expect accuracy > 99%\n}\n`;
    writeFileSync(homework, spec('and_table'));
    await row('homework.nn').waitFor({ timeout: T.lsp });
    await row('homework.nn').locator('.monaco-tl-twistie').click();
    await row('gate on and_table').waitFor({ timeout: T.lsp });
    await shot('07-new-file-listed');
    // Changed by another program (git checkout, a script): the run's new name replaces the old.
    writeFileSync(homework, spec('truth'));
    await row('gate on truth').waitFor({ timeout: T.lsp });
    expect(await tree().locator('.monaco-list-row', { hasText: 'gate on and_table' }).count()).toBe(0);
    await shot('08-file-changed-on-disk');
    rmSync(homework);
    await pollUntil('the deleted file to leave the tree', async () => (await tree().locator('.monaco-list-row', { hasText: 'homework.nn' }).count()) === 0, T.lsp);
  });
});
