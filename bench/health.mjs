// What training health costs: the trainer's workloads trained as the editor's worker trains them (snapshots on), without and with the health measurements it then makes (docs/editor.md "Training health").
//
// Interleaved in one process, run after run (A then B, repeated), so a busy machine slows both
// alike; the median of the per-pair ratios is printed. See README.md "Training health".
//
//   node bench/health.mjs                   workloads a, b, c, f64 and f32, 7 pairs each
//   node bench/health.mjs --repeat 11 --workloads c
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WORKLOADS, makeData, nnWorkload } from './trainer.mjs';
import { bundleSources } from './bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BUNDLE = join(here, 'results', 'nn-health.mjs');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

await bundleSources("export { createTrainer } from './server/src/engine';\nexport { trainedHealth, measureSnapshots } from './server/src/present/health';\n", BUNDLE);
const { createTrainer, trainedHealth, measureSnapshots } = await import(pathToFileURL(BUNDLE).href);

const repeat = Number(arg('--repeat', '7'));
const names = arg('--workloads', 'a,b,c').split(',');
const precisions = arg('--precisions', 'f64,f32').split(',');
/** As the worker asks (training/worker.ts SNAPSHOTS, SNAPSHOT_VALUES). */
const SNAPSHOTS = { maxSnapshots: 40, maxValues: 1_000_000 };

function once(w, data, precision, withHealth) {
  const { network, dataset, settings } = nnWorkload(w, data, precision);
  const run = { network, data: dataset, settings };
  const t0 = performance.now();
  const trainer = createTrainer(network, dataset, settings);
  const result = trainer.train({ snapshots: SNAPSHOTS });
  const t1 = performance.now();
  if (withHealth) {
    const snapshots = result.snapshots ?? [];
    const { plan, health } = trainedHealth(trainer, run, result, snapshots);
    measureSnapshots(trainer, result.layers, snapshots, plan, health.measure);
  }
  return { train: t1 - t0, total: performance.now() - t0 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| workload | precision | training (median ms) | health (median ms) | health / training |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const name of names) {
  const w = WORKLOADS[name];
  const data = makeData(w);
  for (const precision of precisions) {
    once(w, data, precision, true); // warm-up
    const ratios = [];
    const trains = [];
    const costs = [];
    for (let i = 0; i < repeat; i++) {
      const plain = once(w, data, precision, false);
      const measured = once(w, data, precision, true);
      const cost = measured.total - measured.train;
      trains.push(plain.train);
      costs.push(cost);
      ratios.push(cost / plain.train);
    }
    console.log(`| ${w.title} | ${precision} | ${median(trains).toFixed(1)} | ${median(costs).toFixed(2)} | ${(100 * median(ratios)).toFixed(2)}% |`);
  }
}
