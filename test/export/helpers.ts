// Shared by the export tests: runs trained as `nn export` trains them, in a folder with their data files, and the command run in-process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCommand } from '../../server/src/cli/export';
import type { RunSpec } from '../../server/src/language/model';
import { Trainer } from '../../server/src/nn/trainer';
import type { TrainResult } from '../../server/src/nn/types';
import { checkedWithoutErrors } from '../support/check';
import { tempDir } from '../support/temp';

export interface TrainedRun {
  /** The folder holding spec.nn and its data files. */
  dir: string;
  run: RunSpec;
  trainer: Trainer;
  result: TrainResult;
}

/** Writes the spec (as spec.nn) and its files to a fresh folder, checks it and trains run `index` (1-based). */
export function trainedRun(spec: string, files: Record<string, string> = {}, index = 1): TrainedRun {
  const dir = tempDir('nn-export-');
  writeFileSync(join(dir, 'spec.nn'), spec);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const run = checkedWithoutErrors(spec, dir).runs[index - 1];
  const trainer = new Trainer(run.network, run.data, run.settings);
  return { dir, run, trainer, result: trainer.train() };
}

/** `nn export ARGS` in `cwd`; stdout as bytes (the binary formats write bytes with `--out -`). */
export function exportCli(args: string[], cwd: string): { status: number; stdout: Buffer; stderr: string } {
  const out: Buffer[] = [];
  let stderr = '';
  const status = exportCommand(args, { stdout: (o) => void out.push(Buffer.from(o)), stderr: (t) => void (stderr += t), cwd });
  return { status, stdout: Buffer.concat(out), stderr };
}

/** The raw inputs of every row of the run's data set, one array per row. */
export function dataRows(run: RunSpec): number[][] {
  const { inputs, inputWidth, rows } = run.data;
  return Array.from({ length: rows }, (_, r) => Array.from(inputs.subarray(r * inputWidth, (r + 1) * inputWidth)));
}
