// Training-speed comparison: the nn-lang trainer against the JavaScript libraries a user would otherwise pick.
//
// Every library trains the same networks on the same seeded data with the same batch
// size and plain SGD; each (library, workload) pair runs in a fresh child process so
// one library's JIT state, heap or thread pool cannot slow the next. nn-lang runs as `nn`
// loads it (dist/, built first, with its V8 code cache); `brain-cached` is brain.js with a code
// cache of its own, on (a). See README.md.
//
//   node trainer.mjs                      all libraries, all workloads, print the table
//   node trainer.mjs --readme             ... and write the table into README.md
//   node trainer.mjs --libs nn-f64,tfjs-wasm --workloads b,c --repeat 5
//   node trainer.mjs --clock cpu          rates from CPU time instead of wall time (on a busy machine)
//   node trainer.mjs --render --readme    the table of the last run again (from results/last.json)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { random as rng } from './random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// ---------------------------------------------------------------------------
// Workloads: identical for every library.

/** sizes: input width then units per layer; hidden layers use `hidden`, the output layer sigmoid; loss ½Σ(ŷ−y)². */
export const WORKLOADS = {
  a: { title: '(a) XOR 2-4-1, full batch, 10,000 epochs', sizes: [2, 4, 1], hidden: 'sigmoid', rows: 4, batch: 4, epochs: 10_000, rate: 0.5, xor: true },
  b: { title: '(b) 64-128-64-10, 4,096 samples, batch 32, 5 epochs', sizes: [64, 128, 64, 10], hidden: 'relu', rows: 4096, batch: 32, epochs: 5, rate: 0.1 },
  c: { title: '(c) 784-256-10, 2,048 samples, batch 64, 3 epochs', sizes: [784, 256, 10], hidden: 'relu', rows: 2048, batch: 64, epochs: 3, rate: 0.1 },
};

/** Trainable parameters: weights and biases of every layer. */
export function parameterCount(sizes) {
  let n = 0;
  for (let k = 1; k < sizes.length; k++) n += sizes[k] * (sizes[k - 1] + 1);
  return n;
}

/** Seeded synthetic classification data: one Gaussian blob per class, one-hot targets. */
export function makeData(w) {
  const d = w.sizes[0];
  const out = w.sizes[w.sizes.length - 1];
  if (w.xor) {
    return { rows: 4, d, out, x: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1), y: Float64Array.of(0, 1, 1, 0) };
  }
  const rand = rng(12345 + d);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const centers = Array.from({ length: out }, () => Array.from({ length: d }, () => rand() * 2 - 1));
  const x = new Float64Array(w.rows * d);
  const y = new Float64Array(w.rows * out);
  for (let r = 0; r < w.rows; r++) {
    const c = Math.floor(rand() * out);
    for (let i = 0; i < d; i++) x[r * d + i] = centers[c][i] + 0.7 * gauss();
    y[r * out + c] = 1;
  }
  return { rows: w.rows, d, out, x, y };
}

/** Wall time (what the user waits for) and this process's CPU time (less disturbed by a busy machine). */
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
function since(t0) {
  const cpu = process.cpuUsage(t0.cpu);
  return { seconds: (performance.now() - t0.wall) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const rowsOf = (flat, rows, width) => Array.from({ length: rows }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));

// ---------------------------------------------------------------------------
// One runner per library. Each returns { seconds, loss } where seconds is the time from
// data in memory to a trained model (building the model included, loading the library not).

const RUNNERS = {
  async 'nn-f64'(w, data) { return runNn(w, data, 'f64'); },
  async 'nn-f32'(w, data) { return runNn(w, data, 'f32'); },
  async 'tfjs-cpu'(w, data) { return runTf(w, data, 'cpu'); },
  async 'tfjs-wasm'(w, data) { return runTf(w, data, 'wasm'); },
  async brain(w, data) {
    return runBrain(w, data, (await import('brain.js')).default);
  },
  async 'brain-cached'(w, data) {
    const brain = launcher().requireCached(BRAIN_BUNDLE);
    if (process.argv.includes('--write-cache')) process.on('exit', () => brain.writeCache());
    else if (brain.cache !== 'accepted') throw new Error(`brain.js's code cache was ${brain.cache}`);
    return runBrain(w, data, brain.exports);
  },
  async synaptic(w, data) {
    const { Layer, Network, Trainer, Neuron } = (await import('synaptic')).default;
    const set = rowsOf(data.x, data.rows, data.d).map((input, r) => ({ input, output: Array.from(data.y.subarray(r * data.out, (r + 1) * data.out)) }));
    const t0 = clock();
    const layers = w.sizes.map((n) => new Layer(n));
    for (let k = 1; k < layers.length; k++) {
      const last = k === layers.length - 1;
      layers[k].set({ squash: last || w.hidden === 'sigmoid' ? Neuron.squash.LOGISTIC : Neuron.squash.RELU });
      layers[k - 1].project(layers[k]);
    }
    const net = new Network({ input: layers[0], hidden: layers.slice(1, -1), output: layers[layers.length - 1] });
    // synaptic: online updates only (batch 1); `error` must be > 0 or it falls back to 0.005.
    const res = new Trainer(net).train(set, { rate: w.rate, iterations: w.epochs, error: 1e-300, shuffle: !w.xor, cost: Trainer.cost.MSE });
    return { ...since(t0), loss: res.error, iterations: res.iterations };
  },
};

/** dist/cli.js, the `nn` launcher: its loadProgram() and requireCached() (server/src/codeCache.ts). */
const launcher = () => createRequire(import.meta.url)(join(root, 'dist', 'cli.js'));

/**
 * The trainer as `nn` loads it: dist/cli.js's program with its code cache (server/src/codeCache.ts),
 * built by the driver (build.mjs) before it starts the children. The child fails if V8 refused
 * the cache, so a table never mixes runs with and without it.
 */
function loadNn() {
  const program = launcher().loadProgram();
  if (program.cache !== 'accepted') throw new Error(`nn's code cache was ${program.cache}: run build.mjs with this Node`);
  return program.exports;
}

/** Builds dist/ (and nn's code cache) as `npm run build` does, so the benchmark runs the code as it is now. */
function buildNn() {
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build.mjs failed:\n${build.stdout}\n${build.stderr}`);
}

const BRAIN_BUNDLE = join(here, 'results', 'brain.cjs');

/**
 * brain.js with a code cache of its own, as nn-lang has (`brain-cached`, workload (a) only): its
 * package bundled into one file, and the bytecode of one untimed run of the same workload.
 */
async function buildBrainCached() {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  mkdirSync(dirname(BRAIN_BUNDLE), { recursive: true });
  await esbuild.build({ entryPoints: [createRequire(import.meta.url).resolve('brain.js')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: BRAIN_BUNDLE, logLevel: 'error' });
  await esbuild.stop();
  rmSync(`${BRAIN_BUNDLE}.cache`, { force: true });
  const warm = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', 'brain-cached:a', '--write-cache'], { encoding: 'utf8', cwd: here });
  if (warm.status !== 0) throw new Error(`brain.js's code cache: ${warm.stderr}`);
}

/** A workload as the nn-lang trainer takes it: the network, data set and run settings the checker would build from a spec. */
export function nnWorkload(w, data, precision) {
  const span = { start: 0, end: 0 };
  const network = {
    name: 'bench', input: w.sizes[0], span, nameSpan: span,
    layers: w.sizes.slice(1).map((units, k) => {
      const activation = k === w.sizes.length - 2 ? 'sigmoid' : w.hidden;
      return { name: `layer${k + 1}`, units, activation, init: activation === 'relu' ? 'he' : 'xavier', span };
    }),
  };
  const dataset = {
    name: 'bench', rows: data.rows, inputWidth: data.d, targetWidth: data.out, inputs: data.x, targets: data.y,
    inputNames: Array.from({ length: data.d }, (_, i) => `x${i + 1}`), classes: null, normalize: null, rowSpans: null,
  };
  const settings = {
    loss: 'mse', optimizer: { kind: 'sgd', rate: w.rate, momentum: 0 }, epochs: w.epochs,
    batch: w.batch >= data.rows ? 'full' : w.batch, seed: 1, stopLoss: null, validate: null, precision,
  };
  return { network, dataset, settings };
}

async function runNn(w, data, precision) {
  const { createTrainer } = loadNn();
  const { network, dataset, settings } = nnWorkload(w, data, precision);
  const t0 = clock();
  const trainer = createTrainer(network, dataset, settings);
  const res = trainer.train({});
  return { ...since(t0), loss: res.loss, iterations: res.epochs };
}

/** brain.js 1.x (its module's exports given): one activation for every layer, updates after every sample (batch 1). */
function runBrain(w, data, brain) {
  const set = rowsOf(data.x, data.rows, data.d).map((input, r) => ({ input, output: Array.from(data.y.subarray(r * data.out, (r + 1) * data.out)) }));
  const t0 = clock();
  // It rejects momentum 0 and errorThresh 0, so both are set to 1e-300 (no effect on the numbers).
  const net = new brain.NeuralNetwork({ hiddenLayers: w.sizes.slice(1, -1), activation: 'sigmoid' });
  const res = net.train(set, { iterations: w.epochs, errorThresh: 1e-300, learningRate: w.rate, momentum: 1e-300, log: false, timeout: Infinity });
  return { ...since(t0), loss: res.error, iterations: res.iterations };
}

async function runTf(w, data, backend) {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} unavailable`);
  await tf.ready();
  const t0 = clock();
  // The fastest way to drive tfjs: a hand-written loop over optimizer.minimize (model.fit adds per-batch callbacks).
  const model = tf.sequential();
  for (let k = 1; k < w.sizes.length; k++) {
    const activation = k === w.sizes.length - 1 ? 'sigmoid' : w.hidden;
    model.add(tf.layers.dense({ units: w.sizes[k], activation, ...(k === 1 ? { inputShape: [w.sizes[0]] } : {}) }));
  }
  const xs = tf.tensor2d(Float32Array.from(data.x), [data.rows, data.d], 'float32');
  const ys = tf.tensor2d(Float32Array.from(data.y), [data.rows, data.out], 'float32');
  const opt = tf.train.sgd(w.rate);
  // The spec's loss: ½ Σ (ŷ − y)² per sample, averaged over the batch.
  const lossOf = (xb, yb, n) => tf.square(tf.sub(model.apply(xb), yb)).sum().mul(0.5 / n);
  const rand = rng(1);
  const perm = Int32Array.from({ length: data.rows }, (_, i) => i);
  let last = null;
  for (let e = 0; e < w.epochs; e++) {
    if (w.batch >= data.rows) {
      last?.dispose();
      last = opt.minimize(() => lossOf(xs, ys, data.rows), true);
      continue;
    }
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let s = 0; s < data.rows; s += w.batch) {
      const n = Math.min(w.batch, data.rows - s);
      const idx = tf.tensor1d(perm.subarray(s, s + n), 'int32');
      last?.dispose();
      last = tf.tidy(() => opt.minimize(() => lossOf(tf.gather(xs, idx), tf.gather(ys, idx), n), true));
      idx.dispose();
    }
  }
  const loss = (await last.data())[0];
  return { ...since(t0), loss, iterations: w.epochs };
}

// ---------------------------------------------------------------------------
// Driver.

const LIBS = ['nn-f64', 'nn-f32', 'tfjs-cpu', 'tfjs-wasm', 'brain', 'brain-cached', 'synaptic'];

/** Whether `lib` runs workload `key`: brain.js with a code cache only on (a), the one run short enough for compiling to matter. */
const runs = (lib, key) => lib !== 'brain-cached' || key === 'a';

const MATCHES = {
  'nn-f64': 'exact workload (64-bit floats)',
  'nn-f32': 'exact workload (32-bit floats)',
  'tfjs-cpu': 'exact workload (32-bit floats; TF.js has no float64)',
  'tfjs-wasm': 'exact workload (32-bit floats)',
  brain: 'batch 1 (no mini-batches), sigmoid in every layer (one activation per net), no shuffling',
  'brain-cached': "brain.js as above, loaded with a V8 code cache of one earlier run of this workload (as nn-lang loads with the one build.mjs makes)",
  synaptic: 'batch 1 (online updates only), its own output-layer error (target − ŷ, no σ′)',
};

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/**
 * The per-sample libraries take minutes on (c), so they train 1 of its 3 epochs: samples/s and
 * GFLOP/s do not depend on the epoch count (their cost per sample is the same every epoch).
 */
export function epochsFor(lib, key) {
  return key === 'c' && (lib === 'brain' || lib === 'synaptic') ? 1 : WORKLOADS[key].epochs;
}

async function child() {
  const [lib, key] = arg('--one').split(':');
  const w = { ...WORKLOADS[key], epochs: epochsFor(lib, key) };
  const data = makeData(w);
  const res = await RUNNERS[lib](w, data);
  process.stdout.write(JSON.stringify(res) + '\n');
  process.exit(0);
}

function fmt(n, digits = 3) {
  if (n == null || !Number.isFinite(n)) return '—';
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(digits);
}

async function main() {
  const libs = arg('--libs', LIBS.join(',')).split(',');
  const keys = arg('--workloads', 'a,b,c').split(',');
  const timeout = Number(arg('--timeout', '600')) * 1000;
  // Best of `--repeat` runs (the machine may be shared), interleaved across libraries so a burst of
  // load hits all of them alike; a library that needs more than SLOW seconds runs once.
  const repeat = Number(arg('--repeat', '3'));
  const clockKind = arg('--clock', 'wall');
  const SLOW = 15;
  // nn-lang's code cache comes from dist/ (build.mjs); brain.js's from an untimed run of (a).
  if (libs.some((lib) => lib.startsWith('nn-') || lib === 'brain-cached')) buildNn();
  if (libs.includes('brain-cached') && keys.includes('a')) await buildBrainCached();
  const results = {};
  for (const key of keys) {
    const w = WORKLOADS[key];
    results[key] = {};
    for (let attempt = 1; attempt <= repeat; attempt++) {
      for (const lib of libs) {
        if (!runs(lib, key)) continue;
        const best = results[key][lib];
        if (best && (best.error || best.seconds > SLOW)) continue;
        const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', `${lib}:${key}`], { encoding: 'utf8', timeout, cwd: here });
        let r;
        if (p.status === 0) r = JSON.parse(p.stdout.trim().split('\n').pop());
        else r = { error: p.error ? String(p.error.message) : (p.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? `exit ${p.status}`) };
        if (r.seconds != null) {
          const samples = w.rows * epochsFor(lib, key);
          r.time = clockKind === 'cpu' ? r.cpuSeconds : r.seconds;
          r.samplesPerSecond = samples / r.time;
          r.gflops = (6 * parameterCount(w.sizes) * samples) / r.time / 1e9;
          r.runs = (best?.runs ?? 0) + 1;
        }
        if (r.error) {
          if (!best) results[key][lib] = r;
        } else if (!best || r.time < best.time) results[key][lib] = r;
        else best.runs = r.runs;
        process.stderr.write(`${key} ${lib} #${attempt}: ${r.error ?? `${r.seconds.toFixed(3)} s (CPU ${r.cpuSeconds.toFixed(3)} s), ${fmt(r.samplesPerSecond)} samples/s, ${fmt(r.gflops)} GFLOP/s, loss ${fmt(r.loss)}`}\n`);
      }
    }
  }
  const meta = { date: new Date().toISOString(), load: os.loadavg(), repeat, clock: clockKind, libs, keys };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'last.json'), JSON.stringify({ ...meta, results }, null, 2));
  report(results, meta);
}

/** Prints the table (and with --readme writes it into README.md); `--render` redoes this from results/last.json. */
function report(results, meta) {
  const table = render(results, meta);
  process.stdout.write(table + '\n');
  if (process.argv.includes('--readme')) {
    const path = join(here, 'README.md');
    const text = readFileSync(path, 'utf8');
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < 0) throw new Error('README.md lacks the bench markers');
    writeFileSync(path, text.slice(0, a + begin.length) + '\n' + table + '\n' + text.slice(b));
  }
}

function render(results, { date, load, repeat, clock, libs, keys }) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Measured ${date.slice(0, 16).replace('T', ' ')} UTC on ${cpu} (${os.cpus().length} cores), Node ${process.version}; ` +
      `best of up to ${repeat} runs per library (runs over 15 s: one), load average at the end ${load.map((l) => l.toFixed(1)).join(' / ')}; ` +
      (clock === 'cpu'
        ? 'samples/s, GFLOP/s and ratios from **CPU seconds** (the machine was shared; every library here trains on one thread).'
        : 'samples/s, GFLOP/s and ratios from wall seconds.'),
    '',
  ];
  for (const key of keys) {
    const w = WORKLOADS[key];
    const ours = results[key]['nn-f64'];
    lines.push(`**${w.title}** — ${parameterCount(w.sizes).toLocaleString('en-US')} parameters, ${(w.rows * w.epochs).toLocaleString('en-US')} samples`, '');
    lines.push('| library | seconds | CPU seconds | samples/s | GFLOP/s | nn-lang f64 is … × faster | matches the workload? |', '|---|---:|---:|---:|---:|---:|---|');
    for (const lib of libs) {
      const r = results[key][lib];
      if (!r) continue;
      if (r.error) {
        lines.push(`| ${lib} | — | — | — | — | — | failed: ${r.error.replace(/\|/g, '/')} |`);
        continue;
      }
      // Time per sample over nn-lang's, so a library that ran fewer epochs compares fairly.
      const ratio = ours?.samplesPerSecond ? ours.samplesPerSecond / r.samplesPerSecond : null;
      const partial = epochsFor(lib, key) < w.epochs ? `; ran ${epochsFor(lib, key)} of the ${w.epochs} epochs (seconds for those; rates and ratio per sample)` : '';
      lines.push(`| ${lib} | ${r.seconds.toFixed(3)} | ${r.cpuSeconds.toFixed(3)} | ${fmt(r.samplesPerSecond)} | ${fmt(r.gflops)} | ${lib === 'nn-f64' ? '1' : fmt(ratio, 2)} | ${MATCHES[lib]}${partial} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

// Run as a script (threads.mjs imports the workloads without running anything).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--one')) await child();
  else if (process.argv.includes('--render')) {
    const { results, ...meta } = JSON.parse(readFileSync(join(here, 'results', 'last.json'), 'utf8'));
    report(results, meta);
  } else await main();
}
