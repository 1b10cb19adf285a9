// Trust and safety over the real protocol: data paths stay inside the workspace (symlinks too), an untrusted workspace reads and trains nothing and says why, names from data files show up escaped, and the panel's CSP is strict.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens, Diagnostic } from 'vscode-languageserver-protocol';
import { panelHtml } from '../../client/src/panelHtml';
import { buildServer, LspClient } from '../protocol/client';

const ERROR = 1;
const CSV = 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n';
/** Weights for spec()'s network n (2-3-1), as `nn export --format json` writes them. */
const WEIGHTS = JSON.stringify({ layers: [{ weights: [[1, 2], [3, 4], [5, 6]], biases: [0, 0, 0] }, { weights: [[1, -1, 1]], biases: [0.5] }] });

/** workspace/ holds the spec and its data; outside/ is a sibling folder the editor must never read. */
let base: string;
let workspace: string;
let outside: string;

beforeAll(() => {
  buildServer();
  base = realpathSync(mkdtempSync(join(tmpdir(), 'nn-trust-')));
  workspace = join(base, 'workspace');
  outside = join(base, 'outside');
  mkdirSync(join(workspace, 'specs'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(workspace, 'data.csv'), CSV);
  writeFileSync(join(workspace, 'bad.csv'), 'a,b,y\n0,0,0\n0,oops,1\n');
  writeFileSync(join(outside, 'secret.csv'), CSV);
  // Weights files (`weights … from`) follow the same rules: one inside, one outside behind a link.
  writeFileSync(join(workspace, 'w.json'), WEIGHTS);
  writeFileSync(join(outside, 'secret.json'), WEIGHTS);
  symlinkSync(join(outside, 'secret.json'), join(workspace, 'link.json'));
  // Were it read, its first cell would be quoted in the diagnostic ("'SECRET-…' in column 'a' is not a number").
  writeFileSync(join(outside, 'leak.csv'), 'a,b,y\nSECRET-7f3a,0,0\n');
  symlinkSync(join(outside, 'leak.csv'), join(workspace, 'leak.csv'));
  symlinkSync(join(outside, 'secret.csv'), join(workspace, 'link.csv'));
  symlinkSync(outside, join(workspace, 'linkdir'));
  // A link that stays inside the workspace is fine.
  symlinkSync(join(workspace, 'data.csv'), join(workspace, 'alias.csv'));
  // Names a spreadsheet could hold: HTML, a markdown command link, a quoted header with a line break and a code fence.
  writeFileSync(
    join(workspace, 'names.csv'),
    '"<img src=x onerror=alert(1)>","[run](command:nn.train)","x\n```\n**y**",label\n0,0,0,cat\n1,1,1,"<script>alert(2)</script>"\n0,1,1,cat\n',
  );
}, 120_000);

afterAll(() => rmSync(base, { recursive: true, force: true }));

let client: LspClient | null = null;
afterEach(async () => {
  await client?.stop();
  client = null;
});

const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

function spec(path: string): string {
  return `network n {\n  input 2\n  layer 3 sigmoid\n  layer 1 sigmoid\n}\n\ndata d from "${path}" {\n  target y\n}\n\ntrain n on d {\n  epochs 10\n}\n`;
}

async function diagnosticsOf(c: LspClient, uri: string, text: string): Promise<Diagnostic[]> {
  c.open(uri, text);
  return (await c.waitForDiagnostics(uri, () => true, 30_000)).diagnostics;
}

describe('data paths stay inside the workspace folder', () => {
  const cases: { name: string; path: () => string; outside: boolean }[] = [
    { name: 'a path relative to the spec', path: () => '../data.csv', outside: false },
    { name: 'a link that stays inside', path: () => '../alias.csv', outside: false },
    { name: 'a relative path that climbs out', path: () => `../../${basename(outside)}/secret.csv`, outside: true },
    { name: 'an absolute path outside', path: () => join(outside, 'secret.csv'), outside: true },
    { name: 'a symlinked file pointing outside', path: () => '../link.csv', outside: true },
    { name: 'a file under a symlinked folder pointing outside', path: () => '../linkdir/secret.csv', outside: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.outside ? 'refused, and the error says why' : 'read'}`, async () => {
      client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: workspace });
      const uri = pathToFileURL(join(workspace, 'specs', 'spec.nn')).href;
      const errors = (await diagnosticsOf(client, uri, spec(c.path()))).filter((d) => d.severity === ERROR);
      if (c.outside) {
        expect(errors).toHaveLength(1);
        expect(messageOf(errors[0])).toMatch(/outside the workspace folder/);
      } else {
        expect(errors.map(messageOf)).toEqual([]);
      }
    });
  }
});

describe('weights files stay inside the workspace folder, as data files do', () => {
  const withWeights = (path: string) => spec('../data.csv').replace('train n on d {\n', `weights given for n from "${path}"\n\ntrain n on d {\n  start from given\n`);
  for (const c of [
    { name: 'a weights file inside', path: '../w.json', error: null },
    { name: 'a link to a weights file outside', path: '../link.json', error: /cannot read '\.\.\/link\.json': it is a link to .*secret\.json, outside the workspace folder; the editor only reads weights files inside it/ },
    { name: 'a path that climbs out', path: '../../outside/secret.json', error: /'\.\.\/\.\.\/outside\/secret\.json' is outside the workspace folder; the editor only reads weights files inside it/ },
  ]) {
    it(`${c.name}: ${c.error ? 'refused, and the error says why' : 'read'}`, async () => {
      client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: workspace });
      const uri = pathToFileURL(join(workspace, 'specs', 'weights.nn')).href;
      const errors = (await diagnosticsOf(client, uri, withWeights(c.path))).filter((d) => d.severity === ERROR).map(messageOf);
      if (c.error) {
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(c.error);
      } else {
        expect(errors).toEqual([]);
      }
    });
  }

  it('in an untrusted workspace no weights file is read', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off', workspaceTrusted: false }, initializationOptions: { workspaceTrusted: false }, workspaceFolder: workspace });
    const uri = pathToFileURL(join(workspace, 'specs', 'untrusted-weights.nn')).href;
    const text = withWeights('../w.json').replace('data d from "../data.csv" {\n  target y\n}', 'data d {\n  0 0 -> 0\n}');
    const errors = (await diagnosticsOf(client, uri, text)).filter((d) => d.severity === ERROR).map(messageOf);
    expect(errors).toEqual(["'../w.json' is not read because the workspace is not trusted; trust the workspace to load weights files"]);
  });
});

describe('data paths of a document that is not a saved file', () => {
  // An unsaved spec, a file of another repository view or of another host: no file path of its own.
  // Each open is a new document (`n`), so its diagnostics are its own.
  const documents = [
    { name: 'an untitled document', uri: (n: number) => `untitled:Untitled-${n}` },
    { name: 'a git: document', uri: (n: number) => `git:${join(workspace, 'specs', `spec${n}.nn`)}?${encodeURIComponent('{"ref":"HEAD"}')}` },
    { name: 'a file of another host', uri: (n: number) => `file://otherhost${join(workspace, 'specs', `spec${n}.nn`)}` },
  ];
  let opened = 0;
  const refusals: { name: string; path: () => string }[] = [
    { name: 'a symlinked file pointing outside', path: () => join(workspace, 'leak.csv') },
    { name: 'a file under a symlinked folder pointing outside', path: () => join(workspace, 'linkdir', 'leak.csv') },
    { name: 'an absolute path outside', path: () => join(outside, 'leak.csv') },
  ];
  for (const document of documents) {
    it(`${document.name}, with a folder open: the workspace folder's rule, links followed`, async () => {
      client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: workspace });
      for (const refusal of refusals) {
        const uri = document.uri(++opened);
        const diagnostics = await diagnosticsOf(client, uri, spec(refusal.path()));
        const messages = diagnostics.map(messageOf);
        expect(messages.join('\n'), refusal.name).not.toMatch(/SECRET/);
        expect(diagnostics.filter((d) => d.severity === ERROR).map(messageOf), refusal.name).toEqual([expect.stringMatching(/outside the workspace folder/)]);
        void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      // A file really inside the folder is read.
      const uri = document.uri(++opened);
      const inside = await diagnosticsOf(client, uri, spec(join(workspace, 'data.csv')));
      expect(inside.filter((d) => d.severity === ERROR).map(messageOf)).toEqual([]);
    });
  }

  it('with no folder open: no data file is read, and the diagnostic says why', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: null });
    for (const document of documents) {
      for (const path of [join(outside, 'leak.csv'), join(workspace, 'leak.csv')]) {
        const uri = document.uri(++opened);
        const diagnostics = await diagnosticsOf(client, uri, spec(path));
        expect(diagnostics.map(messageOf).join('\n'), `${document.name}: ${path}`).not.toMatch(/SECRET/);
        expect(diagnostics.filter((d) => d.severity === ERROR).map(messageOf), `${document.name}: ${path}`).toEqual([
          expect.stringMatching(/not a saved file and no folder is open.*save it .*or open a folder/),
        ]);
        void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
    }
  });

  it("a saved spec with no folder open: its own folder's rule, links followed", async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: null });
    for (const path of [join(workspace, 'leak.csv'), join(outside, 'leak.csv'), 'linkdir/leak.csv']) {
      const uri = pathToFileURL(join(workspace, `alone${++opened}.nn`)).href;
      const diagnostics = await diagnosticsOf(client, uri, spec(path));
      expect(diagnostics.map(messageOf).join('\n'), path).not.toMatch(/SECRET/);
      expect(diagnostics.filter((d) => d.severity === ERROR).map(messageOf), path).toEqual([expect.stringMatching(/outside the spec's folder/)]);
      void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
  });
});

describe('an untrusted workspace', () => {
  it('reads no file and trains nothing until trusted, and the editor says why', async () => {
    client = await LspClient.start({
      settings: { autoTrain: 'onChange', workspaceTrusted: false },
      initializationOptions: { workspaceTrusted: false },
      workspaceFolder: workspace,
    });
    const uri = pathToFileURL(join(workspace, 'untrusted.nn')).href;
    // bad.csv has a bad row: were it read, the check would say so.
    const text = spec('bad.csv');
    const diagnostics = await diagnosticsOf(client, uri, text);
    expect(diagnostics.map(messageOf).join('\n')).toMatch(/not read because the workspace is not trusted/);
    expect(diagnostics.map(messageOf).join('\n')).not.toMatch(/oops|line 3/);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    expect(lenses.map((l) => l.command?.title)).toEqual(['training is off in Restricted Mode (untrusted workspace)']);
    expect(await client.command('nn.train', uri)).toEqual({ started: 0 });
    // Completion of columns would need the header: none is offered.
    const inputsLine = 'data d from "bad.csv" {\n  inputs ';
    const typed = text.replace('data d from "bad.csv" {\n', `${inputsLine}\n`);
    client.change(uri, typed);
    const at = typed.split('\n').findIndex((l) => l === '  inputs ');
    const items = await client.request<{ label: string }[] | { items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: at, character: 9 },
    });
    const labels = (Array.isArray(items) ? items : items.items).map((i) => i.label);
    expect(labels).not.toContain('a');
    expect(client.runStatuses.every((s) => s.runs.every((r) => r.phase === 'idle'))).toBe(true);

    // The user trusts the workspace: now the file is read (its bad row is reported).
    client.settings = { ...client.settings, workspaceTrusted: true };
    client.change(uri, text);
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const trusted = await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => /oops|not a number/.test(messageOf(d))), 30_000);
    expect(trusted.diagnostics.map(messageOf).join('\n')).not.toMatch(/not trusted/);
  });
});

describe('nothing in a spec or its data runs as code', () => {
  it('shows names from a CSV header escaped in hovers', async () => {
    client = await LspClient.start({ settings: { autoTrain: 'off' }, workspaceFolder: workspace });
    const uri = pathToFileURL(join(workspace, 'names.nn')).href;
    const text = `network n {\n  input 3\n  layer 3 sigmoid\n  layer 2 softmax\n}\n\ndata d from "names.csv" {\n  target label onehot\n}\n\ntrain n on d {\n  loss cross_entropy\n  epochs 10\n}\n`;
    const diagnostics = await diagnosticsOf(client, uri, text);
    expect(diagnostics.filter((d) => d.severity === ERROR).map(messageOf)).toEqual([]);
    const lines = text.split('\n');
    const positions = [
      { line: lines.findIndex((l) => l.includes('input 3')), character: 3 },
      { line: lines.findIndex((l) => l.startsWith('data d')), character: 5 },
      { line: lines.findIndex((l) => l.startsWith('train')), character: 10 },
      { line: lines.findIndex((l) => l.startsWith('train')), character: 6 },
    ];
    const seen: string[] = [];
    for (const position of positions) {
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
      const value = hover?.contents.value ?? '';
      // A name never opens or closes a code block: every fence line is the hover's own.
      const fences = value.split('\n').filter((l) => l.trimStart().startsWith('```'));
      expect(fences.every((l) => /^```[a-z]*$/.test(l.trim())), value).toBe(true);
      expect(fences.length % 2, value).toBe(0);
      // Outside code blocks (where text is shown as it is), no raw HTML tag and no markdown link made of a name.
      const prose = value.replace(/```[^\n]*\n[\s\S]*?\n```/g, '');
      expect(prose, JSON.stringify(position)).not.toMatch(/(?<!\\)<(img|script)/);
      expect(prose, JSON.stringify(position)).not.toMatch(/(?<!\\)\]\(command:nn\.train\)/);
      seen.push(value);
    }
    // The names are there, shown as text.
    expect(seen.join('\n')).toMatch(/\\<img src=x onerror=alert\\\(1\\\)\\>/);
    expect(seen.join('\n')).toMatch(/x↵```↵\*\*y\*\*/);
  });
});

describe('the training panel', () => {
  it('runs under a strict Content Security Policy', () => {
    const html = panelHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/panel.js', styleUri: 'vscode-resource:/panel.css', nonce: 'n0nce' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'nonce-n0nce'"]);
    // Nothing that would let injected text run: no inline handlers, no eval, no remote origins.
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(directives.has('connect-src')).toBe(false);
    // Every script the page loads carries the nonce.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((s) => s.includes('nonce="n0nce"'))).toBe(true);
  });
});
