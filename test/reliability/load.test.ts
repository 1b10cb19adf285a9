// Load: twenty documents train at once. Runs queue on the worker pool (sized to the cores), the editor keeps answering (hover p95 < 50 ms), and every run finishes or is cancelled: none is lost.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatusParams } from '../../server/src/protocol';
import { buildServer, LspClient, ROOT } from '../protocol/client';
import { loadAverage, record } from './figures';

const DOCUMENTS = 20;
/** These are stopped right after they were queued: cancelled, not lost. */
const STOPPED = new Set([5, 12, 19]);
/** This one is closed while its run waits: the run goes with it. */
const CLOSED = 9;

function spec(seed: number): string {
  return `network xor {
  input 2
  layer hidden 4 tanh
  layer output 1 sigmoid
}

data table {
  0 0 -> 0
  0 1 -> 1
  1 0 -> 1
  1 1 -> 0
}

train xor on table {
  optimizer sgd rate 0.5
  epochs 50000
  seed ${seed}
}
`;
}
const TRAIN_LINE = 13;
const LAYER_LINE = 2;

let client: LspClient;
beforeAll(async () => {
  buildServer();
  client = await LspClient.start({ settings: { autoTrain: 'off', maxTrainingSeconds: 20 } });
}, 120_000);
afterAll(async () => {
  await client?.stop();
});

describe('load', () => {
  it(`${DOCUMENTS} documents train at once: runs queue on the pool, hovers stay fast, no run is lost`, async () => {
    const uris = Array.from({ length: DOCUMENTS }, (_, i) => pathToFileURL(join(ROOT, 'examples', `load-${i}.nn`)).href);
    uris.forEach((uri, i) => client.open(uri, spec(i + 1)));
    await Promise.all(uris.map((uri) => client.waitForDiagnostics(uri, () => true, 30_000)));

    const started = performance.now();
    const answers = await Promise.all(uris.map((uri) => client.command<{ started: number }>('nn.train', uri, TRAIN_LINE)));
    expect(answers.map((a) => a.started)).toEqual(uris.map(() => 1));
    const stopped = await Promise.all([...STOPPED].map((i) => client.command<{ stopped: number }>('nn.stopTraining', uris[i], TRAIN_LINE)));
    expect(stopped.map((s) => s.stopped)).toEqual([...STOPPED].map(() => 1));
    void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uris[CLOSED] } });

    // Follow every run's phase as the server reports it, and how many run at once.
    const latest = new Map<string, RunStatusParams>();
    let seen = 0;
    let maxRunning = 0;
    let sawQueued = false;
    const follow = () => {
      for (; seen < client.runStatuses.length; seen++) {
        const status = client.runStatuses[seen];
        latest.set(status.uri, status);
        const phases = [...latest.values()].map((s) => s.runs[0]?.phase);
        maxRunning = Math.max(maxRunning, phases.filter((p) => p === 'running').length);
        if (phases.includes('queued')) sawQueued = true;
      }
    };
    const finished = (uri: string) => {
      const phase = latest.get(uri)?.runs[0]?.phase;
      return uri === uris[CLOSED] || (phase !== undefined && phase !== 'queued' && phase !== 'running');
    };

    // Hover while they train, round-robin over the documents, until every run has ended.
    const hovers: number[] = [];
    const deadline = started + 240_000;
    for (let i = 0; performance.now() < deadline; i++) {
      follow();
      if (uris.every(finished) && hovers.length >= 100) break;
      const t0 = performance.now();
      const at = i % DOCUMENTS === CLOSED ? 0 : i % DOCUMENTS;
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: uris[at] },
        position: { line: LAYER_LINE, character: 10 },
      });
      hovers.push(performance.now() - t0);
      expect(hover?.contents.value).toMatch(/layer hidden/);
    }
    const seconds = (performance.now() - started) / 1000;
    follow();

    const phases = uris.map((uri) => latest.get(uri)?.runs[0]?.phase);
    uris.forEach((_uri, i) => {
      if (i === CLOSED) return;
      if (STOPPED.has(i)) expect(['idle', 'cancelled'], `run ${i}`).toContain(phases[i]);
      else expect(phases[i], `run ${i}`).toBe('done');
    });
    // Each finished run's result is on its train line, for its document's current version.
    // The closed document's diagnostics were cleared, and nothing came after.
    expect(client.diagnostics.filter((p) => p.uri === uris[CLOSED]).at(-1)?.diagnostics).toEqual([]);
    for (const [i, uri] of uris.entries()) {
      if (STOPPED.has(i) || i === CLOSED) continue;
      const result = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'trained'), 10_000);
      expect(result.diagnostics.find((d) => d.code === 'trained')!.range.start.line).toBe(TRAIN_LINE);
    }

    hovers.sort((a, b) => a - b);
    const p = (q: number) => hovers[Math.min(hovers.length - 1, Math.floor(hovers.length * q))];
    const poolSize = Math.max(1, availableParallelism() - 1);
    record(
      'load',
      `${DOCUMENTS} runs of 50,000 epochs (${STOPPED.size} stopped and 1 closed while queued) ended in ${seconds.toFixed(1)} s on a pool of ${poolSize} + 1 express (at most ${maxRunning} running at once); ${hovers.length} hovers meanwhile: median ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${p(1).toFixed(1)} ms; load ${loadAverage()}`,
    );
    expect(sawQueued).toBe(true);
    expect(maxRunning).toBeGreaterThanOrEqual(1);
    // The regular workers (cores − 1), plus the express worker that takes short runs when they are all busy.
    expect(maxRunning).toBeLessThanOrEqual(poolSize + 1);
    expect(p(0.95)).toBeLessThan(50);
  });
});
