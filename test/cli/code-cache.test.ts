// `nn`'s code cache (server/src/codeCache.ts): used when it was made from the bundle it is given, never otherwise.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp';

const ROOT = join(__dirname, '../..');

/** A module whose answer comes from a function compiled only when called (so a cache holds its bytecode). */
const moduleSource = (answer: number) => `exports.answer = function answer() { return ${answer} + 0.5; };\n`;

/**
 * codeCache.ts bundled into a fresh folder, and a function that loads `module.js` there through
 * it in a new process (one process would find the script in V8's in-memory cache and never read
 * the file's), optionally writing the cache after: what the process saw.
 */
function sandbox(): { file: string; load(write?: boolean): { cache: string; answer: number } } {
  const dir = tempDir('nn-code-cache-');
  buildSync({ entryPoints: [join(ROOT, 'server/src/codeCache.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(dir, 'codeCache.js'), logLevel: 'silent' });
  const file = join(dir, 'module.js');
  const script = `const m = require('./codeCache.js').requireCached(${JSON.stringify(file)});
    console.log(JSON.stringify({ cache: m.cache, answer: m.exports.answer() }));
    if (process.argv[1] === 'write') m.writeCache();`;
  return {
    file,
    load(write = false) {
      const child = spawnSync(process.execPath, ['-e', script, write ? 'write' : 'read'], { cwd: dir, encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { cache: string; answer: number };
    },
  };
}

describe('requireCached', () => {
  it('runs a module without a cache, writes one, and takes it in the next process', () => {
    const { file, load } = sandbox();
    writeFileSync(file, moduleSource(41));
    expect(load(true)).toEqual({ cache: 'absent', answer: 41.5 });
    expect(existsSync(`${file}.cache`)).toBe(true);
    expect(load()).toEqual({ cache: 'accepted', answer: 41.5 });
  });

  it('ignores a cache made from other source of the same length (V8 takes it and runs the old code)', () => {
    const { file, load } = sandbox();
    writeFileSync(file, moduleSource(41));
    load(true);
    writeFileSync(file, moduleSource(42));
    expect(load()).toEqual({ cache: 'stale', answer: 42.5 });
  });

  it('runs the module as usual when V8 refuses the cache', () => {
    const { file, load } = sandbox();
    writeFileSync(file, moduleSource(7));
    load(true);
    // The right source hash, then bytes that are no V8 code cache.
    const stored = readFileSync(`${file}.cache`);
    writeFileSync(`${file}.cache`, Buffer.concat([stored.subarray(0, 32), Buffer.alloc(stored.length - 32, 0x5a)]));
    expect(load()).toEqual({ cache: 'rejected', answer: 7.5 });
  });
});

describe('the built nn command (npm run build)', () => {
  it('ships a code cache this Node accepts', () => {
    const script = `const p = require(${JSON.stringify(join(ROOT, 'dist/cli.js'))}).loadProgram(); console.log(p.cache, typeof p.exports.main);`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('accepted function');
  });

  it('prints the same training with the cache as without it', () => {
    const train = (cache: string) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'train', 'examples/xor.nn', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NN_CODE_CACHE: cache } });
    const withCache = train('on');
    const without = train('off');
    expect(withCache.status).toBe(0);
    expect(without.status).toBe(0);
    // Everything but the time taken.
    const runs = (stdout: string) => (JSON.parse(stdout) as { runs: Record<string, unknown>[] }).runs.map(({ seconds, ...run }) => run);
    expect(runs(withCache.stdout)[0]).toMatchObject({ epochs: 826, stopped: 'target' });
    expect(runs(withCache.stdout)).toEqual(runs(without.stdout));
  });
});
