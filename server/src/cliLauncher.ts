// dist/cli.js, the `nn` command: runs the command line program (dist/nn.js, bundled from cli.ts) with its code cache.
//
// The program is a separate bundle so that it can run through codeCache.ts:
// a fresh `nn train` then skips compiling the functions an earlier run
// compiled (build.mjs makes the cache). NN_CODE_CACHE=off runs without it;
// NN_CODE_CACHE=write adds what this run compiles to it (build.mjs does that).

import { join } from 'node:path';
import { requireCached, type CachedModule } from './codeCache';

/** For bench/trainer.mjs, which loads brain.js the same way to compare like with like. */
export { requireCached };

type Program = typeof import('./cli');

/** The command line program, with the state of its code cache. */
export function loadProgram(): CachedModule<Program> {
  const file = join(__dirname, 'nn.js');
  if (process.env.NN_CODE_CACHE === 'off') {
    return { exports: require(file) as Program, cache: 'absent', writeCache: () => undefined };
  }
  return requireCached<Program>(file);
}

if (require.main === module) {
  const program = loadProgram();
  if (process.env.NN_CODE_CACHE === 'write') process.on('exit', () => program.writeCache());
  void program.exports.run();
}
