// Quick timing of the trainer's hot loop (GFLOP/s = 6 × parameters × samples / time) on the shapes the bench suite compares.
//
// Bundles the trainer (server/src/engine createTrainer) with bundle.mjs into a temporary module, trains on random
// data per shape, and prints GFLOP/s of the best and the median batch.
// Usage: node bench/quick-trainer.mjs [--precision f32] [--seconds 2]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { bundleSources } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const precision = flag('--precision', 'f64');
const budgetSeconds = Number(flag('--seconds', '2'));

const dir = mkdtempSync(join(tmpdir(), 'nn-quick-'));
const bundle = join(dir, 'trainer.mjs');
await bundleSources("export { createTrainer } from './server/src/engine'; export { Rng } from './server/src/nn/rng';", bundle);
const { createTrainer, Rng } = await import(pathToFileURL(bundle).href);
rmSync(dir, { recursive: true, force: true });

const SHAPES = [
  { sizes: [64, 128, 64, 10], batch: 32, rows: 2048 },
  { sizes: [784, 256, 10], batch: 64, rows: 1024 },
];

const span = { start: 0, end: 0 };
for (const { sizes, batch, rows } of SHAPES) {
  const rng = new Rng(1, 7);
  const inputs = Float64Array.from({ length: rows * sizes[0] }, () => rng.uniform(-1, 1));
  const classes = sizes[sizes.length - 1];
  const targets = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) targets[r * classes + rng.int(classes)] = 1;
  const network = {
    name: 'bench', input: sizes[0], span, nameSpan: span,
    layers: sizes.slice(1).map((units, i) => ({
      name: `layer${i + 1}`, units, span,
      activation: i === sizes.length - 2 ? 'softmax' : 'relu',
      init: i === sizes.length - 2 ? 'xavier' : 'he',
    })),
  };
  const data = {
    name: 'random', rows, inputWidth: sizes[0], targetWidth: classes, inputs, targets,
    inputNames: [], classes: null, normalize: null, rowSpans: null,
  };
  const settings = {
    loss: 'cross_entropy', optimizer: { kind: 'sgd', rate: 0.01, momentum: 0.9 }, epochs: 1, batch, seed: 0,
    stopLoss: null, validate: null, precision,
  };
  let parameters = 0;
  for (let k = 1; k < sizes.length; k++) parameters += sizes[k] * (sizes[k - 1] + 1);
  // Time single batches (the machine may be shared: the best batch shows the code's speed, the
  // median what a loaded machine gives); the first epoch warms up the JIT and is not counted.
  const trainer = createTrainer(network, data, { ...settings, epochs: 1_000_000 });
  const flopsPerBatch = 6 * parameters * batch;
  const batchesPerEpoch = Math.ceil(rows / batch);
  let warm = 0;
  trainer.advance({}, () => warm++ >= batchesPerEpoch);
  const times = [];
  const started = performance.now();
  while (performance.now() - started < budgetSeconds * 1000 || times.length < 20) {
    let batches = 0;
    const t0 = performance.now();
    trainer.advance({}, () => batches++ >= 1);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const gflops = (ms) => (flopsPerBatch / (ms / 1000) / 1e9).toFixed(2);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${sizes.join('-')} batch ${batch} ${precision}: ${gflops(times[0])} GFLOP/s best batch, ${gflops(median)} median ` +
      `(${times[0].toFixed(3)} / ${median.toFixed(3)} ms per batch, ${parameters} parameters, ${times.length} batches)`,
  );
}
