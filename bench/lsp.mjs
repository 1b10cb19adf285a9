// Language-server latency over the real protocol: hover and completion while a run trains, diagnostics of a 5,000-line spec, didOpen to first result, stop.
//
// Usage: node bench/lsp.mjs            (builds dist/ first, then prints a table)
// Targets (docs/ARCHITECTURE.md): hover/completion p95 < 20 ms while training,
// diagnostics < 100 ms after an edit of a 5,000-line spec, first result of
// examples/xor.nn < 500 ms after didOpen, stop < 100 ms.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const XOR_PATH = join(ROOT, 'examples', 'xor.nn');
const XOR = readFileSync(XOR_PATH, 'utf8');
const XOR_URI = pathToFileURL(XOR_PATH).href;
const LONG = XOR.replace(/epochs \d+/, 'epochs 100000000').replace(/\n\s*stop when loss < [\d.e-]+/, '');

const build = spawnSync(process.execPath, ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(`build failed:\n${build.stdout}\n${build.stderr}`);
  process.exit(1);
}

/** A server process and a client that answers what an editor answers, and can wait for notifications. */
async function startServer(settings = {}) {
  // With the V8 flag the VS Code client starts it with (client/src/extension.ts).
  const child = spawn(process.execPath, ['--max-semi-space-size=32', join(ROOT, 'dist', 'server.js'), '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const listeners = new Set();
  const emit = (method, params) => {
    for (const listener of [...listeners]) listener(method, params);
  };
  connection.onNotification('textDocument/publishDiagnostics', (p) => emit('diagnostics', p));
  connection.onNotification('nn/runStatus', (p) => emit('runStatus', p));
  connection.onNotification(() => undefined);
  connection.onRequest('workspace/configuration', (p) => p.items.map((i) => (i.section === 'nn' ? settings : null)));
  connection.onRequest(() => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'nn-lang bench' },
    rootUri: pathToFileURL(ROOT).href,
    workspaceFolders: [{ uri: pathToFileURL(ROOT).href, name: 'nn-lang' }],
    capabilities: {
      workspace: { configuration: true, codeLens: { refreshSupport: true } },
      window: { workDoneProgress: true },
      textDocument: { hover: { contentFormat: ['markdown'] }, publishDiagnostics: { versionSupport: true }, completion: {} },
    },
  });
  await connection.sendNotification('initialized', {});
  const versions = new Map();
  return {
    connection,
    /** Resolves with the first notification `test` accepts, or rejects after `ms`. */
    waitFor(kind, test, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`timed out waiting for ${kind}`));
        }, ms);
        const listener = (method, params) => {
          if (method !== kind || !test(params)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(params);
        };
        listeners.add(listener);
      });
    },
    open(uri, text) {
      versions.set(uri, 1);
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text } });
    },
    change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      return version;
    },
    async stop() {
      await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void connection.sendNotification('exit');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      connection.dispose();
    },
  };
}

const isResult = (d) => ['trained', 'target-missed', 'diverged', 'training-failed'].includes(d.code);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const rows = [];
function report(name, values, target) {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  rows.push({ name, n: values.length, p50, p95, target, ok: p95 < target });
}

function lineOf(text, pattern) {
  return text.split('\n').findIndex((l) => pattern.test(l));
}

// ---------------------------------------------------------------- 1. didOpen to first result
{
  const times = [];
  for (let i = 0; i < 5; i++) {
    const server = await startServer();
    const opened = performance.now();
    const done = server.waitFor('diagnostics', (p) => p.uri === XOR_URI && p.diagnostics.some(isResult));
    server.open(XOR_URI, XOR);
    await done;
    times.push(performance.now() - opened);
    await server.stop();
  }
  report('didOpen examples/xor.nn → first result diagnostic', times, 500);
}

// ---------------------------------------------------------------- 2. hover and completion while a long run trains
{
  const server = await startServer({ autoTrain: 'off' });
  const uri = 'file:///tmp/nn-bench/long.nn';
  server.open(uri, LONG);
  await server.waitFor('diagnostics', (p) => p.uri === uri);
  const running = server.waitFor('runStatus', (p) => p.uri === uri && p.runs[0]?.phase === 'running' && p.runs[0].epoch > 0);
  await server.connection.sendRequest('workspace/executeCommand', { command: 'nn.train', arguments: [uri] });
  await running;
  const layerLine = lineOf(LONG, /layer hidden/);
  const trainBody = lineOf(LONG, /^\s*loss mse/);
  const hovers = [];
  const completions = [];
  for (let i = 0; i < 200; i++) {
    let t = performance.now();
    await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: layerLine, character: 4 } });
    hovers.push(performance.now() - t);
    t = performance.now();
    await server.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: trainBody + 1, character: 2 } });
    completions.push(performance.now() - t);
  }
  report('hover on a layer while training', hovers, 20);
  report('completion in a train block while training', completions, 20);

  // ------------------------------------------------------------ 3. stop
  const stops = [];
  const trainLine = lineOf(LONG, /^train /);
  for (let i = 0; i < 10; i++) {
    if (i > 0) {
      const again = server.waitFor('runStatus', (p) => p.uri === uri && p.runs[0]?.phase === 'running' && p.runs[0].epoch > 0);
      await server.connection.sendRequest('workspace/executeCommand', { command: 'nn.train', arguments: [uri, trainLine] });
      await again;
    }
    const stopped = server.waitFor('diagnostics', (p) => p.uri === uri && p.diagnostics.some((d) => isResult(d) && /^stopped at epoch/.test(d.message)));
    const asked = performance.now();
    await server.connection.sendRequest('workspace/executeCommand', { command: 'nn.stopTraining', arguments: [uri, trainLine] });
    await stopped;
    stops.push(performance.now() - asked);
  }
  report('nn.stopTraining → stopped result diagnostic', stops, 100);
  await server.stop();
}

// ---------------------------------------------------------------- 4. diagnostics of a 5,000-line spec
{
  const server = await startServer({ autoTrain: 'off' });
  const parts = [];
  let lines = 0;
  for (let n = 0; lines < 5000; n++) {
    const block = [
      `network net${n} {`,
      '  input 2',
      '  layer hidden 4 tanh',
      '  layer out 1 sigmoid',
      '}',
      `data table${n} {`,
      ...Array.from({ length: 16 }, (_, r) => `  ${(r % 4) / 4} ${((r * 3) % 4) / 4} -> ${r % 2}`),
      '}',
      `train net${n} on table${n} {`,
      '  optimizer sgd rate 0.5',
      '  epochs 1000',
      `  seed ${n}`,
      '}',
      '',
    ];
    parts.push(...block);
    lines += block.length;
  }
  const big = parts.join('\n');
  const uri = 'file:///tmp/nn-bench/big.nn';
  server.open(uri, big);
  await server.waitFor('diagnostics', (p) => p.uri === uri && p.version === 1);
  const times = [];
  for (let i = 0; i < 20; i++) {
    // Alternate a real error in and out, so every edit changes what is published.
    const text = i % 2 === 0 ? big.replace('layer hidden 4 tanh', 'layer hidden 4 tanhh') : big;
    const version = server.change(uri, text);
    const sent = performance.now();
    await server.waitFor('diagnostics', (p) => p.uri === uri && p.version === version);
    times.push(performance.now() - sent);
  }
  report(`diagnostics after an edit of a ${big.split('\n').length}-line spec`, times, 100);
  await server.stop();
}

console.log('');
console.log(`load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (the machine may be shared: read p95 in that light)`);
console.log('| measurement | n | p50 ms | p95 ms | target ms | |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | < ${r.target} (p95) | ${r.ok ? 'ok' : 'MISSED'} |`);
}
