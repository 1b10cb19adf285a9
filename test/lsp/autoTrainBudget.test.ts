// Auto-train's budget holds for everything one change starts, not for each run alone (docs/editor.md "Auto-train and the estimate").

import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../../server/src/language/model';
import { RUN_START_SECONDS, withinBudget } from '../../server/src/lsp/session';
import { checked } from '../training/helpers';
import { XOR_NETWORK, XOR_TABLE } from '../support/specs';

/** `count` runs of XOR told apart by their seeds (one run twice when `twin`). */
function runs(count: number, twin = false): RunSpec[] {
  const blocks = Array.from({ length: count }, (_, i) => `train xor on xor_table {\n  seed ${twin && i === count - 1 ? 1 : i + 1}\n}\n`);
  return checked(`${XOR_NETWORK}\n${XOR_TABLE}\n${blocks.join('\n')}`).runs;
}

/** The started runs' 1-based positions in the file, for `estimates` in seconds (null: left alone). */
function started(estimates: (number | null)[], budget: number): number[] {
  const all = runs(estimates.length);
  const keys = withinBudget(all, (run) => estimates[all.indexOf(run)], budget);
  return keys.map((key) => all.findIndex((run) => run.key === key) + 1);
}

describe('auto-train budget', () => {
  it('starts runs in file order while their estimates, with their start, fit in it together', () => {
    // 0.5 leaves 1.49; 1.8 does not fit; 0.3 and 0.3 do; 2.5 is over the budget on its own.
    expect(started([0.5, 1.8, 0.3, 0.3, 2.5], 2)).toEqual([1, 3, 4]);
    const total = [0.5, 0.3, 0.3].reduce((sum, s) => sum + s + RUN_START_SECONDS, 0);
    expect(total).toBeLessThanOrEqual(2);
  });

  it('bounds a file of a thousand tiny runs by what their starts cost', () => {
    const count = started(new Array<number>(1000).fill(0.0001), 2).length;
    expect(count).toBeGreaterThan(100);
    expect(count * (0.0001 + RUN_START_SECONDS)).toBeLessThanOrEqual(2);
  });

  it('still starts a lone run that fits the budget on its own, and leaves settled runs alone', () => {
    expect(started([2], 2)).toEqual([1]);
    expect(started([null, 1.95, 0.05], 2)).toEqual([2]);
  });

  it('starts a run written twice once', () => {
    const all = runs(3, true);
    expect(all[0].key).toBe(all[2].key);
    expect(withinBudget(all, () => 0.1, 2)).toEqual([all[0].key, all[1].key]);
  });
});
