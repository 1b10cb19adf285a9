// The losses of docs/language.md §4.12 on the pairs the checker only warns about, and the softmax at the edge of
// divergence: what explain() shows (the loss and δ of one sample) against the formulas worked out by hand.

import { describe, expect, it } from 'vitest';
import { logSumExpColumn, softmaxColumn } from '../../server/src/nn/activations';
import { LOG_FLOOR } from '../../server/src/nn/losses';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, settings } from './helpers';

describe('cross_entropy on an output that is not a probability (linear)', () => {
  // One linear layer: ŷ = z = W x + b, so L = −Σ y_l log ŷ_l (ŷ floored at 1e-12) and δ_l = −y_l / ŷ_l.
  const W = [0.5, -0.25, 0.1, 0.3, -0.8, 0.2];
  const b = [0.2, 0.1, 0.3];
  const x = [0.4, 1];
  const z = [0, 1, 2].map((l) => W[2 * l] * x[0] + W[2 * l + 1] * x[1] + b[l]);

  it('takes −Σ y log ŷ and δ = −y/ŷ on outputs above the floor, and nothing from a unit whose target is 0', () => {
    expect(z.every((v) => v > 0)).toBe(true);
    const trainer = new Trainer(network(2, [3, 'linear']), dataset([[x, [0, 0, 1]]]), settings({ loss: 'cross_entropy' }));
    trainer.setLayer(1, W, b);
    const y = [0.2, 0, 0.8];
    const explained = trainer.explain(x, y);
    expect(explained.loss).toBeCloseTo(-(0.2 * Math.log(z[0]) + 0.8 * Math.log(z[2])), 14);
    expect(explained.deltas[0]).toEqual([-0.2 / z[0], 0, -0.8 / z[2]].map((d) => expect.closeTo(d, 14)));
  });

  it('floors ŷ at 1e-12 where it is not positive: the loss is −y log 1e-12 there and its δ is 0 (the floor is flat)', () => {
    const below = new Trainer(network(2, [3, 'linear']), dataset([[x, [0, 0, 1]]]), settings({ loss: 'cross_entropy' }));
    below.setLayer(1, W, [0.2, 0.1, -2]);
    const output = below.explain(x, [0.5, 0, 0.5]).output;
    expect(output[2]).toBeLessThan(0);
    const explained = below.explain(x, [0.5, 0, 0.5]);
    expect(explained.loss).toBeCloseTo(-(0.5 * Math.log(output[0]) + 0.5 * Math.log(LOG_FLOOR)), 12);
    expect(explained.deltas[0]).toEqual([expect.closeTo(-0.5 / output[0], 14), 0, 0]);
    // A unit whose target is 0 adds nothing, even below the floor (no 0 · log 0 = NaN).
    const zeroTarget = below.explain(x, [1, 0, 0]);
    expect(zeroTarget.loss).toBeCloseTo(-Math.log(output[0]), 14);
    expect(zeroTarget.deltas[0]).toEqual([expect.closeTo(-1 / output[0], 14), 0, 0]);
  });
});

describe('softmax at the edge of divergence', () => {
  it('turns a column with an infinite or NaN pre-activation into NaN in every unit, so the loss shows the divergence', () => {
    for (const column of [[Infinity, 1, 2], [1, NaN, 2], [NaN, NaN, NaN]]) {
      const a = Float64Array.from([0.2, 0.3, 0.5]);
      softmaxColumn(Float64Array.from(column), a, 3, 1, 0);
      expect(Array.from(a).every(Number.isNaN), String(column)).toBe(true);
    }
  });

  it('log Σ e^z is −∞ for a column of −∞ and NaN for +∞, without overflow for large finite z', () => {
    expect(logSumExpColumn(Float64Array.from([-Infinity, -Infinity]), 2, 1, 0)).toBe(-Infinity);
    expect(logSumExpColumn(Float64Array.from([Infinity, 0]), 2, 1, 0)).toBeNaN();
    expect(logSumExpColumn(Float64Array.from([1000, 1000]), 2, 1, 0)).toBeCloseTo(1000 + Math.log(2), 12);
  });

  it('is refused in a hidden layer: training such a network throws rather than using a wrong derivative', () => {
    const trainer = new Trainer(network(2, [3, 'softmax'], [1, 'sigmoid']), dataset([[[0.1, 0.2], [1]]]), settings({ epochs: 1 }));
    expect(() => trainer.train()).toThrow('softmax is only allowed on the last layer');
  });
});
