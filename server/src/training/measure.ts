// Measures this machine's training speed once, in the worker at start, so auto-train can estimate run times before any run finished (docs/editor.md "Auto-train and the estimate").

import { performance } from 'node:perf_hooks';
import type { Dataset, NetworkSpec, TrainSettings } from '../language/model';
import { createTrainer } from '../engine';
import { COSTS, referenceSeconds, runFeatures } from './estimate';

const span = { start: 0, end: 0 };

/** A small run that uses every term of the cost model: two hidden layers, minibatches, a validation part, adam. */
function calibrationRun(epochs: number): { network: NetworkSpec; data: Dataset; settings: TrainSettings } {
  const rows = 150;
  const network: NetworkSpec = {
    name: 'calibration',
    input: 2,
    layers: [
      { name: 'first', units: 16, activation: 'tanh', init: 'xavier', span },
      { name: 'second', units: 16, activation: 'tanh', init: 'xavier', span },
      { name: 'out', units: 1, activation: 'sigmoid', init: 'xavier', span },
    ],
    span,
    nameSpan: span,
  };
  const inputs = new Float64Array(rows * 2);
  const targets = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    inputs[2 * r] = ((r * 7) % 17) / 17 - 0.5;
    inputs[2 * r + 1] = ((r * 13) % 19) / 19 - 0.5;
    targets[r] = inputs[2 * r] * inputs[2 * r + 1] > 0 ? 1 : 0;
  }
  const data: Dataset = { name: 'calibration', rows, inputWidth: 2, targetWidth: 1, inputs, targets, inputNames: ['x1', 'x2'], classes: null, normalize: null, rowSpans: null };
  const settings: TrainSettings = {
    loss: 'cross_entropy',
    optimizer: { kind: 'adam', rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    epochs,
    batch: 16,
    seed: 0,
    stopLoss: null,
    validate: 0.2,
    precision: 'f64',
    start: null,
  };
  return { network, data, settings };
}

/** Repetitions of the timed calibration run; the fastest counts. */
const REPETITIONS = 8;

/**
 * This machine's seconds per second of the reference machine (training/estimate.ts COSTS):
 * the fastest of several short timed runs after a warm-up, so a moment of load on a shared
 * machine does not make every estimate of the session too long. `clock` reads seconds (the
 * wall clock; bench/estimate.mjs also passes the CPU clock). Runs in the worker, once, at start.
 */
export function measureScale(clock: () => number = () => performance.now() / 1000): number {
  try {
    const warm = calibrationRun(8);
    createTrainer(warm.network, warm.data, warm.settings).train({});
    const timed = calibrationRun(12);
    // The run's fixed cost in the editor (its first snapshot, its rows explained) is not part of this bare loop.
    const reference = referenceSeconds(runFeatures(timed)) - COSTS.run;
    let best = Infinity;
    for (let i = 0; i < REPETITIONS; i++) {
      const started = clock();
      createTrainer(timed.network, timed.data, timed.settings).train({});
      best = Math.min(best, clock() - started);
    }
    return best > 0 && Number.isFinite(best) ? best / reference : 1;
  } catch {
    return 1;
  }
}
