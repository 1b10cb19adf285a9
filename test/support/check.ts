// Checking a test's spec the way the command line does, failing the test on any error, so suites share one set of check options.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS, parse, type CheckResult } from '../../server/src/language/index';
import type { Fix } from '../../server/src/language/problems';

/**
 * The checked spec, which must have no errors (warnings allowed). With `dir`, the spec
 * is taken to be `dir/spec.nn` and data and weights files are read from disk; without, nothing is read.
 */
export function checkedWithoutErrors(text: string, dir?: string): CheckResult {
  const result = check(text, {
    specPath: dir === undefined ? null : join(dir, 'spec.nn'),
    allowedRoot: null,
    readFile:
      dir === undefined
        ? null
        : (path) => (existsSync(path) ? { text: readFileSync(path, 'utf8') } : { error: 'no such file', missing: true }),
    readBytes:
      dir === undefined
        ? null
        : (path) => (existsSync(path) ? { bytes: new Uint8Array(readFileSync(path)) } : { error: 'no such file', missing: true }),
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  });
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result;
}

/** The text with a quick fix's edits applied, from the last to the first so that the spans stay true. */
export function applyFix(text: string, fix: Pick<Fix, 'edits'>): string {
  let out = text;
  for (const edit of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  return out;
}

/**
 * The parser's problems with `text` as a user reads them: each as `"text under it": message`, and each of its
 * fixes as `[title: the whole text after the fix]`, with ` (preferred)` for a preferred one.
 */
export function syntaxProblems(text: string): string[] {
  return parse(text).problems.map((p) => {
    const fixes = (p.fixes ?? []).map((fix) => ` [${fix.title}: ${JSON.stringify(applyFix(text, fix))}]${fix.preferred === true ? ' (preferred)' : ''}`);
    return `${JSON.stringify(text.slice(p.span.start, p.span.end))}: ${p.message}${fixes.join('')}`;
  });
}
