// A file of a thousand runs: auto-train starts what fits in its budget together, Train on every run keeps every result, hovers answer while they train and after, memory stays bounded.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunPhase, RunStatusParams } from '../../server/src/protocol';
import { RUN_START_SECONDS } from '../../server/src/lsp/session';
import { buildServer, LspClient } from '../protocol/client';
import { manyXorRuns } from '../support/specs';
import { loadAverage, record } from './figures';
import { rssMegabytes } from './process';

const RUNS = 1000;
const TEXT = manyXorRuns(RUNS, 200);
const LAYER = { line: TEXT.split('\n').findIndex((l) => /^\s*layer hidden/.test(l)), character: 4 };

let client: LspClient | null = null;
beforeAll(() => buildServer(), 120_000);
afterEach(async () => {
  await client?.stop();
  client = null;
});

const count = (status: RunStatusParams | undefined, ...phases: RunPhase[]) => status?.runs.filter((r) => phases.includes(r.phase)).length ?? 0;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

describe(`a file of ${RUNS} runs`, () => {
  it('auto-trains, for each change, what fits in the budget together, in file order', async () => {
    const budget = 2;
    client = await LspClient.start({ settings: { autoTrain: 'onChange', autoTrainBudgetSeconds: budget } });
    const uri = 'file:///many-runs-budget.nn';
    client.open(uri, TEXT);
    const latest = (version: number) => client!.runStatuses.filter((s) => s.uri === uri && s.version === version).at(-1);
    /** The change's runs have all ended: some done, none waiting or training. */
    const settled = (version: number, atLeast: number) => {
      const status = latest(version);
      return count(status, 'done') >= atLeast && count(status, 'queued', 'running') === 0 && status;
    };
    const first = await client.waitFor('the runs the open started', () => settled(1, 1), 120_000);
    const started = count(first, 'done', 'failed', 'diverged', 'cancelled');
    // Each run costs at least its start: the budget holds for their sum.
    expect(started).toBeLessThanOrEqual(Math.floor(budget / RUN_START_SECONDS));
    expect(started).toBeLessThan(RUNS);
    // In file order: the first runs trained, the rest wait (idle).
    expect(first.runs.map((r) => r.phase !== 'idle')).toEqual(first.runs.map((_, i) => i < started));

    // A change starts the next share, no more; the results of the first stay.
    client.change(uri, `# the next share\n${TEXT}`);
    const second = await client.waitFor('the runs the edit started', () => settled(2, started + 1), 120_000);
    const more = count(second, 'done') - started;
    expect(more).toBeGreaterThan(0);
    expect(more).toBeLessThanOrEqual(Math.floor(budget / RUN_START_SECONDS));
    expect(second.runs.slice(0, started).every((r) => r.phase === 'done')).toBe(true);
    record('many-runs', `auto-train, budget ${budget} s, ${RUNS} XOR runs of 200 epochs: the open started ${started}, a change ${more} more (load ${loadAverage()})`);
  }, 300_000);

  it('trained all at once keeps every result; hovers answer while they train and after; memory stays bounded', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off', maxTrainingSeconds: 60 } });
    const pid = client.process!.pid!;
    const uri = 'file:///many-runs-all.nn';
    client.open(uri, TEXT);
    await client.waitForDiagnostics(uri, () => true, 60_000);
    const latest = () => client!.runStatuses.filter((s) => s.uri === uri).at(-1);
    const started = performance.now();
    expect(await client.command('nn.train', uri)).toEqual({ started: RUNS });

    // Hovers one after another while the runs train, until every run has its result.
    const during: number[] = [];
    let peakRss = rssMegabytes(pid);
    while (count(latest(), 'done') < RUNS) {
      const asked = performance.now();
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: LAYER });
      during.push(performance.now() - asked);
      expect(hover?.contents.value).toMatch(/layer hidden/);
      peakRss = Math.max(peakRss, rssMegabytes(pid));
      if (performance.now() - started > 240_000) throw new Error(`only ${count(latest(), 'done')} of ${RUNS} runs done after 240 s`);
    }
    const trainedIn = (performance.now() - started) / 1000;
    expect(count(latest(), 'done')).toBe(RUNS);

    // Afterwards: an edit elsewhere loses no result, and hovers are instant again.
    client.change(uri, `# after\n${TEXT}`);
    const edited = await client.waitFor('the edit checked', () => client!.runStatuses.filter((s) => s.uri === uri && s.version === 2).at(-1));
    expect(count(edited, 'done')).toBe(RUNS);
    const after: number[] = [];
    for (let i = 0; i < 200; i++) {
      const asked = performance.now();
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: LAYER.line + 1, character: 4 } });
      after.push(performance.now() - asked);
    }
    during.sort((a, b) => a - b);
    after.sort((a, b) => a - b);
    const endRss = rssMegabytes(pid);
    record(
      'many-runs',
      `${RUNS} XOR runs by nn.train: all done in ${trainedIn.toFixed(1)} s; hover while training ${during.length}× median ${percentile(during, 0.5).toFixed(1)} / p95 ${percentile(during, 0.95).toFixed(1)} / max ${during.at(-1)!.toFixed(0)} ms, after median ${percentile(after, 0.5).toFixed(1)} / p95 ${percentile(after, 0.95).toFixed(1)} ms; RSS peak ${peakRss.toFixed(0)} MB, end ${endRss.toFixed(0)} MB (load ${loadAverage()})`,
    );
    expect(percentile(during, 0.95)).toBeLessThan(1000);
    expect(percentile(after, 0.95)).toBeLessThan(50);
    expect(peakRss).toBeLessThan(1536);
  }, 300_000);
});
