// Starts the helper threads of the SIMD matrix kernels (nn/kernels/threads.ts), for `--threads N`: worker_threads may be used here, not in nn/.
import { Worker } from 'node:worker_threads';
import { CONTROL, JOB, JOB_FLOATS, JOB_WORDS, floatsOffset, type HelperData, type StartHelpers } from '../nn/kernels/threads';

/** Reads of the control block a helper makes, waiting for a job, before it sleeps. */
const HELPER_SPINS = 200_000;

/**
 * A helper's program (CommonJS, evaluated): instantiate the kernels on the
 * shared memory, then for each new generation run its job (a product's columns
 * or an sgd pass's elements) and count down.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, index, floats: floatsAt } = workerData;
// The control block lives at a fixed address of the shared memory: this view of its first buffer stays valid as it grows.
const words = new Int32Array(memory.buffer, control, ${CONTROL.jobs} + ${JOB_WORDS} * workerData.count);
const floats = new Float64Array(memory.buffer, control + floatsAt + index * ${JOB_FLOATS} * 8, ${JOB_FLOATS});
let exports = null;
const imports = { env: { memory, exp: Math.exp, tanh: Math.tanh, log: Math.log, log1p: Math.log1p } }; // kernelImports in nn/kernels/wasm.ts
try { exports = new WebAssembly.Instance(module, imports).exports; } catch { exports = null; }
if (exports) Atomics.add(words, ${CONTROL.ready}, 1);
// The loop is three small functions, not one block of top-level code: V8 optimizes a loop in
// top-level code by compiling the whole script on the fly (OSR), and recompiled this one several
// times during a run's first epoch, 80 ms of compiling that took a core from the two training threads.
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
serve();
`;

/** Worker threads that never keep the process alive (unref) and end with stop(). */
export const startKernelHelpers: StartHelpers = (data: HelperData, count: number) => {
  const workers: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { ...data, index, count, floats: floatsOffset(count) } });
    worker.unref();
    workers.push(worker);
  }
  return {
    stop() {
      const words = new Int32Array(data.memory.buffer, data.control, CONTROL.jobs);
      Atomics.store(words, CONTROL.generation, -1);
      Atomics.notify(words, CONTROL.generation);
      for (const worker of workers) void worker.terminate();
    },
  };
};
