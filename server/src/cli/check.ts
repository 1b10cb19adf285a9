// `nn check FILE...`: parse and check specs, print one `path:LINE:COL: severity: message` line per problem (docs/cli.md "nn check").

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataFileAt, nearbyFiles, UnreadableFile } from '../loading/fileSource';
import { DataStore } from '../data/store';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckResult, type ReadFile } from '../language/index';
import { LineIndex } from '../language/positions';

export const CHECK_USAGE = 'usage: nn check FILE...';

/** Where the command reads and writes: the process by default, collectors in tests. */
export interface CheckIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Relative paths are resolved against this. */
  cwd: string;
}

export function processCheckIo(): CheckIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}

/** Why a file cannot be read, in words rather than errno codes. */
export function describeReadError(error: unknown): { message: string; missing: boolean } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return { message: 'no such file', missing: true };
    case 'EISDIR':
      return { message: 'it is a folder, not a file', missing: false };
    case 'EACCES':
    case 'EPERM':
      return { message: 'permission denied', missing: false };
    default:
      return { message: error instanceof Error ? error.message : String(error), missing: false };
  }
}

/** Why an output file (--out, --report) could not be written, in words (a missing folder is the usual reason). */
export function describeWriteError(error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `there is no folder '${folder}'; create it first`;
  return describeReadError(error).message;
}

/** The command line reads data files wherever the spec points (docs/language.md §4.18: like any compiler), if they are regular files. */
export const readDataFile: ReadFile = (absolutePath) => {
  try {
    return dataFileAt(absolutePath);
  } catch (error) {
    if (error instanceof UnreadableFile) return { error: error.message };
    const { message, missing } = describeReadError(error);
    return missing ? { error: message, missing, nearby: nearbyFiles(absolutePath) } : { error: message };
  }
};

/**
 * The spec's text, or undefined after saying on stderr why it cannot be read, worded
 * the same way by `nn check`, `nn train` and `nn export` (as words, not error codes).
 */
export function readSpec(command: string, file: string, specPath: string, stderr: (text: string) => void): string | undefined {
  try {
    return readFileSync(specPath, 'utf8');
  } catch (error) {
    stderr(`nn ${command}: cannot read '${file}': ${describeReadError(error).message}\n`);
    return undefined;
  }
}

/**
 * Checks a spec as every command does: data files read wherever the spec points, the
 * default size limits. A command (one per process) keeps one `store` for all the specs
 * it checks, so `nn check a.nn b.nn` parses a CSV both name once.
 */
export function checkSpec(text: string, specPath: string, store: DataStore): CheckResult {
  return check(text, {
    specPath,
    allowedRoot: null,
    readFile: readDataFile,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
    store,
  });
}

/**
 * Runs `nn check` and returns the exit status: 0 when no file has an error
 * (warnings allowed), 1 when any has, 2 for bad usage or an unreadable spec.
 */
export function checkCommand(argv: string[], io: CheckIo = processCheckIo()): number {
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      io.stdout(`${CHECK_USAGE}\nChecks each spec and prints its problems as path:LINE:COL: error|warning: message.\nExit status: 0 no errors, 1 errors, 2 bad usage or an unreadable file.\n`);
      return 0;
    }
    if (arg.startsWith('-') && arg !== '-' && arg !== '--') {
      io.stderr(`nn check: unknown option '${arg}'\n${CHECK_USAGE}\n`);
      return 2;
    }
    if (arg !== '--') files.push(arg);
  }
  if (files.length === 0) {
    io.stderr(`nn check: no spec file given\n${CHECK_USAGE}\n`);
    return 2;
  }

  let unreadable = false;
  let errors = false;
  const store = new DataStore();
  for (const file of files) {
    const specPath = resolve(io.cwd, file);
    const text = readSpec('check', file, specPath, (message) => io.stderr(message));
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    const result = checkSpec(text, specPath, store);
    const lines = new LineIndex(text);
    let output = '';
    for (const problem of result.problems) {
      if (problem.severity !== 'error' && problem.severity !== 'warning') continue;
      const { line, column } = lines.cliPosition(problem.span.start);
      output += `${file}:${line}:${column}: ${problem.severity}: ${problem.message}\n`;
    }
    if (output !== '') io.stdout(output);
    if (result.errorCount > 0) errors = true;
  }
  if (unreadable) return 2;
  return errors ? 1 : 0;
}
