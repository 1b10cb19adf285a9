// The work a trainer asks of its fast path (docs/ARCHITECTURE.md "The reference and the engine"), stated as counts:
// the memory a run's dropout costs, and the evaluation passes an epoch makes. A change that only adds work gives the
// same numbers, so the tests of meaning cannot see it; a user sees it as memory or time, and these counts do.

import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../server/src/language/model';
import { BATCH_PROGRAM } from '../../server/src/engine';
import type { FastPath, TrainerBuffers } from '../../server/src/nn/fastPath';
import { Trainer } from '../../server/src/nn/trainer';
import { dataset, network, randomRows, settings } from './helpers';

/** What a recording fast path saw: the buffers its batch program was given, the vector elements allocated, each evaluation's rows. */
interface Seen {
  buffers: TrainerBuffers | null;
  allocated: number;
  evaluations: number[];
}

/** The batch program's fast path, with its allocations, its batch program's buffers and its evaluation passes recorded. */
function recordingPath(): { path: FastPath; seen: Seen } {
  const real = BATCH_PROGRAM.create('f64', undefined);
  if (!real) throw new Error('the batch program does not run here');
  const seen: Seen = { buffers: null, allocated: 0, evaluations: [] };
  const overrides: Partial<FastPath> = {
    allocate: (length) => {
      seen.allocated += length;
      return real.allocate(length);
    },
    batchRunner: (buffers) => {
      seen.buffers = buffers;
      const runner = real.batchRunner(buffers);
      if (!runner) return null;
      return {
        appliesHooks: runner.appliesHooks,
        run: (state, batches, epochs) => runner.run(state, batches, epochs),
        evaluate: (inputs, targets, rows) => {
          seen.evaluations.push(rows);
          return runner.evaluate(inputs, targets, rows);
        },
      };
    },
  };
  const path = new Proxy(real, {
    get(target, key) {
      if (key in overrides) return overrides[key as keyof FastPath];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { path, seen };
}

/** A 3–8–6–2 network with `dropout` shares on its layers (index 0 is layer 1; 0 or absent: none). */
function withDropout(...shares: number[]): NetworkSpec {
  const net = network(3, [8, 'tanh'], [6, 'relu'], [2, 'sigmoid']);
  return { ...net, layers: net.layers.map((layer, k) => (shares[k] ? { ...layer, dropout: shares[k] } : layer)) };
}

const DATA = dataset(randomRows(20, 3, 4, (rng) => [rng.int(2), rng.int(2)]));
const RUN = settings({ epochs: 3, batch: 5 });

function built(net: NetworkSpec, overrides: Partial<typeof RUN> = {}): { trainer: Trainer; seen: Seen } {
  const { path, seen } = recordingPath();
  const trainer = new Trainer(net, DATA, { ...RUN, ...overrides }, path);
  return { trainer, seen };
}

describe('the memory a run’s dropout costs (docs/language.md §7.2)', () => {
  it('a network without dropout gets no masks and no dropped outputs: its batch program draws nothing', () => {
    const { trainer, seen } = built(withDropout());
    expect(seen.buffers).not.toBeNull();
    expect(seen.buffers?.dropout).toBeNull();
    // The run trains on the batch program all the same.
    expect(trainer.train().epochs).toBe(3);
  });

  it('dropout on one hidden layer costs its mask and its dropped outputs, n × capacity numbers each, and nothing for the other layers', () => {
    const plain = built(withDropout());
    const dropped = built(withDropout(0, 0.5));
    const capacity = dropped.seen.buffers?.capacity ?? 0;
    expect(capacity).toBe(20);
    // Layer 2 has 6 units: a mask and an output buffer of 6 × 20.
    expect(dropped.seen.allocated - plain.seen.allocated).toBe(2 * 6 * capacity);
    const layers = dropped.seen.buffers?.dropout;
    expect(layers?.masks.map((mask) => mask?.length ?? null)).toEqual([null, null, 6 * capacity, null]);
    // Layers without dropout hand the next layer their own a⁽ᵏ⁾, not a copy of it.
    const activations = dropped.seen.buffers?.activations ?? [];
    expect(layers?.outputs[1]).toBe(activations[1]);
    expect(layers?.outputs[2]).not.toBe(activations[2]);
    expect(layers?.outputs[3]).toBe(activations[3]);
  });

  it('dropout given on the output layer (which the checker refuses) drops nothing there', () => {
    // Only on the last layer: no dropout at all.
    expect(built(withDropout(0, 0, 0.5)).seen.buffers?.dropout).toBeNull();
    // With a hidden layer's dropout too: no mask, no threshold and no scale on the last layer.
    const { seen } = built(withDropout(0.25, 0, 0.5));
    const layers = seen.buffers?.dropout;
    expect(layers?.masks[3]).toBeNull();
    expect(layers?.thresholds[3]).toBe(0);
    expect(layers?.scales[3]).toBe(1);
    expect(layers?.masks[1]?.length).toBe(8 * (seen.buffers?.capacity ?? 0));
  });
});

describe('the evaluation passes an epoch makes', () => {
  it('without a validation part, finishing an epoch evaluates nothing', () => {
    const { trainer, seen } = built(withDropout());
    // Four batches of five rows are one epoch: eight steps finish two.
    for (let i = 0; i < 8; i++) trainer.step();
    expect(trainer.train({ shouldStop: () => 'cancelled' }).epochs).toBe(2);
    // Only the result's final scores measure the training part, once.
    expect(seen.evaluations).toEqual([20]);
  });

  it('with one, each finished epoch evaluates the validation part once, in the batch program', () => {
    const { trainer, seen } = built(withDropout(), { validate: 0.25 });
    // 15 training rows, batches of five: three steps an epoch, six steps two epochs.
    for (let i = 0; i < 6; i++) trainer.step();
    expect(seen.evaluations).toEqual([5, 5]);
    const result = trainer.train({ shouldStop: () => 'cancelled' });
    expect(result.epochs).toBe(2);
    // Then the final scores: the training part and the validation part, once each.
    expect(seen.evaluations).toEqual([5, 5, 15, 5]);
    expect(result.validationLoss).toBeGreaterThan(0);
  });
});

describe('the memory of the measuring passes', () => {
  it('the health measures and the gradient check allocate their gradient buffers once, not at every pass', () => {
    const { trainer, seen } = built(withDropout());
    trainer.lossAndGradient();
    const first = seen.allocated;
    // W and b of the three layers: 3·8 + 8 + 8·6 + 6 + 6·2 + 2 = 100 numbers, for the first pass only.
    const { seen: without } = built(withDropout());
    expect(first - without.allocated).toBe(100);
    for (let i = 0; i < 5; i++) trainer.lossAndGradient();
    expect(seen.allocated).toBe(first);
  });
});

describe('the order a full batch is summed in', () => {
  it('batch full: the batch program sums the rows in their order, every call, and gives the reference’s bits', () => {
    const full = { epochs: 40, batch: 'full' as const, seed: 5 };
    const { trainer, seen } = built(withDropout(), full);
    const result = trainer.train();
    expect(result.epochs).toBe(40);
    // Never shuffled: a shuffle changes no mean but the rounding of its sum.
    expect(Array.from(seen.buffers?.order ?? [])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const reference = new Trainer(withDropout(), DATA, { ...RUN, ...full });
    expect(reference.train().history.loss).toEqual(result.history.loss);
    expect(reference.layers().map((layer) => Array.from(layer.weights))).toEqual(trainer.layers().map((layer) => Array.from(layer.weights)));
  });

  it('⏭ Step, then training: the batch program finishes the epoch the step began in its order, as the reference does', () => {
    // Batches of 5 of 20 rows: two steps leave the epoch at row 10; training goes on from there without a new shuffle.
    const stepped = (trainer: Trainer) => {
      trainer.step();
      trainer.step();
      return trainer.train();
    };
    const { trainer, seen } = built(withDropout());
    const fast = stepped(trainer);
    expect(seen.buffers).not.toBeNull();
    const reference = stepped(new Trainer(withDropout(), DATA, RUN));
    expect(fast.history.loss).toEqual(reference.history.loss);
    expect(fast.layers.map((layer) => Array.from(layer.weights))).toEqual(reference.layers.map((layer) => Array.from(layer.weights)));
  });
});

describe('the evaluation passes at the end of a run with patience (docs/language.md §7.4)', () => {
  it('going back to an earlier epoch without a validation part: only the final scores’ pass over the training part', () => {
    // Sixteen noisy rows of a line, a wide network and a large rate: the training loss wanders, patience goes back.
    const noisy = dataset(randomRows(16, 1, 21, (rng) => [rng.uniform(-1, 1)]).map(([x], i): [number[], number[]] => [x, [0.5 * x[0] + (i % 2 === 0 ? 0.3 : -0.3)]]));
    const { path, seen } = recordingPath();
    const jumpy = network(1, [32, 'tanh'], [32, 'tanh'], [1, 'linear']);
    const result = new Trainer(jumpy, noisy, settings({ optimizer: { kind: 'sgd', rate: 0.9, momentum: 0.9 }, epochs: 400, seed: 2, patience: 15 }), path).train();
    expect(result.stopped).toBe('patience');
    expect(result.bestEpoch).toBeLessThan(result.epochs);
    expect(seen.evaluations).toEqual([16]);
  });

  it('with the best epoch the last: the validation part is not measured again', () => {
    const { path, seen } = recordingPath();
    const result = new Trainer(network(3, [2, 'sigmoid']), DATA, settings({ epochs: 5, batch: 'full', validate: 0.25, patience: 3, optimizer: { kind: 'sgd', rate: 0.5, momentum: 0 } }), path).train();
    expect([result.stopped, result.epochs, result.bestEpoch]).toEqual(['epochs', 5, 5]);
    // The final scores' two passes; the epochs' validation passes are the batch program's own.
    expect(seen.evaluations).toEqual([15, 5]);
  });

  it('going back with a validation part: its numbers are measured again on the kept weights, once', () => {
    const { path, seen } = recordingPath();
    const result = new Trainer(network(3, [16, 'tanh'], [2, 'sigmoid']), DATA, settings({ epochs: 300, batch: 5, validate: 0.25, patience: 5, optimizer: { kind: 'sgd', rate: 2, momentum: 0.9 } }), path).train();
    expect(result.stopped).toBe('patience');
    expect(result.bestEpoch).toBeLessThan(result.epochs);
    expect(seen.evaluations).toEqual([15, 5, 5]);
  });
});
