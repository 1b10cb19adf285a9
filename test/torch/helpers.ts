// Shared by the PyTorch suites: run Debian's python3 (never a pyenv one) with a deadline, and check specs without files.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { exportCommand } from '../../server/src/cli/export';
import { defaultExportPath } from '../../server/src/export/formats';
import type { RunSpec } from '../../server/src/language/model';
import type { ExportFormat } from '../../server/src/protocol';
import { checkedWithoutErrors } from '../support/check';
import { tempDir } from '../support/temp';

/** python3-torch is installed for Debian's interpreter; another python3 may come first on PATH. */
export const PYTHON = '/usr/bin/python3';
export const TORCHRUN = existsSync('/usr/bin/torchrun') ? '/usr/bin/torchrun' : 'torchrun';

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion or until `seconds` have passed (then it is killed and the test fails on its status). */
export function runWithDeadline(command: string, args: string[], options: { seconds: number; input?: string; cwd?: string }): ProcessResult {
  const p = spawnSync(command, args, {
    input: options.input,
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.seconds * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    // Threads per process: the machine is shared, and DDP workers set their own.
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (p.error) throw new Error(`${command} ${args.join(' ')}: ${p.error.message}\n${p.stderr ?? ''}`);
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

/** Parses every JSON line of a script's output (torchrun prefixes its lines with `[default0]:`). */
export function jsonLines(stdout: string): Record<string, number>[] {
  return stdout
    .split('\n')
    .map((line) => line.replace(/^\[default\d+\]:/, '').trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, number>);
}

export function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** A fresh folder holding the spec as spec.nn, plus any extra files. */
export function workspace(spec: string, files: Record<string, string> = {}): string {
  const dir = tempDir('nn-torch-');
  writeFileSync(join(dir, 'spec.nn'), spec);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The runs of a spec that must check without errors. */
export function runsOf(spec: string, dir: string): RunSpec[] {
  return checkedWithoutErrors(spec, dir).runs;
}

/** `nn export spec.nn --run N --format F` in `dir`; returns stdout (json) or the written file's path (the other formats, default path unless `--out` is in `extra`). */
export function exportRun(dir: string, run: number, format: ExportFormat, extra: string[] = []): string {
  let stdout = '';
  let stderr = '';
  const status = exportCommand(['spec.nn', '--run', String(run), '--format', format, ...extra], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: dir,
  });
  expect(status, stderr).toBe(0);
  const out = extra.indexOf('--out');
  if (format === 'json' && out < 0) return stdout;
  return join(dir, out >= 0 ? extra[out + 1] : defaultExportPath('spec.nn', run, format));
}
