// The trainer's passes without an update (server/src/nn/trainer.ts): the panel's decision boundary (firstOutputs) and per-unit pictures (unitOutputs) over a grid wider than a pass, and the loss and gradient a gradient check compares with its slope (lossAndGradient), on every path.

import { describe, expect, it } from 'vitest';
import { TRAINING_PATHS, dataset, lazy, network, randomRows, settings } from './helpers';

/** Six rows: a training part narrower than the grids below, so they go through wider passes of their own. */
const SIX = lazy(() => dataset(randomRows(6, 2, 3, (rng) => [rng.uniform(0, 1)]), { normalize: 'zscore' }));
/** A grid of 300 points (more than the 256 columns of one pass) over [−2, 2]². */
const GRID = lazy(() => Float64Array.from({ length: 600 }, (_, i) => -2 + (4 * ((i * 7919) % 601)) / 600));

describe.each(TRAINING_PATHS)('passes without an update on the $name path', ({ make }) => {
  const trained = () => {
    const trainer = make(network(2, [5, 'tanh'], [3, 'relu'], [1, 'sigmoid']), SIX(), settings({ epochs: 20, seed: 4 }));
    trainer.train();
    return trainer;
  };

  it('firstOutputs: ŷ₁ of every grid point, as predict() gives it point by point (normalized as trained)', () => {
    const trainer = trained();
    const grid = GRID();
    const outputs = trainer.firstOutputs(grid, 300);
    expect(outputs).toHaveLength(300);
    for (let i = 0; i < 300; i++) expect(outputs[i]).toBeCloseTo(trainer.predict([grid[2 * i], grid[2 * i + 1]])[0], 14);
    // Three points, narrower than the training part's own pass.
    expect(Array.from(trainer.firstOutputs(grid.subarray(0, 6), 3))).toEqual(Array.from(outputs.subarray(0, 3)));
  });

  it('unitOutputs: a⁽ᵏ⁾ of the first units of every layer for every grid point, as explain() gives it', () => {
    const trainer = trained();
    const grid = GRID();
    const pictures = trainer.unitOutputs(grid, 300, 4);
    // Layer 1 shows 4 of its 5 units, layer 2 its 3, the output its 1.
    expect(pictures.map((layer) => layer.length)).toEqual([4 * 300, 3 * 300, 300]);
    for (const i of [0, 1, 150, 255, 256, 299]) {
      const { activations } = trainer.explain([grid[2 * i], grid[2 * i + 1]], [0]);
      pictures.forEach((layer, k) => {
        for (let j = 0; j < layer.length / 300; j++) expect(layer[j * 300 + i]).toBeCloseTo(activations[k][j], 14);
      });
    }
  });

  it('lossAndGradient: the mean loss of the current weights and ∂L/∂W, ∂L/∂b, as central differences of that loss give them; the run untouched', () => {
    const trainer = trained();
    const before = trainer.layers();
    const { loss, rows, weights, biases } = trainer.lossAndGradient();
    expect(rows).toBe(6);
    expect(loss).toBeCloseTo(trainer.trainingLoss(), 14);
    const h = 1e-6;
    before.forEach((layer, k) => {
      const slope = (values: Float64Array, i: number, set: (changed: Float64Array) => void) => {
        const changed = Float64Array.from(values);
        changed[i] = values[i] + h;
        set(changed);
        const up = trainer.lossAndGradient().loss;
        changed[i] = values[i] - h;
        set(changed);
        const down = trainer.lossAndGradient().loss;
        set(Float64Array.from(values));
        return (up - down) / (2 * h);
      };
      for (let i = 0; i < layer.weights.length; i++) {
        expect(weights[k][i]).toBeCloseTo(slope(layer.weights, i, (w) => trainer.setLayer(k + 1, w, layer.biases)), 6);
      }
      for (let i = 0; i < layer.biases.length; i++) {
        expect(biases[k][i]).toBeCloseTo(slope(layer.biases, i, (b) => trainer.setLayer(k + 1, layer.weights, b)), 6);
      }
    });
    // Asked again (the weights as they were), the same answer: nothing of the earlier passes is added in.
    expect(trainer.lossAndGradient()).toEqual({ loss, rows, weights, biases });
    // What layers() shows (the last update's gradients) is as it was.
    expect(trainer.layers().map((layer) => Array.from(layer.weightGradient))).toEqual(before.map((layer) => Array.from(layer.weightGradient)));
  });

  it('lossAndGradient over fewer rows: the mean over evenly strided rows of the training part', () => {
    const trainer = trained();
    const three = trainer.lossAndGradient(3);
    expect(three.rows).toBe(3);
    // Rows 0, 2 and 4 of the part: the same as a run on those rows alone, normalized as the whole part.
    const all = trainer.trainingPart();
    const rows = [0, 2, 4].map((r): [number[], number[]] => [Array.from(all.inputs.subarray(2 * r, 2 * r + 2)), [all.targets[r]]]);
    const alone = make(network(2, [5, 'tanh'], [3, 'relu'], [1, 'sigmoid']), dataset(rows), settings({ epochs: 0 }));
    trainer.layers().forEach((layer, k) => alone.setLayer(k + 1, layer.weights, layer.biases));
    const expected = alone.lossAndGradient();
    expect(three.loss).toBeCloseTo(expected.loss, 14);
    three.weights.forEach((w, k) => w.forEach((g, i) => expect(g).toBeCloseTo(expected.weights[k][i], 14)));
  });

  it('lossAndGradient over more rows than a pass holds: the chunks summed', () => {
    // 300 rows: chunks of 256 and 44. The mean over them is the mean of the two parts' own answers, weighted by their rows.
    const rows = randomRows(300, 2, 6, (rng) => [rng.uniform(0, 1)]);
    const net = network(2, [3, 'tanh'], [1, 'sigmoid']);
    const whole = make(net, dataset(rows), settings({ epochs: 0 }));
    const parts = [rows.slice(0, 256), rows.slice(256)].map((part) => {
      const trainer = make(net, dataset(part), settings({ epochs: 0 }));
      whole.layers().forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));
      return trainer.lossAndGradient();
    });
    const answer = whole.lossAndGradient();
    expect(answer.rows).toBe(300);
    expect(answer.loss).toBeCloseTo((256 * parts[0].loss + 44 * parts[1].loss) / 300, 14);
    answer.weights.forEach((w, k) => w.forEach((g, i) => expect(g).toBeCloseTo((256 * parts[0].weights[k][i] + 44 * parts[1].weights[k][i]) / 300, 14)));
  });
});
