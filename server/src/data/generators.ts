// The four classic 2-D toy data sets (xor, circle, spiral, gauss), as in TensorFlow Playground, drawn from a seed.
//
// Each returns 2 inputs (x1, x2, roughly in ±6) and 1 target in {0, 1}. `noise`
// is Playground's noise slider as a fraction (0 to 0.5 is its range): it blurs
// the points (spiral, gauss) or the labels near the boundary (xor, circle),
// exactly as Playground does. The rows are shuffled, so the two classes
// interleave and any prefix of the data is a fair sample.

import type { Dataset, GeneratorKind } from '../language/model';
import { Rng, STREAM } from '../nn/rng';
import { sharedFloat64 } from './memory';

export interface GeneratorArgs {
  /** Number of rows (default 200). */
  samples?: number;
  /** Noise as a fraction, Playground's slider / 100 (default 0). */
  noise?: number;
  /** Seed of the draw (default 0). */
  seed?: number;
}

export const GENERATOR_DEFAULTS = { samples: 200, noise: 0, seed: 0 } as const;

/** Where a generator writes its rows: point r is (x, y) = inputs[2r], inputs[2r + 1], its class targets[r]. */
interface Rows {
  inputs: Float64Array;
  targets: Float64Array;
}

function put(rows: Rows, r: number, x: number, y: number, label: number): void {
  rows.inputs[2 * r] = x;
  rows.inputs[2 * r + 1] = y;
  rows.targets[r] = label;
}

const GENERATE: Record<GeneratorKind, (samples: number, noise: number, rng: Rng, rows: Rows) => void> = {
  // Four quadrants: class 1 where x1 and x2 have different signs (the XOR of their signs).
  xor(samples, noise, rng, rows) {
    const padding = 0.3; // keeps points off the axes, where the class flips
    for (let i = 0; i < samples; i++) {
      let x = rng.uniform(-5, 5);
      x += x > 0 ? padding : -padding;
      let y = rng.uniform(-5, 5);
      y += y > 0 ? padding : -padding;
      const noisyX = x + rng.uniform(-5, 5) * noise;
      const noisyY = y + rng.uniform(-5, 5) * noise;
      put(rows, i, x, y, noisyX * noisyY < 0 ? 1 : 0);
    }
  },
  // A disc of class 1 (radius 2.5) inside a ring of class 0 (radius 3.5 to 5).
  circle(samples, noise, rng, rows) {
    const radius = 5;
    const label = (x: number, y: number) => (Math.hypot(x, y) < radius * 0.5 ? 1 : 0);
    const inside = Math.floor(samples / 2);
    for (let i = 0; i < samples; i++) {
      const r = i < inside ? rng.uniform(0, radius * 0.5) : rng.uniform(radius * 0.7, radius);
      const angle = rng.uniform(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = rng.uniform(-radius, radius) * noise;
      const noiseY = rng.uniform(-radius, radius) * noise;
      put(rows, i, x, y, label(x + noiseX, y + noiseY));
    }
  },
  // Two interleaved spiral arms, 1.75 turns each, class 1 and class 0.
  spiral(samples, noise, rng, rows) {
    let row = 0;
    const arm = (count: number, turn: number, label: number) => {
      for (let i = 0; i < count; i++) {
        const r = (i / count) * 5;
        const t = ((1.75 * i) / count) * 2 * Math.PI + turn;
        const x = r * Math.sin(t) + rng.uniform(-1, 1) * noise;
        const y = r * Math.cos(t) + rng.uniform(-1, 1) * noise;
        put(rows, row++, x, y, label);
      }
    };
    const first = Math.floor(samples / 2);
    arm(first, 0, 1);
    arm(samples - first, Math.PI, 0);
  },
  // Two Gaussian blobs around (2, 2), class 1, and (−2, −2), class 0; noise widens them (variance 0.5 to 4).
  gauss(samples, noise, rng, rows) {
    const variance = 0.5 + (Math.min(Math.max(noise, 0), 0.5) / 0.5) * 3.5;
    const spread = Math.sqrt(variance);
    const first = Math.floor(samples / 2);
    for (let i = 0; i < samples; i++) {
      const [cx, cy, label] = i < first ? [2, 2, 1] : [-2, -2, 0];
      put(rows, i, cx + spread * rng.normal(), cy + spread * rng.normal(), label);
    }
  },
};

/**
 * Generates a data set named `name`; arguments are validated by the checker (samples a whole number ≥ 1).
 * The rows are drawn into shared memory (data/memory.ts), so a large set crosses to other threads without a copy.
 */
export function generateDataset(name: string, kind: GeneratorKind, args: GeneratorArgs = {}): Dataset {
  const samples = args.samples ?? GENERATOR_DEFAULTS.samples;
  const noise = args.noise ?? GENERATOR_DEFAULTS.noise;
  const seed = args.seed ?? GENERATOR_DEFAULTS.seed;
  const rng = new Rng(seed, STREAM.generator);
  const rows: Rows = { inputs: sharedFloat64(samples * 2), targets: sharedFloat64(samples) };
  GENERATE[kind](samples, noise, rng, rows);
  shuffleRows(rng, rows, samples);
  return {
    name,
    rows: samples,
    inputWidth: 2,
    targetWidth: 1,
    inputs: rows.inputs,
    targets: rows.targets,
    inputNames: ['x1', 'x2'],
    classes: null,
    normalize: null,
    rowSpans: null,
  };
}

/** Rng.shuffle over the rows, moving each row's point and class together (the same draws, the same order). */
function shuffleRows(rng: Rng, rows: Rows, count: number): void {
  const { inputs, targets } = rows;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = inputs[2 * i];
    const y = inputs[2 * i + 1];
    const label = targets[i];
    inputs[2 * i] = inputs[2 * j];
    inputs[2 * i + 1] = inputs[2 * j + 1];
    targets[i] = targets[j];
    inputs[2 * j] = x;
    inputs[2 * j + 1] = y;
    targets[j] = label;
  }
}
