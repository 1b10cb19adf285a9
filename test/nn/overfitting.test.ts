// examples/overfitting.nn teaches what it says: without a penalty the validation loss turns up, with `regularize l2` it does not and ends lower.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTrainer } from '../../server/src/engine';
import { checkedWithoutErrors } from '../support/check';

const runs = checkedWithoutErrors(readFileSync(join(__dirname, '../../examples/overfitting.nn'), 'utf8')).runs;

describe('examples/overfitting.nn', () => {
  it('has the same run twice, once with an L2 penalty', () => {
    expect(runs).toHaveLength(2);
    expect(runs[0].settings.regularization).toBeNull();
    expect(runs[1].settings.regularization).toEqual({ l1: 0, l2: 0.004 });
    expect({ ...runs[1].settings, regularization: null }).toEqual(runs[0].settings);
  });

  it('overfits without the penalty, and ends with a lower validation loss with it', () => {
    const [plain, penalized] = runs.map((run) => createTrainer(run.network, run.data, run.settings).train());
    const curve = (result: typeof plain) => Array.from(result.history.validationLoss!);
    const lowest = (values: number[]) => Math.min(...values);
    // Without: the validation loss more than doubles from its minimum while the training loss keeps falling.
    expect(plain.validationLoss!).toBeGreaterThan(2 * lowest(curve(plain)));
    expect(plain.loss!).toBeLessThan(penalized.loss!);
    // With: it ends within a quarter of its minimum, below the plain run's.
    expect(penalized.validationLoss!).toBeLessThan(1.25 * lowest(curve(penalized)));
    expect(penalized.validationLoss!).toBeLessThan(plain.validationLoss!);
    expect(penalized.penalty).toBeGreaterThan(0);
  });
});
