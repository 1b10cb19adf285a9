// The real `nn` command line for tests that run it as a process: bundled from source the way build.mjs bundles dist/cli.js.
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { rawImports } from '../../server/rawImports.mjs';

/**
 * Bundles the launcher (server/src/cliLauncher.ts) into `dir`/cli.js and the program it runs
 * (server/src/cli.ts) into `dir`/nn.js, as build.mjs does (no stale dist/ involved; no code
 * cache, which the launcher then does without), and returns the launcher's path.
 */
export async function buildCli(dir: string): Promise<string> {
  const src = join(__dirname, '../../server/src');
  await esbuild.build({
    entryPoints: { cli: join(src, 'cliLauncher.ts'), nn: join(src, 'cli.ts') },
    bundle: true, platform: 'node', format: 'cjs', outdir: dir, logLevel: 'silent', plugins: [rawImports],
  });
  return join(dir, 'cli.js');
}
