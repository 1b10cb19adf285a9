// Backprop against central finite differences: every activation × loss pair, one-hot and soft targets, several shapes, on every path a trainer updates by.

import { describe, expect, it } from 'vitest';
import type { Activation, LossKind, Regularization, TrainSettings } from '../../server/src/language/model';
import type { Rng } from '../../server/src/nn/rng';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomOneHot, randomRows, settings, TRAINING_PATHS, type MakeTrainer } from './helpers';

const STEP = 1e-3;

/** Every layer's W and b (index 0 is layer 1). */
type Parameters = { weights: Float64Array; biases: Float64Array }[];

/**
 * One full-batch update from the given weights, as a path of the trainer makes it: the mean
 * loss its forward pass computed (before the update) and the ∂L/∂W, ∂L/∂b its backward pass
 * computed. Loss and gradients come from the same pass, so a wrong loss (or a wrong δ) on
 * that path shows as a mismatch rather than hiding behind another path's numbers.
 */
type Update = (parameters: Parameters) => { loss: number; gradients: Parameters };

function setAll(trainer: Trainer, parameters: Parameters): void {
  parameters.forEach((layer, index) => trainer.setLayer(index + 1, layer.weights, layer.biases));
}

/** step(): the editor's ⏭ Step, the trainer's own batch loop (losses.ts) on its matrix kernels. */
function viaStep(trainer: Trainer): Update {
  return (parameters) => {
    setAll(trainer, parameters);
    const report = trainer.step();
    return { loss: report.batchLoss, gradients: report.after.map((layer) => ({ weights: layer.weightGradient, biases: layer.biasGradient })) };
  };
}

/** train() of one epoch with `batch full` (one update) on a fresh trainer: the epoch's loss and the update's gradients. */
function viaEpoch(make: () => Trainer): Update {
  return (parameters) => {
    const trainer = make();
    setAll(trainer, parameters);
    const result = trainer.train();
    expect(result.epochs).toBe(1);
    return { loss: result.history.loss[0], gradients: result.layers.map((layer) => ({ weights: layer.weightGradient, biases: layer.biasGradient })) };
  };
}

/**
 * The worst relative error between the analytic ∂L/∂W, ∂L/∂b at `start` and the five-point
 * central difference (−L(θ+2h) + 8L(θ+h) − 8L(θ−h) + L(θ−2h)) / 12h of the loss `update`
 * reports (error O(h⁴), so h can be large enough to keep rounding small). Gradients smaller
 * than 1e-6 in both are compared against 1e-6 instead of themselves, since their finite
 * differences are mostly rounding.
 */
function worstRelativeError(start: Parameters, update: Update): number {
  const analytic = update(start).gradients;
  let worst = 0;
  start.forEach((layer, index) => {
    for (const part of ['weights', 'biases'] as const) {
      for (let i = 0; i < layer[part].length; i++) {
        const lossAt = (offset: number) => {
          const moved = start.map((l) => ({ weights: Float64Array.from(l.weights), biases: Float64Array.from(l.biases) }));
          moved[index][part][i] += offset;
          return update(moved).loss;
        };
        const numeric = (-lossAt(2 * STEP) + 8 * lossAt(STEP) - 8 * lossAt(-STEP) + lossAt(-2 * STEP)) / (12 * STEP);
        const gradient = analytic[index][part][i];
        const error = Math.abs(numeric - gradient) / Math.max(Math.abs(numeric), Math.abs(gradient), 1e-6);
        worst = Math.max(worst, error);
      }
    }
  });
  return worst;
}

type Target = (rng: Rng) => number[];
const unitInterval = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(0.05, 0.95));
const anyValue = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(-1, 1));
/** Positive targets whose sum is not 1 (soft labels, counts): softmax's δ is then ŷ Σy − y, not ŷ − y (docs/language.md §4.10). */
const positive = (width: number): Target => (rng) => Array.from({ length: width }, () => rng.uniform(0.1, 1));

interface Case {
  name: string;
  loss: LossKind;
  output: Activation;
  hidden: Activation[];
  sizes: number[];
  target: (width: number) => Target;
  /** Lift the output layer's biases so ŷ > 0 (cross_entropy on an output that is not a probability). */
  positiveOutputs?: boolean;
}

const HIDDEN: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear'];
const OUTPUTS: Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax'];
const SHAPES = [
  [2, 3],
  [3, 5, 4],
  [5, 7, 6],
];

/** The cases of one shape: mse and cross_entropy on every output, and softmax with soft targets as well as one-hot ones. */
function casesOf(sizes: number[], shape: number): Case[] {
  return OUTPUTS.flatMap((output) => {
    const hidden = sizes.slice(1).map((_, i) => HIDDEN[(i + shape + output.length) % HIDDEN.length]);
    const of = (loss: LossKind, target: Case['target'], label = ''): Case => ({
      name: `${loss} on ${output}${label}, ${sizes.join('-')} ${hidden.join('/')}`,
      loss,
      output,
      hidden,
      sizes,
      target,
      positiveOutputs: loss === 'cross_entropy' && output !== 'softmax' && output !== 'sigmoid',
    });
    if (output === 'softmax') {
      // mse through the softmax Jacobian; categorical cross-entropy, with one-hot and with soft targets.
      return [of('mse', randomOneHot), of('mse', positive, ' (soft targets)'), of('cross_entropy', randomOneHot), of('cross_entropy', positive, ' (soft targets)')];
    }
    // mse works with every output activation; cross_entropy is binary on sigmoid, −Σ y log ŷ through act′ otherwise.
    return [
      of('mse', output === 'sigmoid' ? unitInterval : anyValue),
      of('cross_entropy', output === 'sigmoid' ? unitInterval : positive),
    ];
  });
}

/** A trainer for the case, with the output biases lifted where ŷ must be positive. */
function trainerFor(c: Case, run: Partial<TrainSettings> = {}, build: MakeTrainer = (n, d, s) => new Trainer(n, d, s)): { make: () => Trainer; start: Parameters } {
  const outputs = c.output === 'softmax' ? 3 : c.sizes.length === 2 ? 1 : 2;
  const layers = [
    ...c.sizes.slice(1).map((units, i) => [units, c.hidden[i]] as [number, Activation]),
    [outputs, c.output] as [number, Activation],
  ];
  const rows = randomRows(7, c.sizes[0], c.sizes.length * 31 + outputs, c.target(outputs));
  const make = () =>
    build(network(c.sizes[0], ...layers), dataset(rows), settings({ loss: c.loss, seed: 3, optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 }, ...run }));
  const start: Parameters = make().layers().map((layer) => ({ weights: layer.weights, biases: layer.biases }));
  if (c.positiveOutputs) {
    const last = start[start.length - 1];
    last.weights = last.weights.map((w) => w * 0.2);
    last.biases = last.biases.map(() => 2);
  }
  return { make, start };
}

describe('backprop gradients of a step match central finite differences of its own loss (f64)', () => {
  const cases = SHAPES.flatMap(casesOf);
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { make, start } = trainerFor(c);
    const worst = worstRelativeError(start, viaStep(make()));
    if (process.env.NN_PRINT_GRADCHECK) console.log(`worst ${worst.toExponential(2)} ${c.name}`);
    expect(worst).toBeLessThan(1e-6);
  });

  it('a saturated sigmoid with cross_entropy gives a finite loss and gradient', () => {
    const trainer = new Trainer(network(1, [1, 'sigmoid']), dataset([[[1], [0]]]), settings({ loss: 'cross_entropy' }));
    trainer.setLayer(1, [800], [0]); // z = 800: σ(z) rounds to 1, log(1 − σ) would be log 0
    expect(trainer.trainingLoss()).toBeCloseTo(800, 9);
    const report = trainer.step();
    expect(report.batchLoss).toBeCloseTo(800, 9);
    expect(report.before[0].weightGradient[0]).toBe(1); // (σ(z) − y) x
  });

  it('softmax with cross_entropy on huge pre-activations stays finite', () => {
    const trainer = new Trainer(network(1, [3, 'softmax']), dataset([[[1], [0, 0, 1]]]), settings({ loss: 'cross_entropy' }));
    trainer.setLayer(1, [1000, 0, -1000], [0, 0, 0]);
    expect(trainer.trainingLoss()).toBeCloseTo(2000, 6); // logΣe^z − z₃ = 1000 − (−1000)
    expect(trainer.step().batchLoss).toBeCloseTo(2000, 6);
  });
});

// train() runs its epochs in the batch program (server/src/engine/wasm/batches.ts), in the trainer's
// own loop on the SIMD kernels, or on the reference's plain loops: the batch program repeats the
// loss and δ formulas, so each path is checked against its own loss, not only against the others.
describe.each(TRAINING_PATHS)('one epoch of train() on the $name path: its gradients match central differences of its own epoch loss (f64)', ({ name, engine, make: build }) => {
  const cases = casesOf(SHAPES[0], 0);
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { make, start } = trainerFor(c, { epochs: 1, batch: 'full' }, build);
    expect(make().engine, name).toBe(engine);
    expect(worstRelativeError(start, viaEpoch(make))).toBeLessThan(1e-6);
  });
});

// `regularize` (docs/language.md §7.2): the differentiated loss is the data loss plus λ1 Σ|w| + ½λ2 Σw²
// over the weights (not the biases), so the gradient a step uses must be that sum's. The penalty is
// computed here from its definition, not by the trainer.
describe('with a penalty, the gradients match central differences of the data loss plus the penalty (f64)', () => {
  const PENALTIES: [string, Regularization][] = [
    ['l2', { l1: 0, l2: 0.3 }],
    ['l1', { l1: 0.2, l2: 0 }],
    ['l1 and l2', { l1: 0.05, l2: 0.7 }],
  ];
  const penaltyAt = (parameters: Parameters, { l1, l2 }: Regularization): number => {
    let sum = 0;
    for (const layer of parameters) for (const w of layer.weights) sum += l1 * Math.abs(w) + 0.5 * l2 * w * w;
    return sum;
  };
  const withPenalty = (update: Update, penalty: Regularization): Update => (parameters) => {
    const { loss, gradients } = update(parameters);
    return { loss: loss + penaltyAt(parameters, penalty), gradients };
  };
  /** |w| has no derivative at 0: the start keeps every weight at least 0.05 from it (the differences step 2e-3). */
  const awayFromZero = (start: Parameters): Parameters =>
    start.map((layer) => ({ weights: layer.weights.map((w) => (Math.abs(w) < 0.05 ? (w < 0 ? -0.05 : 0.05) : w)), biases: layer.biases }));
  const cases = [...casesOf(SHAPES[1], 1), ...casesOf(SHAPES[2], 2)].filter((c) => c.output === 'sigmoid' || c.output === 'softmax' || c.output === 'linear');

  describe.each(PENALTIES)('%s', (_label, penalty) => {
    it.each(cases.map((c) => [c.name, c] as const))('step(): %s', (_name, c) => {
      const { make, start } = trainerFor(c, { regularization: penalty });
      expect(worstRelativeError(awayFromZero(start), withPenalty(viaStep(make()), penalty))).toBeLessThan(1e-6);
    });

    it.each(TRAINING_PATHS.map((path) => [path.name, path] as const))('one epoch of train() on the %s path', (name, { engine, make: build }) => {
      for (const c of cases.slice(0, 4)) {
        const { make, start } = trainerFor(c, { epochs: 1, batch: 'full', regularization: penalty }, build);
        expect(make().engine, name).toBe(engine);
        expect(worstRelativeError(awayFromZero(start), withPenalty(viaEpoch(make), penalty)), c.name).toBeLessThan(1e-6);
      }
    });
  });

  it('leaves the biases\' gradients unpenalized and the reported loss the data loss', () => {
    const c = cases[0];
    const plain = trainerFor(c).make();
    const penalized = trainerFor(c, { regularization: { l1: 0.1, l2: 0.5 } }).make();
    const a = plain.step();
    const b = penalized.step();
    expect(b.batchLoss).toBe(a.batchLoss);
    b.after.forEach((layer, k) => {
      expect(Array.from(layer.biasGradient)).toEqual(Array.from(a.after[k].biasGradient));
      expect(Array.from(layer.weightGradient)).not.toEqual(Array.from(a.after[k].weightGradient));
    });
  });
});
