// Bundles the extension client, the language server, the training worker and the CLI with esbuild.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { rawImports } from './server/rawImports.mjs';
import { writeKernelsModule } from './server/src/engine/wasm/compile.mjs';

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
  // The ONNX schema comes in as text (server/src/export/onnx.ts).
  plugins: [rawImports],
};

const builds = [
  { entryPoints: { client: 'client/src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'server/src/main.ts' } },
  { entryPoints: { worker: 'server/src/training/worker.ts' } },
  // The data worker: reads data files and draws generated sets off the LSP thread.
  { entryPoints: { loader: 'server/src/loading/worker.ts' } },
  // `nn`: a launcher, and the program it runs with its code cache (server/src/codeCache.ts).
  { entryPoints: { cli: 'server/src/cliLauncher.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { nn: 'server/src/cli.ts' } },
  // The training panel's browser bundle (and its CSS, uPlot's included); the static report inlines both.
  { entryPoints: { 'webview/panel': 'client/src/webview/main.ts' }, platform: 'browser', format: 'iife', target: 'es2020' },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));

// The engine's WebAssembly: its layout generated from engine/layout.ts, then AssemblyScript → wasm → a base64 module the bundles (and tests) import.
await writeKernelsModule();

const contexts = await Promise.all(
  builds.map((b) => esbuild.context({ ...common, ...b, outdir: 'dist' })),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (existsSync('dist/cli.js')) {
    chmodSync('dist/cli.js', 0o755);
    writeCodeCache();
  }
}

/**
 * dist/nn.js.cache: the bytecode of what `nn` compiles when it checks the examples and trains
 * each briefly (every run adds to what the runs before it wrote). A fresh `nn train` then
 * skips compiling the checker and the trainer. A watch build leaves it
 * alone: the cache names the bundle it was made from, and the launcher ignores it for any other.
 */
function writeCodeCache() {
  rmSync('dist/nn.js.cache', { force: true });
  const examples = readdirSync('examples').filter((f) => f.endsWith('.nn')).sort().map((f) => `examples/${f}`);
  const runs = [['check', ...examples], ...examples.map((f) => ['train', f, '--epochs', '20', '--quiet'])];
  for (const args of runs) {
    const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { env: { ...process.env, NN_CODE_CACHE: 'write' }, encoding: 'utf8' });
    // A run whose spec has problems still exits after checking; anything worse is a broken build.
    if (run.status !== 0 && run.status !== 1) throw new Error(`nn ${args.join(' ')} failed while writing the code cache:\n${run.stderr}`);
  }
  if (!existsSync('dist/nn.js.cache')) throw new Error('nn wrote no code cache');
}
