// An independent reference: the trainer's updates (sgd, momentum, adam; with penalties and schedules) on a fixed network and batch equal PyTorch's to 1e-9, by step() and by train() on every path.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Trainer } from '../../server/src/nn/trainer';
import type { LayerState } from '../../server/src/nn/types';
import { TRAINING_PATHS } from '../nn/helpers';
import { PYTHON, runsOf, runWithDeadline, workspace } from './helpers';

const HELPER = join(__dirname, 'reference_step.py');

interface Case {
  name: string;
  network: string;
  data: string;
  train: string;
  steps: number;
}

const CASES: Case[] = [
  {
    name: 'one sgd step: mse on sigmoid (the classic derivation)',
    network: 'input 2\n  layer hidden 3 sigmoid\n  layer output 1 sigmoid',
    data: '0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0',
    train: 'loss mse\n  optimizer sgd rate 0.5',
    steps: 1,
  },
  {
    name: 'one sgd step: two hidden layers, linear output',
    network: 'input 3\n  layer 4 tanh\n  layer 3 relu\n  layer 2 linear',
    data: '0.5 -1 2 -> 1 -0.5\n  1.5 0.2 -0.3 -> 0.3 0.8\n  -0.7 0.9 0.1 -> -1 2\n  0.2 0.4 0.6 -> 0 1\n  -1.2 -0.4 0.8 -> 0.5 0.5',
    train: 'loss mse\n  optimizer sgd rate 0.2',
    steps: 1,
  },
  {
    name: 'momentum steps: softmax cross-entropy, tanh hidden',
    network: 'input 3\n  layer 4 tanh\n  layer 3 softmax',
    data: '0.5 -1 2 -> 1 0 0\n  1.5 0.2 -0.3 -> 0 1 0\n  -0.7 0.9 0.1 -> 0 0 1\n  0.2 0.4 0.6 -> 0 1 0\n  -1.2 -0.4 0.8 -> 1 0 0',
    train: 'loss cross_entropy\n  optimizer sgd rate 0.3 momentum 0.9',
    steps: 3,
  },
  {
    // Soft targets whose sum is not 1 (1.3, 0.4, 2.1, 0.5, 0.75): δ = ŷ Σy − y, not ŷ − y (docs/language.md §4.10).
    name: 'sgd steps: softmax cross-entropy with soft targets that do not sum to 1',
    network: 'input 3\n  layer 4 tanh\n  layer 3 softmax',
    data: '0.5 -1 2 -> 0.2 0.5 0.6\n  1.5 0.2 -0.3 -> 0.1 0 0.3\n  -0.7 0.9 0.1 -> 0.7 0.7 0.7\n  0.2 0.4 0.6 -> 0 0 0.5\n  -1.2 -0.4 0.8 -> 0.25 0.25 0.25',
    train: 'loss cross_entropy\n  optimizer sgd rate 0.3',
    steps: 2,
  },
  {
    name: 'adam steps: binary cross-entropy on one sigmoid, relu hidden',
    network: 'input 2\n  layer 5 relu\n  layer 1 sigmoid',
    data: '0.1 0.9 -> 1\n  0.8 0.3 -> 0\n  -0.4 0.5 -> 1\n  0.6 -0.7 -> 0\n  0.3 0.3 -> 1',
    train: 'loss cross_entropy\n  optimizer adam rate 0.05 beta1 0.8 beta2 0.99 epsilon 1e-7',
    steps: 3,
  },
  {
    name: 'adam steps: mse through a softmax (its Jacobian), leaky_relu hidden',
    network: 'input 2\n  layer 4 leaky_relu\n  layer 3 softmax',
    data: '0.1 0.9 -> 1 0 0\n  0.8 0.3 -> 0 1 0\n  -0.4 0.5 -> 0 0 1\n  0.6 -0.7 -> 0 1 0',
    train: 'loss mse\n  optimizer adam rate 0.01',
    steps: 2,
  },
  // docs/language.md §7.2: the penalty's gradient on the weights only, as weight_decay on the weights' parameter group and λ1 Σ|W| in torch's loss.
  {
    name: 'one sgd step with an l2 penalty (weight_decay on the weights only)',
    network: 'input 3\n  layer 4 tanh\n  layer 3 relu\n  layer 2 linear',
    data: '0.5 -1 2 -> 1 -0.5\n  1.5 0.2 -0.3 -> 0.3 0.8\n  -0.7 0.9 0.1 -> -1 2\n  0.2 0.4 0.6 -> 0 1\n  -1.2 -0.4 0.8 -> 0.5 0.5',
    train: 'loss mse\n  optimizer sgd rate 0.2\n  regularize l2 0.05',
    steps: 1,
  },
  {
    name: 'one sgd step with an l1 penalty (λ1 Σ|W| in the loss)',
    network: 'input 2\n  layer hidden 3 sigmoid\n  layer output 1 sigmoid',
    data: '0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0',
    train: 'loss mse\n  optimizer sgd rate 0.5\n  regularize l1 0.01',
    steps: 1,
  },
  {
    name: 'momentum steps with both penalties',
    network: 'input 3\n  layer 4 tanh\n  layer 3 softmax',
    data: '0.5 -1 2 -> 1 0 0\n  1.5 0.2 -0.3 -> 0 1 0\n  -0.7 0.9 0.1 -> 0 0 1\n  0.2 0.4 0.6 -> 0 1 0\n  -1.2 -0.4 0.8 -> 1 0 0',
    train: 'loss cross_entropy\n  optimizer sgd rate 0.3 momentum 0.9\n  regularize l1 0.002 l2 0.03',
    steps: 3,
  },
  {
    name: 'adam steps with both penalties (added to the gradient, as torch.optim.Adam\'s weight_decay)',
    network: 'input 2\n  layer 5 relu\n  layer 1 sigmoid',
    data: '0.1 0.9 -> 1\n  0.8 0.3 -> 0\n  -0.4 0.5 -> 1\n  0.6 -0.7 -> 0\n  0.3 0.3 -> 1',
    train: 'loss cross_entropy\n  optimizer adam rate 0.05\n  regularize l1 0.01 l2 0.1',
    steps: 3,
  },
  // docs/language.md §7.3: sgd with momentum keeps PyTorch's trajectory when the rate changes (the velocity is rescaled).
  {
    name: 'momentum steps under an exponential schedule',
    network: 'input 3\n  layer 4 tanh\n  layer 3 softmax',
    data: '0.5 -1 2 -> 1 0 0\n  1.5 0.2 -0.3 -> 0 1 0\n  -0.7 0.9 0.1 -> 0 0 1\n  0.2 0.4 0.6 -> 0 1 0\n  -1.2 -0.4 0.8 -> 1 0 0',
    train: 'loss cross_entropy\n  optimizer sgd rate 0.3 momentum 0.9\n  schedule exponential factor 0.5',
    steps: 4,
  },
  {
    name: 'momentum steps under a step schedule, with an l2 penalty',
    network: 'input 2\n  layer hidden 3 sigmoid\n  layer output 1 sigmoid',
    data: '0 0 -> 0\n  0 1 -> 1\n  1 0 -> 1\n  1 1 -> 0',
    train: 'loss mse\n  optimizer sgd rate 2 momentum 0.8\n  schedule step factor 0.25 every 2\n  regularize l2 0.01',
    steps: 5,
  },
  {
    name: 'adam steps under a cosine schedule',
    network: 'input 2\n  layer 5 relu\n  layer 1 sigmoid',
    data: '0.1 0.9 -> 1\n  0.8 0.3 -> 0\n  -0.4 0.5 -> 1\n  0.6 -0.7 -> 0\n  0.3 0.3 -> 1',
    train: 'loss cross_entropy\n  optimizer adam rate 0.05\n  schedule cosine min 0.01',
    steps: 4,
  },
];

/** A fixed, irregular starting point: W_ji and b_j of layer k from a formula, not from any seed. */
function fixedWeights(k: number, units: number, inputs: number): { weights: number[]; biases: number[] } {
  const weights = Array.from({ length: units * inputs }, (_, i) => 0.8 * Math.sin(1.7 * (i + 1) + 0.9 * k));
  const biases = Array.from({ length: units }, (_, j) => 0.3 * Math.cos(2.3 * (j + 1) + k));
  return { weights, biases };
}

describe('the trainer against PyTorch on a fixed network and batch', () => {
  it.each(CASES)('$name', ({ network, data, train, steps }) => {
    const spec = `network net {\n  ${network}\n}\n\ndata rows {\n  ${data}\n}\n\ntrain net on rows {\n  ${train}\n  batch full\n  epochs ${steps}\n}\n`;
    const dir = workspace(spec);
    const [run] = runsOf(spec, dir);
    const sizes = [run.network.input, ...run.network.layers.map((l) => l.units)];
    const start = run.network.layers.map((_, k) => fixedWeights(k + 1, sizes[k + 1], sizes[k]));
    const startAt = (trainer: Trainer) => start.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights, layer.biases));

    // ⏭ Step: `steps` updates of the trainer's own batch loop.
    const stepped = new Trainer(run.network, run.data, run.settings);
    startAt(stepped);
    const batchLosses: number[] = [];
    const stepRates: number[] = [];
    for (let s = 0; s < steps; s++) {
      const report = stepped.step();
      batchLosses.push(report.batchLoss);
      stepRates.push(report.learningRate);
    }
    // train(): `steps` full-batch epochs, in the batch program, the trainer's loop on the SIMD kernels and the reference.
    const trained = TRAINING_PATHS.map(({ name, engine, make }) => {
      const trainer = make(run.network, run.data, run.settings);
      expect(trainer.engine, name).toBe(engine);
      startAt(trainer);
      const result = trainer.train();
      return { name, losses: Array.from(result.history.loss), layers: result.layers, rates: result.history.rate };
    });

    const input = {
      layers: start.map((layer, k) => ({
        weights: Array.from({ length: sizes[k + 1] }, (_, j) => layer.weights.slice(j * sizes[k], (j + 1) * sizes[k])),
        biases: layer.biases,
        activation: run.network.layers[k].activation,
      })),
      loss: run.settings.loss,
      optimizer:
        run.settings.optimizer.kind === 'sgd'
          ? { name: 'sgd', rate: run.settings.optimizer.rate, momentum: run.settings.optimizer.momentum }
          : { name: 'adam', ...run.settings.optimizer },
      penalty: run.settings.regularization ?? null,
      schedule: run.settings.schedule ?? null,
      inputs: Array.from({ length: run.data.rows }, (_, r) => Array.from(run.data.inputs.subarray(r * sizes[0], (r + 1) * sizes[0]))),
      targets: Array.from({ length: run.data.rows }, (_, r) => Array.from(run.data.targets.subarray(r * run.data.targetWidth, (r + 1) * run.data.targetWidth))),
      steps,
    };
    const p = runWithDeadline(PYTHON, [HELPER], { seconds: 120, input: JSON.stringify(input) });
    expect(p.status, p.stderr).toBe(0);
    const torch = JSON.parse(p.stdout) as { layers: { weights: number[][]; biases: number[] }[]; losses: number[]; rates: number[] };
    if (run.settings.schedule) {
      // The schedule's rates are torch's, and the steps used them (each step reports its rate).
      expect(new Set(torch.rates).size).toBeGreaterThan(1);
      for (const path of trained) expect(Array.from(path.rates ?? []).map((r, i) => Math.abs(r - torch.rates[i]) / torch.rates[i] < 1e-12), path.name).not.toContain(false);
      expect(stepRates).toEqual(trained[0].rates && Array.from(trained[0].rates));
    }

    let moved = 0;
    const compare = (path: string, losses: number[], layers: LayerState[]) => {
      expect(losses, path).toHaveLength(steps);
      for (let s = 0; s < steps; s++) {
        expect(Math.abs(losses[s] - torch.losses[s]), `${path}: loss ${s + 1}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(torch.losses[s])));
      }
      layers.forEach((layer, k) => {
        const theirs = torch.layers[k];
        for (let j = 0; j < layer.units; j++) {
          const b = theirs.biases[j];
          expect(Math.abs(layer.biases[j] - b), `${path}: b${k + 1}[${j}]`).toBeLessThan(1e-9 * Math.max(1, Math.abs(b)));
          for (let i = 0; i < layer.inputs; i++) {
            const w = theirs.weights[j][i];
            expect(Math.abs(layer.weights[j * layer.inputs + i] - w), `${path}: W${k + 1}[${j}][${i}]`).toBeLessThan(1e-9 * Math.max(1, Math.abs(w)));
            moved = Math.max(moved, Math.abs(w - start[k].weights[j * layer.inputs + i]));
          }
        }
      });
    };
    compare('step()', batchLosses, stepped.layers());
    for (const path of trained) compare(`train() on the ${path.name} path`, path.losses, path.layers);
    // The update really happened: agreement is not just two copies of the starting point.
    expect(moved).toBeGreaterThan(1e-4);
  });
});
