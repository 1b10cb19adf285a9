// Measures this machine's training speed once, in the worker at start, so auto-train can estimate run times before any run finished.

import { performance } from 'node:perf_hooks';
import type { Dataset, NetworkSpec, TrainSettings } from '../language/model';
import { createTrainer } from '../engine';
import { DEFAULT_THROUGHPUT, parameterCount } from './estimate';

/**
 * Trains a small fixed network for a few milliseconds and returns the speed in
 * parameter·sample updates per second. Runs in the worker, once, at start.
 */
export function measureThroughput(): number {
  const input = 4;
  const rows = 128;
  const network: NetworkSpec = {
    name: 'calibration',
    input,
    layers: [
      { name: 'hidden', units: 32, activation: 'sigmoid', init: 'xavier', span: { start: 0, end: 0 } },
      { name: 'out', units: 1, activation: 'sigmoid', init: 'xavier', span: { start: 0, end: 0 } },
    ],
    span: { start: 0, end: 0 },
    nameSpan: { start: 0, end: 0 },
  };
  const inputs = new Float64Array(rows * input);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < input; c++) inputs[r * input + c] = ((r * 7 + c * 13) % 17) / 17;
    targets[r] = r % 2;
  }
  const data: Dataset = {
    name: 'calibration',
    rows,
    inputWidth: input,
    targetWidth: 1,
    inputs,
    targets,
    inputNames: ['x1', 'x2', 'x3', 'x4'],
    classes: null,
    normalize: null,
    rowSpans: null,
  };
  const epochs = 12;
  const settings: TrainSettings = {
    loss: 'mse',
    optimizer: { kind: 'sgd', rate: 0.1, momentum: 0 },
    epochs,
    batch: 16,
    seed: 0,
    stopLoss: null,
    validate: null,
    precision: 'f64',
    start: null,
  };
  try {
    // The first pass warms the JIT; the second one is timed.
    createTrainer(network, data, { ...settings, epochs: 4 }).train({});
    const started = performance.now();
    createTrainer(network, data, settings).train({});
    const seconds = (performance.now() - started) / 1000;
    const work = parameterCount(network) * rows * epochs;
    return seconds > 0 ? work / seconds : DEFAULT_THROUGHPUT;
  } catch {
    return DEFAULT_THROUGHPUT;
  }
}

