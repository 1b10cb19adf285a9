// The engine's generated files are what their sources make: the AssemblyScript layout is engine/layout.ts's, and the WebAssembly the bundles embed is what the AssemblyScript compiles to, so nobody ships a stale layout or binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// A variable path keeps tsc from typing the build script (plain .mjs).
const script = join(__dirname, '..', '..', 'server', 'src', 'engine', 'wasm', 'compile.mjs');

it('the committed AssemblyScript layout is the one engine/layout.ts generates', async () => {
  const { layoutText, generatedLayout } = await import(script);
  const expected = await layoutText();
  expect(readFileSync(generatedLayout, 'utf8') === expected, 'run `npm run build` and commit server/src/engine/wasm/layout.ts').toBe(true);
});

it('the committed kernels module is what server/src/engine/wasm/kernels.ts compiles to', async () => {
  const { compileKernels, moduleText, generatedModule } = await import(script);
  const expected = moduleText(await compileKernels());
  expect(readFileSync(generatedModule, 'utf8') === expected, 'run `npm run build` and commit server/src/engine/wasmBinary.ts').toBe(true);
});

it('the layout carries the numbers of the math the WebAssembly repeats', async () => {
  const { layoutText } = await import(script);
  const { LEAKY_RELU_SLOPE } = await import('../../server/src/nn/activations');
  const { LOG_FLOOR } = await import('../../server/src/nn/losses');
  const text: string = await layoutText();
  expect(text).toContain(`export const MATH_LEAKY_RELU_SLOPE: f64 = ${LEAKY_RELU_SLOPE};`);
  expect(text).toContain(`export const MATH_LOG_FLOOR: f64 = ${LOG_FLOOR};`);
});
