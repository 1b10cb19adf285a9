// What the command line reads: only regular files, never endless streams; system errors in words; UTF-16 named as such.

import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../../server/src/cli/check';
import { buildCli } from '../support/cli';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-files-');

function specReading(path: string): string {
  return `network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "${path}"\ntrain n on d {\n}\n`;
}

function check(files: Record<string, string | Buffer>, file: string) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  let stdout = '';
  let stderr = '';
  const status = checkCommand([file], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { status, stdout, stderr };
}

describe('data paths that are not regular files', () => {
  let cli: string;
  beforeAll(async () => {
    cli = await buildCli(tempDir('nn-cli-files-build-'));
  });

  // As a process with a deadline: before the fix a FIFO blocked `nn check` forever, and a link
  // to /dev/zero or /dev/urandom read until memory ran out (7 GB).
  it.each([
    ['a FIFO', 'fifo.csv', () => void spawnSync('mkfifo', [join(dir, 'fifo.csv')])],
    ['a link to /dev/zero', 'zero.csv', () => symlinkSync('/dev/zero', join(dir, 'zero.csv'))],
    ['a link to /dev/urandom', 'random.csv', () => symlinkSync('/dev/urandom', join(dir, 'random.csv'))],
    ['a folder', 'folder.csv', () => mkdirSync(join(dir, 'folder.csv'))],
  ])('%s is refused at once, as the editor refuses it', (_what, name, make) => {
    make();
    writeFileSync(join(dir, `${name}.nn`), specReading(name));
    const run = spawnSync(process.execPath, [cli, 'check', `${name}.nn`], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(run.signal).toBeNull(); // not killed at the deadline
    expect(run.status).toBe(1);
    const words = name === 'folder.csv' ? 'it is a folder, not a file' : 'it is not a regular file';
    expect(run.stdout).toBe(`${name}.nn:5:1: error: cannot read '${name}': ${words}\n`);
  });

  it('a spec that is a FIFO is refused too', () => {
    spawnSync('mkfifo', [join(dir, 'spec-fifo.nn')]);
    const run = spawnSync(process.execPath, [cli, 'check', 'spec-fifo.nn'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("nn check: cannot read 'spec-fifo.nn': it is not a regular file\n");
  });
});

describe('system errors in words', () => {
  it('a loop of symbolic links', () => {
    symlinkSync('loop-b.csv', join(dir, 'loop-a.csv'));
    symlinkSync('loop-a.csv', join(dir, 'loop-b.csv'));
    const { status, stdout } = check({ 'loop.nn': specReading('loop-a.csv') }, 'loop.nn');
    expect(status).toBe(1);
    expect(stdout).toBe("loop.nn:5:1: error: cannot read 'loop-a.csv': the path goes round a loop of symbolic links\n");
  });

  it('a path through a file, and a path too long for the file system, with the path cut short', () => {
    const through = check({ 'plain.txt': 'x', 'through.nn': specReading('plain.txt/d.csv') }, 'through.nn');
    expect(through.stdout).toBe("through.nn:5:1: error: cannot read 'plain.txt/d.csv': a part of the path is a file, not a folder\n");
    const long = `${'a/'.repeat(2_500_000)}x.csv`;
    const { status, stdout } = check({ 'long.nn': specReading(long) }, 'long.nn');
    expect(status).toBe(1);
    expect(stdout).toBe(`long.nn:5:1: error: cannot read 'a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/…a/a/a/a/a/a/a/a/a/a/a/a/x.csv': the path is longer than the file system allows\n`);
  });
});

describe('a data file larger than a string can be', () => {
  it('is streamed, not held as text: one of a single endless line is refused 16 MB into it', () => {
    const path = join(dir, 'huge.csv');
    writeFileSync(path, '');
    truncateSync(path, 600 * 1024 * 1024); // sparse: no disk taken
    const { status, stdout } = check({ 'huge.nn': specReading('huge.csv') }, 'huge.nn');
    expect(status).toBe(1);
    expect(stdout).toBe(
      "huge.nn:5:1: error: huge.csv line 1: the row that starts here runs on for more than 16 MB, which no data file's row does (is a quote left open, or is it not a CSV file?)\n",
    );
  });
});

describe('text that is not UTF-8', () => {
  const spec = specReading('d.csv').replace('from "d.csv"', '{\n  0 -> 1\n}');
  it('a spec saved as UTF-16 (with a byte order mark) is one message, not one per character', () => {
    for (const [name, bytes] of [
      ['le.nn', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(spec, 'utf16le')])],
      ['be.nn', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(spec, 'utf16le').swap16()])],
    ] as const) {
      const { status, stdout, stderr } = check({ [name]: bytes }, name);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`nn check: cannot read '${name}': it is saved as UTF-16; save it as UTF-8\n`);
    }
  });

  it('UTF-16 without a byte order mark is one error on line 1', () => {
    const { status, stdout } = check({ 'bare.nn': Buffer.from(spec, 'utf16le') }, 'bare.nn');
    expect(status).toBe(1);
    expect(stdout).toBe('bare.nn:1:1: error: this file is not UTF-8 text: it holds a NUL between its letters, as UTF-16 text does; save it as UTF-8\n');
  });

  it('a CSV saved as UTF-16 is named as such', () => {
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x,y\n0,1\n', 'utf16le')]);
    const { status, stdout } = check({ 'wide.csv': csv, 'wide.nn': specReading('wide.csv') }, 'wide.nn');
    expect(status).toBe(1);
    expect(stdout).toBe("wide.nn:5:1: error: cannot read 'wide.csv': it is saved as UTF-16; save it as UTF-8\n");
  });
});
