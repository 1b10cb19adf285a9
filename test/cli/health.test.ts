// What `nn train` says of a run's training health (docs/cli.md "The summary"): each finding on a `health` line naming the layer, a flat loss on the `stopped` line, none on a healthy run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { trainCommand } from '../../server/src/cli/train';
import { collectingIo } from '../support/cliIo';
import { tempDir } from '../support/temp';
import { DEAD_RELU as DEAD } from '../support/specs';

async function train(name: string, text: string, ...options: string[]): Promise<string> {
  const dir = tempDir('nn-cli-health-');
  writeFileSync(join(dir, name), text);
  const terminal = collectingIo(dir);
  await trainCommand([name, ...options], terminal.io);
  return terminal.stdout();
}

it('prints a dead ReLU layer on a health line with its line and numbers, and nothing at a lower rate', async () => {
  expect(await train('dead.nn', DEAD)).toMatch(
    /\n {2}stopped {3}loss < 0\.05 \(target reached\)\n {2}health {4}layer 'hidden' \(line 3\): \d+ of 12 units never activate on the training data \(dead ReLU\): no gradient reaches their weights\n/,
  );
  expect(await train('fixed.nn', DEAD.replace('rate 3', 'rate 0.3'))).not.toContain('health');
});

it('says where the loss of XOR with seed 2 went flat', async () => {
  const xor = readFileSync(join(__dirname, '../../examples/xor.nn'), 'utf8').replace('seed 1', 'seed 2');
  expect(await train('xor.nn', xor)).toMatch(
    /\n {2}stopped {3}all 20000 epochs run, target loss < 0\.001 not reached\. Loss flat at 0\.0625 since epoch \d+: likely a local minimum; try another seed or more hidden units\.\n/,
  );
});

it('says first that --epochs cut the run, even where the loss went flat (docs/cli.md: a run cut short was not given the chance)', async () => {
  const xor = readFileSync(join(__dirname, '../../examples/xor.nn'), 'utf8').replace('seed 1', 'seed 2');
  const stopped = /\n {2}stopped {3}(.*)\n/.exec(await train('xor.nn', xor, '--epochs', '15000'))![1];
  expect(stopped).toMatch(/^all 15000 epochs run, target loss < 0\.001 not reached\. The run stopped after the 15000 epochs --epochs allows \(the file asks for 20000\)/);
  expect(stopped).not.toContain('flat');
});
