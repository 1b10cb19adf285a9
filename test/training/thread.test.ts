// Architecture Invariant: the LSP thread never trains. Nothing main.ts loads (following every runtime import) reaches the Trainer.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** Relative modules a file loads at run time (type-only imports vanish when bundled). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gm)) {
    // `import { type A, type B } from` is type-only too.
    const names = m[1].replace(/[{}\s]/g, '').split(',').filter(Boolean);
    if (names.length > 0 && names.every((n) => n.startsWith('type'))) continue;
    specs.push(m[2]);
  }
  for (const m of text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) specs.push(m[1]);
  return specs.map((spec) => {
    const base = resolve(dirname(file), spec);
    return [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'))!;
  }).filter(Boolean);
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...runtimeImports(file));
  }
  return new Set([...seen].map((f) => relative(root, f).split('\\').join('/')));
}

describe('the LSP thread never trains', () => {
  const server = reachable(join(root, 'server', 'src', 'main.ts'));

  it('main.ts reaches the server, the host and the pool', () => {
    // The walk itself works: these are what the server is made of.
    expect(server).toContain('server/src/lsp/server.ts');
    expect(server).toContain('server/src/training/host.ts');
    expect(server).toContain('server/src/training/pool.ts');
  });

  it('but not the Trainer, the worker or the speed measurement, which only dist/worker.js loads', () => {
    const forbidden = ['server/src/nn/trainer.ts', 'server/src/training/worker.ts', 'server/src/training/measure.ts'];
    expect(forbidden.filter((f) => server.has(f))).toEqual([]);
  });

  it('the worker does reach the Trainer', () => {
    expect(reachable(join(root, 'server', 'src', 'training', 'worker.ts'))).toContain('server/src/nn/trainer.ts');
  });
});
