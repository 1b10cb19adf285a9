// Shared by the training tests: a freshly bundled worker (from the sources under test) and checked runs from spec text.

import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckResult } from '../../server/src/language';
import type { RunEvent, TrainingHost } from '../../server/src/training/host';
import { tempDir } from '../support/temp';

let workerPath: string | null = null;

/** Bundles server/src/training/worker.ts into a private temp folder (once per test file), as build.mjs does for dist/. */
export function bundledWorker(): string {
  if (workerPath) return workerPath;
  const out = join(tempDir('nn-worker-'), 'worker.js');
  buildSync({
    entryPoints: [join(__dirname, '..', '..', 'server', 'src', 'training', 'worker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
  });
  workerPath = out;
  return out;
}

export function checked(text: string): CheckResult {
  const result = check(text, {
    specPath: null,
    allowedRoot: null,
    readFile: null,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  if (result.errorCount > 0) throw new Error(`fixture has errors: ${result.problems.map((p) => p.message).join('; ')}`);
  return result;
}

/** A spec with one XOR run; `settings` replaces the body of its train block. */
export function xorSpec(settings: string, extra = ''): string {
  return `${extra}network xor {
  input 2
  layer hidden 3 sigmoid
  layer output 1 sigmoid
}

data table {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}

train xor on table {
${settings}
}
`;
}

/** Records a host's events and waits for one with a deadline (never a fixed sleep). */
export class Events {
  readonly seen: (RunEvent & { at: number })[] = [];
  private waiters: { test: (e: RunEvent) => boolean; resolve: (e: RunEvent & { at: number }) => void }[] = [];

  constructor(host: TrainingHost) {
    host.onEvent((event) => {
      const stamped = { ...event, at: performance.now() };
      this.seen.push(stamped);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(event)) return true;
        w.resolve(stamped);
        return false;
      });
    });
  }

  next(test: (e: RunEvent) => boolean, timeoutMs = 10_000, what = 'a run event'): Promise<RunEvent & { at: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.seen)}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}
