// The training panel inside a real VS Code (code-server + Chromium): opened from the palette, fed by nn/training, linked both ways with the editor.
//
// panel.e2e.test.ts checks the webview alone under its CSP; this suite checks the
// wiring that only the editor has: the client's command, the server's request, the
// reveal of a `layer` line on click, and the highlight that follows the cursor.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupFiles, pollUntil } from './harness/codeServer';
import { editorSuite } from './harness/suite';
import { T, type Workbench } from './harness/workbench';

const ringSpec = `# Two rings: a small network learns a round decision boundary.
network ring {
  input 2
  layer hidden 6 tanh
  layer out 1 sigmoid
}

data rings = circle(samples 300, noise 0.1, seed 3)

train ring on rings {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 400
  batch 32
  seed 1
  validate 20%
}
`;
/** 1-based lines of the spec above. */
const LINES = { hiddenLayer: 4, outLayer: 5, train: 10, epochs: 12 };

describe('the training panel in VS Code', () => {
  const suite = editorSuite('panel-vscode', 'rings', (folder) => writeFileSync(join(folder, 'ring.nn'), ringSpec));
  const dirs = suite.dirs;
  let wb: Workbench;
  let panel: Frame;
  const shot = (name: string) => wb.screenshot(`panel-vscode-${name}`);
  beforeAll(() => {
    wb = suite.wb;
  });

  it('opens from "NN: Show Training" with the trained run: curve, boundary and one edge per weight', async () => {
    await wb.openFromExplorer('ring.nn');
    // Cheap enough to train by itself (nn.autoTrain onChange).
    await wb.waitForLens(/Retrain/, T.train);
    await wb.goTo(LINES.train + 1, 3);
    await wb.runCommand('NN: Show Training');
    await wb.page.locator('.tabs-container .tab', { hasText: 'Training: ring on rings' }).first().waitFor({ timeout: T.ui });
    panel = await wb.frameWith('.nn-diagram line.edge', T.lsp);
    expect(await panel.locator('.nn-diagram line.edge').count()).toBe(2 * 6 + 6 * 1);
    expect(await panel.locator('canvas.nn-boundary').isVisible()).toBe(true);
    expect(await panel.locator('.nn-title').innerText()).toMatch(/ring\s+on\s+rings/);
    expect(await panel.locator('.nn-stat dd').first().innerText()).toMatch(/^\d+ \/ 400$/);
    // The slider has the run's snapshots, from the initial weights on.
    expect(Number(await panel.locator('.nn-slider input').getAttribute('max'))).toBeGreaterThan(3);
    await shot('opened');
  });

  it('reveals the layer line in the editor when its column is clicked', async () => {
    await panel.locator('.nn-diagram g.column.layer .column-title', { hasText: 'out' }).click();
    const position = wb.page.locator('.statusbar-item[id="status.editor.selection"]');
    await pollUntil(
      'the cursor on the out layer',
      async () => ((await position.innerText()).includes(`Ln ${LINES.outLayer},`) ? true : undefined),
      T.ui,
    );
  });

  it('highlights the layer the cursor is on', async () => {
    await wb.goTo(LINES.hiddenLayer, 5);
    const hidden = panel.locator('.nn-diagram g.column.layer', { hasText: 'hidden' });
    await pollUntil('the hidden column highlighted', async () => ((await hidden.getAttribute('class'))?.includes('highlighted') ? true : undefined), T.ui);
    expect(await panel.locator('.nn-diagram g.column.layer', { hasText: 'out' }).getAttribute('class')).not.toContain('highlighted');
    await shot('cursor-on-hidden');
  });

  it('follows a retraining started from the panel to its new result', async () => {
    const before = await panel.locator('.nn-summary').innerText();
    await wb.goTo(LINES.epochs, 1);
    // A different number of epochs: a new run whose result the panel must pick up.
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Backspace');
    await wb.page.keyboard.type('1');
    await wb.waitForLens(/after 401 epochs|at epoch \d+/, T.train);
    await pollUntil(
      'the panel to show the new run',
      async () => ((await panel.locator('.nn-stat dd').first().innerText()) === '401 / 401' ? true : undefined),
      T.train,
    );
    expect(await panel.locator('.nn-summary').innerText()).not.toBe(before);
    await shot('retrained');
  });

  it('steps one update from the panel: the lens counts it and the panel gains that snapshot', async () => {
    const snapshotsBefore = Number(await panel.locator('.nn-slider input').getAttribute('max'));
    await panel.locator('.nn-button', { hasText: 'Step' }).click();
    // From the trained run's weights: "step 1 from the trained weights · epoch 401 · loss …".
    // The panel has the focus now, so look for the lens in every editor, not just the active one.
    await pollUntil(
      'the step lens',
      async () => {
        const lenses = (await wb.page.locator('.codelens-decoration').allInnerTexts()).join(' | ');
        return /step[\s\u00a0]1[\s\u00a0]from[\s\u00a0]the[\s\u00a0]trained[\s\u00a0]weights[\s\u00a0]·[\s\u00a0]epoch[\s\u00a0]\d+[\s\u00a0]·[\s\u00a0]loss/.test(lenses) ? lenses : undefined;
      },
      T.lsp,
    );
    await pollUntil(
      'the stepped snapshot in the panel',
      async () => (Number(await panel.locator('.nn-slider input').getAttribute('max')) === snapshotsBefore + 1 ? true : undefined),
      T.lsp,
    );
    await shot('stepped');
  });

  it('comes back after the window reloads, showing the same run', async () => {
    // The Step click left the focus in the webview; Ctrl+S belongs to the editor.
    await wb.page.locator('.tabs-container .tab', { hasText: 'ring.nn' }).first().click();
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'ring.nn' }).waitFor({ timeout: T.ui });
    await wb.save();
    // Reloading before the workbench drops ring.nn's unsaved-changes backup would bring the file back unsaved.
    await pollUntil('the backup of the unsaved ring.nn to be discarded', async () => (backupFiles(dirs).length === 0 ? true : undefined), T.ui);
    // "Developer: Reload Window" as a user would: the workbench persists its UI state (the panel and what
    // its webview saved) before it reloads. A browser reload cannot wait for that, and now and then the
    // panel's tab came back without its saved run and was closed.
    const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await reloaded;
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab', { hasText: 'Training: ring on rings' }).first().waitFor({ timeout: T.lsp });
    // The saved file comes back saved.
    expect(await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'ring.nn' }).count()).toBe(0);
    // The server checks the reopened file and trains the cheap run again; the panel follows.
    panel = await wb.frameWith('.nn-diagram line.edge', T.train);
    expect(await panel.locator('.nn-title').innerText()).toMatch(/ring\s+on\s+rings/);
    await shot('restored');
  });

  it('draws the network and the decision boundary live while a run still trains', async () => {
    // Far over the auto-train budget: it waits for Train, and trains long enough to watch.
    await wb.page.locator('.tabs-container .tab', { hasText: 'ring.nn' }).first().click();
    await wb.goTo(LINES.epochs, 1);
    await wb.page.keyboard.press('End');
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Backspace');
    await wb.page.keyboard.type('2000000');
    await wb.waitForLens(/est\./, T.lsp);
    const trainButton = panel.locator('.nn-button.primary');
    await pollUntil('the panel to offer training', async () => ((await trainButton.isEnabled()) ? true : undefined), T.lsp);
    await trainButton.click();
    const phase = panel.locator('.nn-phase');
    // textContent: the badge is shown upper-case.
    await pollUntil('the run to train', async () => ((await phase.textContent()) === 'training' ? true : undefined), T.lsp);

    // Runs in the webview; the project's type-check has no DOM library.
    const boundaryNow = () => panel.locator('canvas.nn-boundary').evaluate((canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL());
    const caption = panel.locator('.nn-boundary-figure figcaption');
    await pollUntil('a live boundary', async () => (/live/.test(await caption.innerText()) ? true : undefined), T.lsp);
    const first = await boundaryNow();
    const firstCaption = await caption.innerText();
    const firstEdges = await panel.locator('.nn-diagram line.edge').first().getAttribute('stroke-width');
    // The boundary and the caption's epoch move on while the run is still training.
    await pollUntil(
      'the boundary to change while training',
      async () => ((await boundaryNow()) !== first && (await caption.innerText()) !== firstCaption ? true : undefined),
      T.lsp,
    );
    // The slider gathers the frames as they come (two when the boundary first changed: wait for a third).
    const sliderMax = async () => Number(await panel.locator('.nn-slider input').getAttribute('max'));
    await pollUntil('a third frame on the slider', async () => ((await sliderMax()) >= 2 ? true : undefined), T.lsp);
    expect(await phase.textContent()).toBe('training');
    expect(await caption.innerText()).toMatch(/^Decision boundary at epoch \d+ · live$/);
    expect(firstEdges).not.toBeNull();
    await panel.locator('canvas.nn-boundary').scrollIntoViewIfNeeded();
    await shot('live-training');

    // An edge's tooltip: W, and the last single update (∂L/∂W, ΔW).
    await panel.locator('.nn-diagram line.edge-hit').first().hover();
    const tooltip = panel.locator('.nn-tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: T.ui });
    const tip = await tooltip.innerText();
    expect(tip).toMatch(/last update/);
    expect(tip).toMatch(/∂L\/∂W/);
    expect(tip).toMatch(/ΔW/);
    await shot('live-tooltip');

    await panel.locator('.nn-button', { hasText: 'Stop' }).click();
    await pollUntil('the run to stop', async () => ((await phase.textContent()) === 'stopped' ? true : undefined), T.lsp);
  });
});
