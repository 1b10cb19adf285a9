// Backprop against central finite differences: every activation × loss pair, several shapes, through the Trainer API.

import { describe, expect, it } from 'vitest';
import type { Activation, LossKind } from '../../server/src/language/model';
import type { Rng } from '../../server/src/nn/rng';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomOneHot, randomRows, settings } from './helpers';

const STEP = 1e-3;

/**
 * The worst relative error between the trainer's ∂L/∂W, ∂L/∂b (from one
 * full-batch step) and the five-point central difference
 * (−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)) / 12h of the mean training loss
 * (error O(h⁴), so h can be large enough to keep rounding small).
 * Gradients smaller than 1e-6 in both are compared against 1e-6 instead of
 * themselves, since their finite differences are mostly rounding.
 */
function worstRelativeError(trainer: Trainer): number {
  const initial = trainer.layers();
  const report = trainer.step();
  initial.forEach((layer, index) => trainer.setLayer(index + 1, layer.weights, layer.biases));
  let worst = 0;
  initial.forEach((layer, index) => {
    const k = index + 1;
    const analytic = report.before[index];
    const check = (parameters: Float64Array, gradient: Float64Array, set: (p: Float64Array) => void) => {
      for (let i = 0; i < parameters.length; i++) {
        const original = parameters[i];
        const lossAt = (offset: number) => {
          parameters[i] = original + offset;
          set(parameters);
          return trainer.trainingLoss();
        };
        const numeric = (-lossAt(2 * STEP) + 8 * lossAt(STEP) - 8 * lossAt(-STEP) + lossAt(-2 * STEP)) / (12 * STEP);
        parameters[i] = original;
        set(parameters);
        const error = Math.abs(numeric - gradient[i]) / Math.max(Math.abs(numeric), Math.abs(gradient[i]), 1e-6);
        worst = Math.max(worst, error);
      }
    };
    const weights = Float64Array.from(layer.weights);
    const biases = Float64Array.from(layer.biases);
    check(weights, analytic.weightGradient, (w) => trainer.setLayer(k, w, biases));
    check(biases, analytic.biasGradient, (b) => trainer.setLayer(k, weights, b));
  });
  return worst;
}

type Target = (rng: Rng) => number[];
const unitInterval = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(0.05, 0.95));
const anyValue = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(-1, 1));
const positive = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(0.1, 1));

interface Case {
  loss: LossKind;
  output: Activation;
  hidden: Activation[];
  sizes: number[];
  target: (width: number) => Target;
  /** Lift the output layer's biases so ŷ > 0 (cross_entropy on an output that is not a probability). */
  positiveOutputs?: boolean;
}

const HIDDEN: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear'];
const SHAPES = [
  [2, 3],
  [3, 5, 4],
  [5, 7, 6],
];

const cases: Case[] = [];
for (const output of ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax'] as Activation[]) {
  SHAPES.forEach((sizes, shape) => {
    const hidden = sizes.slice(1).map((_, i) => HIDDEN[(i + shape + output.length) % HIDDEN.length]);
    // mse works with every output activation (softmax through its Jacobian).
    cases.push({
      loss: 'mse',
      output,
      hidden,
      sizes,
      target: output === 'softmax' ? randomOneHot : output === 'sigmoid' ? unitInterval : anyValue,
    });
    // cross_entropy: softmax + categorical, sigmoid + binary, and −Σ y log ŷ through act′ otherwise.
    cases.push({
      loss: 'cross_entropy',
      output,
      hidden,
      sizes,
      target: output === 'softmax' ? randomOneHot : output === 'sigmoid' ? unitInterval : positive,
      positiveOutputs: output !== 'softmax' && output !== 'sigmoid',
    });
  });
}

describe('backprop gradients match central finite differences (f64)', () => {
  it.each(cases.map((c) => [`${c.loss} on ${c.output}, ${c.sizes.join('-')} ${c.hidden.join('/')}`, c] as const))(
    '%s',
    (_name, c) => {
      const outputs = c.output === 'softmax' ? 3 : c.sizes.length === 2 ? 1 : 2;
      const layers = [
        ...c.sizes.slice(1).map((units, i) => [units, c.hidden[i]] as [number, Activation]),
        [outputs, c.output] as [number, Activation],
      ];
      const rows = randomRows(7, c.sizes[0], c.sizes.length * 31 + outputs, c.target(outputs));
      const trainer = new Trainer(
        network(c.sizes[0], ...layers),
        dataset(rows),
        settings({ loss: c.loss, seed: 3, optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 } }),
      );
      if (c.positiveOutputs) {
        const last = trainer.layers()[layers.length - 1];
        trainer.setLayer(layers.length, last.weights.map((w) => w * 0.2), last.biases.map(() => 2));
      }
      const worst = worstRelativeError(trainer);
      if (process.env.NN_PRINT_GRADCHECK) console.log(`worst ${worst.toExponential(2)} ${_name}`);
      expect(worst).toBeLessThan(1e-6);
    },
  );

  it('a saturated sigmoid with cross_entropy gives a finite loss and gradient', () => {
    const trainer = new Trainer(network(1, [1, 'sigmoid']), dataset([[[1], [0]]]), settings({ loss: 'cross_entropy' }));
    trainer.setLayer(1, [800], [0]); // z = 800: σ(z) rounds to 1, log(1 − σ) would be log 0
    expect(trainer.trainingLoss()).toBeCloseTo(800, 9);
    const report = trainer.step();
    expect(report.before[0].weightGradient[0]).toBe(1); // (σ(z) − y) x
  });

  it('softmax with cross_entropy on huge pre-activations stays finite', () => {
    const trainer = new Trainer(network(1, [3, 'softmax']), dataset([[[1], [0, 0, 1]]]), settings({ loss: 'cross_entropy' }));
    trainer.setLayer(1, [1000, 0, -1000], [0, 0, 0]);
    expect(trainer.trainingLoss()).toBeCloseTo(2000, 6); // logΣe^z − z₃ = 1000 − (−1000)
  });
});
