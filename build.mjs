// Bundles the extension client, the language server, the training worker and the CLI with esbuild.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { writeKernelsModule } from './server/wasm/compile.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

const builds = [
  { entryPoints: { client: 'client/src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'server/src/main.ts' } },
  { entryPoints: { worker: 'server/src/training/worker.ts' } },
  { entryPoints: { cli: 'server/src/cli.ts' }, banner: { js: '#!/usr/bin/env node' } },
  // The training panel's browser bundle (and its CSS, uPlot's included); the static report inlines both.
  { entryPoints: { 'webview/panel': 'client/src/webview/main.ts' }, platform: 'browser', format: 'iife', target: 'es2020' },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));

// The SIMD matrix kernels: AssemblyScript → wasm → a base64 module the bundles (and tests) import.
await writeKernelsModule();

const contexts = await Promise.all(
  builds.map((b) => esbuild.context({ ...common, ...b, outdir: 'dist' })),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
