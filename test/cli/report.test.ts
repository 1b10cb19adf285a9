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
});
