// The real `nn` command line for tests that run it as a process: bundled from source the way build.mjs bundles dist/cli.js.
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** Bundles server/src/cli.ts into `dir`/cli.js (no stale dist/ involved) and returns that path. */
export async function buildCli(dir: string): Promise<string> {
  const cli = join(dir, 'cli.js');
  await esbuild.build({ entryPoints: [join(__dirname, '../../server/src/cli.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'silent' });
  return cli;
}
