// Inverted dropout (docs/language.md §7.2): the masks' share and scale, where training applies them, that evaluation never drops, determinism, and 0% as none.

import { describe, expect, it } from 'vitest';
import type { NetworkSpec, TrainSettings } from '../../server/src/language/model';
import { drawMasks, dropThreshold, type DropoutLayers } from '../../server/src/nn/dropout';
import { Rng, STREAM } from '../../server/src/nn/rng';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { TRAINING_PATHS, dataset, network, randomOneHot, randomRows, settings } from './helpers';

/** The network with `dropout` shares on its layers (index 0 is layer 1). */
function withDropout(net: NetworkSpec, shares: number[]): NetworkSpec {
  return {
    ...net,
    layers: net.layers.map(({ dropout: _written, ...layer }, k) => ({ ...layer, ...(shares[k] ? { dropout: shares[k] } : {}) })),
  };
}

const ROWS = randomRows(40, 3, 7, randomOneHot(3));
const NET = withDropout(network(3, [16, 'tanh'], [12, 'relu'], [3, 'softmax']), [0.5, 0.25]);
const RUN: Partial<TrainSettings> = { loss: 'cross_entropy', batch: 8, epochs: 6, seed: 5, validate: 0.25 };

describe('the masks', () => {
  it.each([0.1, 0.25, 0.5, 0.9])('drop a share %s of the outputs and scale the rest by 1/(1 − P): the expected output is unchanged', (share) => {
    const units = 512;
    const columns = 256;
    const mask = new Float64Array(units * columns);
    const dropout: DropoutLayers = { masks: [null, mask], outputs: [], thresholds: [0, dropThreshold(share)], scales: [1, 1 / (1 - share)] };
    const draws = 8;
    let dropped = 0;
    let kept = 0;
    let sum = 0;
    const rng = new Rng(3, STREAM.dropout);
    for (let d = 0; d < draws; d++) {
      drawMasks(dropout, [1, units], columns, rng);
      for (const m of mask) {
        if (m === 0) dropped++;
        else if (m === 1 / (1 - share)) kept++;
        sum += m;
      }
    }
    const n = units * columns * draws;
    expect(dropped + kept).toBe(n);
    // Within four standard deviations of a binomial share and of the mask's mean (1, variance P/(1 − P)).
    expect(Math.abs(dropped / n - share)).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n));
    expect(Math.abs(sum / n - 1)).toBeLessThan(4 * Math.sqrt(share / (1 - share) / n));
  });

  it('are drawn sample by sample, so cutting a batch into chunks does not change them', () => {
    const sizes = [1, 5, 3];
    const whole: DropoutLayers = { masks: [null, new Float64Array(5 * 6), new Float64Array(3 * 6)], outputs: [], thresholds: [0, dropThreshold(0.5), dropThreshold(0.3)], scales: [1, 2, 1 / 0.7] };
    drawMasks(whole, sizes, 6, new Rng(9, STREAM.dropout));
    const chunk: DropoutLayers = { ...whole, masks: [null, new Float64Array(5 * 3), new Float64Array(3 * 3)] };
    const rng = new Rng(9, STREAM.dropout);
    for (const first of [0, 3]) {
      drawMasks(chunk, sizes, 3, rng);
      for (const k of [1, 2]) {
        for (let j = 0; j < sizes[k]; j++) for (let s = 0; s < 3; s++) expect(chunk.masks[k]![j * 3 + s]).toBe(whole.masks[k]![j * 6 + first + s]);
      }
    }
  });
});

describe('training with dropout', () => {
  it('zeroes a dropped unit\'s δ and the gradients it would feed, with the mask of the run\'s own stream', () => {
    const net = withDropout(network(3, [6, 'sigmoid'], [2, 'linear']), [0.5]);
    const trainer = new Trainer(net, dataset([[[0.3, -0.2, 0.9], [0.4, -0.1]]]), settings({ batch: 1 }));
    const report = trainer.step();
    // The one sample's mask, drawn as the trainer draws it.
    const mask = new Float64Array(6);
    drawMasks({ masks: [null, mask, null], outputs: [], thresholds: [0, dropThreshold(0.5), 0], scales: [1, 2, 1] }, [3, 6, 2], 1, new Rng(0, STREAM.dropout));
    expect(mask.some((m) => m === 0) && mask.some((m) => m === 2)).toBe(true);
    const [hidden, output] = report.after;
    for (let j = 0; j < 6; j++) {
      if (mask[j] !== 0) continue;
      expect(hidden.delta[j]).toBe(0);
      for (let i = 0; i < 3; i++) expect(hidden.weightGradient[j * 3 + i]).toBe(0);
      for (let l = 0; l < 2; l++) expect(output.weightGradient[l * 6 + j]).toBe(0);
    }
    // A kept unit passes on a⁽¹⁾ × 2 to the output layer's gradient: δ⁽²⁾ (ã⁽¹⁾)ᵀ.
    const kept = mask.findIndex((m) => m === 2);
    const plain = new Trainer(withDropout(net, []), dataset([[[0.3, -0.2, 0.9], [0.4, -0.1]]]), settings({ batch: 1 }));
    report.before.forEach((layer, k) => plain.setLayer(k + 1, layer.weights, layer.biases));
    const explained = plain.explain([0.3, -0.2, 0.9], [0.4, -0.1]);
    const a = explained.activations[0][kept];
    for (let l = 0; l < 2; l++) expect(output.weightGradient[l * 6 + kept]).toBeCloseTo(output.delta[l] * a * 2, 14);
  });

  it('is deterministic per seed, and another seed draws other masks', () => {
    const run = (seed: number) => Array.from(new Trainer(NET, dataset(ROWS), settings({ ...RUN, seed })).train().history.loss);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('changes training, but never evaluation: validation, finalLoss, explain and predict see every unit', () => {
    const trainer = new Trainer(NET, dataset(ROWS), settings(RUN));
    const result = trainer.train();
    const plain = new Trainer(withDropout(NET, []), dataset(ROWS), settings(RUN));
    result.layers.forEach((layer, k) => plain.setLayer(k + 1, layer.weights, layer.biases));
    expect(plain.trainingLoss()).toBe(result.finalLoss);
    expect(trainer.trainingLoss()).toBe(result.finalLoss);
    const rows = Array.from(trainer.validationRows);
    let sum = 0;
    for (const r of rows) sum += plain.explain(ROWS[r][0], ROWS[r][1]).loss;
    expect(result.validationLoss).toBeCloseTo(sum / rows.length, 12);
    for (const [x, y] of ROWS.slice(0, 5)) {
      expect(trainer.explain(x, y)).toEqual(plain.explain(x, y));
      expect(trainer.predict(x)).toEqual(plain.predict(x));
    }
    // Training itself did drop: the same run without dropout ends elsewhere.
    expect(new Trainer(withDropout(NET, []), dataset(ROWS), settings(RUN)).train().finalLoss).not.toBe(result.finalLoss);
  });
});

describe('dropout 0%', () => {
  const spec = (dropout: string) =>
    `network n {\n  input 2\n  layer 16 tanh${dropout}\n  layer 12 relu${dropout}\n  layer 1 sigmoid\n}\ndata d = spiral(samples 60, noise 0.1)\ntrain n on d {\n  batch 8\n  epochs 5\n  validate 20%\n}\n`;

  it('keys and trains bit for bit as no dropout, on every path and in both precisions', () => {
    const without = checkedWithoutErrors(spec('')).runs[0];
    const zero = checkedWithoutErrors(spec(' dropout 0%')).runs[0];
    expect(zero.key).toBe(without.key);
    for (const precision of ['f64', 'f32'] as const) {
      for (const { name, make } of TRAINING_PATHS) {
        const a = make(without.network, without.data, { ...without.settings, precision }).train();
        const b = make(zero.network, zero.data, { ...zero.settings, precision }).train();
        expect(Array.from(b.history.loss), `${name} ${precision}`).toEqual(Array.from(a.history.loss));
        expect(b.layers.map((l) => Array.from(l.weights)), `${name} ${precision}`).toEqual(a.layers.map((l) => Array.from(l.weights)));
      }
    }
  });
});

describe('the order of the draws (docs/language.md §7.2)', () => {
  it('is one draw per output, sample by sample, then layer by layer, then unit by unit, from the run’s dropout stream', () => {
    const sizes = [2, 3, 4, 2];
    const columns = 3;
    const threshold = dropThreshold(0.5);
    const dropout: DropoutLayers = {
      masks: [null, new Float64Array(3 * columns), null, new Float64Array(2 * columns)],
      outputs: [],
      thresholds: [0, threshold, 0, threshold],
      scales: [1, 2, 1, 2],
    };
    drawMasks(dropout, sizes, columns, new Rng(4, STREAM.dropout));
    const rng = new Rng(4, STREAM.dropout);
    const expected = [null, new Float64Array(3 * columns), null, new Float64Array(2 * columns)];
    for (let s = 0; s < columns; s++) {
      for (const k of [1, 3]) for (let j = 0; j < sizes[k]; j++) expected[k]![j * columns + s] = rng.nextUint32() < threshold ? 0 : 2;
    }
    expect(dropout.masks).toEqual(expected);
    // The next draw of the stream is the next chunk's first: no draw is skipped or spent twice.
    const next = new Rng(4, STREAM.dropout);
    for (let d = 0; d < columns * 5; d++) next.nextUint32();
    expect(next.nextUint32()).toBe(rng.nextUint32());
  });
});

describe('a batch of several samples with dropout', () => {
  it('follows the derivation: ŷ = W⁽²⁾ã⁽¹⁾ + b⁽²⁾, ∂L/∂W⁽²⁾ = mean δ⁽²⁾ã⁽¹⁾ᵀ, δ⁽¹⁾ = (W⁽²⁾ᵀδ⁽²⁾) ⊙ σ′(z⁽¹⁾) ⊙ m', () => {
    // Four copies of one sample (so the shuffle cannot reorder them), each with its own mask.
    const x = [0.3, -0.2, 0.9];
    const y = [0.4, -0.1];
    const net = withDropout(network(3, [6, 'sigmoid'], [2, 'linear']), [0.5]);
    const rows: [number[], number[]][] = [0, 1, 2, 3].map(() => [x, y]);
    const trainer = new Trainer(net, dataset(rows), settings({ batch: 4 }));
    const report = trainer.step();
    const [W2, b2] = [report.before[1].weights, report.before[1].biases];
    const a1 = new Trainer(withDropout(net, []), dataset(rows), settings({ batch: 4 })).explain(x, y).activations[0];
    const masks = new Float64Array(6 * 4);
    drawMasks({ masks: [null, masks, null], outputs: [], thresholds: [0, dropThreshold(0.5), 0], scales: [1, 2, 1] }, [3, 6, 2], 4, new Rng(0, STREAM.dropout));
    const gradW1 = new Array(18).fill(0);
    const gradW2 = new Array(12).fill(0);
    for (let s = 0; s < 4; s++) {
      const kept = a1.map((a, j) => a * masks[j * 4 + s]);
      const delta2 = [0, 1].map((l) => kept.reduce((sum, a, j) => sum + W2[l * 6 + j] * a, 0) + b2[l] - y[l]);
      delta2.forEach((d, l) => kept.forEach((a, j) => (gradW2[l * 6 + j] += (d * a) / 4)));
      const delta1 = a1.map((a, j) => (W2[j] * delta2[0] + W2[6 + j] * delta2[1]) * a * (1 - a) * masks[j * 4 + s]);
      delta1.forEach((d, j) => x.forEach((xi, i) => (gradW1[j * 3 + i] += (d * xi) / 4)));
    }
    expect(new Set(Array.from(masks)).size).toBe(2);
    expect(Array.from(report.after[1].weightGradient)).toEqual(gradW2.map((g) => expect.closeTo(g, 14)));
    expect(Array.from(report.after[0].weightGradient)).toEqual(gradW1.map((g) => expect.closeTo(g, 14)));
  });
});
