// The learning-rate schedules (docs/language.md §7.3) against torch.optim.lr_scheduler: the rate of every epoch of a whole run, to 1e-12.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAINING_PATHS } from '../nn/helpers';
import { checkedWithoutErrors } from '../support/check';
import { PYTHON, relativeError, runWithDeadline } from './helpers';

const HELPER = join(__dirname, 'schedule_rates.py');

const spec = (schedule: string, extra = '') => `network n {
  input 2
  layer 8 tanh
  layer 1 sigmoid
}

data d = circle(samples 80, noise 0.15, seed 4)

train n on d {
  optimizer sgd rate 0.8 momentum 0.5
  epochs 120
  batch 16
  seed 3
  ${schedule}
${extra}}
`;

/**
 * A loss that never improves: zero weights give ŷ = σ(0) = 0.5, every target is 0.5, so no gradient
 * moves anything. With patience 0 the plateau schedule lowers the rate after every epoch, until a
 * reduction would be 1e-8 or less (PyTorch's eps), and then keeps it.
 */
const FLAT = `network n {
  input 1
  layer 3 tanh init zeros
  layer 1 sigmoid init zeros
}

data d {
  0 -> 0.5
  1 -> 0.5
}

train n on d {
  optimizer sgd rate 0.8
  epochs 40
  schedule plateau factor 0.3 patience 0
}
`;

const CASES: [string, string][] = [
  ['step', spec('schedule step factor 0.5 every 7')],
  ['exponential', spec('schedule exponential factor 0.97')],
  ['cosine to 0', spec('schedule cosine')],
  ['cosine to a floor', spec('schedule cosine min 0.05')],
  ['plateau on the training loss', spec('schedule plateau factor 0.3 patience 0')],
  ['plateau on the validation loss', spec('schedule plateau factor 0.5 patience 3', '  validate 25%\n')],
  ['plateau down to its eps', FLAT],
];

describe('every epoch\'s rate equals PyTorch\'s scheduler\'s', () => {
  it.each(CASES)('%s', (name, text) => {
    const [run] = checkedWithoutErrors(text).runs;
    const results = TRAINING_PATHS.map(({ make }) => make(run.network, run.data, run.settings).train());
    const result = results[0];
    const rates = Array.from(result.history.rate ?? []);
    expect(rates).toHaveLength(run.settings.epochs);
    for (const other of results.slice(1)) expect(Array.from(other.history.rate ?? [])).toEqual(rates);
    const monitored = Array.from(result.history.validationLoss ?? result.history.loss);
    const input = { rate: run.settings.optimizer.rate, epochs: run.settings.epochs, schedule: run.settings.schedule, monitored };
    const p = runWithDeadline(PYTHON, [HELPER], { seconds: 120, input: JSON.stringify(input) });
    expect(p.status, p.stderr).toBe(0);
    const torch = JSON.parse(p.stdout) as number[];
    expect(torch).toHaveLength(rates.length);
    for (let e = 0; e < rates.length; e++) expect(relativeError(rates[e], torch[e]), `epoch ${e + 1}: ${rates[e]} against ${torch[e]}`).toBeLessThan(1e-12);
    // The schedule moved the rate, and the result reports the last epoch's.
    expect(new Set(rates).size).toBeGreaterThan(2);
    expect(result.rate).toBe(rates[rates.length - 1]);
    if (name === 'plateau down to its eps') {
      // Fifteen reductions, then one of 1e-8 or less that is skipped at every later epoch.
      expect(new Set(rates).size).toBe(16);
      expect(rates[rates.length - 1]).toBeGreaterThan(1e-8);
      expect(rates[rates.length - 1] * 0.7).toBeLessThanOrEqual(1e-8);
    }
  });
});
