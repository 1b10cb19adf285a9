// Bundles what a benchmark imports from the sources as they are checked out (esbuild, one ES module), so it measures this tree, not dist/.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes `outfile`: a module whose text is `contents` (exports from paths relative to the repository). */
export async function bundleSources(contents, outfile) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  mkdirSync(dirname(outfile), { recursive: true });
  await esbuild.build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error',
  });
  await esbuild.stop();
}
