// The training host and its per-document actor, with real worker threads: stale answers dropped, cache by run key, prompt cancel, crash recovery, Step.

import { afterEach, describe, expect, it } from 'vitest';
import { Trainer } from '../../server/src/nn/trainer';
import { TrainingHost } from '../../server/src/training/host';
import type { RunOutcome } from '../../server/src/training/outcome';
import { WorkerPool, type JobRequest } from '../../server/src/training/pool';
import { bundledWorker, checked, Events, xorSpec } from './helpers';

const URI = 'file:///spec.nn';
/** Long enough to still be training when the test acts on it (XOR never reaches loss < 0). */
const LONG = 'optimizer sgd rate 0.5\n  epochs 100000000\n  seed 1';
const SHORT = 'optimizer sgd rate 0.5\n  epochs 2000\n  seed 1';

let host: TrainingHost | null = null;
afterEach(() => {
  host?.dispose();
  host = null;
});

function start(options: { cancelGraceMs?: number } = {}): { host: TrainingHost; events: Events } {
  host = new TrainingHost({ workerPath: bundledWorker(), poolSize: 1, ...options });
  return { host, events: new Events(host) };
}

describe('training host', () => {
  it('drops the answers of a run whose text changed while it trained', async () => {
    const { host, events } = start();
    const before = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, before);
    host.train(URI, null, 60);
    const oldKey = before[0].key;
    await events.next((e) => e.key === oldKey && e.kind === 'progress', 10_000, 'progress of the first run');

    // The user edits the run's seed: a different key, so the old job is stale.
    const after = checked(xorSpec(LONG.replace('seed 1', 'seed 2'))).runs;
    expect(after[0].key).not.toBe(oldKey);
    host.update(URI, 2, after);
    expect(host.running(URI)).toEqual([]);

    // The old job stops and answers, but nothing of it may land: train something else
    // on the same worker and wait for that to finish, so the old answer has surely arrived.
    const next = checked(xorSpec(SHORT)).runs;
    host.update(URI, 3, next);
    host.train(URI, null, 60);
    await events.next((e) => e.key === next[0].key && e.kind === 'done', 20_000, 'the second run to finish');
    const oldEvents = events.seen.filter((e) => e.key === oldKey).map((e) => e.kind);
    expect(oldEvents).not.toContain('done');
    expect(oldEvents[oldEvents.length - 1]).toBe('cancelled');
    expect(host.outcomes(URI).has(oldKey)).toBe(false);
    expect(host.outcomes(URI).get(next[0].key)?.result?.stopped).toBe('epochs');
  });

  it('keeps a finished outcome when the text changes elsewhere, and does not retrain', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(SHORT)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    const done = await events.next((e) => e.kind === 'done', 20_000, 'the run to finish');
    const outcome = host.outcomes(URI).get(done.key);
    expect(outcome?.result?.epochs).toBe(2000);

    // A comment above the network and extra blank lines: same run, same key.
    const edited = checked(xorSpec(SHORT, '# a note\n\n')).runs;
    expect(edited[0].key).toBe(runs[0].key);
    expect(edited[0].keywordSpan.start).not.toBe(runs[0].keywordSpan.start);
    const eventsBefore = events.seen.length;
    host.update(URI, 2, edited);
    expect(host.settled(URI, edited[0])).toBe(true);
    expect(host.state(URI, edited[0]).phase).toBe('done');
    expect(host.outcomes(URI).get(edited[0].key)).toBe(outcome);
    expect(host.running(URI)).toEqual([]);
    expect(events.seen.length).toBe(eventsBefore);
  });

  it('stops a run within 100 ms of the stop request', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'progress', 10_000, 'the run to make progress');
    const asked = performance.now();
    expect(host.stop(URI, null)).toBe(1);
    const stopped = await events.next((e) => e.kind === 'done', 5_000, 'the stopped run to report');
    const latency = stopped.at - asked;
    console.info(`stop latency: ${latency.toFixed(1)} ms`);
    expect(latency).toBeLessThan(100);
    const state = host.state(URI, runs[0]);
    expect(state.phase).toBe('cancelled');
    expect(state.outcome?.result?.stopped).toBe('cancelled');
    expect(state.outcome?.result?.epochs).toBeGreaterThan(0);
  });

  it('stops a run at nn.maxTrainingSeconds with reason time', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, runs);
    const asked = performance.now();
    host.train(URI, null, 0.3);
    const done = await events.next((e) => e.kind === 'done', 10_000, 'the run to hit its time limit');
    expect(host.state(URI, runs[0]).outcome?.result?.stopped).toBe('time');
    expect(done.at - asked).toBeGreaterThanOrEqual(300);
  });

  it('reports a crashed worker as a failed run and trains again on its replacement', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'progress', 10_000, 'the run to make progress');
    expect(host.crashWorkerOf(URI, runs[0].key)).toBe(true);
    await events.next((e) => e.kind === 'failed', 10_000, 'the crash to be reported');
    const state = host.state(URI, runs[0]);
    expect(state.phase).toBe('failed');
    expect(state.failure).toMatch(/crashed.*restarted/);

    const short = checked(xorSpec(SHORT)).runs;
    host.update(URI, 2, short);
    host.train(URI, null, 60);
    await events.next((e) => e.key === short[0].key && e.kind === 'done', 20_000, 'a run on the new worker');
    expect(host.state(URI, short[0]).phase).toBe('done');
  });

  it('terminates a worker that does not stop within the grace period, and keeps the run where the views last saw it', async () => {
    // One full batch of a wide network takes far longer than the 1 ms grace (about a second: longer
    // than a loaded machine may delay the grace timer, or the batch would end first): only terminate() stops it.
    const rows = Array.from({ length: 4000 }, (_, i) => `  ${i % 7} ${i % 5} -> ${i % 2}`).join('\n');
    const spec = `network wide {\n  input 2\n  layer 400 tanh\n  layer 400 tanh\n  layer 1 sigmoid\n}\ndata d {\n${rows}\n}\ntrain wide on d {\n  epochs 1000000\n}\n`;
    const { host, events } = start({ cancelGraceMs: 1 });
    const runs = checked(spec).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'progress', 20_000, 'the run to make progress');
    const seen = host.state(URI, runs[0]);
    expect(seen.weights?.source).toBe('live');
    host.stop(URI, null);
    expect(host.state(URI, runs[0])).toMatchObject({ phase: 'running', stopping: true });
    await events.next((e) => e.kind === 'cancelled', 5_000, 'the run to be abandoned');
    // Its last live snapshot and progress become its stopped result: not the state before it trained.
    const stopped = host.state(URI, runs[0]);
    expect(stopped.phase).toBe('cancelled');
    expect(stopped.outcome?.result?.epochs).toBe(seen.weights!.epoch);
    expect(Array.from(stopped.weights!.layers[0].weights)).toEqual(Array.from(seen.weights!.layers[0].weights));

    const short = checked(xorSpec(SHORT)).runs;
    host.update(URI, 2, short);
    host.train(URI, null, 60);
    await events.next((e) => e.key === short[0].key && e.kind === 'done', 20_000, 'a run on the replacement worker');
  });

  it('runs a short run beside a long one instead of queueing it behind (the express worker)', async () => {
    const { host, events } = start();
    const long = checked(xorSpec(LONG)).runs;
    host.update('file:///long.nn', 1, long);
    host.train('file:///long.nn', null, 60);
    await events.next((e) => e.key === long[0].key && e.kind === 'progress', 10_000, 'the long run to train');

    const short = checked(xorSpec(SHORT)).runs;
    host.update(URI, 1, short);
    host.train(URI, null, 60);
    await events.next((e) => e.key === short[0].key && e.kind === 'done', 20_000, 'the short run to finish');
    expect(host.running('file:///long.nn')).toEqual([long[0].key]);
    expect(host.state('file:///long.nn', long[0]).phase).toBe('running');
  });

  it('steps from fresh weights, continues, and starts from the trained weights after training', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(SHORT)).runs;
    const key = runs[0].key;
    host.update(URI, 1, runs);

    expect(host.step(URI, key)).toBe(true);
    await events.next((e) => e.kind === 'done', 10_000, 'the first step');
    const first = host.outcomes(URI).get(key)!;
    expect(first.result).toBeNull();
    expect(first.step?.update).toBe(1);

    host.step(URI, key);
    await events.next((e) => e.kind === 'done' && host!.outcomes(URI).get(key)?.step?.update === 2, 10_000, 'the second step');
    const second = host.outcomes(URI).get(key)!;
    expect(Array.from(second.step!.before[0].weights)).toEqual(Array.from(first.step!.after[0].weights));

    // A new training discards the stepped state.
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'done' && host!.outcomes(URI).get(key)?.result !== null, 20_000, 'the training');
    const trained = host.outcomes(URI).get(key)!;
    expect(trained.step).toBeNull();

    host.step(URI, key);
    await events.next((e) => e.kind === 'done' && host!.outcomes(URI).get(key)?.step !== null, 10_000, 'a step after training');
    const after = host.outcomes(URI).get(key)!;
    expect(after.result).toBe(trained.result);
    expect(Array.from(after.step!.before[0].weights)).toEqual(Array.from(trained.result!.layers[0].weights));
  });
});

/** A host with SHORT trained to its end. */
async function trained() {
  const { host, events } = start();
  const run = checked(xorSpec(SHORT)).runs[0];
  host.update(URI, 1, [run]);
  host.train(URI, null, 60);
  await events.next((e) => e.kind === 'done', 20_000, 'the training');
  return { host, events, run };
}

describe('Step and Reset (docs/editor.md "Step and Reset")', () => {
  it('Reset puts a trained run back at the seed’s weights, and Step counts its updates from there', async () => {
    const { host, events, run } = await trained();
    const trainedEpochs = host.state(URI, run).outcome!.result!.epochs;

    expect(host.reset(URI, run.key)).toBe(true);
    await events.next((e) => e.kind === 'done', 10_000, 'the reset');
    const reset = host.state(URI, run);
    expect(reset.phase).toBe('stepped');
    expect(reset.weights).toMatchObject({ source: 'initial', epoch: 0, position: { from: 'initial', steps: 0, epoch: 0 } });
    // The trained result no longer describes the weights: it is gone with them.
    expect(reset.outcome?.result).toBeNull();
    const fresh = new Trainer(run.network, run.data, run.settings);
    expect(Array.from(reset.weights!.layers[0].weights)).toEqual(Array.from(fresh.layers()[0].weights));
    expect(reset.weights!.position!.loss).toBe(fresh.trainingLoss());

    for (const count of [1, 2, 3]) {
      expect(host.step(URI, run.key)).toBe(true);
      await events.next((e) => e.kind === 'done', 10_000, `step ${count}`);
      const report = fresh.step();
      const state = host.state(URI, run);
      expect(state.weights).toMatchObject({ source: 'stepped', epoch: report.epoch, position: { from: 'initial', steps: count } });
      expect(Array.from(state.weights!.layers[1].weights)).toEqual(Array.from(report.after[1].weights));
      expect(state.weights!.loss).toBe(fresh.trainingLoss());
    }
    expect(trainedEpochs).toBeGreaterThan(3);
  });

  it('Step after a finished run continues from its final weights, and says so', async () => {
    const { host, events, run } = await trained();
    const finished = host.state(URI, run).outcome!;
    host.step(URI, run.key);
    await events.next((e) => e.kind === 'done', 10_000, 'the step');
    const stepped = host.state(URI, run);
    expect(stepped.phase).toBe('stepped');
    expect(stepped.weights?.position).toMatchObject({ from: 'trained', steps: 1, epoch: finished.result!.epochs + 1 });
    expect(Array.from(stepped.weights!.step!.before[0].weights)).toEqual(Array.from(finished.result!.layers[0].weights));
    // The training's result and time stay beside the stepped weights.
    expect(stepped.outcome?.result).toBe(finished.result);
    expect(stepped.outcome?.seconds).toBe(finished.seconds);
  });

  it('shows the live weights of a training, and Stop says so at once', async () => {
    const { host, events } = start();
    const runs = checked(xorSpec(LONG)).runs;
    host.update(URI, 1, runs);
    host.train(URI, null, 60);
    await events.next((e) => e.kind === 'snapshot' && (host!.state(URI, runs[0]).weights?.epoch ?? 0) > 0, 10_000, 'a live snapshot past epoch 0');
    const live = host.state(URI, runs[0]);
    expect(live.phase).toBe('running');
    expect(live.weights).toMatchObject({ source: 'live' });
    // Every inline row goes through the live weights too (the row hovers and ŷ hints).
    expect(live.weights!.rows).toHaveLength(4);
    host.stop(URI, null);
    expect(host.state(URI, runs[0]).stopping).toBe(true);
    await events.next((e) => e.kind === 'done', 5_000, 'the stop');
    expect(host.state(URI, runs[0]).phase).toBe('cancelled');
  });
});

describe('a worker that did not make the earlier steps', () => {
  it('repeats them (replay) and reaches the same weights as one that did', async () => {
    const pool = new WorkerPool({ workerPath: bundledWorker(), size: 1 });
    try {
      const run = checked(xorSpec('optimizer sgd rate 0.5 momentum 0.9\n  epochs 50\n  batch 2\n  seed 4')).runs[0];
      const once = (request: JobRequest) =>
        new Promise<RunOutcome>((resolve, reject) => {
          pool.submit(request, { onProgress: () => undefined, onDone: resolve, onRecord: () => undefined, onFailed: reject, onAbandoned: () => reject(new Error('abandoned')) });
        });
      await once({ type: 'reset', version: 1, run });
      await once({ type: 'step', version: 1, run, from: 'fresh', replay: 0 });
      const continued = await once({ type: 'step', version: 1, run, from: 'fresh', replay: 1 });
      // Now the worker forgets its trainer, as another worker's would not have it: it repeats the two steps first.
      pool.forget(run.key);
      await once({ type: 'reset', version: 1, run });
      pool.forget(run.key);
      const replayed = await once({ type: 'step', version: 1, run, from: 'fresh', replay: 1 });
      expect(continued.position).toMatchObject({ from: 'initial', steps: 2 });
      expect(replayed.position).toMatchObject({ from: 'initial', steps: 2 });
      expect(Array.from(replayed.step!.after[0].weights)).toEqual(Array.from(continued.step!.after[0].weights));

      // From the trained weights: retrain, repeat, step.
      const trained = await once({ type: 'train', version: 1, run, maxSeconds: 60 });
      const first = await once({ type: 'step', version: 1, run, from: 'trained', replay: 0 });
      const second = await once({ type: 'step', version: 1, run, from: 'trained', replay: 1 });
      pool.forget(run.key);
      const again = await once({ type: 'step', version: 1, run, from: 'trained', replay: 1 });
      expect(first.position).toMatchObject({ from: 'trained', steps: 1, epoch: trained.result!.epochs + 1 });
      expect(again.position).toMatchObject({ from: 'trained', steps: 2 });
      expect(Array.from(again.step!.after[1].weights)).toEqual(Array.from(second.step!.after[1].weights));
    } finally {
      pool.dispose();
    }
  });
});
