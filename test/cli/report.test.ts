// `nn train --report` draws the report's snapshots from the one training each run had: no run is trained again to fill the slider.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { trainCommand, type CliIo } from '../../server/src/cli/train';
import type { TrainingView } from '../../server/src/protocol';
import { writeReport } from '../../server/src/report/views';
import { RING_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';

/** Every Trainer built in this file, whoever builds it (the command, the report). */
const built = vi.hoisted(() => ({ trainers: 0 }));
vi.mock('../../server/src/nn/trainer', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/src/nn/trainer')>();
  class CountedTrainer extends original.Trainer {
    constructor(...args: ConstructorParameters<typeof original.Trainer>) {
      super(...args);
      built.trainers++;
    }
  }
  return { ...original, Trainer: CountedTrainer };
});

/** Two runs: each must be trained once. */
const SPEC = `${RING_EXAMPLE}
train ring on rings {
  optimizer sgd rate 0.5
  epochs 200
  seed 3
}
`;

function quietIo(cwd: string): CliIo {
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    stderrIsTTY: false,
    stderrColumns: 80,
    onInterrupt: () => () => undefined,
    now: () => performance.now(),
    cwd,
  };
}

/** The TrainingViews a report file carries (its JSON data element). */
function reportViews(html: string): TrainingView[] {
  const data = /<script type="application\/json" id="nn-report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(data).not.toBeNull();
  return JSON.parse(data![1]) as TrainingView[];
}

describe('nn train --report', () => {
  it('builds one Trainer per run, and the slider still has the training’s evenly spaced snapshots', async () => {
    const dir = tempDir('nn-report-once-');
    writeFileSync(join(dir, 'ring.nn'), SPEC);
    built.trainers = 0;
    expect(await trainCommand(['ring.nn', '--report', 'report.html'], quietIo(dir), { writeReport })).toBe(0);
    expect(built.trainers).toBe(2);

    const views = reportViews(readFileSync(join(dir, 'report.html'), 'utf8'));
    expect(views.map((v) => v.status.epoch)).toEqual([300, 200]);
    for (const view of views) {
      const epochs = view.snapshots.map((s) => s.epoch);
      expect(epochs[0]).toBe(0);
      expect(epochs.at(-1)).toBe(view.status.epoch);
      expect(epochs.length).toBeGreaterThan(10);
      expect([...epochs].sort((a, b) => a - b)).toEqual(epochs);
      // The first snapshot is the initial weights, not the trained ones.
      expect(view.snapshots[0].layers[0].weights).not.toEqual(view.snapshots.at(-1)!.layers[0].weights);
    }
  });

  it("draws each unit and measures the health of the final weights, as the editor's panel does: planes for two inputs, histograms otherwise", async () => {
    const dir = tempDir('nn-report-units-');
    const oneInput = 'network fit {\n  input 1\n  layer 3 tanh\n  layer 1 linear\n}\ndata d {\n  0 -> 0\n  1 -> 1\n  2 -> 4\n  3 -> 9\n}\ntrain fit on d {\n  optimizer sgd rate 0.01\n  epochs 200\n  seed 1\n}\n';
    writeFileSync(join(dir, 'two.nn'), SPEC);
    writeFileSync(join(dir, 'one.nn'), oneInput);
    expect(await trainCommand(['two.nn', '--report', 'two.html'], quietIo(dir), { writeReport })).toBe(0);
    expect(await trainCommand(['one.nn', '--report', 'one.html'], quietIo(dir), { writeReport })).toBe(0);
    const [plane] = reportViews(readFileSync(join(dir, 'two.html'), 'utf8'));
    const [histogram] = reportViews(readFileSync(join(dir, 'one.html'), 'utf8'));
    for (const [view, kind] of [[plane, 'plane'], [histogram, 'histogram']] as const) {
      const final = view.snapshots.at(-1)!;
      expect(final.units?.kind, kind).toBe(kind);
      expect(final.health, kind).toHaveLength(2);
      // Earlier snapshots too: the ones the health plan measures have their figures and (histograms) pictures.
      expect(view.snapshots.slice(0, -1).some((s) => s.health?.some((layer) => layer.ratio !== null)), kind).toBe(true);
      expect(view.snapshots.slice(0, -1).some((s) => s.units?.kind === kind), kind).toBe(true);
    }
  });
});
