// The health rules at their thresholds (docs/editor.md "Training health"): the numbers in the warnings a user
// reads — a quarter of the units, |z| > 4 on more than 90% of the samples, 1e-5 and 100 times for a vanishing
// gradient, 1 for an exploding one, the flat-loss rule's 1%, 100 epochs, a quarter and 5 T, tenfold growth —
// each tested on both sides of its boundary with constructed figures.

import { describe, expect, it } from 'vitest';
import type { Activation } from '../../server/src/language/model';
import {
  blownLayer, flatLoss, HEALTH_MAX_ROWS, healthFindings, healthSample, HealthTally, norm,
  type HealthMeasure, type LayerHealth,
} from '../../server/src/nn/health';

/** A layer's figures: every field given or defaulted to a healthy relu-free layer. */
function layer(figures: Partial<LayerHealth>): LayerHealth {
  return { units: 4, dead: null, saturated: null, weightNorm: 1, gradientNorm: 0.01, gradientRatio: 0.01, ...figures };
}

function measure(...layers: LayerHealth[]): HealthMeasure {
  return { epoch: 7, rows: 10, of: 10, loss: 0.5, layers };
}

const kinds = (m: HealthMeasure) => healthFindings(m).map((f) => `${f.layer}:${f.kind}`);

describe('dead and saturated units: at least a quarter of the layer’s units, and one', () => {
  it('dead: 1 of 4 is a finding, 1 of 5 is not, 0 of any is not', () => {
    expect(healthFindings(measure(layer({ units: 4, dead: 1 }), layer({})))).toEqual([
      { layer: 0, kind: 'dead', count: 1, units: 4, ratio: 0.01, outputRatio: 0.01 },
    ]);
    expect(kinds(measure(layer({ units: 5, dead: 1 }), layer({})))).toEqual([]);
    expect(kinds(measure(layer({ units: 5, dead: 2 }), layer({})))).toEqual(['0:dead']);
    expect(kinds(measure(layer({ units: 0, dead: 0 }), layer({})))).toEqual([]);
    // The output layer's dead units count too.
    expect(kinds(measure(layer({}), layer({ units: 2, dead: 1 })))).toEqual(['1:dead']);
  });

  it('saturated: the same share, in hidden layers only', () => {
    expect(healthFindings(measure(layer({ units: 8, saturated: 2 }), layer({})))).toEqual([
      { layer: 0, kind: 'saturated', count: 2, units: 8, ratio: 0.01, outputRatio: 0.01 },
    ]);
    expect(kinds(measure(layer({ units: 8, saturated: 1 }), layer({})))).toEqual([]);
    expect(kinds(measure(layer({ units: 0, saturated: 0 }), layer({})))).toEqual([]);
    expect(kinds(measure(layer({}), layer({ units: 1, saturated: 1 })))).toEqual([]);
  });
});

describe('the relative gradient', () => {
  it('vanishing: below 1e-5 in a hidden layer while the output layer’s is at least 100 times larger', () => {
    const output = layer({ gradientRatio: 1e-3 });
    expect(healthFindings(measure(layer({ gradientRatio: 9e-6 }), output))).toEqual([
      { layer: 0, kind: 'vanishing', count: 0, units: 4, ratio: 9e-6, outputRatio: 1e-3 },
    ]);
    // At 1e-5 exactly, no finding.
    expect(kinds(measure(layer({ gradientRatio: 1e-5 }), output))).toEqual([]);
    // The output layer exactly 100 times larger is a finding; less is a run near its minimum.
    const small = 2 ** -20;
    expect(kinds(measure(layer({ gradientRatio: small }), layer({ gradientRatio: 100 * small })))).toEqual(['0:vanishing']);
    expect(kinds(measure(layer({ gradientRatio: small }), layer({ gradientRatio: 99 * small })))).toEqual([]);
    // No gradient anywhere (an exact fit, or every unit dead: the dead finding says so) is no vanishing gradient;
    // a hidden layer at exactly 0 under an output layer that still moves is one.
    expect(kinds(measure(layer({ gradientRatio: 0 }), layer({ gradientRatio: 0 })))).toEqual([]);
    expect(kinds(measure(layer({ gradientRatio: 0 }), layer({ gradientRatio: 1e-3 })))).toEqual(['0:vanishing']);
    // The output layer itself is never vanishing, not even at a gradient of exactly 0.
    expect(kinds(measure(layer({ gradientRatio: 1 }), layer({ gradientRatio: 1e-9 })))).toEqual([]);
    expect(kinds(measure(layer({ gradientRatio: 1 }), layer({ gradientRatio: 0 })))).toEqual([]);
  });

  it('exploding: above 1, in any layer', () => {
    expect(kinds(measure(layer({ gradientRatio: 1.0001 }), layer({ gradientRatio: 2 })))).toEqual(['0:exploding', '1:exploding']);
    expect(kinds(measure(layer({ gradientRatio: 1 }), layer({ gradientRatio: 1 })))).toEqual([]);
  });

  it('a network without layers has no findings', () => {
    expect(healthFindings(measure())).toEqual([]);
  });
});

describe('the tally of one measurement', () => {
  const z = (rows: number[][]) => Float64Array.from(rows.flat());

  it('a relu unit is dead when z ≤ 0 on every sample; one z > 0 on any chunk makes it live', () => {
    const tally = new HealthTally([1, 3], ['linear', 'relu'] as Activation[]);
    // Three units × two samples: unit 0 has z = 0 and −1, unit 1 z = −2 and 1e-300, unit 2 z = −1, −1.
    tally.addChunk([new Float64Array(0), z([[0, -1], [-2, 1e-300], [-1, -1]])], 2, 1);
    let figures = tally.finish(3, 2, [new Float64Array(0), Float64Array.of(3, 4, 0)], [new Float64Array(0), Float64Array.of(0.6, 0.8, 0)]);
    expect(figures.layers[0].dead).toBe(2);
    // A second chunk where unit 2 activates.
    tally.addChunk([new Float64Array(0), z([[-1], [-1], [0.5]])], 1, 2);
    figures = tally.finish(3, 3, [new Float64Array(0), Float64Array.of(3, 4, 0)], [new Float64Array(0), Float64Array.of(0.6, 0.8, 0)]);
    expect(figures.layers[0]).toMatchObject({ units: 3, dead: 1, saturated: null });
    // ‖W‖ = 5, ‖Σ∂L/∂W‖ = 1 over 3 samples: the mean gradient's norm 1/3, the ratio 1/15.
    expect(figures.layers[0].weightNorm).toBe(5);
    expect(figures.layers[0].gradientNorm).toBe(1 / 3);
    expect(figures.layers[0].gradientRatio).toBe(1 / 3 / 5);
    expect([figures.epoch, figures.rows, figures.of, figures.loss]).toEqual([3, 3, 3, 1]);
  });

  it('leaky_relu counts as relu: dead below or at 0 on every sample; sigmoid as tanh', () => {
    const tally = new HealthTally([1, 2, 2], ['linear', 'leaky_relu', 'sigmoid'] as Activation[]);
    tally.addChunk([new Float64Array(0), z([[-1, 0], [-1, 2]]), z([[5, 5], [0, 5]])], 2, 0);
    const none = [new Float64Array(0), Float64Array.of(1, 1), Float64Array.of(1, 1)];
    const figures = tally.finish(1, 2, none, none);
    expect(figures.layers.map((layer) => [layer.dead, layer.saturated])).toEqual([[1, null], [null, 1]]);
  });

  it('a tanh unit is saturated when |z| > 4 on more than 90% of the samples', () => {
    const samples = 10;
    const tally = new HealthTally([1, 3], ['linear', 'tanh'] as Activation[]);
    // Unit 0: |z| = 4.01 on 9 of 10 (90%, not more); unit 1: on 10 of 10; unit 2: |z| = 4 exactly on all.
    const row = (hits: number, value: number) => Array.from({ length: samples }, (_, s) => (s < hits ? value : 0));
    tally.addChunk([new Float64Array(0), z([row(9, 4.01), row(10, -4.01), row(10, 4)])], samples, 0);
    const figures = tally.finish(1, samples, [new Float64Array(0), Float64Array.of(1)], [new Float64Array(0), Float64Array.of(0)]);
    expect(figures.layers[0]).toMatchObject({ dead: null, saturated: 1 });
  });

  it('saturation counts over every chunk of the measurement', () => {
    const tally = new HealthTally([1, 1], ['linear', 'sigmoid'] as Activation[]);
    // 19 of 20 samples saturated over two chunks (95%): saturated; each chunk alone would not decide it.
    tally.addChunk([new Float64Array(0), z([[5, 5, 5, 5, 5, 5, 5, 5, 5, 0]])], 10, 0);
    tally.addChunk([new Float64Array(0), z([[5, 5, 5, 5, 5, 5, 5, 5, 5, 5]])], 10, 0);
    expect(tally.finish(1, 20, [new Float64Array(0), Float64Array.of(1)], [new Float64Array(0), Float64Array.of(0)]).layers[0].saturated).toBe(1);
  });

  it('no samples: gradient 0, loss NaN; weights of 0: the ratio NaN', () => {
    const tally = new HealthTally([1, 2], ['linear', 'linear'] as Activation[]);
    const figures = tally.finish(0, 0, [new Float64Array(0), Float64Array.of(0, 0)], [new Float64Array(0), Float64Array.of(1, 1)]);
    expect(figures.layers[0]).toMatchObject({ dead: null, saturated: null, weightNorm: 0, gradientNorm: 0 });
    expect(figures.layers[0].gradientRatio).toBeNaN();
    expect(figures.loss).toBeNaN();
  });

  it('weights of 0 with a gradient: the ratio NaN, not an infinite (exploding) one', () => {
    const tally = new HealthTally([1, 2], ['linear', 'linear'] as Activation[]);
    tally.addChunk([new Float64Array(0), Float64Array.of(0, 0)], 1, 0.25);
    const figures = tally.finish(1, 1, [new Float64Array(0), Float64Array.of(0, 0)], [new Float64Array(0), Float64Array.of(3, 4)]);
    expect(figures.layers[0].gradientNorm).toBe(5);
    expect(figures.layers[0].gradientRatio).toBeNaN();
    expect(healthFindings(figures)).toEqual([]);
  });

  it('norm is the Frobenius norm', () => {
    expect(norm([3, -4, 12])).toBe(13);
    expect(norm([])).toBe(0);
  });
});

describe('the sample a measurement passes', () => {
  it('every row up to 1,024; beyond, 1,024 evenly strided', () => {
    expect(Array.from(healthSample(5))).toEqual([0, 1, 2, 3, 4]);
    expect(HEALTH_MAX_ROWS).toBe(1024);
    const sample = healthSample(2048);
    expect(sample.length).toBe(1024);
    expect([sample[0], sample[1], sample[1023]]).toEqual([0, 2, 2046]);
    expect(Array.from(healthSample(10, 4))).toEqual([0, 2, 5, 7]);
    expect(Array.from(healthSample(10, 4.9))).toEqual([0, 2, 5, 7]);
    expect(healthSample(0).length).toBe(0);
    expect(healthSample(10, -3).length).toBe(0);
  });
});

describe('the flat-loss rule', () => {
  /** Epochs 1..n with the losses given by `loss(epoch)`. */
  const run = (n: number, loss: (epoch: number) => number) => {
    const epochs = Array.from({ length: n }, (_, i) => i + 1);
    return [epochs, epochs.map(loss)] as const;
  };

  it('flat: every loss of the stretch within 1% of the last, 100 epochs or more, a quarter of the run, the last ≥ 5 T', () => {
    // Falling to epoch 100, then 0.5 ± 1% to epoch 400: flat since epoch 100 (a stretch of 300 epochs).
    const [epochs, losses] = run(400, (e) => (e < 100 ? 1 + (100 - e) : e % 2 ? 0.504 : 0.5));
    expect(flatLoss(epochs, losses, 0.1)).toEqual({ since: 100, loss: 0.5 });
    // The last loss exactly 5 T is flat; above a fifth of it is not.
    expect(flatLoss(epochs, losses, 0.1)?.loss).toBe(0.5);
    expect(flatLoss(epochs, losses, 0.5 / 5)).not.toBeNull();
    expect(flatLoss(epochs, losses, 0.5 / 4.99)).toBeNull();
    expect(flatLoss(epochs, losses, null)).toBeNull();
  });

  it('1% exactly is within; more is not', () => {
    const [epochs] = run(200, () => 0);
    expect(flatLoss(epochs, epochs.map((e) => (e === 1 ? 101 : 100)), 10)?.since).toBe(1);
    expect(flatLoss(epochs, epochs.map((e) => (e === 1 ? 101.01 : e % 2 ? 101 : 100)), 10)?.since).toBe(2);
    expect(flatLoss(epochs, epochs.map((e) => (e === 1 ? 99 : 100)), 10)?.since).toBe(1);
    expect(flatLoss(epochs, epochs.map((e) => (e === 1 ? 98.99 : 100)), 10)?.since).toBe(2);
  });

  it('a stretch of 100 epochs is long enough, 99 is not; and it must be a quarter of the epochs run', () => {
    const from = (n: number, start: number) => run(n, (e) => (e < start ? 10 : 1));
    // The stretch is counted from its first epoch to the last: epochs 100 to 200 are 100.
    expect(flatLoss(...from(200, 100), 0.1)).toEqual({ since: 100, loss: 1 });
    expect(flatLoss(...from(200, 101), 0.1)).toBeNull();
    // 400 epochs: a stretch of 100 is exactly a quarter; 1,000 epochs: 100 is not.
    expect(flatLoss(...from(400, 300), 0.1)?.since).toBe(300);
    expect(flatLoss(...from(1000, 900), 0.1)).toBeNull();
    expect(flatLoss(...from(1000, 750), 0.1)?.since).toBe(750);
  });

  it('counts epochs, not history entries: a thinned history spans its epochs', () => {
    // Every tenth epoch, 30 entries from epoch 10 to 300, flat from epoch 150.
    const epochs = Array.from({ length: 30 }, (_, i) => 10 * (i + 1));
    const losses = epochs.map((e) => (e < 150 ? 3 : 1));
    expect(flatLoss(epochs, losses, 0.1)).toEqual({ since: 150, loss: 1 });
  });

  it('no losses, or a last loss that is not finite: not flat', () => {
    expect(flatLoss([], [], 0.1)).toBeNull();
    const [epochs, losses] = run(300, () => 1);
    losses[299] = NaN;
    expect(flatLoss(epochs, losses, 0.1)).toBeNull();
  });
});

describe('the layer that blew up first', () => {
  const snapshot = (epoch: number, ...norms: number[]) => ({ epoch, weights: norms.map((n) => Float64Array.of(n)) });

  it('tenfold growth exactly counts; the layer that grew most at that snapshot', () => {
    expect(blownLayer([snapshot(0, 1, 2), snapshot(5, 9.99, 2), snapshot(10, 10, 30)])).toEqual({ layer: 1, epoch: 10, growth: 15 });
    expect(blownLayer([snapshot(0, 1, 2), snapshot(5, 10, 2), snapshot(9, 10, 100)])).toEqual({ layer: 0, epoch: 5, growth: 10 });
  });

  it('a layer whose weights stopped being finite has blown up', () => {
    expect(blownLayer([snapshot(0, 1, 1), snapshot(3, 2, NaN)])).toEqual({ layer: 1, epoch: 3, growth: Infinity });
  });

  it('without tenfold growth, the layer that grew most by the last snapshot; from weights of 0, growth counts from the smallest number', () => {
    expect(blownLayer([snapshot(0, 1, 1), snapshot(4, 3, 2), snapshot(8, 4, 5)])).toEqual({ layer: 1, epoch: 8, growth: 5 });
    expect(blownLayer([snapshot(0, 0, 1), snapshot(4, 1e-160, 1)])).toEqual({ layer: 0, epoch: 4, growth: norm([1e-160]) / Number.MIN_VALUE });
    // A tie keeps the first layer.
    expect(blownLayer([snapshot(0, 1, 1), snapshot(4, 2, 2)])?.layer).toBe(0);
  });

  it('no snapshots, or no layers: none', () => {
    expect(blownLayer([])).toBeNull();
    expect(blownLayer([{ epoch: 0, weights: [] }])).toBeNull();
  });
});
