// Training health (nn/health.ts, Trainer.health): each measure on a network built to show it, the rules that judge them, and that measuring changes nothing of the run.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blownLayer, flatLoss, healthFindings, healthSample, type HealthMeasure } from '../../server/src/nn/health';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { dataset, network, randomRows, settings, TRAINING_PATHS } from './helpers';

/** 64 rows in [−1, 1]², target: the signs agree. */
const PLANE = dataset(randomRows(64, 2, 7, () => [0]).map(([x]) => [x, [x[0] * x[1] > 0 ? 1 : 0]]));

function kinds(measure: HealthMeasure): string[] {
  return healthFindings(measure).map((f) => `${f.kind} ${f.layer + 1}`);
}

describe('the measures, on constructed networks', () => {
  it('counts the units of a relu layer that never activate on the training data', () => {
    const trainer = new Trainer(network(2, [8, 'relu'], [1, 'sigmoid']), PLANE, settings());
    const healthy = trainer.health();
    expect(healthy.layers[0].dead).toBe(0);
    expect(kinds(healthy)).toEqual([]);
    // Units 0..4 get a bias no input in [−1, 1]² can overcome: z ≤ 0 for every sample.
    const w = trainer.layers()[0].weights;
    trainer.setLayer(1, w, Float64Array.from({ length: 8 }, (_, j) => (j < 5 ? -10 : 0.1)));
    const dead = trainer.health();
    expect(dead.layers[0].dead).toBe(5);
    expect(dead.rows).toBe(64);
    expect(healthFindings(dead)).toEqual([expect.objectContaining({ kind: 'dead', layer: 0, count: 5, units: 8 })]);
    // Dead units pass no gradient: their rows of ∂L/∂W are zero, so the layer's gradient is smaller.
    expect(dead.layers[0].gradientNorm).toBeLessThan(healthy.layers[0].gradientNorm);
  });

  it('counts the units of a sigmoid or tanh layer saturated on most samples, and not the output layer', () => {
    for (const activation of ['sigmoid', 'tanh'] as const) {
      const trainer = new Trainer(network(2, [6, activation], [1, 'sigmoid']), PLANE, settings());
      expect(trainer.health().layers[0].saturated).toBe(0);
      const layer = trainer.layers()[0];
      // |z| = |40 x₁ ± …| > 4 unless |x₁| < 0.1: about 90% of uniform samples; 400 makes it 99%.
      trainer.setLayer(1, layer.weights.map((w) => w * 400), layer.biases);
      const saturated = trainer.health();
      expect(saturated.layers[0].saturated).toBe(6);
      expect(kinds(saturated)).toContain('saturated 1');
      // An output layer driven hard is a confident classifier, not a finding.
      const out = trainer.layers()[1];
      trainer.setLayer(2, out.weights.map((w) => w * 1000), out.biases);
      expect(trainer.health().layers[1].saturated).toBe(1);
      expect(kinds(trainer.health()).filter((k) => k.startsWith('saturated 2'))).toEqual([]);
    }
  });

  it('sees the gradient vanish through a stack of 8 sigmoid layers, the first layers most', () => {
    const layers = Array.from({ length: 8 }, () => [8, 'sigmoid'] as [number, 'sigmoid']);
    const trainer = new Trainer(network(2, ...layers, [1, 'sigmoid']), PLANE, settings());
    const measure = trainer.health();
    const ratios = measure.layers.map((l) => l.gradientRatio);
    // Each sigmoid layer scales δ by σ′ ≤ 1/4: the relative gradient grows towards the output.
    for (let k = 1; k < ratios.length; k++) expect(ratios[k]).toBeGreaterThan(ratios[k - 1]);
    expect(ratios[0]).toBeLessThan(1e-5);
    expect(ratios[8]).toBeGreaterThan(1e-3);
    const vanishing = healthFindings(measure).filter((f) => f.kind === 'vanishing').map((f) => f.layer);
    expect(vanishing[0]).toBe(0);
    expect(vanishing).not.toContain(8);
    // The same depth with relu and he init keeps its gradient.
    const relu = new Trainer(network(2, ...layers.map(() => [8, 'relu'] as [number, 'relu']), [1, 'sigmoid']), PLANE, settings());
    expect(kinds(relu.health()).filter((k) => k.startsWith('vanishing'))).toEqual([]);
  });

  it('calls a gradient larger than the weights exploding', () => {
    const trainer = new Trainer(network(2, [4, 'tanh'], [1, 'sigmoid']), PLANE, settings());
    const layer = trainer.layers()[1];
    trainer.setLayer(2, layer.weights.map((w) => w * 1e-4), layer.biases);
    const measure = trainer.health();
    expect(measure.layers[1].gradientRatio).toBeGreaterThan(1);
    expect(kinds(measure)).toContain('exploding 2');
  });

  it('is silent on a run at its minimum, where every gradient is small', () => {
    const text = readFileSync(join(__dirname, '../../examples/xor.nn'), 'utf8');
    const run = checkedWithoutErrors(text).runs[0];
    const trainer = new Trainer(run.network, run.data, run.settings);
    expect(trainer.train().stopped).toBe('target');
    const measure = trainer.health();
    expect(measure.layers[0].gradientRatio).toBeLessThan(1e-3);
    expect(healthFindings(measure)).toEqual([]);
  });
});

describe('the measuring pass', () => {
  it('gives every path the same figures and leaves the run as it was', () => {
    const spec = network(2, [8, 'relu'], [4, 'tanh'], [1, 'sigmoid']);
    const options = settings({ epochs: 40, batch: 16, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } });
    const snapshots = { maxSnapshots: 50 };
    const runs = TRAINING_PATHS.map(({ make }) => {
      const measured = make(spec, PLANE, options);
      const figures: HealthMeasure[] = [];
      // Measured between epochs (as the worker's live snapshots do) and after the run (as it does before Step).
      const result = measured.train({ snapshots, onEpoch: (report) => (report.epoch % 7 === 0 ? figures.push(measured.health()) : undefined) });
      figures.push(measured.health());
      return { figures, result, layers: measured.layers() };
    });
    const untouched = TRAINING_PATHS[0].make(spec, PLANE, options).train({ snapshots });
    for (const run of runs) {
      expect(run.figures).toEqual(runs[2].figures);
      expect(run.result.history.loss).toEqual(untouched.history.loss);
      expect(run.result.snapshots).toEqual(untouched.snapshots);
      expect(run.layers.map((l) => l.weights)).toEqual(untouched.layers.map((l) => l.weights));
      expect(run.layers.map((l) => l.weightGradient)).toEqual(untouched.layers.map((l) => l.weightGradient));
    }
    expect(runs[0].figures).toHaveLength(6);
  });

  it('measures an evenly strided sample of a large training part', () => {
    expect(Array.from(healthSample(10, 4))).toEqual([0, 2, 5, 7]);
    expect(Array.from(healthSample(3, 1024))).toEqual([0, 1, 2]);
    const trainer = new Trainer(network(2, [4, 'relu'], [1, 'sigmoid']), PLANE, settings());
    const measure = trainer.health(16);
    expect([measure.rows, measure.of]).toEqual([16, 64]);
  });
});

describe('the flat-loss rule', () => {
  const xor = readFileSync(join(__dirname, '../../examples/xor.nn'), 'utf8');

  it('finds the local minimum of XOR with seed 2, and not with seed 1', () => {
    const stuck = checkedWithoutErrors(xor.replace('seed 1', 'seed 2')).runs[0];
    const result = new Trainer(stuck.network, stuck.data, stuck.settings).train();
    expect(result.stopped).toBe('epochs');
    const flat = flatLoss(result.history.epoch, result.history.loss, stuck.settings.stopLoss);
    expect(flat).not.toBeNull();
    expect(flat!.loss).toBeCloseTo(0.0625, 3);
    // Flat from some epoch on: every later loss within 1% of the last, the one before not.
    const i = flat!.since - 1;
    expect(Math.abs(result.history.loss[i - 1] - flat!.loss)).toBeGreaterThan(0.01 * flat!.loss);
    expect(flat!.since).toBeLessThan(20000 * 0.75);

    const fine = checkedWithoutErrors(xor).runs[0];
    const trained = new Trainer(fine.network, fine.data, fine.settings).train();
    expect(flatLoss(trained.history.epoch, trained.history.loss, fine.settings.stopLoss)).toBeNull();
  });

  it('needs a long stretch, a target, and a loss well above it', () => {
    const epochs = Float64Array.from({ length: 400 }, (_, i) => i + 1);
    const falling = Float64Array.from(epochs, (e) => 1 / e);
    const plateau = Float64Array.from(epochs, (e) => (e < 250 ? 1 / e : 0.1));
    expect(flatLoss(epochs, falling, 0.001)).toBeNull();
    expect(flatLoss(epochs, plateau, 0.001)).toEqual({ since: 250, loss: 0.1 });
    expect(flatLoss(epochs, plateau, null)).toBeNull();
    // 0.1 is not well above a target of 0.05.
    expect(flatLoss(epochs, plateau, 0.05)).toBeNull();
    // 50 flat epochs of 400 are no long stretch.
    const late = Float64Array.from(epochs, (e) => (e < 350 ? 1 / e : 0.1));
    expect(flatLoss(epochs, late, 0.001)).toBeNull();
  });
});

describe('the layer that blew up first', () => {
  const w = (...norms: number[]) => norms.map((n) => Float64Array.of(n));

  it('is the first layer to grow tenfold, not the one largest at the end', () => {
    const snapshots = [
      { epoch: 0, weights: w(1, 1, 1) },
      { epoch: 5, weights: w(1.5, 12, 2) },
      { epoch: 10, weights: w(1e6, 1e3, 5) },
    ];
    expect(blownLayer(snapshots)).toEqual({ layer: 1, epoch: 5, growth: 12 });
    expect(blownLayer([{ epoch: 0, weights: w(1, 1) }, { epoch: 3, weights: w(NaN, 2) }])).toMatchObject({ layer: 0, epoch: 3, growth: Infinity });
    expect(blownLayer([])).toBeNull();
  });
});
