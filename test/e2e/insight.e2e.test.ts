// Issue 21 in a real VS Code (code-server + Chromium): a dead-ReLU spec shows its warning on the layer and the quick fix removes it; spiral's per-unit pictures appear and change while it trains, and a hover enlarges one.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from './harness/codeServer';
import { editorSuite } from './harness/suite';
import { T, type Workbench } from './harness/workbench';
import { DEAD_RELU } from '../support/specs';

const deadSpec = DEAD_RELU;

/** examples/spiral.nn with epochs far over the auto-train budget and no stop rule: it trains on Train, long enough to watch. */
const spiralSpec = readFileSync(join(__dirname, '..', '..', 'examples', 'spiral.nn'), 'utf8')
  .replace(/epochs \d+/, 'epochs 2000000')
  .replace(/\n\s*stop when loss < [\d.]+/, '');

describe('training health and unit pictures in VS Code', () => {
  const suite = editorSuite('insight', 'insight', (folder) => {
    writeFileSync(join(folder, 'dead.nn'), deadSpec);
    writeFileSync(join(folder, 'spiral.nn'), spiralSpec);
  });
  let wb: Workbench;
  let panel: Frame;

  const shot = (name: string) => wb.screenshot(`insight-${name}`);
  beforeAll(() => {
    wb = suite.wb;
  });

  it('warns on the dead ReLU layer with its numbers, and "Set rate to 0.3" removes the warning', async () => {
    await wb.openFromExplorer('dead.nn');
    // Cheap enough to train by itself.
    await wb.waitForLens(/Retrain/, T.train);
    await wb.openProblems();
    const row = wb.problemRow(/of 12 units never activate on the training data \(dead ReLU\)/);
    await row.waitFor({ timeout: T.lsp });
    expect(await row.innerText()).toMatch(/\d+ of 12 units never activate/);
    await wb.squiggles('warning').first().waitFor({ timeout: T.lsp });
    await shot('01-dead-relu-warning');

    await wb.goTo(3, 10);
    await wb.applyQuickFix('Set rate to 0.3');
    await pollUntil('the rate to change', async () => ((await wb.editorText()).includes('optimizer sgd rate 0.3') ? true : undefined), T.ui);
    // The edited run trains again by itself; its result has no dead units.
    await wb.waitForLens(/Retrain/, T.train);
    await row.waitFor({ state: 'detached', timeout: T.train });
    await shot('02-dead-relu-fixed');
    await wb.save();
  });

  it('shows each unit\u2019s picture in the diagram, changing while spiral.nn trains, enlarged on hover', async () => {
    await wb.closePanel();
    await wb.openFromExplorer('spiral.nn');
    await wb.waitForLens(/est\./, T.lsp);
    await wb.runCommand('NN: Show Training');
    panel = await wb.frameWith('.nn-button.primary', T.lsp);
    const trainButton = panel.locator('.nn-button.primary');
    await pollUntil('the panel to offer training', async () => ((await trainButton.isEnabled()) ? true : undefined), T.lsp);
    await trainButton.click();
    const phase = panel.locator('.nn-phase');
    await pollUntil('the run to train', async () => ((await phase.textContent()) === 'training' ? true : undefined), T.lsp);

    // 2 inputs + 12 + 12 shown of 16 + 16 + 1 output, each with its picture.
    const pictures = panel.locator('.nn-diagram image.unit-picture');
    const shown = async () => pictures.evaluateAll((els) => els.filter((e) => (e as unknown as { style: { display: string } }).style.display !== 'none').length);
    await pollUntil('the unit pictures', async () => ((await shown()) === 27 ? true : undefined), T.lsp);
    const unit = pictures.nth(3);
    const first = await unit.getAttribute('href');
    await pollUntil('a unit picture to change while training', async () => ((await unit.getAttribute('href')) !== first ? true : undefined), T.lsp);
    expect(await phase.textContent()).toBe('training');
    await shot('03-unit-pictures-live');

    await panel.locator('.nn-diagram circle.node').nth(5).hover({ force: true });
    const enlarged = panel.locator('.nn-tooltip img.nn-unit-enlarged');
    await enlarged.waitFor({ state: 'visible', timeout: T.ui });
    expect(await enlarged.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await shot('04-unit-picture-enlarged');

    await panel.locator('.nn-button', { hasText: 'Stop' }).click();
    await pollUntil('the run to stop', async () => ((await phase.textContent()) === 'stopped' ? true : undefined), T.lsp);
    // The health chart has the measured snapshots.
    expect(await panel.locator('.nn-health-figure').isVisible()).toBe(true);
    await panel.locator('.nn-health-figure').scrollIntoViewIfNeeded();
    await shot('05-gradient-size-per-layer');
  });
});
