// Runs a CommonJS bundle with a V8 code cache: the bytecode of every function an earlier process compiled.
//
// V8 compiles a function at its first call. A fresh `nn train` calls a few
// thousand functions once each (the checker, the trainer, the network
// compiler), and compiling them is a large part of a small run (bench/README.md
// has the figures).
// build.mjs runs the CLI on the examples once with NN_CODE_CACHE=write, and
// the process writes what it compiled beside the bundle (script.createCachedData
// after the run includes the functions compiled lazily). A later process hands
// that to V8, which deserializes the bytecode instead of compiling the source.
//
// V8 checks that the cache comes from the same V8 version and flags, and
// rejects it otherwise (then everything compiles as usual), but of the source
// it checks only the length. So the cache starts with a SHA-256 of the bundle
// it was made from, and one that does not match is not given to V8 at all.

import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What became of the cache: used, absent, made for another bundle, or refused by V8 (another Node, other flags). */
export type CacheState = 'accepted' | 'absent' | 'stale' | 'rejected';

export interface CachedModule<T> {
  exports: T;
  cache: CacheState;
  /** Writes the bytecode of every function compiled so far (the cache's old ones included) to the cache file. */
  writeCache(): void;
}

const HASH_BYTES = 32;

function hashOf(source: Buffer): Buffer {
  return createHash('sha256').update(source).digest();
}

/** `file` run as a CommonJS module (its `require` resolves from its own folder), with the code cache `cacheFile` when it fits. */
export function requireCached<T>(file: string, cacheFile = `${file}.cache`): CachedModule<T> {
  const bytes = readFileSync(file);
  const hash = hashOf(bytes);
  let cachedData: Buffer | undefined;
  let cache: CacheState = 'absent';
  try {
    const stored = readFileSync(cacheFile);
    if (stored.length > HASH_BYTES && stored.subarray(0, HASH_BYTES).equals(hash)) cachedData = stored.subarray(HASH_BYTES);
    else cache = 'stale';
  } catch {
    // No cache: compile as usual.
  }
  const script = new Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected' : 'accepted';
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const module = { exports: {} as T };
  wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cache,
    writeCache() {
      // Written whole and renamed, so a process that reads it meanwhile never sees half a cache.
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]));
      renameSync(temporary, cacheFile);
    },
  };
}
