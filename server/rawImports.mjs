// An esbuild plugin for `import text from './file?raw'`: the file's text as a string, as Vite (vitest) reads such imports.
// build.mjs and the tests that bundle the CLI use it; the ONNX export imports its schema so (server/src/export/onnx.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** @type {import('esbuild').Plugin} */
export const rawImports = {
  name: 'raw-imports',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    build.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
      watchFiles: [args.path],
    }));
  },
};
