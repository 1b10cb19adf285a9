// GFLOP/s of the trainer's three matrix products (forward, deltas, weight gradients) on the benchmark workloads, WebAssembly SIMD against the reference's plain loops.
//
//   node bench/kernels.mjs [--seconds 0.5] [--threads N] [--cpu] [--json]
//
// The kernels are bundled from server/src/engine/kernels.ts, the plain loops from
// server/src/nn/backprop.ts, with esbuild (no build
// step needed). Shapes are those of one batch of each workload, activations
// stored units × samples as in the trainer:
//   forward   Z⁽ᵏ⁾ = W⁽ᵏ⁾ A⁽ᵏ⁻¹⁾         (units × inputs)·(inputs × batch)
//   deltas    Wᵀ⁽ᵏ⁺¹⁾ D⁽ᵏ⁺¹⁾           (inputs × units)·(units × batch), k ≥ 2 only
//   gradient  D⁽ᵏ⁾ A⁽ᵏ⁻¹⁾ᵀ             (units × batch)·(batch × inputs)
// A multiply-add counts as 2 floating-point operations. "matmul.ts" is the
// trainer's first register-tiled TypeScript (test/support/matmul.ts, f64
// arithmetic in both precisions), for comparison. "sgd ms/step" is the optimizer's pass over every weight and
// bias (sgd with momentum; kernels.sgdUpdate), which the matmul.ts row lacks.
// With --threads N, the SIMD kernels also run with N − 1
// helper threads (large products split by columns; same numbers). With
// --cpu, time is the process's CPU time rather than the wall clock: on a busy
// shared machine that is what a single thread's speed would be on an idle one
// (it is not meaningful with --threads).
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) > 0 ? Number(args[args.indexOf('--seconds') + 1]) : 0.5;

async function load(entry) {
  const out = await esbuild.build({
    entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'error',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}

const { createSimdKernels } = await load('server/src/engine/kernels.ts');
const { plainProducts } = await load('server/src/nn/backprop.ts');
const { startKernelHelpers } = await load('server/src/training/kernelHelpers.ts');
const cpu = args.includes('--cpu');
const threads = args.includes('--threads') ? Math.max(1, Number(args[args.indexOf('--threads') + 1]) | 0) : 1;
// The first, register-tiled TypeScript products, kept with the tests as an independent check.
const matmul = await load('test/support/matmul.ts');

const WORKLOADS = [
  { name: '(c) 784-256-10, batch 64', sizes: [784, 256, 10], batch: 64 },
  { name: '(b) 64-128-64-10, batch 32', sizes: [64, 128, 64, 10], batch: 32 },
];

/** The products of one training step: [kind, m, n, k] for each layer. */
function products(sizes, batch) {
  const list = [];
  for (let k = 1; k < sizes.length; k++) {
    list.push(['forward', sizes[k], batch, sizes[k - 1], k]);
    if (k >= 2) list.push(['deltas', sizes[k - 1], batch, sizes[k], k]);
    list.push(['gradient', sizes[k], sizes[k - 1], batch, k]);
  }
  return list;
}

function randomFill(v, seed) {
  let s = seed;
  for (let i = 0; i < v.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = s / 4294967296 - 0.5;
  }
}

/** Buffers for every layer, allocated by the kernels (in their memory for wasm). */
function buffers(allocate, sizes, batch) {
  const layers = [];
  for (let k = 0; k < sizes.length; k++) {
    const layer = {
      activations: allocate(sizes[k] * batch),
      z: allocate(sizes[k] * batch),
      delta: allocate(sizes[k] * batch),
      weights: k > 0 ? allocate(sizes[k] * sizes[k - 1]) : null,
      biases: allocate(sizes[k]),
      gradient: k > 0 ? allocate(sizes[k] * sizes[k - 1]) : null,
    };
    for (const [i, v] of Object.values(layer).entries()) if (v) randomFill(v, 17 + i + 10 * k);
    layers.push(layer);
  }
  return layers;
}

function call(impl, kind, L, m, n, kk, k) {
  if (kind === 'forward') {
    impl.multiply(L[k].z, L[k].weights, L[k - 1].activations, m, n, kk);
  } else if (kind === 'deltas') impl.multiplyTransposedLeft(L[k - 1].delta, L[k].weights, L[k].delta, m, n, kk);
  else impl.multiplyTransposedRight(L[k].gradient, L[k].delta, L[k - 1].activations, m, n, kk, false);
}

function cpuSeconds(usage) {
  return (usage.user + usage.system) / 1e6;
}

/**
 * Seconds per call of `fn`: the best of 5 rounds of at least `seconds`/5 each,
 * after a warm-up, so other processes on a shared machine skew it least.
 */
function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  let best = Infinity;
  for (let round = 0; round < 5; ) {
    const start = cpu ? process.cpuUsage() : process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const elapsed = cpu ? cpuSeconds(process.cpuUsage(start)) : Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed < seconds / 5) {
      reps = Math.max(reps * 2, Math.ceil((reps * seconds) / 5 / Math.max(elapsed, 1e-6)));
      continue;
    }
    best = Math.min(best, elapsed / reps);
    round++;
  }
  return best;
}

const rows = [];
for (const workload of WORKLOADS) {
  for (const precision of ['f32', 'f64']) {
    const allocate = (n) => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
    const implementations = [
      ['wasm-simd', createSimdKernels(precision, false)],
      ['reference', { ...plainProducts(precision), allocate }],
    ];
    if (threads > 1) {
      const shared = createSimdKernels(precision, false, { start: startKernelHelpers, count: threads - 1 });
      const deadline = Date.now() + 20_000;
      while (shared.threads !== threads && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      implementations.splice(1, 0, [`wasm-simd ×${shared.threads}`, shared]);
    }
    implementations.push(['matmul.ts', { ...matmul, allocate }]);
    for (const [name, impl] of implementations) {
      const L = buffers((n) => impl.allocate(n), workload.sizes, workload.batch);
      const list = products(workload.sizes, workload.batch);
      const byKind = {};
      let totalFlops = 0;
      let totalTime = 0;
      for (const kind of ['forward', 'deltas', 'gradient']) {
        const mine = list.filter((p) => p[0] === kind);
        const flops = mine.reduce((s, [, m, n, kk]) => s + 2 * m * n * kk, 0);
        const t = time(() => {
          for (const [, m, n, kk, k] of mine) call(impl, kind, L, m, n, kk, k);
        });
        byKind[kind] = flops / t / 1e9;
        totalFlops += flops;
        totalTime += t;
      }
      // The sgd-with-momentum update of every weight and bias (the optimizer's pass), where the kernels have it.
      let updateMs = null;
      if (impl.sgdUpdate) {
        const velocities = L.map((layer) => [layer.weights && impl.allocate(layer.weights.length), impl.allocate(layer.biases.length)]);
        updateMs = 1e3 * time(() => {
          for (let k = 1; k < L.length; k++) {
            impl.sgdUpdate(L[k].weights, L[k].gradient, velocities[k][0], 1, 0.9, 0.01);
            impl.sgdUpdate(L[k].biases, L[k].delta.subarray(0, L[k].biases.length), velocities[k][1], 1, 0.9, 0.01);
          }
        });
      }
      rows.push({
        workload: workload.name, precision, implementation: name,
        forward: byKind.forward, deltas: byKind.deltas, gradient: byKind.gradient,
        all: totalFlops / totalTime / 1e9, msPerStep: totalTime * 1e3, updateMs,
      });
    }
  }
}

if (args.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const f = (x) => x.toFixed(2).padStart(8);
  console.log(`node ${process.version}, GFLOP/s (a multiply-add = 2 FLOP), ${cpu ? 'per CPU second' : 'wall clock'}, best of 5\n`);
  console.log('workload                      prec  implementation   forward   deltas  gradient   all 3   ms/step  sgd ms/step');
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(29)} ${r.precision}   ${r.implementation.padEnd(14)} ${f(r.forward)} ${f(r.deltas)} ${f(r.gradient)} ${f(r.all)} ${r.msPerStep.toFixed(3).padStart(9)} ${r.updateMs === null ? '        —' : r.updateMs.toFixed(3).padStart(12)}`,
    );
  }
}
