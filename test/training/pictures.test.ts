// The panel's per-unit pictures and health figures, as the real worker sends them: live while a run trains and in the record after it (docs/editor.md "The training panel", "Training health").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainingHost } from '../../server/src/training/host';
import { trainerUnitHistograms, trainerUnitPictures, unitGridSize, dataPoints, UNIT_PICTURE_BUDGET } from '../../server/src/present/boundary';
import { createTrainer } from '../../server/src/engine';
import { UNITS_SHOWN } from '../../server/src/protocol';
import { MAX_UNITS_SHOWN } from '../../client/src/webview/layout';
import { bundledWorker, checked, Events } from './helpers';
import { checkedWithoutErrors } from '../support/check';

const URI = 'file:///spiral.nn';
const spiral = readFileSync(join(__dirname, '../../examples/spiral.nn'), 'utf8');

let host: TrainingHost | null = null;
afterEach(() => {
  host?.dispose();
  host = null;
});

describe('per-unit pictures', () => {
  it('are each shown unit\u2019s output at the centres of the lattice, as the trainer computes it for one point', () => {
    const run = checked(spiral).runs[0];
    const trainer = createTrainer(run.network, run.data, run.settings);
    trainer.train();
    const box = dataPoints(run.data)!.box;
    const pictures = trainerUnitPictures(trainer, box);
    expect(pictures.kind).toBe('plane');
    // 16 + 16 + 1 units, 12 + 12 + 1 shown: 25 × 16² numbers, within the budget.
    expect(pictures.size).toBe(16);
    expect(pictures.layers.map((values) => values.length)).toEqual([12 * 256, 12 * 256, 256]);
    const size = pictures.size;
    for (const [row, col] of [[0, 0], [5, 11], [15, 15]]) {
      const x = box.xMin + ((col + 0.5) / size) * (box.xMax - box.xMin);
      const y = box.yMax - ((row + 0.5) / size) * (box.yMax - box.yMin);
      const explained = trainer.explain([x, y], [0]);
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < Math.min(UNITS_SHOWN, explained.activations[k].length); j++) {
          expect(pictures.layers[k][j * size * size + row * size + col]).toBeCloseTo(explained.activations[k][j], 3);
        }
      }
    }
  });

  it('stay within their budget of numbers for any width, and the panel shows the units they picture', () => {
    expect(MAX_UNITS_SHOWN).toBe(UNITS_SHOWN);
    for (const units of [1, 25, 32, 33, 56, 57, 96, 120]) expect(units * unitGridSize(units) ** 2).toBeLessThanOrEqual(Math.max(UNIT_PICTURE_BUDGET, units * 64));
    expect([unitGridSize(25), unitGridSize(40), unitGridSize(96)]).toEqual([16, 12, 8]);
  });

  it('are histograms of each unit over the training rows for wider inputs', () => {
    const examples = join(__dirname, '../../examples');
    const run = checkedWithoutErrors(readFileSync(join(examples, 'iris.nn'), 'utf8'), examples).runs[0];
    const trainer = createTrainer(run.network, run.data, run.settings);
    trainer.train();
    const rows = run.data.rows;
    const inputs = run.data.inputs;
    const histograms = trainerUnitHistograms(trainer, inputs, rows);
    expect(histograms.kind).toBe('histogram');
    expect(histograms.layers.map((counts) => counts.length)).toEqual([8 * histograms.size, 3 * histograms.size]);
    // Every row lands in one bin of every unit, between the unit's smallest and largest value.
    for (const counts of histograms.layers) {
      for (let j = 0; j < counts.length / histograms.size; j++) {
        expect(counts.slice(j * histograms.size, (j + 1) * histograms.size).reduce((a, b) => a + b, 0)).toBe(rows);
      }
    }
    const range = histograms.ranges![1];
    for (let j = 0; j < 3; j++) {
      expect(range[2 * j]).toBeGreaterThanOrEqual(0);
      expect(range[2 * j + 1]).toBeLessThanOrEqual(1);
      expect(range[2 * j]).toBeLessThan(range[2 * j + 1]);
    }
  });

  it('come live from the worker while spiral.nn trains and change as it learns, then with every snapshot of the record', async () => {
    host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1 });
    const events = new Events(host);
    // All 3,000 epochs (no stop rule): long enough for several live snapshots on a fast machine.
    const runs = checked(spiral.replace(/\n\s*stop when loss < [\d.]+/, '')).runs;
    expect(runs[0].settings.stopLoss).toBeNull();
    const key = runs[0].key;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    // Each live snapshot's pictures, read from the host as it arrives.
    const seen: number[][] = [];
    await events.next((e) => {
      if (e.kind !== 'snapshot') return false;
      const entries = host!.record(URI, key).live?.snapshots.snapshotsAfter(null) ?? [];
      const units = entries[entries.length - 1]?.snapshot.units;
      if (units?.kind === 'plane') seen.push(units.layers[0]);
      return e.kind === 'snapshot' && seen.length >= 3;
    }, 20_000, 'three live snapshots with pictures');
    expect(seen[0]).toHaveLength(12 * 256);
    expect(seen[seen.length - 1]).not.toEqual(seen[0]);
    await events.next((e) => e.kind === 'record', 60_000, 'the record');
    const record = host.record(URI, key).cached!.record!;
    expect(record.snapshots.length).toBeGreaterThan(2);
    for (const snapshot of record.snapshots) expect(snapshot.units?.layers.map((v) => v.length)).toEqual([12 * 256, 12 * 256, 256]);
    const first = record.snapshots[0].units!.layers[1];
    const last = record.snapshots[record.snapshots.length - 1].units!.layers[1];
    expect(last).not.toEqual(first);
    // The final weights were measured; so were some snapshots before them, within the budget.
    expect(record.snapshots[record.snapshots.length - 1].health).toHaveLength(3);
    expect(record.snapshots.filter((s) => s.health).length).toBeGreaterThan(1);
    // spiral.nn is a binary classification: the record brings the final weights' confusion matrices.
    const sum = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
    expect(record.confusion?.classes).toEqual(['0', '1']);
    expect([sum(record.confusion!.training), sum(record.confusion!.validation!)]).toEqual([240, 60]);
    const outcome = host.record(URI, key).cached!.outcome;
    expect(outcome.health?.measure?.layers).toHaveLength(3);
  });
});
