// How the editor reads a spec's data and weights files (docs/editor.md, docs/language.md §4.18): the size past which a
// file is refused unread, the names offered beside a missing file, and the confinement to the workspace folder with
// links followed. Large files are sparse (their size is on disk, their bytes are not), so nothing big is written.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataStore } from '../../server/src/data/store';
import { confinedReader, dataFileReader, MAX_DATA_FILE_BYTES, MAX_WEIGHTS_FILE_BYTES, weightsFileReader } from '../../server/src/lsp/dataFiles';

let dir = '';
let inside = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nn-datafiles-'));
  inside = join(dir, 'workspace');
  mkdirSync(inside);
  writeFileSync(join(inside, 'rows.csv'), 'x,y\n1,2\n');
  writeFileSync(join(inside, 'w.json'), '{}');
  writeFileSync(join(dir, 'secret.csv'), 'a\n1\n');
  symlinkSync(join(dir, 'secret.csv'), join(inside, 'link.csv'));
  symlinkSync(join(inside, 'rows.csv'), join(inside, 'alias.csv'));
  for (const [name, size] of [
    ['huge.csv', MAX_DATA_FILE_BYTES + 1],
    ['limit.csv', MAX_DATA_FILE_BYTES],
    ['huge.json', MAX_WEIGHTS_FILE_BYTES + 1],
  ] as const) {
    writeFileSync(join(inside, name), '');
    truncateSync(join(inside, name), size);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the editor’s data file reader', () => {
  it('refuses a data file past 1 GB by its size, unread, and says what to do; one of exactly 1 GB is found', () => {
    const read = dataFileReader();
    expect(read(join(inside, 'huge.csv'))).toEqual({
      error: 'it is 1 GB, more than the 1 GB the editor reads; use a sample of the data (the nn command line reads any size)',
    });
    expect(read(join(inside, 'limit.csv'))).toMatchObject({ file: { size: MAX_DATA_FILE_BYTES } });
  });

  it('offers the names of the files (not links) beside a missing data file', () => {
    const found = dataFileReader()(join(inside, 'row.csv')) as { error: string; missing?: boolean; nearby?: string[] };
    expect(found.missing).toBe(true);
    expect(found.error).toMatch(/no such file/);
    expect([...(found.nearby ?? [])].sort()).toEqual(['huge.csv', 'huge.json', 'limit.csv', 'rows.csv', 'w.json']);
  });

  it('refuses a weights file past 64 MB by its size, and reads a small one once while it is unchanged', () => {
    const store = new DataStore();
    const read = weightsFileReader(store);
    expect(read(join(inside, 'huge.json'))).toEqual({
      error: 'it is 64 MB, more than the 64 MB the editor reads; the nn command line reads files up to 512 MB',
    });
    const first = read(join(inside, 'w.json')) as { bytes: Uint8Array };
    expect(new TextDecoder().decode(first.bytes)).toBe('{}');
    expect((read(join(inside, 'w.json')) as { bytes: Uint8Array }).bytes).toBe(first.bytes);
    expect(read(join(inside, 'none.json'))).toMatchObject({ error: expect.stringMatching(/no such file/), missing: true });
  });
});

describe('confinement to the workspace folder', () => {
  const reader = (files?: string) => confinedReader((path) => ({ read: path }), inside, 'the workspace folder', files);

  it('reads a file inside by its real path, a link inside that stays inside too', () => {
    expect(reader()(join(inside, 'rows.csv'))).toEqual({ read: join(inside, 'rows.csv') });
    expect(reader()(join(inside, 'alias.csv'))).toEqual({ read: join(inside, 'rows.csv') });
  });

  it('refuses a link that leads out, naming where it leads and what the editor reads', () => {
    expect(reader()(join(inside, 'link.csv'))).toEqual({
      error: `it is a link to ${join(dir, 'secret.csv')}, outside the workspace folder; the editor only reads data files inside it (the nn command line reads any path)`,
    });
    expect(reader('weights files')(join(inside, 'link.csv'))).toEqual({
      error: `it is a link to ${join(dir, 'secret.csv')}, outside the workspace folder; the editor only reads weights files inside it (the nn command line reads any path)`,
    });
    expect(reader()(join(dir, 'secret.csv'))).toMatchObject({ error: expect.stringMatching(/^it is a link to .*secret\.csv, outside the workspace folder/) });
    expect(reader()(dir)).toMatchObject({ error: expect.stringMatching(/outside the workspace folder/) });
  });

  it('offers the names beside a missing data file, but not beside a missing weights file', () => {
    const data = reader()(join(inside, 'row.csv')) as { nearby?: string[]; missing?: boolean };
    expect(data.missing).toBe(true);
    expect(data.nearby).toContain('rows.csv');
    const weights = reader('weights files')(join(inside, 'w2.json')) as { nearby?: string[]; missing?: boolean };
    expect(weights.missing).toBe(true);
    expect(weights.nearby).toBeUndefined();
  });

  it('says so when the workspace folder itself cannot be read', () => {
    const gone = join(dir, 'gone');
    expect(confinedReader(() => ({ read: true }), gone, 'the workspace folder')(join(gone, 'a.csv'))).toEqual({
      error: `the workspace folder (${gone}) cannot be read: no such file`,
    });
  });
});
