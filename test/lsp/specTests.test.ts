// The Test Explorer's list of a file that is not open (nn/testRuns, docs/editor.md "The Test Explorer"): which URIs
// are read from disk as a spec at all, and the runs listed from one, with their lines, ranges and expectations as
// written. Training a test is driven over the protocol (test/protocol/expectations.test.ts).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecTests } from '../../server/src/lsp/tests';
import type { Workspace } from '../../server/src/lsp/workspace';

const SPEC = [
  'network n {',
  '  input 1',
  '  layer out 1 sigmoid',
  '}',
  'data d {',
  '  0 -> 0',
  '}',
  'train n on d {',
  '  expect   loss < 0.5',
  '}',
  'train n on d {',
  '  epochs 3',
  '}',
  'train n on d {',
  '  expect accuracy > 90%',
  '  expect loss < 1',
  '}',
  '',
].join('\n');

let dir = '';
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
/** A workspace with no open document: every file is read from disk. */
const tests = new SpecTests({ session: () => undefined } as unknown as Workspace);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nn-spectests-'));
  writeFileSync(join(dir, 'spec.nn'), SPEC);
  writeFileSync(join(dir, 'spec.txt'), SPEC);
  mkdirSync(join(dir, 'folder.nn'));
  writeFileSync(join(dir, 'big.nn'), '');
  truncateSync(join(dir, 'big.nn'), 16 * 1024 * 1024 + 1);
  writeFileSync(join(dir, 'limit.nn'), '');
  truncateSync(join(dir, 'limit.nn'), 16 * 1024 * 1024);
  // A named pipe: reading it would wait for a writer for ever.
  expect(spawnSync('mkfifo', [join(dir, 'pipe.nn')]).status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Test Explorer’s list of a file on disk', () => {
  it('lists the runs with expectations, with their lines, ranges and expectations as written, and no key', async () => {
    expect(await tests.list(uriOf('spec.nn'))).toEqual({
      uri: uriOf('spec.nn'),
      version: null,
      runs: [
        {
          id: 'n on d',
          line: 7,
          range: { start: { line: 7, character: 0 }, end: { line: 9, character: 1 } },
          expectations: [{ range: { start: { line: 8, character: 2 }, end: { line: 8, character: 21 } }, text: 'expect loss < 0.5' }],
          key: null,
        },
        {
          id: 'n on d (3)',
          line: 13,
          range: { start: { line: 13, character: 0 }, end: { line: 16, character: 1 } },
          expectations: [
            { range: { start: { line: 14, character: 2 }, end: { line: 14, character: 23 } }, text: 'expect accuracy > 90%' },
            { range: { start: { line: 15, character: 2 }, end: { line: 15, character: 17 } }, text: 'expect loss < 1' },
          ],
          key: null,
        },
      ],
    });
  });

  it('reads only a regular .nn file (not a folder or a pipe) of at most 16 MB behind a file: URI', async () => {
    expect(await tests.list(uriOf('spec.txt'))).toBeNull();
    expect(await tests.list(uriOf('folder.nn'))).toBeNull();
    expect(await tests.list(uriOf('pipe.nn'))).toBeNull();
    expect(await tests.list(uriOf('missing.nn'))).toBeNull();
    expect(await tests.list(uriOf('big.nn'))).toBeNull();
    expect(await tests.list('untitled:Untitled-1.nn')).toBeNull();
    // 16 MB of NUL bytes is read (a spec of no runs), one byte more is not.
    expect(await tests.list(uriOf('limit.nn'))).toMatchObject({ version: null, runs: [] });
  });
});
