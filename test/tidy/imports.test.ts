// Keeps the architecture invariants of docs/ARCHITECTURE.md true: forbidden imports fail the build's tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports (static imports, re-exports, dynamic import(), require()). */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) specs.push(m[1]);
  return specs;
}

const serverFiles = sourceFiles(join(root, 'server', 'src')).map((path) => ({
  path: relative(root, path).split(sep).join('/'),
  imports: importsOf(readFileSync(path, 'utf8')),
  text: readFileSync(path, 'utf8'),
}));

describe('architecture invariants', () => {
  it('nn/ is pure math: no editor, protocol, file system, timers or Math.random', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => f.path.startsWith('server/src/nn/'))) {
      for (const spec of file.imports) {
        if (/^(node:)?(fs|path|os|child_process|worker_threads|timers)$/.test(spec) || /vscode/.test(spec) || /\/(lsp|training|cli|protocol)\b/.test(spec)) {
          offenders.push(`${file.path} imports ${spec}`);
        }
      }
      if (/Math\.random\s*\(/.test(file.text)) offenders.push(`${file.path} calls Math.random`);
      if (/\b(setTimeout|setInterval|setImmediate|performance\.now|Date\.now)\b/.test(file.text)) offenders.push(`${file.path} reads a clock or timer`);
    }
    expect(offenders).toEqual([]);
  });

  it('nn/ is the reference: it imports nothing from engine/ (the engine implements nn/fastPath.ts and imports nn/)', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => f.path.startsWith('server/src/nn/'))) {
      for (const spec of file.imports) if (/(^|\/)engine(\/|$)/.test(spec)) offenders.push(`${file.path} imports ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('engine/ starts no threads and touches no editor, file system or timer; only nn/, language/ types and itself', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => f.path.startsWith('server/src/engine/') && !f.path.startsWith('server/src/engine/wasm/'))) {
      for (const spec of file.imports) {
        if (/^(node:)?(fs|path|os|child_process|worker_threads|timers)$/.test(spec) || /vscode/.test(spec) || /\/(lsp|training|cli|protocol|data|export|report)\b/.test(spec)) {
          offenders.push(`${file.path} imports ${spec}`);
        }
      }
      if (/Math\.random\s*\(/.test(file.text)) offenders.push(`${file.path} calls Math.random`);
      if (/\b(setTimeout|setInterval|setImmediate|performance\.now|Date\.now)\b/.test(file.text)) offenders.push(`${file.path} reads a clock or timer`);
    }
    expect(offenders).toEqual([]);
  });

  it('only lsp/ and main.ts import vscode-languageserver; nothing on the server imports vscode', () => {
    const offenders: string[] = [];
    for (const file of serverFiles) {
      const mayUseLsp = file.path.startsWith('server/src/lsp/') || file.path === 'server/src/main.ts';
      for (const spec of file.imports) {
        if (spec === 'vscode') offenders.push(`${file.path} imports vscode`);
        if (/^vscode-languageserver(\/|$)/.test(spec) && !mayUseLsp) offenders.push(`${file.path} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('language/ and data/ do not touch the editor, the file system or the trainer thread', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => /^server\/src\/(language|data)\//.test(f.path))) {
      for (const spec of file.imports) {
        if (/vscode/.test(spec) || /^(node:)?(worker_threads|child_process)$/.test(spec) || /\/(lsp|training)\//.test(spec)) {
          offenders.push(`${file.path} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('editor features read the syntax tree, never the lexer: only language/ lexes, and completion its half-typed line', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => !f.path.startsWith('server/src/language/') && f.path !== 'server/src/lsp/completion.ts')) {
      for (const spec of file.imports) if (/(^|\/)language\/lexer$/.test(spec)) offenders.push(`${file.path} imports ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('language/ and data/ keep nothing at module level between calls: what they keep lives in the DataStore passed in', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => /^server\/src\/(language|data)\//.test(f.path))) {
      for (const m of file.text.matchAll(/^(?:export\s+)?(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=\s*new\s+(?:Weak)?(?:Map|Set)\b/gm)) {
        offenders.push(`${file.path}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('export/ and lsp/ never reach the trainer: exports are written from a result, and the LSP thread never trains', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => /^server\/src\/(export|lsp)\//.test(f.path))) {
      for (const spec of file.imports) if (/(^|\/)nn\/trainer$/.test(spec)) offenders.push(`${file.path} imports ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('present/ (what the views say and draw) uses no worker machinery, editor or file system', () => {
    const offenders: string[] = [];
    for (const file of serverFiles.filter((f) => f.path.startsWith('server/src/present/'))) {
      for (const spec of file.imports) {
        if (/vscode/.test(spec) || /^(node:)?(fs|worker_threads|child_process)$/.test(spec) || /\/(lsp|cli|report)\//.test(spec)) {
          offenders.push(`${file.path} imports ${spec}`);
        }
      }
      // Types of training/ (a run's state, its progress) are what it presents; its modules are not.
      for (const m of file.text.matchAll(/^\s*import\s+(?!type\b)[^'"]*from\s*['"]([^'"]*\/training\/[^'"]*)['"]/gm)) offenders.push(`${file.path} imports ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the report draws what `nn train` recorded: report/ never builds a Trainer', () => {
    const offenders = serverFiles
      .filter((f) => f.path.startsWith('server/src/report/'))
      .flatMap((f) => f.imports.filter((spec) => /\/nn\/trainer$/.test(spec)).map((spec) => `${f.path} imports ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('protocol.ts, shared by both sides, imports at most protocol types', () => {
    const protocol = serverFiles.find((f) => f.path === 'server/src/protocol.ts');
    expect(protocol).toBeDefined();
    expect(protocol!.imports.filter((s) => s !== 'vscode-languageserver-protocol')).toEqual([]);
  });
});
