// Helper threads against one thread on workload (c): the trainer of `nn train --threads N`, in fresh processes.
//
//   node threads.mjs                                  1 and 2 threads, f32 and f64, 5 runs each, alternating
//   node threads.mjs --threads 3 --repeat 9 --epochs 10 --precision f32
//   node threads.mjs --cli                            the same through `nn train --threads N --json`
//                                                     (after `npm run build`), on a spec and CSV of (c)
//
// Each run is a fresh child process that builds the trainer with N − 1 helper
// threads (training/kernelHelpers.ts), waits until they have started (they
// take a few milliseconds, and have V8 optimize their kernels before they
// report ready; that wait is reported, not timed, while --cli times it), then times
// train() by the wall clock: what `--threads` buys once it runs. With --cli,
// each run is `nn train` on a spec whose data is (c)'s, written to a CSV file,
// and the time is the one it reports (training, the helpers' start included).
// The runs alternate (1, N, 1, N, …) so a burst of load hits both alike. The
// final losses must be equal: the threads never change a number.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { WORKLOADS, makeData, nnWorkload } from './trainer.mjs';
import { bundleSources } from './bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BUNDLE = join(here, 'results', 'nn-threads.mjs');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The trainer and the helper starter, bundled from the sources as they are checked out. */
async function bundle() {
  await bundleSources("export { createTrainer } from './server/src/engine';\nexport { startKernelHelpers } from './server/src/training/kernelHelpers';\n", BUNDLE);
}

async function child(threads, precision, epochs) {
  const { createTrainer, startKernelHelpers } = await import(pathToFileURL(BUNDLE).href);
  const w = { ...WORKLOADS.c, epochs };
  const { network, dataset, settings } = nnWorkload(w, makeData(w), precision);
  const helpers = threads > 1 ? { start: startKernelHelpers, count: threads - 1 } : undefined;
  const trainer = createTrainer(network, dataset, settings, { helpers });
  const t0 = performance.now();
  while (trainer.threads !== threads) {
    if (performance.now() - t0 > 10_000) throw new Error(`the helpers did not start (${trainer.threads} of ${threads} threads)`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const t1 = performance.now();
  const result = trainer.train();
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ seconds: (t2 - t1) / 1000, startup: (t1 - t0) / 1000, loss: result.loss }) + '\n');
  process.exit(0);
}

/** A spec of workload (c) and its data as a CSV file (one-hot targets by class name), in a temporary folder. */
function writeCliWorkload(epochs, precision, folder) {
  const w = WORKLOADS.c;
  const data = makeData(w);
  const header = [...Array.from({ length: data.d }, (_, i) => `x${i + 1}`), 'label'];
  const lines = [header.join(',')];
  for (let r = 0; r < data.rows; r++) {
    const label = Array.from(data.y.subarray(r * data.out, (r + 1) * data.out)).indexOf(1);
    lines.push([...Array.from(data.x.subarray(r * data.d, (r + 1) * data.d), (v) => v.toPrecision(6)), `c${label}`].join(','));
  }
  writeFileSync(join(folder, 'c.csv'), lines.join('\n') + '\n');
  const spec = join(folder, `c-${precision}.nn`);
  writeFileSync(spec, [
    'network c {', `  input ${data.d}`, `  layer hidden ${w.sizes[1]} ${w.hidden}`, `  layer out ${data.out} sigmoid`, '}', '',
    'data points from "c.csv" {', `  inputs x1..x${data.d}`, '  target label onehot', '}', '',
    'train c on points {', '  loss mse', `  optimizer sgd rate ${w.rate}`, `  epochs ${epochs}`, `  batch ${w.batch}`, '  seed 1',
    `  precision ${precision}`, '}', '',
  ].join('\n'));
  return spec;
}

/** One `nn train` run: its reported training seconds and final loss. */
function cliRun(spec, threads) {
  const p = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'train', spec, '--threads', String(threads), '--json'], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`nn train failed: ${p.stderr}`);
  const run = JSON.parse(p.stdout).runs[0];
  return { seconds: run.seconds, loss: run.loss };
}

async function main() {
  const threads = Number(arg('--threads', '2'));
  const repeat = Number(arg('--repeat', '5'));
  const epochs = Number(arg('--epochs', '10'));
  const precisions = arg('--precision', 'f32,f64').split(',');
  const cli = process.argv.includes('--cli');
  if (cli && !existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first');
  if (!cli) await bundle();
  const folder = cli ? mkdtempSync(join(os.tmpdir(), 'nn-threads-')) : null;
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(`${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus()[0]?.model ?? 'CPU'} (${os.cpus().length} cores), Node ${process.version}`);
  const how = cli ? '`nn train --threads N --json` seconds (training, the helpers\' start included)' : 'train() by the wall clock, helpers started';
  console.log(`(c) 784-256-10, 2,048 samples, batch 64, ${epochs} epochs; ${how}; ${repeat} runs each, alternating\n`);
  console.log('| precision | threads | best s | median s | one thread ÷ these (median) | same loss |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const precision of precisions) {
    const runs = { 1: [], [threads]: [] };
    const spec = folder ? writeCliWorkload(epochs, precision, folder) : null;
    for (let r = 0; r < repeat; r++) {
      for (const n of [1, threads]) {
        if (spec) {
          runs[n].push(cliRun(spec, n));
          continue;
        }
        const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', `${n}:${precision}:${epochs}`], { encoding: 'utf8', cwd: here });
        if (p.status !== 0) throw new Error(`run failed: ${p.stderr}`);
        runs[n].push(JSON.parse(p.stdout.trim().split('\n').pop()));
      }
    }
    const one = runs[1].map((r) => r.seconds);
    const many = runs[threads].map((r) => r.seconds);
    const same = runs[threads].every((r) => r.loss === runs[1][0].loss) && runs[1].every((r) => r.loss === runs[1][0].loss);
    console.log(`| ${precision} | 1 | ${Math.min(...one).toFixed(3)} | ${median(one).toFixed(3)} | 1 | |`);
    console.log(`| ${precision} | ${threads} | ${Math.min(...many).toFixed(3)} | ${median(many).toFixed(3)} | ${(median(one) / median(many)).toFixed(2)} | ${same ? 'yes' : 'NO'} |`);
  }
  console.log(`\nload average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
  if (folder) rmSync(folder, { recursive: true, force: true });
}

if (process.argv.includes('--one')) {
  const [n, precision, epochs] = arg('--one').split(':');
  await child(Number(n), precision, Number(epochs));
} else await main();
