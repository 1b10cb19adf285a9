// `nn check FILE...`: parse and check specs, print one `path:LINE:COL: severity: message` line per problem (docs/cli.md "nn check").

import { resolve } from 'node:path';
import { describeFileError } from '../data/fileErrors';
import { dataFileAt, nearbyFiles } from '../loading/fileSource';
import { DataStore } from '../data/store';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckResult, type ReadBytes, type ReadFile } from '../language/index';
import { LineIndex } from '../language/positions';
import { echo, visibleControls } from '../language/wording';
import { fileError, readBytesFile, readTextFile } from '../textFiles';
import { storeWithRowsHelper } from '../loading/rowsHelper';

export const CHECK_USAGE = 'usage: nn check FILE...';

/** Where the command reads and writes: the process by default, collectors in tests. */
export interface CheckIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Relative paths are resolved against this. */
  cwd: string;
}

/**
 * Text as the command line prints it: control characters escaped, except the line feeds and
 * tabs its output is laid out with, so nothing a spec, a data file or a path holds reaches
 * the terminal as a command (a colour, a cleared screen, a title that swallows the next line).
 */
export function printable(text: string): string {
  return visibleControls(text, true);
}

export function processCheckIo(): CheckIo {
  return {
    stdout: (text) => process.stdout.write(printable(text)),
    stderr: (text) => process.stderr.write(printable(text)),
    cwd: process.cwd(),
  };
}

/** Why an output file (--out, --report) could not be written, in words (a missing folder is the usual reason). */
export function describeWriteError(error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `there is no folder '${fileLabel(folder)}'; create it first`;
  return describeFileError(error).message;
}

/**
 * The command line reads data files wherever the spec points (docs/language.md §4.18: like any
 * compiler), of any size, but only regular files; the loader streams them.
 */
export const readDataFile: ReadFile = (absolutePath) => {
  try {
    return dataFileAt(absolutePath);
  } catch (error) {
    const why = fileError(error);
    return why.missing === true ? { ...why, nearby: nearbyFiles(absolutePath) } : why;
  }
};

/** The command line reads weights files (`weights … from`, docs/language.md §7.1) by the same rule, as bytes. */
export const readDataBytes: ReadBytes = readBytesFile;

/**
 * The spec's text, or undefined after saying on stderr why it cannot be read, worded
 * the same way by `nn check`, `nn train` and `nn export` (as words, not error codes).
 */
export function readSpec(command: string, file: string, specPath: string, stderr: (text: string) => void): string | undefined {
  const read = readTextFile(specPath);
  if ('text' in read) return read.text;
  stderr(`nn ${command}: cannot read '${fileLabel(file)}': ${read.error}\n`);
  return undefined;
}

/** A file name as messages print it: no control character, and not five megabytes of it. */
export function fileLabel(file: string): string {
  return file.length > 1000 ? echo(file, 1000) : visibleControls(file);
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
    readBytes: readDataBytes,
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
  const store = storeWithRowsHelper();
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
      output += `${fileLabel(file)}:${line}:${column}: ${problem.severity}: ${problem.message}\n`;
    }
    if (output !== '') io.stdout(output);
    if (result.errorCount > 0) errors = true;
  }
  if (unreadable) return 2;
  return errors ? 1 : 0;
}
