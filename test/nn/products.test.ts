// The reference's matrix products as a user meets them (backprop.ts, docs/language.md §4.17): `precision f32` is
// IEEE single-precision arithmetic, each product and partial sum rounded in order, and a batch larger than one
// pass (more than 256 samples) sums its chunks' gradients into the batch mean.

import { describe, expect, it } from 'vitest';
import { CHUNK_COLUMNS, Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomRows, settings } from './helpers';

describe('precision f32', () => {
  const f = Math.fround;

  it('rounds every product and every partial sum to single precision, in order (not the f64 sum rounded once)', () => {
    // 1 + 4e-8 rounds back to 1 in f32 (half an ulp of 1 is 6e-8), twice; 1 + 8e-8 in f64 rounds up to 1 + 2⁻²³.
    const w = [1, 4e-8, 4e-8];
    const x = [1, 1, 1];
    const trainer = new Trainer(network(3, [1, 'linear']), dataset([[x, [0]]]), settings({ precision: 'f32' }));
    trainer.setLayer(1, w, [0]);
    let sum = 0;
    for (let t = 0; t < 3; t++) sum = f(sum + f(f(w[t]) * x[t]));
    const output = trainer.explain(x, [0]).output[0];
    expect(output).toBe(f(sum + 0));
    expect(output).toBe(1);
    expect(f(1 + f(4e-8) + f(4e-8))).not.toBe(1);
    // The f64 run of the same network sums in double precision.
    const f64 = new Trainer(network(3, [1, 'linear']), dataset([[x, [0]]]), settings({ precision: 'f64' }));
    f64.setLayer(1, w, [0]);
    expect(f64.explain(x, [0]).output[0]).toBe(1 + 4e-8 + 4e-8);
  });

  it('backpropagates and steps in single precision too: δ and ∂L/∂W of one step are f32 sums', () => {
    // Two layers, so δ⁽¹⁾ = W⁽²⁾ᵀ δ⁽²⁾ goes through the transposed product; one sample.
    const x = [0.1, 0.7];
    const y = [0.3];
    const make = (precision: 'f32' | 'f64') => {
      const trainer = new Trainer(network(2, [2, 'linear'], [1, 'linear']), dataset([[x, y]]), settings({ precision, batch: 1 }));
      trainer.setLayer(1, [0.3, -0.6, 0.45, 0.2], [0.1, -0.2]);
      trainer.setLayer(2, [0.7, -1.1], [0.05]);
      return trainer.step();
    };
    const single = make('f32');
    const a1 = [0, 1].map((j) => f(f(f(f([0.3, -0.6, 0.45, 0.2][2 * j]) * f(x[0])) + f(f([0.3, -0.6, 0.45, 0.2][2 * j + 1]) * f(x[1]))) + f([0.1, -0.2][j])));
    const z2 = f(f(f(f(f(0.7) * a1[0])) + f(f(-1.1) * a1[1])) + f(0.05));
    const delta2 = f(z2 - f(y[0]));
    expect(single.after[1].delta[0]).toBe(delta2);
    const delta1 = [f(f(0.7) * delta2), f(f(-1.1) * delta2)];
    expect(Array.from(single.after[0].weightGradient)).toEqual([delta1[0] * f(x[0]), delta1[0] * f(x[1]), delta1[1] * f(x[0]), delta1[1] * f(x[1])].map(f));
    expect(Array.from(single.after[1].weightGradient)).toEqual([f(delta2 * a1[0]), f(delta2 * a1[1])]);
    // And they are not the f64 run's numbers.
    expect(Array.from(make('f64').after[0].weightGradient)).not.toEqual(Array.from(single.after[0].weightGradient));
  });
});

describe('a batch larger than one pass', () => {
  it(`sums the gradients of its chunks of ${CHUNK_COLUMNS} samples into the batch mean`, () => {
    const rows = randomRows(2 * CHUNK_COLUMNS + 88, 2, 8, (rng) => [rng.uniform(-1, 1), rng.uniform(-1, 1)]);
    const trainer = new Trainer(network(2, [2, 'linear']), dataset(rows), settings({ batch: 'full' }));
    const W = [0.4, -0.3, 0.25, 0.6];
    const b = [0.1, -0.2];
    trainer.setLayer(1, W, b);
    const report = trainer.step();
    const gW = [0, 0, 0, 0];
    const gb = [0, 0];
    for (const [x, y] of rows) {
      for (let l = 0; l < 2; l++) {
        const error = W[2 * l] * x[0] + W[2 * l + 1] * x[1] + b[l] - y[l];
        gW[2 * l] += error * x[0];
        gW[2 * l + 1] += error * x[1];
        gb[l] += error;
      }
    }
    const n = rows.length;
    expect(report.batchSize).toBe(n);
    expect(Array.from(report.after[0].weightGradient)).toEqual(gW.map((g) => expect.closeTo(g / n, 14)));
    expect(Array.from(report.after[0].biasGradient)).toEqual(gb.map((g) => expect.closeTo(g / n, 14)));
  });
});

describe('precision f32 on a batch of several samples through layers of several units', () => {
  it('gives the f64 run’s gradients to single precision', () => {
    const rows: [number[], number[]][] = [[[0.3, -0.5], [0.2, 0.9]], [[-0.7, 0.1], [0.6, -0.4]], [[0.2, 0.8], [-0.3, 0.1]]];
    const make = (precision: 'f32' | 'f64') => {
      const trainer = new Trainer(network(2, [3, 'tanh'], [2, 'linear']), dataset(rows), settings({ precision, batch: 'full' }));
      trainer.setLayer(1, [0.5, -0.4, 0.3, 0.8, -0.6, 0.2], [0.1, 0, -0.1]);
      trainer.setLayer(2, [0.7, -0.2, 0.4, -0.5, 0.9, 0.3], [0.05, -0.05]);
      return trainer.step().after;
    };
    const [single, double] = [make('f32'), make('f64')];
    single.forEach((layer, k) => {
      Array.from(layer.weightGradient).forEach((g, i) => {
        const exact = double[k].weightGradient[i];
        expect(Math.abs(g - exact), `layer ${k + 1} weight ${i}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(exact)));
      });
    });
    expect(Array.from(single[0].weightGradient)).not.toEqual(Array.from(double[0].weightGradient));
  });
});
