// Realistic TrainingView fixtures for the report and panel tests: a tiny, seeded backpropagation run computed right here, so the numbers behave like real training.

import type { CurvePoint, PanelLayer, Snapshot, TrainingView } from '../../server/src/protocol';
import { random as rng } from '../support/random';

type Activation = 'tanh' | 'sigmoid';
const act = (a: Activation, z: number) => (a === 'tanh' ? Math.tanh(z) : 1 / (1 + Math.exp(-z)));
const actPrime = (a: Activation, h: number) => (a === 'tanh' ? 1 - h * h : h * (1 - h));

interface Layer {
  name: string;
  activation: Activation;
  units: number;
  inputs: number;
  weights: number[];
  biases: number[];
  gradient: number[] | null;
  update: number[] | null;
  line: number;
}

function forward(layers: Layer[], x: number[]): number[][] {
  const activations = [x];
  for (const layer of layers) {
    const input = activations[activations.length - 1];
    const out: number[] = [];
    for (let j = 0; j < layer.units; j++) {
      let z = layer.biases[j];
      for (let i = 0; i < layer.inputs; i++) z += layer.weights[j * layer.inputs + i] * input[i];
      out.push(act(layer.activation, z));
    }
    activations.push(out);
  }
  return activations;
}

function panelLayers(layers: Layer[]): PanelLayer[] {
  return layers.map((l) => ({
    name: l.name,
    units: l.units,
    inputs: l.inputs,
    activation: l.activation,
    line: l.line,
    weights: [...l.weights],
    biases: [...l.biases],
    weightGradient: l.gradient ? [...l.gradient] : null,
    lastUpdate: l.update ? [...l.update] : null,
  }));
}

export interface FixtureOptions {
  data: 'circle' | 'xor';
  hidden: number;
  epochs: number;
  rate: number;
  validate: boolean;
  grid?: number;
  phase?: TrainingView['status']['phase'];
}

/** Trains a 2-hidden-1 network with full-batch gradient descent on mse and records what nn/training returns. */
export function twoInputView(options: FixtureOptions): TrainingView {
  const random = rng(7);
  const points: { x: number; y: number; label: number }[] = [];
  for (let n = 0; n < 200; n++) {
    const x = random() * 2 - 1;
    const y = random() * 2 - 1;
    const label = options.data === 'circle' ? Number(x * x + y * y < 0.4) : Number(x * y > 0);
    points.push({ x, y, label });
  }
  const validation = options.validate ? points.slice(0, 40) : [];
  const training = options.validate ? points.slice(40) : points;
  const layers: Layer[] = [
    { name: 'hidden', activation: 'tanh', units: options.hidden, inputs: 2, weights: [], biases: [], gradient: null, update: null, line: 2 },
    { name: 'out', activation: 'sigmoid', units: 1, inputs: options.hidden, weights: [], biases: [], gradient: null, update: null, line: 3 },
  ];
  for (const l of layers) {
    const limit = Math.sqrt(6 / (l.inputs + l.units));
    l.weights = Array.from({ length: l.units * l.inputs }, () => (random() * 2 - 1) * limit);
    l.biases = Array.from({ length: l.units }, () => 0);
  }
  const grid = options.grid ?? 40;
  const box = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const boundary = (): number[] => {
    const values: number[] = [];
    for (let row = 0; row < grid; row++) {
      const y = box.yMax - ((row + 0.5) / grid) * (box.yMax - box.yMin);
      for (let col = 0; col < grid; col++) {
        const x = box.xMin + ((col + 0.5) / grid) * (box.xMax - box.xMin);
        values.push(Number(forward(layers, [x, y])[2][0].toFixed(4)));
      }
    }
    return values;
  };
  const evaluate = (set: typeof points) => {
    let loss = 0;
    let correct = 0;
    for (const p of set) {
      const yHat = forward(layers, [p.x, p.y])[2][0];
      loss += 0.5 * (yHat - p.label) ** 2;
      correct += Number((yHat >= 0.5 ? 1 : 0) === p.label);
    }
    return { loss: loss / set.length, accuracy: correct / set.length };
  };

  const snapshotEpochs = new Set([0, 1, 2, 5, 10, 20, 50, 100, 200, 350, 500, 750, 1000, 1500, 2000, 3000, options.epochs]);
  const curve: CurvePoint[] = [];
  const snapshots: Snapshot[] = [{ epoch: 0, layers: panelLayers(layers), boundary: boundary() }];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const gradients = layers.map((l) => ({ w: l.weights.map(() => 0), b: l.biases.map(() => 0) }));
    let loss = 0;
    let correct = 0;
    for (const p of training) {
      const a = forward(layers, [p.x, p.y]);
      const yHat = a[2][0];
      loss += 0.5 * (yHat - p.label) ** 2;
      correct += Number((yHat >= 0.5 ? 1 : 0) === p.label);
      // The delta rule: output delta, then back through W^T.
      let delta = [(yHat - p.label) * actPrime('sigmoid', yHat)];
      for (let k = layers.length - 1; k >= 0; k--) {
        const layer = layers[k];
        const input = a[k];
        for (let j = 0; j < layer.units; j++) {
          gradients[k].b[j] += delta[j];
          for (let i = 0; i < layer.inputs; i++) gradients[k].w[j * layer.inputs + i] += delta[j] * input[i];
        }
        if (k > 0) {
          const below = layers[k - 1];
          delta = a[k].map((h, i) => {
            let sum = 0;
            for (let j = 0; j < layer.units; j++) sum += layer.weights[j * layer.inputs + i] * delta[j];
            return sum * actPrime(below.activation, h);
          });
        }
      }
    }
    layers.forEach((layer, k) => {
      layer.gradient = gradients[k].w.map((g) => g / training.length);
      layer.update = layer.gradient.map((g) => -options.rate * g);
      layer.weights = layer.weights.map((w, i) => w + layer.update![i]);
      layer.biases = layer.biases.map((b, j) => b - (options.rate * gradients[k].b[j]) / training.length);
    });
    const held = options.validate ? evaluate(validation) : null;
    curve.push({
      epoch,
      loss: loss / training.length,
      accuracy: correct / training.length,
      validationLoss: held?.loss ?? null,
      validationAccuracy: held?.accuracy ?? null,
    });
    if (snapshotEpochs.has(epoch)) snapshots.push({ epoch, layers: panelLayers(layers), boundary: boundary() });
  }
  // As the server does: a snapshot's lastUpdate is the last single update before it (here −η ∂L/∂W, full batch).
  const last = curve[curve.length - 1];
  const phase = options.phase ?? 'done';
  return {
    uri: `file:///work/examples/${options.data}.nn`,
    version: 3,
    status: {
      line: 12,
      index: 1,
      network: options.data === 'circle' ? 'ring' : 'xor',
      data: options.data === 'circle' ? 'rings' : 'quadrants',
      phase,
      epoch: last.epoch,
      epochs: options.epochs,
      loss: last.loss,
      validationLoss: last.validationLoss,
      accuracy: last.accuracy,
      seconds: 0.84,
      summary: `loss ${last.loss.toPrecision(3)} after ${options.epochs} epochs (target 0.001 not reached) · accuracy ${(last.accuracy! * 100).toFixed(1)}%`,
      position: `epoch ${last.epoch} · loss ${last.loss.toPrecision(3)}`,
      step: null,
      stepFrom: null,
      stopping: false,
      target: 0.001,
      title: options.data === 'circle' ? 'ring on rings' : 'xor on quadrants',
    },
    inputNames: ['x', 'y'],
    curve,
    snapshots,
    points,
    box,
    grid,
  };
}

/** A 4-input, 3-class run (iris-like): no boundary, a wider diagram, softmax output. */
export function fourInputView(): TrainingView {
  const random = rng(11);
  const sizes = [4, 16, 3];
  const layers: PanelLayer[] = sizes.slice(1).map((units, k) => {
    const inputs = sizes[k];
    return {
      name: k === 0 ? 'hidden' : 'species',
      units,
      inputs,
      activation: k === 0 ? 'relu' : 'softmax',
      line: 3 + k,
      weights: Array.from({ length: units * inputs }, () => (random() * 2 - 1) * 2.5),
      biases: Array.from({ length: units }, () => random() * 2 - 1),
      weightGradient: Array.from({ length: units * inputs }, () => (random() - 0.5) * 1e-3),
      lastUpdate: Array.from({ length: units * inputs }, () => (random() - 0.5) * 1e-5),
    };
  });
  const curve: CurvePoint[] = Array.from({ length: 300 }, (_, i) => ({
    epoch: i + 1,
    loss: 1.1 * Math.exp(-i / 60) + 0.05,
    validationLoss: 1.1 * Math.exp(-i / 70) + 0.08,
    accuracy: Math.min(1, 0.33 + 0.65 * (1 - Math.exp(-i / 40))),
    validationAccuracy: Math.min(1, 0.3 + 0.63 * (1 - Math.exp(-i / 45))),
  }));
  const last = curve[curve.length - 1];
  return {
    uri: 'file:///work/examples/iris.nn',
    version: 1,
    status: {
      line: 20,
      index: 2,
      network: 'iris_net',
      data: 'iris',
      phase: 'running',
      epoch: 300,
      epochs: 2000,
      loss: last.loss,
      validationLoss: last.validationLoss,
      accuracy: last.accuracy,
      seconds: 1.7,
      summary: 'epoch 300/2000 · loss 0.0652 · val 0.0977 · 1.7 s',
      position: 'epoch 300 · loss 0.0652',
      step: null,
      stepFrom: null,
      stopping: false,
      target: null,
      title: 'iris_net on iris',
    },
    inputNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    curve,
    snapshots: [{ epoch: 300, layers, boundary: null }],
    points: null,
    box: null,
    grid: 0,
  };
}
