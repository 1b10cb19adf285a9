// The editor's training-time estimate against the time the run takes, for every example and a grid of generated specs (docs/editor.md "Auto-train and the estimate").
//
// Each run trains as the editor trains it: the language server's TrainingHost, its worker
// (dist/worker.js) and the speed that worker measured at start. The estimate is what the lens
// shows before the run (`est. …`, every epoch); "all epochs" is the time of the run with its
// `stop when` removed, the time the estimate speaks of; "as written" is the time with the stop
// target kept, for the examples that have one. Target: every ratio estimate / all epochs
// within 0.5–2. Times are the worker's wall clock (what the user waits), and the process's CPU
// time over the same span (what the run cost; on a shared machine the wall clock also counts
// the time other processes held the cores).
//
// Usage: node bench/estimate.mjs            (builds dist/ first; prints a markdown table)
//        node bench/estimate.mjs --examples (the examples only)
//        node bench/estimate.mjs --repeat 3 (each run's best of 3, for a busy machine)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleSources } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const examplesOnly = args.includes('--examples');
const repeat = Number(args.includes('--repeat') ? args[args.indexOf('--repeat') + 1] : 1);

const build = spawnSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(`build failed:\n${build.stdout}\n${build.stderr}`);
  process.exit(1);
}

// The host and the checker, bundled from the sources as the server bundles them.
const dir = mkdtempSync(join(tmpdir(), 'nn-estimate-'));
const bundle = join(dir, 'host.mjs');
await bundleSources("export { TrainingHost } from './server/src/training/host'; export { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from './server/src/language'; export { runFeatures, referenceSeconds } from './server/src/training/estimate'; export { measureScale } from './server/src/training/measure';", bundle);
const { TrainingHost, check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, runFeatures, referenceSeconds, measureScale } = await import(pathToFileURL(bundle).href);
rmSync(dir, { recursive: true, force: true });

const examplesDir = join(root, 'examples');
function checked(text, specPath) {
  const result = check(text, {
    specPath,
    allowedRoot: examplesDir,
    readFile: (path) => ({ text: readFileSync(path, 'utf8') }),
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  if (result.errorCount > 0) throw new Error(`${specPath}: ${result.problems.map((p) => p.message).join('; ')}`);
  return result;
}

const withoutStop = (text) => text.replace(/\n[ \t]*stop when loss < [\d.e-]+[^\n]*/g, '');

/** The grid: the examples' hidden sizes, batches and epochs, on generated two-input data. */
function gridSpecs() {
  const specs = [];
  for (const hidden of ['4', '16', '16 16', '64']) {
    for (const batch of ['full', '32', '8', '1']) {
      for (const [samples, epochs] of [[100, 3000], [300, 300], [300, 3000]]) {
        // Batch 1 on 300 rows for 3,000 epochs is 900,000 updates: keep the grid's runs to seconds.
        if (batch === '1' && samples * epochs > 100_000) continue;
        const layers = hidden.split(' ').map((units, i) => `  layer h${i + 1} ${units} tanh`).join('\n');
        specs.push({
          name: `2-${hidden.replace(' ', '-')}-1, ${samples} rows, batch ${batch}, ${epochs} epochs`,
          text: `network n {\n  input 2\n${layers}\n  layer out 1 sigmoid\n}\ndata d = spiral(samples ${samples}, noise 0.1, seed 1)\ntrain n on d {\n  loss cross_entropy\n  optimizer adam rate 0.01\n  epochs ${epochs}\n  batch ${batch}\n  seed 1\n}\n`,
        });
      }
    }
  }
  return specs;
}

const host = new TrainingHost({ workerPath: join(root, 'dist', 'worker.js'), poolSize: 1 });
const events = [];
let wake = () => undefined;
host.onEvent((event) => {
  events.push(event);
  wake();
});
function next(test, ms = 120_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    const poll = () => {
      const found = events.find(test);
      if (!found) return;
      events.length = 0;
      clearTimeout(timer);
      wake = () => undefined;
      resolve(found);
    };
    wake = poll;
    poll();
  });
}

// The worker measures the machine's speed when it is idle after start; wait for it.
await new Promise((resolve) => setTimeout(resolve, 1500));
const startScale = host.speed.speed;
// The same calibration timed by this process's CPU clock: the scale of a core nobody else uses.
const cpuScale = measureScale(() => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
});

let version = 0;
/** Trains the run; returns the seconds the worker took (the editor's run time), the process's CPU seconds meanwhile, and the epochs done. */
async function time(run) {
  const uri = `file:///bench/${version}.nn`;
  let best = null;
  for (let i = 0; i < repeat; i++) {
    host.update(uri, ++version, [run]);
    const cpu = process.cpuUsage();
    host.train(uri, [run.key], 600);
    await next((e) => e.uri === uri && (e.kind === 'done' || e.kind === 'failed'));
    const used = process.cpuUsage(cpu);
    const outcome = host.state(uri, run).outcome;
    if (!best || outcome.seconds < best.seconds) best = { seconds: outcome.seconds, cpu: (used.user + used.system) / 1e6, epochs: outcome.result.epochs };
    host.close(uri);
  }
  return best;
}

const rows = [];
async function measure(name, text, specPath) {
  const runs = checked(text, specPath).runs;
  const full = checked(withoutStop(text), specPath).runs;
  for (let i = 0; i < runs.length; i++) {
    const estimate = host.speed.seconds(full[i]);
    const all = await time(full[i]);
    const written = runs[i].settings.stopLoss !== null ? await time(runs[i]) : null;
    const features = runFeatures(full[i]);
    rows.push({ name: runs.length > 1 ? `${name} (run ${i + 1})` : name, features, estimate, free: cpuScale * referenceSeconds(features), all, written });
    console.error(`${name}: est ${estimate.toFixed(3)} s, all epochs ${all.seconds.toFixed(3)} s wall, ${all.cpu.toFixed(3)} s CPU${written ? `, as written ${written.seconds.toFixed(3)} s at epoch ${written.epochs}` : ''}`);
  }
}

for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.nn')).sort()) {
  const path = join(examplesDir, file);
  await measure(`examples/${file}`, readFileSync(path, 'utf8'), path);
}
if (!examplesOnly) for (const spec of gridSpecs()) await measure(spec.name, spec.text, join(examplesDir, 'grid.nn'));
host.dispose();

const seconds = (s) => (s < 0.1 ? s.toFixed(3) : s < 10 ? s.toFixed(2) : s.toFixed(1));
console.log(`\nMeasured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}${repeat > 1 ? `, best of ${repeat}` : ''}.\n`);
console.log(
  `The scale the worker measured at start: ${startScale.toFixed(2)} (this machine's seconds per second of the reference machine), ` +
    `${host.speed.speed.toFixed(2)} after the runs corrected it; by the CPU clock: ${cpuScale.toFixed(2)}.\n`,
);
console.log('| run | parameters | rows (train + held out) | batch | epochs | estimate (editor) | all epochs, wall | ÷ | estimate (free core) | all epochs, CPU | ÷ | as written, wall |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { name, features: f, estimate, free, all, written } of rows) {
  console.log(
    `| ${name} | ${f.parameters} | ${f.trainRows} + ${f.heldOutRows} | ${f.batch} | ${f.epochs} | ${seconds(estimate)} s | ${seconds(all.seconds)} s | ${(estimate / all.seconds).toFixed(2)} | ${seconds(free)} s | ${seconds(all.cpu)} s | ${(free / all.cpu).toFixed(2)} | ${written ? `${seconds(written.seconds)} s (epoch ${written.epochs})` : ''} |`,
  );
}
const summary = (what, ratios) =>
  `${what}: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, within 0.5–2 for ${ratios.filter((r) => r >= 0.5 && r <= 2).length} of ${ratios.length}`;
console.log(`\n${summary('editor estimate ÷ wall', rows.map((r) => r.estimate / r.all.seconds))}; ${summary('free-core estimate ÷ CPU', rows.map((r) => r.free / r.all.cpu))}.`);
