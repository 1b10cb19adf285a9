// `stop when loss < T` is strict (docs/language.md §4.13): an epoch whose loss equals T does not stop the run, on every path a trainer trains by.

import { describe, expect, it } from 'vitest';
import type { Precision, TrainSettings } from '../../server/src/language/model';
import type { TrainControl } from '../../server/src/nn/types';
import { dataset, lazy, network, randomRows, settings, TRAINING_PATHS, XOR_ROWS } from './helpers';

const RUN: Partial<TrainSettings> = { epochs: 60, seed: 1, batch: 'full', optimizer: { kind: 'sgd', rate: 0.5, momentum: 0.9 } };

/** The controls a run is trained with: none (the batch program alone decides where a call ends), and onEpoch (the editor's worker, the CLI). */
const CONTROLS: [string, () => TrainControl][] = [
  ['without onEpoch', () => ({})],
  ['with onEpoch', () => ({ onEpoch: () => undefined })],
];

describe.each(TRAINING_PATHS)('the stop rule at a tie, on the $name path', ({ engine, make }) => {
  describe.each(['f64', 'f32'] as Precision[])('%s', (precision) => {
    /** Trains XOR with the run's settings and a stop rule; counts the polls of shouldStop (one before each batch, or each call of a batch program). */
    const train = (run: Partial<TrainSettings>, control: TrainControl = {}) => {
      const trainer = make(network(2, [4, 'sigmoid'], [1, 'sigmoid']), dataset(XOR_ROWS), settings({ ...RUN, precision, ...run }));
      expect(trainer.engine).toBe(engine);
      let polls = 0;
      const result = trainer.train({ ...control, shouldStop: () => (polls++, null) });
      return { result, polls };
    };
    const tieOf = lazy(() => {
      const losses = Array.from(train({}).result.history.loss);
      // An epoch k whose loss is below every earlier one and above the next: T = its loss is met first at k + 1.
      const k = losses.findIndex((loss, i) => i >= 10 && losses.slice(0, i).every((earlier) => earlier > loss) && losses[i + 1] < loss) + 1;
      return { losses, k, tie: losses[k - 1] };
    });

    it.each(CONTROLS)('an epoch whose loss equals T does not stop the run; the next, below T, does (%s)', (_name, control) => {
      const { losses, k, tie } = tieOf();
      expect(k).toBeGreaterThan(10);
      const { result, polls } = train({ stopLoss: tie }, control());
      expect(result.stopped).toBe('target');
      expect(result.epochs).toBe(k + 1);
      expect(result.loss).toBe(losses[k]);
      expect(Array.from(result.history.loss)).toEqual(losses.slice(0, k + 1));
      // The same calls of the batch program as a run of k + 1 epochs: none ended at the tie.
      expect(polls).toBe(train({ epochs: k + 1 }, control()).polls);
    });

    it.each(CONTROLS)('a run whose last epoch ties T ran every epoch: it ends as epochs, not target (%s)', (_name, control) => {
      const { k, tie } = tieOf();
      const { result } = train({ epochs: k, stopLoss: tie }, control());
      expect(result).toMatchObject({ stopped: 'epochs', epochs: k, loss: tie });
    });
  });
});

describe.each(TRAINING_PATHS)('`stop when validation loss < T` at a tie, on the $name path', ({ engine, make }) => {
  /** 24 rows of a sign rule, six held out (docs/language.md §7.4: the rule is strict, as the training loss's). */
  const train = (run: Partial<TrainSettings>) => {
    const rows = randomRows(24, 2, 5, (rng) => [rng.uniform(-1, 1)]).map(([x]): [number[], number[]] => [x, [x[0] * x[1] > 0 ? 1 : 0]]);
    const trainer = make(network(2, [4, 'tanh'], [1, 'sigmoid']), dataset(rows), settings({ ...RUN, validate: 0.25, ...run }));
    expect(trainer.engine).toBe(engine);
    return trainer.train();
  };

  it('an epoch whose validation loss equals T does not stop the run; the next, below T, does', () => {
    const validation = Array.from(train({}).history.validationLoss!);
    const k = validation.findIndex((loss, i) => i >= 5 && validation.slice(0, i).every((earlier) => earlier > loss) && validation[i + 1] < loss) + 1;
    expect(k).toBeGreaterThan(5);
    const result = train({ stopValidationLoss: validation[k - 1] });
    expect([result.stopped, result.epochs]).toEqual(['target', k + 1]);
  });
});
