// Counts in what `nn train` prints read as English: 1 row, 1 epoch.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { trainCommand } from '../../server/src/cli/train';
import { collectingIo } from '../support/cliIo';
import { tempDir } from '../support/temp';

it('a run of one epoch on one row says "1 row" and "1 epoch run"', async () => {
  const dir = tempDir('nn-cli-wording-');
  writeFileSync(join(dir, 'one.nn'), 'network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d {\n  0 -> 1\n}\ntrain n on d {\n  epochs 1\n}\n');
  const terminal = collectingIo(dir);
  expect(await trainCommand(['one.nn'], terminal.io)).toBe(0);
  expect(terminal.stdout()).toContain('  data      1 row\n');
  expect(terminal.stdout()).toContain('  stopped   1 epoch run\n');
});
