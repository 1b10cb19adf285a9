// The engine: the fast paths of the trainer's arithmetic, and createTrainer, which builds a Trainer on the fastest path that takes the run.
//
// The paths, fastest first:
//   batch-program  wasm/batches.ts runs whole batches and epochs in one call, on the SIMD kernels
//   simd-kernels   the trainer's own loop (nn/trainer.ts) with the SIMD products and optimizer passes
//   reference      the plain loops of nn/ (no fast path)
// Each path says which runs it takes (`takes`, a predicate over the run) and
// whether this runtime can run it (`create` answers null where WebAssembly SIMD
// cannot). A run a path declines goes to the next one, never to a wrong answer:
// every path gives the reference's numbers bit for bit (test/engine). A training
// setting that a fast path does not implement must make that path decline the
// run (docs/ARCHITECTURE.md, "Adding a training feature").

import type { Dataset, NetworkSpec, TrainSettings } from '../language/model';
import type { FastPath, Precision } from '../nn/fastPath';
import { Trainer } from '../nn/trainer';
import { createSimdKernels } from './kernels';
import type { KernelHelpers } from './threads';

export { compiledKernels } from './kernels';
export type { HelperData, KernelHelpers, StartHelpers } from './threads';

/** What a path's predicate looks at: the run as the checker made it. */
export interface TrainingRun {
  network: NetworkSpec;
  data: Dataset;
  settings: TrainSettings;
}

export interface EnginePath {
  readonly name: string;
  /** Whether this path trains `run` with the reference's numbers: every setting of the run is one it implements. */
  takes(run: TrainingRun): boolean;
  /** The path's arithmetic for a run it takes, or null where this runtime cannot run it. */
  create(precision: Precision, helpers: KernelHelpers | undefined): FastPath | null;
}

/** The batch program. It implements every setting of today's runs; one it lacks is declined here. */
export const BATCH_PROGRAM: EnginePath = {
  name: 'batch-program',
  takes: () => true,
  create: (precision, helpers) => createSimdKernels(precision, true, helpers),
};

/** The SIMD products and optimizer passes under the trainer's own loop: every run whose products are the three of backprop.ts. */
export const SIMD_KERNELS: EnginePath = {
  name: 'simd-kernels',
  takes: () => true,
  create: (precision, helpers) => createSimdKernels(precision, false, helpers),
};

/** The fast paths, fastest first; the reference comes after them all. */
export const FAST_PATHS: readonly EnginePath[] = [BATCH_PROGRAM, SIMD_KERNELS];

/** How a trainer may run, beyond the run's own settings; none of it changes the numbers. */
export interface EngineOptions {
  /** Helper threads for the large products (`nn train --threads N`: N − 1 helpers). */
  helpers?: KernelHelpers;
  /** The paths to try, in order, before the reference (default FAST_PATHS; tests name fewer, or none). */
  paths?: readonly EnginePath[];
}

/** A Trainer of the run on the first path that takes it and can run here, else on the reference. */
export function createTrainer(network: NetworkSpec, data: Dataset, settings: TrainSettings, options: EngineOptions = {}): Trainer {
  const run: TrainingRun = { network, data, settings };
  for (const path of options.paths ?? FAST_PATHS) {
    if (!path.takes(run)) continue;
    const fastPath = path.create(settings.precision, options.helpers);
    if (fastPath) return new Trainer(network, data, settings, fastPath);
  }
  return new Trainer(network, data, settings);
}
