// `validate P%` holds out round(P% × rows) rows, halves up (docs/language.md §4.14): shares that are not a whole number of rows, through the checker and the trainer's split.

import { describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language/index';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { AWKWARD_SHARES, validateSpec as spec } from '../support/validateShares';

describe('validate P% holds out round(P% × rows) rows, halves up', () => {
  it.each(AWKWARD_SHARES)('validate %s% of %s rows holds out %s', (percent, rows, held) => {
    const [run] = checkedWithoutErrors(spec(percent, rows)).runs;
    const trainer = new Trainer(run.network, run.data, run.settings);
    expect(trainer.validationRows.length).toBe(held);
    expect(trainer.trainingRows.length).toBe(rows - held);
    // Two disjoint parts, each in data order, together every row.
    const ordered = (part: Int32Array) => Array.from(part).every((row, i) => i === 0 || row > part[i - 1]);
    expect(ordered(trainer.validationRows) && ordered(trainer.trainingRows)).toBe(true);
    expect([...trainer.trainingRows, ...trainer.validationRows].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(trainer.train().validationRows).toBe(held);
  });

  const problemsOf = (text: string) =>
    check(text, { specPath: null, allowedRoot: null, readFile: null, maxParameters: DEFAULT_MAX_PARAMETERS, maxDataCells: DEFAULT_MAX_DATA_CELLS }).problems.map(
      (p) => `${p.severity}: ${p.message}`,
    );

  it('a share that rounds to every row is an error, and one that rounds to none a warning, with the percentage as written', () => {
    expect(problemsOf(spec(95, 10))).toEqual(["error: validate 95% holds out all 10 rows of data set 'd', leaving none to train on; hold out less"]);
    expect(problemsOf(spec(94.9, 10))).toEqual([]); // 9.49: nine rows
    expect(problemsOf(spec(7, 5))).toEqual(['warning: validate 7% of 5 rows holds out no row, so nothing is validated; hold out more or remove it']); // 0.35
    expect(problemsOf(spec(10, 5))).toEqual([]); // 0.5: one row
  });
});
