// Nothing a spec, a data file or a command line holds reaches the terminal as a control sequence; each message stays on one line.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../support/cli';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-terminal-');
let cli: string;
beforeAll(async () => {
  cli = await buildCli(tempDir('nn-cli-terminal-build-'));
});

/** Every control character but the line feeds that end lines (tabs included: none is printed here). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function nn(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

const NETWORK = 'network n {\n  input 1\n  layer 1 sigmoid\n}\n';

describe('control characters are shown, not obeyed', () => {
  it('CSV cells: a cleared screen, a colour, a window title that would hide the next line, C1 and DEL', () => {
    // ESC [2J clears the screen, ESC [31m colours it, ESC ]0; opens a title that swallows
    // everything up to a BEL, U+009B is the one-character CSI, DEL rubs out.
    writeFileSync(join(dir, 'hostile.csv'), 'a,b\n1,2\n\u001b]0;pwned,1\n\u001b[2J\u001b[31mred,1\n\u009b2J\u007f,1\n');
    writeFileSync(join(dir, 'second.csv'), 'a,b\n1,x\n');
    writeFileSync(join(dir, 'hostile.nn'), `${NETWORK}data d from "hostile.csv"\ndata e from "second.csv"\ntrain n on d {\n}\ntrain n on e {\n}\n`);
    const run = nn('check', 'hostile.nn');
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(run.stdout.split('\n')).toEqual([
      "hostile.nn:5:1: error: hostile.csv line 3: '\\u001b]0;pwned' in column 'a' is not a number (and 2 more values like it)",
      "hostile.nn:6:1: error: second.csv line 2: 'x' in column 'b' is not a number; its values are words: for class labels, write 'target b onehot'",
      '',
    ]);
  });

  it('a path in the spec and a file named on the command line', () => {
    writeFileSync(join(dir, 'path.nn'), `${NETWORK}data d from "\u001b]0;x\u0007.csv"\ntrain n on d {\n}\n`);
    const run = nn('check', 'path.nn', '\u001b[31mmissing.nn');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("path.nn:5:1: error: cannot read '\\u001b]0;x\\u0007.csv': no such file (looked for " + join(dir, '\\u001b]0;x\\u0007.csv') + "; the path is relative to the spec's folder)\n");
    expect(run.stderr).toBe("nn check: cannot read '\\u001b[31mmissing.nn': no such file\n");
  });

  it('nn train --json stays one valid document with the same text', () => {
    writeFileSync(join(dir, 'json.csv'), 'a,b\n\u009b31m\u001b[0m,1\n');
    writeFileSync(join(dir, 'json.nn'), `${NETWORK}data d from "json.csv"\ntrain n on d {\n}\n`);
    const run = nn('train', 'json.nn', '--json');
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(CONTROL);
    expect(JSON.parse(run.stdout).problems[0].message).toBe(
      "json.csv line 2: '\\u009b31m\\u001b[0m' in column 'a' is not a number; its values are words: to use them as categories, add 'encode a onehot'",
    );
  });
});

describe('a quoted CSV field that holds a line break', () => {
  it('keeps its message on one line, at the line where the row starts', () => {
    writeFileSync(join(dir, 'multi.csv'), 'a,b\n1,2\n3,"multi\nline"\n4,5\r\n6,"x\r\ny"\n');
    writeFileSync(join(dir, 'multi.nn'), `${NETWORK}data d from "multi.csv"\ntrain n on d {\n}\n`);
    const run = nn('check', 'multi.nn');
    expect(run.stdout).toBe("multi.nn:5:1: error: multi.csv line 3: 'multi\\nline' in column 'b' is not a number (and 1 more value like it)\n");
  });
});
