// `nn export FILE [--run N] --format json|pytorch|onnx|safetensors [--out PATH] [--epochs N]`: train one run and write the model (docs/cli.md "nn export", docs/export.md).

import { writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { defaultExportPath, exportedModel, isExportFormat } from '../export/formats';
import { ExportError } from '../export/json';
import type { CheckResult } from '../language/index';
import type { RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import { createTrainer } from '../engine';
import type { ExportFormat } from '../protocol';
import { checkSpec, describeWriteError, readSpec } from './check';
import { storeWithRowsHelper } from '../loading/rowsHelper';

export const EXPORT_USAGE = 'usage: nn export FILE [--run N] --format json|pytorch|onnx|safetensors [--out PATH] [--epochs N]';

/** Where the command writes; the CLI passes process.stdout/stderr, tests pass collectors. */
export interface ExportIo {
  /** Text, or the bytes of a binary format (onnx, safetensors) with `--out -`. */
  stdout(output: string | Uint8Array): void;
  stderr(text: string): void;
  /** Relative paths (the spec, --out) are resolved against this; the process's cwd when absent. */
  cwd?: string;
}

interface ExportArgs {
  file: string;
  /** 1-based; null: the file's only run. */
  run: number | null;
  format: ExportFormat;
  out: string | null;
  epochs: number | null;
}

/** Reads the arguments after `export`; a string is the usage error to print. */
export function parseExportArgs(args: string[]): ExportArgs | string {
  let file: string | null = null;
  let run: number | null = null;
  let format: string | null = null;
  let out: string | null = null;
  let epochs: number | null = null;
  const wholeNumber = (flag: string, value: string | undefined): number | string => {
    if (value === undefined || !/^[0-9]+$/.test(value) || Number(value) < 1) return `${flag} needs a whole number ≥ 1`;
    return Number(value);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--run' || a === '--epochs') {
      const n = wholeNumber(a, args[++i]);
      if (typeof n === 'string') return n;
      if (a === '--run') run = n;
      else epochs = n;
    } else if (a === '--format') {
      format = args[++i] ?? null;
      if (format === null || !isExportFormat(format)) return '--format must be json, pytorch, onnx or safetensors';
    } else if (a === '--out') {
      out = args[++i] ?? null;
      if (!out) return '--out needs a path';
    } else if (a.startsWith('-')) {
      return `unknown option '${a}'`;
    } else if (file === null) {
      file = a;
    } else {
      return `one spec file only (got ${file} and ${a})`;
    }
  }
  if (file === null) return 'no spec file given';
  if (format === null) return '--format json|pytorch|onnx|safetensors is required';
  return { file, run, format: format as ExportFormat, out, epochs };
}

/** Runs the command; returns the exit status (0 written, 1 spec error or diverged run, 2 bad usage or unreadable file). */
export function exportCommand(argv: string[], io: ExportIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(
      `${EXPORT_USAGE}\n` +
        'Trains run N (1-based; the only run when the file has one) and writes the trained model: json to stdout; pytorch (a script needing\n' +
        'only torch), onnx and safetensors to <spec name>.run<N>.py|.onnx|.safetensors beside the spec.\n' +
        '--out PATH writes elsewhere, --out - to stdout. --epochs N overrides the run\'s epochs.\n' +
        'Exit status: 0 written, 1 spec errors or a diverged run, 2 bad usage.\n',
    );
    return 0;
  }
  const args = parseExportArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`nn export: ${args}\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const specPath = resolve(cwd, args.file);
  const text = readSpec('export', args.file, specPath, (message) => io.stderr(message));
  if (text === undefined) return 2;
  const result = checkSpec(text, specPath, storeWithRowsHelper());
  printProblems(args.file, text, result, io);
  if (result.errorCount > 0) return 1;

  const count = result.runs.length;
  const blocks = `${count} train block${count === 1 ? '' : 's'}`;
  // Without --run, the file's only run; a file with several must say which.
  if (args.run === null && count !== 1) {
    io.stderr(count === 0 ? `nn export: ${args.file} has no train block to export\n` : `nn export: ${args.file} has ${blocks}: say which to export with --run N (1 to ${count})\n`);
    return 2;
  }
  const index = args.run ?? 1;
  const run = result.runs.find((r) => r.index === index);
  if (!run) {
    io.stderr(`nn export: ${args.file} has no run ${index} (it has ${blocks})\n`);
    return 2;
  }
  const spec: RunSpec = args.epochs === null ? run : { ...run, settings: { ...run.settings, epochs: args.epochs } };
  const trainer = createTrainer(spec.network, spec.data, spec.settings);
  const trained = trainer.train();

  const out = args.out === '-' ? null : args.out ?? (args.format === 'json' ? null : defaultExportPath(args.file, index, args.format));
  const outPath = out === null ? null : resolve(cwd, out);
  let output: string | Uint8Array;
  try {
    output = exportedModel(args.format, spec, trained, () => trainer.trainingPart(), { specPath: args.file, scriptName: basename(outPath ?? 'SCRIPT') });
  } catch (error) {
    if (error instanceof ExportError) {
      io.stderr(`nn export: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  if (outPath === null) {
    io.stdout(output);
    return 0;
  }
  try {
    writeFileSync(outPath, output, { mode: args.format === 'pytorch' ? 0o755 : 0o644 });
  } catch (error) {
    io.stderr(`nn export: cannot write '${out}': ${describeWriteError(error, dirname(out!))}\n`);
    return 2;
  }
  io.stderr(`nn export: wrote ${out} (run ${index}, ${trained.epochs} epoch${trained.epochs === 1 ? '' : 's'}, loss ${trained.finalLoss})\n`);
  return 0;
}

/** Problems in `nn check`'s format: errors and warnings to stderr, since stdout may hold the export. */
function printProblems(file: string, text: string, result: CheckResult, io: ExportIo): void {
  const lines = new LineIndex(text);
  for (const problem of result.problems) {
    if (problem.severity === 'info') continue;
    const at = lines.cliPosition(problem.span.start);
    io.stderr(`${file}:${at.line}:${at.column}: ${problem.severity}: ${problem.message}\n`);
  }
}
