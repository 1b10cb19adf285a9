// `nn train` refuses what would only fail late or eat the machine: threads beyond the cores, a report path that cannot be written.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadsToUse, trainCommand } from '../../server/src/cli/train';
import { writeReport } from '../../server/src/report/views';
import { collectingIo } from '../support/cliIo';
import { XOR_EXAMPLE } from '../support/specs';
import { tempDir } from '../support/temp';

const dir = tempDir('nn-cli-limits-');
writeFileSync(join(dir, 'xor.nn'), XOR_EXAMPLE);

async function train(...argv: string[]) {
  const terminal = collectingIo(dir);
  let reports = 0;
  const status = await trainCommand(argv, terminal.io, {
    writeReport: (...args) => {
      reports++;
      writeReport(...args);
    },
  });
  return { status, stdout: terminal.stdout(), stderr: terminal.stderr(), reports };
}

describe('--threads', () => {
  it('more threads than cores are lowered to the cores, with a note, and the same numbers', async () => {
    const cores = availableParallelism();
    const one = await train('xor.nn', '--json');
    const many = await train('xor.nn', '--json', '--threads', String(cores + 1));
    expect(many.status).toBe(0);
    expect(many.stderr).toBe(
      `nn train: --threads ${cores + 1} is more than the ${cores} ${cores === 1 ? 'core' : 'cores'} of this machine; using ${cores} (the results are the same for any count)\n`,
    );
    expect(JSON.parse(many.stdout).runs[0].loss).toBe(JSON.parse(one.stdout).runs[0].loss);
    expect((await train('xor.nn', '--json', '--quiet', '--threads', String(cores + 1))).stderr).toBe('');
  });

  it.each([
    [1000, 2, 2],
    [3, 4, 3],
    [4, 4, 4],
  ])('--threads %i on %i cores uses %i', (requested, cores, used) => {
    const { threads, note } = threadsToUse(requested, cores);
    expect(threads).toBe(used);
    expect(note !== null).toBe(requested > cores);
  });
});

describe('--report path checked before training', () => {
  it.each([
    ['a folder', 'folder', "it is a folder, not a file"],
    ['in a folder that does not exist', 'nowhere/report.html', "there is no folder 'nowhere'; create it first"],
    ['under a file', 'xor.nn/report.html', "a part of the path is a file, not a folder"],
  ])('%s: refused before any training, exit 2', async (_what, path, words) => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    const run = await train('xor.nn', '--report', path);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe(''); // no run was trained
    expect(run.reports).toBe(0);
    expect(run.stderr).toBe(`nn train: cannot write the report '${path}': ${words}\n`);
  });

  it('a writable path gets its report after training', async () => {
    const run = await train('xor.nn', '--report', 'ok.html');
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'ok.html'), 'utf8')).toContain('<script type="application/json" id="nn-report-data">');
  });
});
