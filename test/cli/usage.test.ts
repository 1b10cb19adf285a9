// The words of the three commands' usage (docs/cli.md): --help, each kind of bad argument, and the forms an
// argument may take (`--epochs=3`, `--`, `-` for a file), with the exact message a user reads and the exit status.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CHECK_USAGE, checkCommand, printable, processCheckIo } from '../../server/src/cli/check';
import { EXPORT_USAGE, exportCommand, parseExportArgs } from '../../server/src/cli/export';
import { processIo, TRAIN_USAGE, trainCommand } from '../../server/src/cli/train';
import { collectingIo } from '../support/cliIo';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-usage-');
const LINE = 'network calm {\n  input 1\n  layer 1 linear\n}\ndata small {\n  1 -> 2\n  2 -> 4\n}\ntrain calm on small {\n  optimizer sgd rate 0.05\n  epochs 5\n}\n';
writeFileSync(join(dir, 'calm.nn'), LINE);
writeFileSync(join(dir, 'warned.nn'), `${LINE}network unused {\n  input 1\n  layer 1 linear\n}\n`);

function check(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = checkCommand(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { status, stdout, stderr };
}

async function train(...argv: string[]) {
  const io = collectingIo(dir);
  const status = await trainCommand(argv, io.io, { writeReport: () => {} });
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

describe('nn check', () => {
  it.each(['--help', '-h'])('%s prints the usage and what the command does, exit 0', (flag) => {
    expect(check('calm.nn', flag)).toEqual({
      status: 0,
      stderr: '',
      stdout: `${CHECK_USAGE}\nChecks each spec and prints its problems as path:LINE:COL: error|warning: message.\nExit status: 0 no errors, 1 errors, 2 bad usage or an unreadable file.\n`,
    });
  });

  it('"--" is passed over; any other word starting with "-" is an unknown option', () => {
    expect(check('--', 'calm.nn')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(check('-x')).toMatchObject({ status: 2, stderr: `nn check: unknown option '-x'\n${CHECK_USAGE}\n` });
  });

  it('"-" is a file name, not an option', () => {
    expect(check('-')).toEqual({ status: 2, stdout: '', stderr: "nn check: cannot read '-': no such file\n" });
  });

  it('prints warnings, not hints, and nothing at all for a clean file', () => {
    const warned = check('warned.nn');
    expect(warned.status).toBe(0);
    expect(warned.stdout.split('\n').filter(Boolean).every((line) => line.startsWith('warned.nn:13:'))).toBe(true);
    expect(warned.stdout).toMatch(/^warned\.nn:13:\d+: warning: network 'unused' /);
    const calls: string[] = [];
    checkCommand(['calm.nn'], { stdout: (t) => void calls.push(t), stderr: (t) => void calls.push(t), cwd: dir });
    expect(calls).toEqual([]);
  });

  it('a file name of thousands of characters is shortened in the message, not printed whole', () => {
    const name = `${'n'.repeat(1500)}.nn`;
    const { status, stderr } = check(name);
    expect(status).toBe(2);
    expect(stderr.length).toBeLessThan(1200);
    expect(stderr).toMatch(/^nn check: cannot read 'n{100,}.*': /);
    const exact = `${'./'.repeat(496)}nope.nn`; // 999 characters: printed whole
    expect(check(exact).stderr).toBe(`nn check: cannot read '${exact}': no such file\n`);
  });
});

describe('nn train arguments', () => {
  it.each(['--help', '-h'])('%s prints the usage and the options, exit 0', async (flag) => {
    const run = await train('calm.nn', flag);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(TRAIN_USAGE);
    expect(run.stdout).toContain('  --epochs N       override every run\'s epochs\n');
    expect(run.stdout).toContain('Exit status: 0 trained, 1 spec errors or a diverged run, 130 cancelled (Ctrl+C), 2 bad usage.\n');
  });

  it('the usage line names every option', () => {
    expect(TRAIN_USAGE).toBe(
      'usage: nn train FILE [--run N] [--json] [--epochs N] [--max-seconds S] [--threads N] [--report PATH] [--quiet]',
    );
  });

  it('a file that cannot be read is named, without the usage, exit 2', async () => {
    expect(await train('nothere.nn')).toEqual({ status: 2, stdout: '', stderr: "nn train: cannot read 'nothere.nn': no such file\n" });
  });

  it('--epochs=N and --epochs N are the same option; 1 is the least', async () => {
    const joined = await train('calm.nn', '--epochs=1', '--json');
    const apart = await train('calm.nn', '--epochs', '1', '--json');
    expect(JSON.parse(joined.stdout).runs[0].epochs).toBe(1);
    expect(joined.stdout).toBe(apart.stdout.replace(/"seconds": [0-9.e-]+/, JSON.parse(joined.stdout).runs[0].seconds === undefined ? '' : `"seconds": ${JSON.parse(joined.stdout).runs[0].seconds}`));
  });

  it('--report without a report writer in the build is refused, exit 2', async () => {
    const io = collectingIo(dir);
    expect(await trainCommand(['calm.nn', '--report', 'r.html'], io.io)).toBe(2);
    expect(io.stderr()).toBe('nn train: --report is not available yet in this build\n');
  });

  it('a report whose writing fails after training is said plainly, exit 2', async () => {
    const io = collectingIo(dir);
    const status = await trainCommand(['calm.nn', '--report', 'late.html', '--quiet'], io.io, {
      writeReport: () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    expect(status).toBe(2);
    expect(io.stdout()).toContain('train calm on small'); // the run was trained and summed up first
    expect(io.stderr()).toMatch(/^nn train: cannot write the report 'late\.html': [a-z].+\n$/);
  });

  it('--report over an existing file replaces it; over a device it is refused', async () => {
    writeFileSync(join(dir, 'old.html'), 'old');
    expect((await train('calm.nn', '--report', 'old.html', '--quiet')).status).toBe(0);
    expect(await train('calm.nn', '--report', '/dev/null')).toEqual({
      status: 2,
      stdout: '',
      stderr: "nn train: cannot write the report '/dev/null': it is not a regular file\n",
    });
  });
});

describe('nn export arguments', () => {
  function exported(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const status = exportCommand(argv, { stdout: (t) => void (stdout += String(t)), stderr: (t) => void (stderr += t), cwd: dir });
    return { status, stdout, stderr };
  }

  it.each([
    [['calm.nn', '--format', 'json', '--epochs', '1x'], '--epochs needs a whole number ≥ 1'],
    [['calm.nn', '--format', 'json', '--epochs', 'x1'], '--epochs needs a whole number ≥ 1'],
    [['calm.nn', '--format', 'json', '--epochs', '12'], null],
    [['calm.nn', '--format'], '--format must be json, pytorch, onnx or safetensors'],
    [['calm.nn', '--format', 'json', '--out'], '--out needs a path'],
    [['calm.nn', '--format', 'json', '--out', ''], '--out needs a path'],
    [['calm.nn', '--format', 'json', '-v'], "unknown option '-v'"],
    [['calm.nn', 'other.nn', '--format', 'json'], 'one spec file only (got calm.nn and other.nn)'],
    [['--format', 'json'], 'no spec file given'],
  ])('%j: %s', (argv, message) => {
    const parsed = parseExportArgs(argv);
    if (message === null) expect(parsed).toMatchObject({ file: 'calm.nn', epochs: 12 });
    else expect(parsed).toBe(message);
  });

  it.each(['--help', '-h'])('%s prints the usage and what the command writes, exit 0', (flag) => {
    const run = exported(flag);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${EXPORT_USAGE}\n` +
        'Trains run N (1-based; the only run when the file has one) and writes the trained model: json to stdout; pytorch (a script needing\n' +
        'only torch), onnx and safetensors to <spec name>.run<N>.py|.onnx|.safetensors beside the spec.\n' +
        "--out PATH writes elsewhere, --out - to stdout. --epochs N overrides the run's epochs.\n" +
        'Exit status: 0 written, 1 spec errors or a diverged run, 2 bad usage.\n',
    );
  });

  it('a file of two runs needs --run; a file of none has nothing to export', () => {
    writeFileSync(join(dir, 'two.nn'), `${LINE}train calm on small {\n  epochs 2\n}\n`);
    expect(exported('two.nn', '--format', 'json')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'nn export: two.nn has 2 train blocks: say which to export with --run N (1 to 2)\n',
    });
    writeFileSync(join(dir, 'none.nn'), 'network calm {\n  input 1\n  layer 1 linear\n}\n');
    const none = exported('none.nn', '--format', 'json');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/\nnn export: none\.nn has no train block to export\n$/);
    expect(exported('two.nn', '--format', 'json', '--run', '2').status).toBe(0);
  });
});

describe('the real terminal', () => {
  it('stdout and stderr escape control characters from a spec but keep line feeds and tabs; the progress bar keeps its own codes', () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const io = processIo();
      io.stdout('a\x1b[2Jb\n\tc');
      io.stderr('d\x07e\n');
      io.drawProgress!('\r\x1b[Kbar');
      const check = processCheckIo();
      check.stdout('f\x1bg\n');
      check.stderr('h\x1bi\n');
      expect(out.mock.calls.map((c) => c[0])).toEqual([printable('a\x1b[2Jb\n\tc'), printable('f\x1bg\n')]);
      expect(err.mock.calls.map((c) => c[0])).toEqual([printable('d\x07e\n'), '\r\x1b[Kbar', printable('h\x1bi\n')]);
      expect(printable('a\x1b[2Jb\n\tc')).not.toContain('\x1b');
      expect(printable('a\x1b[2Jb\n\tc')).toMatch(/^a.+b\n\tc$/);
      expect(io.stderrColumns).toBe(process.stderr.columns || 80);
      expect(io.cwd).toBe(process.cwd());
      expect(check.cwd).toBe(process.cwd());
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  it('Ctrl+C reaches the handler until it is released', () => {
    const before = process.listenerCount('SIGINT');
    const handler = vi.fn();
    const release = processIo().onInterrupt(handler);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.listeners('SIGINT').at(-1)!('SIGINT');
    expect(handler).toHaveBeenCalledTimes(1);
    release();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
