// The examples of docs/ are real: every `.nn` example checks, and every `nn` transcript of docs/cli.md is what the command prints.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language';
import { buildCli } from '../support/cli';

const root = join(__dirname, '..', '..');
const docFiles = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The fenced code blocks of a markdown text with the given info string, with the line each starts on. */
function codeBlocks(text: string, language: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    if (open[2] === language) blocks.push({ line: i + 1, code: `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

const nnExamples = docFiles.flatMap((path) =>
  codeBlocks(readFileSync(join(root, path), 'utf8'), 'nn').map((block) => ({ name: `${path}:${block.line}`, code: block.code })),
);

describe('the .nn examples of docs/', () => {
  it('are there', () => {
    expect(nnExamples.length).toBeGreaterThanOrEqual(8);
  });

  // An example may use what another one declares (`train classifier on flowers`); any other error is a wrong example.
  it.each(nnExamples)('$name checks without errors', ({ code }) => {
    const result = check(code, {
      // Data paths resolve as they do for the files of examples/ (iris.csv, houses.csv).
      specPath: join(root, 'examples', 'docs-example.nn'),
      allowedRoot: null,
      readFile: (path) => (existsSync(path) ? { text: readFileSync(path, 'utf8') } : { error: 'no such file', missing: true }),
      maxParameters: DEFAULT_MAX_PARAMETERS,
      maxDataCells: DEFAULT_MAX_DATA_CELLS,
    });
    const errors = result.problems.filter((p) => p.severity === 'error' && p.code !== 'unknown-name').map((p) => p.message);
    expect(errors).toEqual([]);
  });
});

/**
 * The transcripts of docs/cli.md: a `text` block that starts with `$ node dist/cli.js ARGS`,
 * followed by what it printed. Those that name files outside the repository, or write files,
 * are shown but not rerun.
 */
const transcripts = codeBlocks(readFileSync(join(root, 'docs/cli.md'), 'utf8'), 'text')
  .map((block) => {
    const [first, ...rest] = block.code.trimEnd().split('\n');
    const command = /^\$ node dist\/cli\.js (.*)$/.exec(first);
    if (!command || rest.some((line) => line.startsWith('$ '))) return null;
    const args = command[1].split(' ');
    const writes = args.some((a) => a === '--report' || a === '--out' || a === 'pytorch');
    const missing = args.some((a) => /\.nn$/.test(a) && !existsSync(join(root, a)));
    return writes || missing ? null : { name: `docs/cli.md:${block.line} nn ${command[1]}`, args, output: rest.join('\n') };
  })
  .filter((t): t is { name: string; args: string[]; output: string } => t !== null);

/** Wall times differ from run to run; everything else is printed the same every time. */
function withoutTimes(output: string): string {
  return output.replace(/^(\s*time\s+).*$/gm, '$1…').replace(/("seconds": )[0-9.e-]+/g, '$1…');
}

describe('the nn transcripts of docs/cli.md', () => {
  let dir: string;
  let cli: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nn-docs-'));
    cli = await buildCli(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are there', () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(5);
  });

  it.each(transcripts)('$name prints what the page shows', ({ args, output }) => {
    const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
    expect(withoutTimes(`${run.stdout}${run.stderr}`.trimEnd())).toBe(withoutTimes(output));
  });
});
