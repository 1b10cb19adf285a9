// Neovim 0.7 (Debian) as a second LSP client: the server's diagnostics, nn.train and its result reach a client that is not VS Code.
//
// init.lua drives Neovim headless and prints what it received, one "NN ..." line
// per fact; this test runs it on a copy of examples/xor.nn and asserts on those lines.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..', '..');
const server = join(repoRoot, 'dist', 'server.js');
const example = process.env.NN_NVIM_EXAMPLE ?? join(repoRoot, 'examples', 'xor.nn');

interface NvimRun {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs init.lua in a private HOME/XDG tree and returns its "NN" lines. Bounded by a deadline, never a sleep. */
function runNeovim(file: string, timeoutMs: number): Promise<NvimRun> {
  const root = mkdtempSync(join(tmpdir(), 'nn-nvim-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8', TERM: 'dumb' };
  for (const [name, dir] of [
    ['HOME', 'home'], ['XDG_CONFIG_HOME', 'config'], ['XDG_DATA_HOME', 'data'],
    ['XDG_STATE_HOME', 'state'], ['XDG_CACHE_HOME', 'cache'], ['TMPDIR', 'tmp'],
  ] as const) {
    env[name] = join(root, dir);
    mkdirSync(env[name]!, { recursive: true });
  }
  env.NN_SERVER = server;
  env.NN_FILE = file;
  return new Promise((resolveRun, reject) => {
    const child = spawn('nvim', ['--headless', '--noplugin', '-i', 'NONE', '-n', '-u', join(__dirname, 'init.lua')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(root, { recursive: true, force: true });
      const lines = stdout.split('\n').filter((l) => l.startsWith('NN ')).map((l) => l.slice(3));
      resolveRun({ code, lines, stderr });
    });
  });
}

describe('Neovim as an LSP client of the nn server', () => {
  let run: NvimRun;
  let work: string;

  beforeAll(async () => {
    expect(existsSync(server), `${server} missing: run npm run build`).toBe(true);
    work = mkdtempSync(join(tmpdir(), 'nn-nvim-ws-'));
    const file = join(work, 'xor.nn');
    copyFileSync(example, file);
    run = await runNeovim(file, 150_000);
    // What Neovim printed, for whoever reads a failure.
    console.log(run.lines.join('\n'));
  }, 170_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const section = (phase: string): string[] => {
    const start = run.lines.findIndex((l) => l.startsWith(`diagnostics ${phase} `));
    if (start < 0) return [];
    const count = Number(run.lines[start]!.split(' ')[2]);
    return run.lines.slice(start + 1, start + 1 + count);
  };

  const trainLine = (): number => Number(run.lines.find((l) => l.startsWith('train_line '))?.split(' ')[1] ?? NaN);

  it('runs the whole scenario and exits cleanly', () => {
    expect(run.lines.filter((l) => l.startsWith('FAIL')), run.stderr).toEqual([]);
    expect(run.lines).toContain('done');
    expect(run.code).toBe(0);
  });

  it('receives the diagnostics of the opened example: no errors', () => {
    expect(run.lines.some((l) => l.startsWith('diagnostics open '))).toBe(true);
    expect(section('open').filter((l) => l.startsWith('diag 1 '))).toEqual([]);
  });

  it("reports a typed mistake ('sigmoidd') as an error with a suggestion, and clears it when undone", () => {
    const typo = section('typo').find((l) => l.startsWith('diag 1 ') && l.includes("'sigmoidd'"));
    expect(typo).toBeDefined();
    expect(typo).toMatch(/sigmoid'/);
    expect(section('fixed').filter((l) => l.startsWith('diag 1 '))).toEqual([]);
  });

  it('runs nn.train via workspace/executeCommand and then receives the trained result on the train line', () => {
    expect(run.lines.some((l) => l.startsWith('command ok'))).toBe(true);
    const result = section('trained').find((l) => l.startsWith('diag 3 ') && /trained/.test(l));
    expect(result).toBeDefined();
    // Information on the `train` line, with the loss and the epoch it reached.
    expect(result).toMatch(new RegExp(`^diag 3 ${trainLine()}:\\d+ trained: loss \\d`));
    expect(result).toMatch(/epoch \d+/);
  });

  it('says each met expectation of the example as an Information diagnostic on its line (Neovim 0.7 shows no inlay hints)', () => {
    // examples/xor.nn expects its loss and accuracy (docs/editor.md "Expectations").
    const lines = readFileSync(example, 'utf8').split(/\r?\n/);
    const lineOf = (pattern: RegExp): number => lines.findIndex((l) => pattern.test(l));
    const met = section('trained').filter((l) => /expectation/.test(l));
    expect(met).toEqual([
      expect.stringMatching(new RegExp(`^diag 3 ${lineOf(/^\s*expect loss/)}:2 expectation met: loss is 0\\.000\\d+, below 0\\.001$`)),
      `diag 3 ${lineOf(/^\s*expect accuracy/)}:2 expectation met: accuracy is 100%, above 99%`,
    ]);
    expect(run.lines.filter((l) => l.startsWith(`lens ${trainLine()} `))).toContain(`lens ${trainLine()} 2 of 2 expectations met`);
  });

  it('shows the result in the CodeLens above train', () => {
    const lenses = run.lines.filter((l) => l.startsWith(`lens ${trainLine()} `));
    expect(lenses.join(' | ')).toMatch(/Retrain/);
    // Neovim draws neither codicons nor, without an emoji font, emoji: plain words.
    expect(lenses.join(' | ')).not.toMatch(/\$\(|[▶⏭📈■]/u);
    expect(lenses.join(' | ')).toMatch(/loss \d/);
  });

  it('shows the trained W and δ in the hover of the hidden layer', () => {
    const hover = run.lines.find((l) => l.startsWith('hover ')) ?? '';
    expect(hover).toMatch(/hidden/);
    expect(hover).toMatch(/W/);
    expect(hover).toMatch(/δ/);
  });
});
