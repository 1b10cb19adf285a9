// Reads the expectations written inside a fixture spec and renders check() results in the same form.
//
// A fixture is a small `.nn` file. Each expected problem is a comment line
// right below the line it is about:
//
//     layer 3 sigmoidd
//   #         ^^^^^^^^ error: unknown activation 'sigmoidd'; did you mean 'sigmoid'? [fix: Change to 'sigmoid']
//
// The carets give the column and the length of the problem's span; without
// carets (`# error: …`) only the line is checked (for spans at column 1 or
// over several lines). `[fix: title]` also checks the problem's first fix.
// The fixtures folder's absolute path is written `<fixtures>` in messages.
// Directives on lines starting with `#!` set check options:
//   #! editor             data paths must stay inside the fixture folder
//   #! untrusted          files may not be read
//   #! maxParameters N    #! maxDataCells N
//   #! runs N             the number of runs that pass every check

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDataFile } from '../../server/src/cli/check';
import { DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, type CheckOptions, type CheckResult, type ReadFile } from '../../server/src/language';
import { LineIndex } from '../../server/src/language/positions';
import { echo } from '../../server/src/language/wording';

const ANNOTATION = /^(\s*#\s*)(\^*)\s*(error|warning|info): (.*?)(?: \[fix: (.*)\])?\s*$/;

export interface Fixture {
  options: CheckOptions;
  expected: string[];
  runs: number | null;
}

/** Data files as the command line finds them: streamed from disk by the loader, with the folder's names when one is missing. */
export const nodeReadFile: ReadFile = readDataFile;

/** The bytes of a weights file, with the messages nodeReadFile gives. */
export function nodeReadBytes(file: string): { bytes: Uint8Array } | { error: string; missing?: boolean } {
  try {
    return { bytes: new Uint8Array(readFileSync(file)) };
  } catch (error) {
    const failed = nodeReadFile(file);
    return 'error' in failed ? failed : { error: String((error as Error).message) };
  }
}

export function readFixture(file: string, text: string): Fixture {
  const options: CheckOptions = {
    specPath: file,
    allowedRoot: null,
    readFile: nodeReadFile,
    readBytes: nodeReadBytes,
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  };
  let runs: number | null = null;
  const expected: string[] = [];
  const lines = text.split(/\r?\n/);
  let subject = -1;
  lines.forEach((line, index) => {
    const directive = /^#!\s*(\w+)(?:\s+(\d+))?/.exec(line);
    if (directive !== null) {
      const [, name, value] = directive;
      if (name === 'editor') options.allowedRoot = path.dirname(file);
      else if (name === 'untrusted') options.readFile = null;
      else if (name === 'maxParameters') options.maxParameters = Number(value);
      else if (name === 'maxDataCells') options.maxDataCells = Number(value);
      else if (name === 'runs') runs = Number(value);
      else throw new Error(`${file}:${index + 1}: unknown directive '${name}'`);
      return;
    }
    const annotation = ANNOTATION.exec(line);
    if (annotation === null) {
      subject = index;
      return;
    }
    const [, prefix, carets, severity, message, fix] = annotation;
    const at = carets.length > 0 ? `${subject + 1}:${prefix.length + 1}+${carets.length}` : `${subject + 1}`;
    expected.push(`${at} ${severity}: ${message}${fix !== undefined ? ` [fix: ${fix}]` : ''}`);
  });
  return { options, expected, runs };
}

/**
 * The problems of a result in annotation form, as precise as each expectation asks:
 * with a column and length where the expected line has carets, with the fix where it names one.
 */
export function renderProblems(text: string, result: CheckResult, expected: string[], folder: string): string[] {
  const index = new LineIndex(text);
  const wantsColumn = new Set(expected.filter((e) => /^\d+:/.test(e)).map((e) => e.replace(/^(\d+):\d+\+\d+ /, '$1 ').replace(/ \[fix: .*\]$/, '')));
  const wantsFix = new Set(expected.filter((e) => / \[fix: .*\]$/.test(e)).map((e) => e.replace(/^(\d+)(:\d+\+\d+)? /, '$1 ').replace(/ \[fix: .*\]$/, '')));
  const fixturePaths = [...new Set(expected.flatMap((e) => [...e.matchAll(/<fixtures>\/([^\s;)]+)/g)].map((m) => m[1])))];
  return result.problems.map((problem) => {
    const start = index.positionAt(problem.span.start);
    const end = index.positionAt(problem.span.end);
    // Messages that name an absolute path name it from the fixtures folder, wherever the checkout is
    // (a long one is shortened as every echo of user text is: the expected names it whole).
    let message = problem.message.split(folder).join('<fixtures>');
    for (const file of fixturePaths) message = message.split(echo(path.join(folder, file))).join(`<fixtures>/${file}`);
    const key = `${start.line + 1} ${problem.severity}: ${message}`;
    const sameLine = start.line === end.line;
    let at = `${start.line + 1}`;
    if (wantsColumn.has(key) && sameLine) at = `${start.line + 1}:${start.character + 1}+${Math.max(1, end.character - start.character)}`;
    const fix = wantsFix.has(key) && problem.fixes?.[0] !== undefined ? ` [fix: ${problem.fixes[0].title}]` : '';
    return `${at} ${problem.severity}: ${message}${fix}`;
  });
}
