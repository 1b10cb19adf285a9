// `nn train --report`: trained runs become the same TrainingViews the panel draws, with snapshots for the slider and a boundary for 2-D data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../server/src/nn/trainer';
import { trainingView, writeReport } from '../../server/src/report/views';
import { checkedWithoutErrors } from '../support/check';
import { RING_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';

const spec = RING_EXAMPLE;

/** The runs as `nn train --report` trains them: snapshots recorded while training. */
function trained(text: string) {
  const checked = checkedWithoutErrors(text);
  return checked.runs.map((run) => {
    const trainer = new Trainer(run.network, run.data, run.settings);
    const result = trainer.train({ snapshots: { maxSnapshots: 40, maxValues: 2_000_000 } });
    return { run, result, seconds: 0.05 };
  });
}

describe('trainingView for the report', () => {
  const [ringRun] = trained(spec);
  const view = trainingView('file:///tmp/ring.nn', spec, ringRun);

  it('has the run’s status, curve and layer lines as the editor would show them', () => {
    expect(view.status).toMatchObject({ network: 'ring', data: 'rings', phase: 'done', epoch: 300, epochs: 300, line: 9, index: 1 });
    expect(view.status.summary).toContain('after 300 epochs');
    expect(view.curve).toHaveLength(300);
    expect(view.curve.at(-1)!.loss).toBe(ringRun.result.loss);
    expect(view.curve.at(-1)!.validationLoss).not.toBeNull();
    expect(view.snapshots.at(-1)!.layers.map((l) => l.line)).toEqual([3, 4]);
  });

  it('shows the evenly spaced snapshots the training recorded, ending at the trained weights', () => {
    expect(view.snapshots.length).toBeGreaterThan(5);
    expect(view.snapshots[0].epoch).toBe(0);
    const epochs = view.snapshots.map((s) => s.epoch);
    expect([...epochs].sort((a, b) => a - b)).toEqual(epochs);
    const last = view.snapshots.at(-1)!;
    expect(last.epoch).toBe(300);
    expect(last.layers[0].weights).toEqual(Array.from(ringRun.result.layers[0].weights));
    expect(last.layers[1].weightGradient).not.toBeNull();
    // The first snapshot holds the initial weights: not the trained ones.
    expect(view.snapshots[0].layers[0].weights).not.toEqual(last.layers[0].weights);
  });

  it('draws the boundary of 2-D data over a box around its points', () => {
    expect(view.points).toHaveLength(120);
    expect(view.grid).toBeGreaterThan(0);
    for (const snapshot of view.snapshots) expect(snapshot.boundary).toHaveLength(view.grid * view.grid);
    const box = view.box!;
    for (const p of view.points!) {
      expect(p.x).toBeGreaterThanOrEqual(box.xMin);
      expect(p.x).toBeLessThanOrEqual(box.xMax);
    }
  });

  it('writes one self-contained page for all runs', () => {
    const dir = tempDir('nn-report-');
    const path = join(dir, 'report.html');
    writeReport(path, join(dir, 'ring.nn'), spec, [ringRun]);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('Training report: ring.nn');
    expect(html).toContain('"network":"ring"');
  });
});
