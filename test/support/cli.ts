// The real `nn` command line for tests that run it as a process: bundled from source the way build.mjs bundles dist/cli.js.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { rawImports } from '../../server/rawImports.mjs';
import { tempDir } from './temp';

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

/** `nn train xor.nn` as a process, on `spec` written to a new temporary folder (named from `prefix`) with a CLI built into it. */
export async function spawnTrain(prefix: string, spec: string): Promise<ChildProcessWithoutNullStreams> {
  const dir = tempDir(prefix);
  const cli = await buildCli(dir);
  writeFileSync(join(dir, 'xor.nn'), spec);
  return spawn(process.execPath, [cli, 'train', 'xor.nn'], { cwd: dir });
}
