// `nn check` as docs/cli.md "nn check" states it: the line format, 1-based positions, and exit statuses 0, 1, 2.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand } from '../../server/src/cli/check';
import { tempDir } from '../support/temp';

function run(files: Record<string, string>, argv: (dir: string) => string[]) {
  const dir = tempDir('nn-check-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  let stdout = '';
  let stderr = '';
  const status = checkCommand(argv(dir), { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { status, stdout, stderr };
}

const CLEAN = 'network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d {\n  0 -> 0\n}\ntrain n on d {\n}\n';

describe('nn check', () => {
  it('prints nothing and exits 0 for a clean spec', () => {
    expect(run({ 'a.nn': CLEAN }, () => ['a.nn'])).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('prints path:LINE:COL: severity: message, 1-based, and exits 1 on an error', () => {
    const text = '# é😀\r\nnetwork n {\r\n\tinput 1\r\n\tlayer 1 sigmoidd\r\n}\r\n';
    const { status, stdout } = run({ 'b.nn': text }, () => ['b.nn']);
    expect(status).toBe(1);
    expect(stdout).toBe("b.nn:4:10: error: unknown activation 'sigmoidd'; did you mean 'sigmoid'?\n");
  });

  it('exits 0 with warnings only, and prints them', () => {
    const { status, stdout } = run({ 'c.nn': `${CLEAN}data spare {\n  1 -> 1\n}\n` }, () => ['c.nn']);
    expect(status).toBe(0);
    expect(stdout).toBe("c.nn:10:6: warning: data set 'spare' is not used by any 'train' block; add 'train NETWORK on spare { … }' or remove it\n");
  });

  it('checks every file given and names each one', () => {
    const { status, stdout } = run({ 'ok.nn': CLEAN, 'bad.nn': 'netwrk n {\n}\n' }, () => ['ok.nn', 'bad.nn']);
    expect(status).toBe(1);
    expect(stdout.split('\n')[0]).toBe("bad.nn:1:1: error: unknown declaration 'netwrk'; did you mean 'network'?");
  });

  it('exits 2 for an unreadable file, still checking the others', () => {
    const { status, stdout, stderr } = run({ 'bad.nn': 'netwrk n {\n}\n' }, () => ['missing.nn', 'bad.nn']);
    expect(status).toBe(2);
    expect(stderr).toBe("nn check: cannot read 'missing.nn': no such file\n");
    expect(stdout).toContain('bad.nn:1:1: error:');
  });

  it('exits 2 with the usage for bad usage', () => {
    expect(run({}, () => [])).toMatchObject({ status: 2, stderr: 'nn check: no spec file given\nusage: nn check FILE...\n' });
    expect(run({}, () => ['--fast', 'a.nn'])).toMatchObject({ status: 2, stderr: "nn check: unknown option '--fast'\nusage: nn check FILE...\n" });
  });

  it('reads data files relative to the spec, wherever the command runs', () => {
    const { status, stdout } = run({ 'd.csv': 'a,y\n1,0\n', 'e.nn': 'network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "d.csv"\ntrain n on d {\n}\n' }, (dir) => [path.join(dir, 'e.nn')]);
    expect([status, stdout]).toEqual([0, '']);
  });

  it('names a data file beside a missing one that the spec probably meant', () => {
    const spec = 'network n {\n  input 1\n  layer 1 sigmoid\n}\ndata d from "point.csv" {\n  inputs x\n  target y\n}\ntrain n on d {\n}\n';
    const { status, stdout } = run({ 'm.nn': spec, 'points.csv': 'x,y\n0,1\n' }, () => ['m.nn']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^m\.nn:5:\d+: error: cannot read 'point\.csv': .*; did you mean 'points\.csv'\?\n$/);
  });
});
