// Mutation testing stays honest (docs/RELIABILITY.md "Mutation score"): every source file of a scored folder belongs to a
// named part, so that scoring a folder part by part leaves none out, and every `Stryker disable` comment is one line's,
// names its mutators and says why they are equivalent ("Equivalent mutants: simplify the code, or disable with a reason").
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types, the configuration `npm run test:mutation` reads.
import { FOLDERS, PARTS } from '../mutation/folders.mjs';

const root = join(__dirname, '..', '..');
const folders = Object.keys(FOLDERS as Record<string, string[]>);
const parts = PARTS as Record<string, Record<string, string[]>>;

function sourcesOf(folder: string): string[] {
  return readdirSync(join(root, 'server', 'src', folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.split('\\').join('/'));
}

describe('the mutation parts', () => {
  it.each(folders.filter((folder) => parts[folder]))('cover every source file of server/src/%s', (folder) => {
    const named = new Set(Object.values(parts[folder]).flat().map((name) => `${name.replace(/:.*$/, '')}.ts`));
    expect(sourcesOf(folder).filter((file) => !named.has(file))).toEqual([]);
  });

  it('name only files that exist', () => {
    for (const folder of Object.keys(parts)) {
      const sources = new Set(sourcesOf(folder));
      const missing = Object.values(parts[folder]).flat().map((name) => `${name.replace(/:.*$/, '')}.ts`).filter((file) => !sources.has(file));
      expect(missing, folder).toEqual([]);
    }
  });
});

/** A disable comment's problem, or undefined when it names its mutators and gives a reason for one line. */
export function disableProblem(comment: string): string | undefined {
  const match = /Stryker\s+disable(?<rest>.*)$/i.exec(comment);
  if (!match) return undefined;
  const rest = match.groups!.rest;
  const parsed = /^\s+next-line\s+(?<mutators>[\w,]+)\s*:\s*(?<reason>.*)$/.exec(rest);
  if (!parsed) return 'not `// Stryker disable next-line MUTATOR: reason`';
  if (parsed.groups!.mutators.split(',').some((name) => name.toLowerCase() === 'all')) return 'names `all` rather than the equivalent mutators';
  if (parsed.groups!.reason.trim().split(/\s+/).length < 4) return 'gives no reason (at least four words: why no user can tell)';
  return undefined;
}

describe('Stryker disable comments', () => {
  it('are refused without a reason, beyond one line, or for every mutator', () => {
    expect(disableProblem('// Stryker disable next-line EqualityOperator: the loop never reads one past the end')).toBeUndefined();
    expect(disableProblem('// Stryker disable next-line EqualityOperator')).toMatch(/not/);
    expect(disableProblem('// Stryker disable next-line EqualityOperator: equivalent')).toMatch(/no reason/);
    expect(disableProblem('// Stryker disable all: the whole file')).toMatch(/not/);
    expect(disableProblem('// Stryker disable next-line all: every mutant here is equivalent, trust me')).toMatch(/all/);
    expect(disableProblem('// Stryker restore all')).toBeUndefined();
  });

  it.each(folders)('in server/src/%s each name their mutators and a reason', (folder) => {
    const problems: string[] = [];
    for (const file of sourcesOf(folder)) {
      readFileSync(join(root, 'server', 'src', folder, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const problem = disableProblem(line);
          if (problem) problems.push(`server/src/${folder}/${file}:${index + 1}: ${problem}`);
        });
    }
    expect(problems).toEqual([]);
  });
});
