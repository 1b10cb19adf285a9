// Advice after a run that cannot learn says why: data that overflows before any update, a rate too small to move any weight.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainCommand } from '../../server/src/cli/train';
import type { RunSpec } from '../../server/src/language/model';
import { Trainer } from '../../server/src/nn/trainer';
import type { RunState } from '../../server/src/training/host';
import { runStateOf } from '../../server/src/training/runState';
import { resultProblem } from '../../server/src/present/results';
import { checkedWithoutErrors } from '../support/check';
import { collectingIo } from '../support/cliIo';
import { tempDir } from '../support/temp';

function spec(rows: string, train: string, output = 'linear'): string {
  return `network n {\n  input 1\n  layer 3 sigmoid\n  layer 1 ${output}\n}\ndata d {\n${rows}}\ntrain n on d {\n${train}}\n`;
}

/** The editor's result diagnostic of the spec's first run, trained for real. */
function editorResult(text: string) {
  const check = checkedWithoutErrors(text);
  const run: RunSpec = check.runs[0];
  const result = new Trainer(run.network, run.data, run.settings).train();
  const state: RunState = runStateOf({ live: null, cached: { outcome: { key: run.key, result, step: null, seconds: 0.01, rows: null }, record: null }, failure: null, estimate: 0 });
  return resultProblem(check, run, state, text)!;
}

const dir = tempDir('nn-advice-');
async function commandLine(text: string): Promise<{ status: number; stdout: string }> {
  writeFileSync(join(dir, 'spec.nn'), text);
  const terminal = collectingIo(dir);
  const status = await trainCommand(['spec.nn'], terminal.io);
  return { status, stdout: terminal.stdout() };
}

describe('a loss that is not finite at the initial weights', () => {
  const huge = spec('  0 -> 1e200\n  1 -> 2e200\n', '  epochs 100\n');

  it('blames the targets, not the rate, and offers no rate fix', async () => {
    const problem = editorResult(huge);
    expect(problem.code).toBe('diverged');
    expect(problem.message).toBe(
      "loss was infinite at the initial weights, before any update: targets up to 2e200 are too large: their squared error alone is beyond the largest number, so no rate can help. Scale the targets down ('normalize' scales the inputs only).",
    );
    expect(problem.fixes ?? []).toEqual([]);
    const cli = await commandLine(huge);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(
      "stopped   diverged: the loss was infinite at the initial weights, before any update; targets up to 2e200 are too large: their squared error alone is beyond the largest number, so no rate can help. Scale the targets down ('normalize' scales the inputs only)\n",
    );
  });

  it('blames inputs that overflow the sums, and offers normalize', () => {
    const text = spec('  0 -> 1\n  1e300 -> 2\n', '  epochs 100\n', 'linear').replace('layer 3 sigmoid', 'layer 3 linear');
    const problem = editorResult(text);
    expect(problem.message).toBe(
      "loss was infinite at the initial weights, before any update: inputs up to 1e300 overflow the network's sums, so no rate can help. Add 'normalize zscore' to data 'd'.",
    );
    expect(problem.fixes?.map((f) => f.title)).toEqual(["Add normalize zscore to data 'd'"]);
  });

  it('a rate too high still gets "lower the rate"', () => {
    const problem = editorResult(spec('  0 -> 1\n  1 -> 3\n', '  optimizer sgd rate 1000\n  epochs 1000\n'));
    expect(problem.code).toBe('diverged');
    expect(problem.message).toMatch(/^loss became (NaN|infinite) at epoch \d+: rate 1000 is too high for this network\. Lower the rate\.$/);
  });
});

describe('a rate too small to move any weight', () => {
  const tiny = spec('  0 -> 0\n  1 -> 1\n', '  optimizer sgd rate 1e-320\n  epochs 100\n  stop when loss < 0.001\n', 'sigmoid');

  it('is not "stuck": the editor says the rate moves nothing and offers the default rate', async () => {
    const problem = editorResult(tiny);
    expect(problem.severity).toBe('warning');
    expect(problem.code).toBe('rate-too-small');
    expect(problem.message).toMatch(
      /^loss 0\.\d+ after 100 epochs, target 0\.001 not reached\. Rate 1e-320 is too small to move any weight: the last update changed none of them, each step being below the weights' rounding\. Raise the rate \(sgd's default is 0\.1\)\.$/,
    );
    expect(problem.fixes?.map((f) => f.title)).toEqual(['Set rate to 0.1']);
    const cli = await commandLine(tiny);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain("not reached. Rate 1e-320 is too small to move any weight: the last update changed none of them, each step being below the weights' rounding. Raise the rate (sgd's default is 0.1).\n");
  });

  it('is said also without a stop target, where the run looked trained', () => {
    const problem = editorResult(tiny.replace('  stop when loss < 0.001\n', '').replace('epochs 100', 'epochs 1'));
    expect(problem.code).toBe('rate-too-small');
    expect(problem.message).toMatch(/^loss 0\.\d+ after 1 epoch\. Rate 1e-320 is too small/);
  });

  it('a normal rate that misses its target keeps the usual advice', () => {
    const problem = editorResult(tiny.replace('rate 1e-320', 'rate 0.5'));
    expect(problem.code).toBe('target-missed');
  });
});
