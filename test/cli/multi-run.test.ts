// `nn train` on files with several runs, and on regression runs, as a user runs it (the bundled command): exit status and `--json` fields per docs/cli.md.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../support/cli';
import { XOR_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';

/** docs/language.md §1's network and data, without its run. */
const XOR_DECLARATIONS = XOR_EXAMPLE.slice(XOR_EXAMPLE.indexOf('network xor'), XOR_EXAMPLE.indexOf('train xor'));

const DECLARATIONS = `${XOR_DECLARATIONS}
network line {
  input 1
  layer 4 linear
  layer 1 linear
}

data big {
  100 -> 1
  -200 -> 3
}

network curve {
  input 1
  layer 3 tanh
  layer 1 linear
}

data heights {
  0.1 -> 0.5
  0.4 -> 1.7
  0.9 -> -0.3
  1.3 -> 0.25
  1.8 -> 2.2
  2.2 -> 0.8
  2.6 -> -1.1
  3.1 -> 0.4
}

network split {
  input 2
  layer 1 sigmoid
}

data blobs = gauss(samples 40, seed 3)
`;

/** A run that trains to its target. */
const TRAINS = `train xor on xor_table {
  optimizer sgd rate 0.5 momentum 0.9
  epochs 5000
  seed 1
  stop when loss < 0.001
}
`;
/** A run whose loss becomes infinite (inputs of hundreds at rate 5). */
const DIVERGES = `train line on big {
  optimizer sgd rate 5
  epochs 1000
}
`;
/** Regression: targets that are not classes, so no accuracy (docs/language.md §4.15), with a validation part. */
const REGRESSION = `train curve on heights {
  optimizer sgd rate 0.05
  epochs 200
  seed 1
  validate 25%
}
`;
/** Binary classification with a validation part: both accuracies. */
const CLASSIFIES = `train split on blobs {
  optimizer sgd rate 0.5
  epochs 50
  validate 25%
}
`;

let cli = '';
const dir = tempDir('nn-cli-multi-');
beforeAll(async () => {
  cli = await buildCli(dir);
}, 60_000);

/** Runs `nn train NAME …` on a spec made of the declarations and these runs; returns the exit status and output. */
function train(name: string, runs: string[], ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(dir, name), `${DECLARATIONS}\n${runs.join('\n')}`);
  const p = spawnSync(process.execPath, [cli, 'train', name, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

/** The 1-based line of the n-th `train` keyword of the spec (as the JSON document's `line`). */
function trainLine(runs: string[], n: number): number {
  const lines = `${DECLARATIONS}\n${runs.join('\n')}`.split('\n');
  return lines.map((line, i) => (line.startsWith('train ') ? i + 1 : 0)).filter((i) => i > 0)[n - 1];
}

/** Exactly the fields of a run in docs/cli.md "--json". */
const RUN_FIELDS = ['network', 'data', 'line', 'epochs', 'loss', 'accuracy', 'validationLoss', 'validationAccuracy', 'stopped', 'bestEpoch', 'penalty', 'rate', 'seconds', 'expectations'];

describe('nn train on a file with several runs', () => {
  it.each([
    ['the first diverges, the second trains', [DIVERGES, TRAINS]],
    ['the first trains, the second diverges', [TRAINS, DIVERGES]],
  ])('exits 1 when any run diverges (%s), after training every run', (_name, runs) => {
    const json = train('some-diverge.nn', runs, '--json');
    expect(json.status).toBe(1);
    const document = JSON.parse(json.stdout);
    // Declarations the file's runs leave unused are warned about; nothing is an error.
    expect(document.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    expect(document.runs).toHaveLength(2);
    for (const run of document.runs) expect(Object.keys(run).sort()).toEqual([...RUN_FIELDS].sort());
    const diverged = document.runs[runs.indexOf(DIVERGES)];
    const trained = document.runs[runs.indexOf(TRAINS)];
    // A diverged run: its epoch, and null for every number that is not finite or not asked for.
    expect(diverged).toMatchObject({ network: 'line', data: 'big', line: trainLine(runs, runs.indexOf(DIVERGES) + 1), stopped: 'diverged', loss: null, accuracy: null, validationLoss: null, validationAccuracy: null });
    expect(diverged.epochs).toBeGreaterThan(0);
    expect(diverged.epochs).toBeLessThan(1000);
    expect(trained).toMatchObject({ network: 'xor', data: 'xor_table', line: trainLine(runs, runs.indexOf(TRAINS) + 1), stopped: 'target', accuracy: 1, validationLoss: null, validationAccuracy: null });
    expect(trained.loss).toBeLessThan(0.001);

    // The summaries say the same, and the status is the same without --json.
    const human = train('some-diverge.nn', runs);
    expect(human.status).toBe(1);
    expect(human.stdout.match(/^some-diverge\.nn:\d+: train /gm)).toHaveLength(2);
    expect(human.stdout).toMatch(/stopped +diverged: the loss became (NaN|infinite) in epoch \d+; lower the rate \(now 5\)/);
    expect(human.stdout).toMatch(/stopped +loss < 0\.001 \(target reached\)/);
  });

  it('exits 1 when every run diverges, and 0 when none does', () => {
    expect(train('all-diverge.nn', [DIVERGES, DIVERGES.replace('rate 5', 'rate 6')], '--json').status).toBe(1);
    const fine = train('all-train.nn', [TRAINS, CLASSIFIES], '--json');
    expect(fine.status).toBe(0);
    expect(JSON.parse(fine.stdout).runs.map((run: { stopped: string }) => run.stopped)).toEqual(['target', 'epochs']);
  });
});

describe('nn train on regression runs', () => {
  it('gives accuracy null (not 0) for regression, beside a classification run that has both accuracies', () => {
    const runs = [REGRESSION, CLASSIFIES];
    const json = train('regression.nn', runs, '--json');
    expect(json.status).toBe(0);
    const [regression, classification] = JSON.parse(json.stdout).runs;
    expect(regression).toMatchObject({ network: 'curve', data: 'heights', line: trainLine(runs, 1), epochs: 200, stopped: 'epochs', accuracy: null, validationAccuracy: null });
    expect(regression.loss).toBeGreaterThan(0);
    expect(regression.validationLoss).toBeGreaterThan(0);
    expect(classification).toMatchObject({ network: 'split', data: 'blobs', line: trainLine(runs, 2), epochs: 50, stopped: 'epochs' });
    for (const accuracy of [classification.accuracy, classification.validationAccuracy]) {
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    expect(classification.validationLoss).toBeGreaterThan(0);

    // The summary of the regression run has no accuracy at all: not "0%".
    const human = train('regression.nn', runs);
    expect(human.status).toBe(0);
    const [regressionSummary, classificationSummary] = human.stdout.split(/\n\n/);
    expect(regressionSummary).toContain('data      8 rows (6 trained on, 2 held out)');
    expect(regressionSummary).not.toMatch(/accuracy/);
    expect(regressionSummary).toMatch(/^ {2}validation loss [\d.e-]+$/m);
    expect(classificationSummary).toMatch(/^ {2}accuracy +[\d.]+%$/m);
    expect(classificationSummary).toMatch(/^ {2}validation loss [\d.e-]+, accuracy [\d.]+%$/m);
  });
});
