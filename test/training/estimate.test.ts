// The training-time estimate (docs/editor.md "Auto-train and the estimate"): a cost model of the loop, scaled by the machine's measured speed and corrected by finished runs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language';
import type { RunSpec } from '../../server/src/language/model';
import { estimateText } from '../../server/src/present/summary';
import { referenceSeconds, runFeatures, SpeedEstimate } from '../../server/src/training/estimate';

const examples = join(__dirname, '..', '..', 'examples');

function run(body: string, layers = '  layer h 16 tanh\n  layer out 1 sigmoid', data = 'spiral(samples 300, noise 0.1, seed 1)'): RunSpec {
  const text = `network n {\n  input 2\n${layers}\n}\ndata d = ${data}\ntrain n on d {\n${body}\n}\n`;
  const result = check(text, { specPath: null, allowedRoot: null, readFile: null, maxParameters: DEFAULT_MAX_PARAMETERS, maxDataCells: DEFAULT_MAX_DATA_CELLS });
  expect(result.errorCount).toBe(0);
  return result.runs[0];
}

function example(name: string): RunSpec {
  const path = join(examples, name);
  const result = check(readFileSync(path, 'utf8'), {
    specPath: path,
    allowedRoot: examples,
    readFile: (p) => ({ text: readFileSync(p, 'utf8') }),
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  return result.runs[0];
}

describe('the cost model', () => {
  it('counts the loop, not only parameters × samples: an update costs, and so does an activation', () => {
    const full = referenceSeconds(runFeatures(run('  epochs 1000\n  batch full')));
    const small = referenceSeconds(runFeatures(run('  epochs 1000\n  batch 8')));
    const one = referenceSeconds(runFeatures(run('  epochs 1000\n  batch 1')));
    // Same samples and parameters per epoch; more updates take longer.
    expect(small).toBeGreaterThan(full);
    expect(one).toBeGreaterThan(1.5 * small);
    // The same network with relu units (a comparison) costs less than with tanh (Math.tanh).
    const relu = referenceSeconds(runFeatures(run('  epochs 1000\n  batch full', '  layer h 16 relu\n  layer out 1 sigmoid')));
    expect(relu).toBeLessThan(0.6 * full);
    // Twice the epochs, about twice the time; a validation part adds its forward pass.
    expect(referenceSeconds(runFeatures(run('  epochs 2000\n  batch full')))).toBeCloseTo(2 * full, 1);
    const held = runFeatures(run('  epochs 1000\n  batch full\n  validate 20%'));
    expect(held.heldOutRows).toBe(60);
    expect(held.trainRows).toBe(240);
  });

  it('speaks of every epoch: a stop target does not change it, and the lens says it is a bound', () => {
    const written = run('  epochs 3000\n  stop when loss < 0.02');
    const all = run('  epochs 3000');
    const speed = new SpeedEstimate();
    expect(speed.seconds(written)).toBe(speed.seconds(all));
    expect(estimateText(1.5, written)).toBe('est. up to 1.5 s');
    expect(estimateText(1.5, all)).toBe('est. 1.5 s');
  });

  it('puts the flagship examples under the default 2 s budget at the reference speed, spiral.nn included', () => {
    const speed = new SpeedEstimate();
    for (const name of ['xor.nn', 'circle.nn', 'spiral.nn', 'iris.nn', 'encoder.nn', 'houses.nn']) {
      expect(speed.seconds(example(name)), name).toBeLessThan(2);
    }
    // The wide network of the e2e fixture stays over it, waiting for Train.
    const wide = check(readFileSync(join(__dirname, '..', 'e2e', 'fixtures', 'long-run.nn'), 'utf8'), { specPath: null, allowedRoot: null, readFile: null, maxParameters: DEFAULT_MAX_PARAMETERS, maxDataCells: DEFAULT_MAX_DATA_CELLS }).runs[0];
    expect(speed.seconds(wide)).toBeGreaterThan(60);
  });
});

describe('SpeedEstimate', () => {
  const spiral = run('  epochs 3000\n  batch 32');
  const reference = referenceSeconds(runFeatures(spiral));

  it('scales by the machine the worker measured, until finished runs correct it', () => {
    const speed = new SpeedEstimate();
    expect(speed.seconds(spiral)).toBeCloseTo(reference, 10);
    speed.measured(2);
    expect(speed.seconds(spiral)).toBeCloseTo(2 * reference, 10);
    // A finished run took 3× its reference cost: the scale moves halfway (geometrically) towards it.
    speed.finished(spiral, 3000, 3 * reference);
    expect(speed.speed).toBeCloseTo(Math.sqrt(2 * 3), 10);
    // Once runs have corrected it, a late measurement no longer moves it.
    speed.measured(1);
    expect(speed.speed).toBeCloseTo(Math.sqrt(6), 10);
  });

  it('learns from the epochs a run actually ran, ignores runs too short to say much, and stays within 4× of the measurement', () => {
    const speed = new SpeedEstimate();
    speed.measured(1);
    // A stopped run of 300 of its 3,000 epochs, at the reference speed: no change.
    speed.finished(spiral, 300, referenceSeconds({ ...runFeatures(spiral), epochs: 300 }));
    expect(speed.speed).toBeCloseTo(1, 10);
    speed.finished(spiral, 3000, 0.1);
    expect(speed.speed).toBeCloseTo(1, 10);
    for (let i = 0; i < 20; i++) speed.finished(spiral, 3000, 100 * reference);
    expect(speed.speed).toBeCloseTo(4, 10);
  });
});
