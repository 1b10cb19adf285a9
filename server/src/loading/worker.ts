// The data worker thread: reads data files and draws generated sets off the LSP thread, into shared memory, with progress (dist/loader.js).
//
// One job at a time, in the order the host sends them. A CSV is read with the same
// streaming loader as the command line (data/csv.ts), its progress sent at most ~10
// times a second; the shared cancel flag is read between chunks. The data set's digest,
// which run keys are made of, is computed here too, so the LSP thread only receives.

import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { loadCsv } from '../data/csv';
import { rowsHelper } from './rowsHelper';
import { generate } from '../data/load';
import type { StoredLoad } from '../data/store';
import { datasetDigest } from '../language/digest';
import { describeFileError } from '../data/fileErrors';
import { UnreadableFile } from '../textFiles';
import { openFileSource, statDataFile } from './fileSource';
import { LoadFlag, type LoadJob, type LoaderMessage } from './messages';

const PROGRESS_INTERVAL_MS = 100;

const port = parentPort;
if (!port) throw new Error('loading/worker.ts runs as a worker thread');

function post(message: LoaderMessage): void {
  port!.postMessage(message);
}

port.on('message', (job: LoadJob) => {
  try {
    run(job);
  } catch (error) {
    const message = error instanceof UnreadableFile ? error.message : describeFileError(error).message;
    post({ type: 'failed', job: job.job, message });
  }
});

function run(job: LoadJob): void {
  const flag = new Int32Array(job.cancel);
  const cancelled = () => Atomics.load(flag, 0) === LoadFlag.cancel;
  if (cancelled()) {
    post({ type: 'cancelled', job: job.job });
    return;
  }
  let load: StoredLoad;
  if (job.type === 'generated') {
    load = { kind: 'generated', dataset: generate(job.request) };
  } else {
    const found = statDataFile(job.file.path);
    if (found.size !== job.file.size || found.mtimeMs !== job.file.mtimeMs) {
      post({ type: 'changed', job: job.job });
      return;
    }
    let last = performance.now();
    const csv = loadCsv(job.request, openFileSource(job.file.path), {
      progress(fraction) {
        if (cancelled()) return false;
        const now = performance.now();
        if (now - last >= PROGRESS_INTERVAL_MS) {
          last = now;
          post({ type: 'progress', job: job.job, fraction });
        }
        return true;
      },
      helper: { thread: rowsHelper() },
    });
    if (csv === null) {
      post({ type: 'cancelled', job: job.job });
      return;
    }
    // The file may have changed while it was read: then what was read is neither version.
    const after = statDataFile(job.file.path);
    if (after.size !== job.file.size || after.mtimeMs !== job.file.mtimeMs) {
      post({ type: 'changed', job: job.job });
      return;
    }
    load = { kind: 'csv', load: csv };
  }
  const dataset = load.kind === 'csv' ? load.load.dataset : load.dataset;
  post({ type: 'done', job: job.job, load, digest: dataset !== null ? datasetDigest(dataset) : null });
}
