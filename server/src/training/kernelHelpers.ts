// Starts the helper threads of the SIMD matrix kernels (engine/threads.ts), for `--threads N`: worker_threads may be used here, not in nn/ or engine/.
import { Worker } from 'node:worker_threads';
import { CONTROL, JOB, JOB_FLOATS, JOB_WORDS } from '../engine/layout';
import { floatsOffset, type HelperData, type StartHelpers } from '../engine/threads';

/** Reads of the control block a helper makes, waiting for a job, before it sleeps. */
const HELPER_SPINS = 200_000;

/**
 * A helper's program (CommonJS, evaluated). Its work (which memory, which control block,
 * its place among the helpers) comes in workerData, or, for a helper started before its
 * trainer, in the first message. Before it takes work it has V8 optimize the kernels it will
 * run; then it instantiates them on the shared memory and, for each new generation, runs its
 * job (a product's rows or columns, an sgd pass's elements or a gather's samples) and counts down.
 */
const HELPER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
let words = null, floats = null, exports = null, index = 0;
const math = { exp: Math.exp, tanh: Math.tanh, log: Math.log, log1p: Math.log1p }; // kernelImports in engine/kernels.ts
/**
 * Has V8 compile the product and sgd kernels of a precision with its optimizing compiler: one
 * call of each, on an instance of the module with a memory of its own, uses up V8's budget for
 * them, and the code is the module's, so every instance on every thread runs it from then on.
 * Otherwise the first batches pay for that compiling while the threads wait on each other
 * (bench/README.md has the figures).
 */
function warmUp(module, precision) {
  const scratch = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
  const own = new WebAssembly.Instance(module, { env: { ...math, memory: scratch } }).exports;
  const wide = precision === 'f64';
  // C (128 × 64) at 1.5 MB ← P (128 × 784) at 0 times Q (784 × 64) at 1 MB; then θ, g, v of 65,536.
  (wide ? own.product_f64 : own.product_f32)(3 << 19, 64, 0, 784, 1, 1 << 20, 64, 128, 64, 784, 0, 0, 0);
  (wide ? own.sgd_f64 : own.sgd_f32)(0, 1 << 19, 1 << 20, 65536, 64, 0, 0.1);
}
function begin(work) {
  const { module, memory, control, floats: floatsAt } = work;
  index = work.index;
  // The control block lives at a fixed address of the shared memory: this view of its first buffer stays valid as it grows.
  words = new Int32Array(memory.buffer, control, ${CONTROL.jobs} + ${JOB_WORDS} * work.count);
  floats = new Float64Array(memory.buffer, control + floatsAt + index * ${JOB_FLOATS} * 8, ${JOB_FLOATS});
  try { exports = new WebAssembly.Instance(module, { env: { ...math, memory } }).exports; } catch { exports = null; }
  if (!exports) return;
  Atomics.add(words, ${CONTROL.ready}, 1);
  serve();
}
// The loop is three small functions, not one block of top-level code: V8 optimizes a loop in
// top-level code by compiling the whole script on the fly (OSR), and recompiled this one several
// times during a run's first epoch, tens of milliseconds of compiling that took a core from the two training threads.
/** The next generation after \`seen\`: watched for a while (about a millisecond), then slept on. */
function nextGeneration(seen) {
  for (;;) {
    let generation = Atomics.load(words, ${CONTROL.generation});
    for (let spin = 0; generation === seen && spin < ${HELPER_SPINS}; spin++) generation = Atomics.load(words, ${CONTROL.generation});
    if (generation !== seen) return generation;
    Atomics.wait(words, ${CONTROL.generation}, seen);
  }
}
/** This helper's job of the generation: a product's rows or columns, an sgd pass's elements, or a gather's samples. */
function runJob(base) {
  const kind = words[base];
  if (kind === ${JOB.sgdF64} || kind === ${JOB.sgdF32}) {
    const sgd = kind === ${JOB.sgdF32} ? exports.sgd_f32 : exports.sgd_f64;
    sgd(words[base + 1], words[base + 2], words[base + 3], words[base + 4], floats[0], floats[1], floats[2]);
  } else if (kind === ${JOB.gatherF64} || kind === ${JOB.gatherF32}) {
    const gather = kind === ${JOB.gatherF32} ? exports.gather_f32 : exports.gather_f64;
    gather(words[base + 1], words[base + 2], words[base + 3], words[base + 4], words[base + 5], words[base + 6], words[base + 7], words[base + 8]);
  } else {
    const product = kind === ${JOB.productF32} ? exports.product_f32 : exports.product_f64;
    product(words[base + 1], words[base + 2], words[base + 3], words[base + 4], words[base + 5], words[base + 6],
      words[base + 7], words[base + 8], words[base + 9], words[base + 10], words[base + 11], words[base + 12],
      words[base + 13]);
  }
}
function serve() {
  const base = ${CONTROL.jobs} + index * ${JOB_WORDS};
  for (let seen = 0; ; ) {
    const generation = nextGeneration(seen);
    if (generation < 0) return;
    seen = generation;
    try {
      runJob(base);
    } catch {
      Atomics.store(words, ${CONTROL.failed}, 1);
    }
    if (Atomics.sub(words, ${CONTROL.pending}, 1) === 1) Atomics.notify(words, ${CONTROL.pending});
  }
}
try {
  if (workerData.early) {
    warmUp(workerData.early, 'f32');
    warmUp(workerData.early, 'f64');
  } else warmUp(workerData.module, workerData.precision);
} catch {
  // Only time is lost: the work below fails the same way if the kernels cannot run.
}
if (workerData.early) parentPort.once('message', begin);
else begin(workerData);
`;

/** A helper's work: what the trainer gives (HelperData), its place among `count` helpers, and where its floats are. */
function helperWork(data: HelperData, index: number, count: number) {
  return { ...data, index, count, floats: floatsOffset(count) };
}

/** A helper thread that never keeps the process alive (unref). */
function startHelper(workerData: object): Worker {
  const worker = new Worker(HELPER_SOURCE, { eval: true, workerData });
  worker.unref();
  return worker;
}

/** Tells the helpers working on `data`'s control block to exit, and ends their threads. */
function stopHelpers(data: HelperData, workers: Worker[]): void {
  const words = new Int32Array(data.memory.buffer, data.control, CONTROL.jobs);
  Atomics.store(words, CONTROL.generation, -1);
  Atomics.notify(words, CONTROL.generation);
  for (const worker of workers) void worker.terminate();
}

/** Worker threads that never keep the process alive (unref) and end with stop(). */
export const startKernelHelpers: StartHelpers = (data: HelperData, count: number) => {
  const workers = Array.from({ length: count }, (_, index) => startHelper(helperWork(data, index, count)));
  return { stop: () => stopHelpers(data, workers) };
};

/**
 * `count` helper threads started before the trainer that will use them, with the compiled
 * kernels (engine compiledKernels()). Booting a worker takes 10–30 ms, and optimizing its
 * kernels a few more; a trainer that starts its own helpers trains alone meanwhile, on a core
 * the booting thread shares. `nn train --threads N` starts them before it reads and checks the
 * spec (for a large CSV, most of a second), so they wait ready when training begins (bench/README.md
 * has the figures). The first trainer that asks for `count` helpers takes
 * them; others start their own. dispose() ends the ones no trainer took and says how many.
 */
export function startKernelHelpersEarly(count: number, module: object): { start: StartHelpers; dispose(): Promise<number> } {
  let waiting: Worker[] | null = Array.from({ length: count }, () => startHelper({ early: module }));
  const dispose = async (): Promise<number> => {
    const unused = waiting ?? [];
    waiting = null;
    await Promise.all(unused.map((worker) => worker.terminate()));
    return unused.length;
  };
  return {
    start(data: HelperData, wanted: number) {
      if (waiting === null || waiting.length !== wanted) return startKernelHelpers(data, wanted);
      const workers = waiting;
      waiting = null;
      workers.forEach((worker, index) => worker.postMessage(helperWork(data, index, wanted)));
      return { stop: () => stopHelpers(data, workers) };
    },
    dispose,
  };
}
