// The WebAssembly kernels the bundles embed are the ones the AssemblyScript sources compile to, so nobody ships a stale binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('the committed kernels module is what server/wasm/kernels.ts compiles to', async () => {
  // A variable path keeps tsc from typing the build script (plain .mjs).
  const script = join(__dirname, '..', '..', 'server', 'wasm', 'compile.mjs');
  const { compileKernels, moduleText, generatedModule } = await import(script);
  const expected = moduleText(await compileKernels());
  expect(readFileSync(generatedModule, 'utf8') === expected, 'run `npm run build` and commit server/src/nn/kernels/wasmBinary.ts').toBe(true);
});
