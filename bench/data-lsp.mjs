// Large data in the editor, over the real protocol: a spec that draws spiral(samples 16000000), one that reads a 60 MB CSV of 8.1M rows, and one that reads the MNIST-shaped file; how long until its data is checked, hover latency while it loads and after, what an edit in a comment costs, the server's memory.
//
// Usage: node bench/data-lsp.mjs [--server DIR] [--edits 5] [--only spiral,csv,mnist]
// DIR is a checkout whose dist/server.js is measured (default: this one, built first);
// run it with another checkout's root to measure that (the before and after).
// Bars (issues "Hardening" items 2-3 and "Real data sets"): hover p95 under 50 ms while a
// file loads, an edit in a comment costs milliseconds, the data's first diagnostics
// within twice `nn check`'s time.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { option, ROOT, writeMnist } from './mnistData.mjs';
import { writeXyCsv } from './xyCsv.mjs';

const HERE = ROOT;
const SERVER_ROOT = option('--server', HERE);
const EDITS = Number(option('--edits', '5'));
const ONLY = option('--only', 'spiral,csv,mnist').split(',');

if (SERVER_ROOT === HERE) {
  const build = spawnSync(process.execPath, ['build.mjs'], { cwd: HERE, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The server's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function startServer(folder) {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', join(SERVER_ROOT, 'dist', 'server.js'), '--stdio'], { cwd: SERVER_ROOT, stdio: ['pipe', 'pipe', process.env.NN_BENCH_STDERR ? 'inherit' : 'ignore'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagnostics = [];
  const waiters = new Set();
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    diagnostics.push({ at: performance.now(), ...p });
    for (const w of [...waiters]) w();
  });
  connection.onNotification(() => undefined);
  connection.onRequest('workspace/configuration', (p) => p.items.map((i) => (i.section === 'nn' ? { autoTrain: 'off' } : null)));
  connection.onRequest(() => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'Visual Studio Code' },
    rootUri: pathToFileURL(folder).href,
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
    capabilities: {
      workspace: { configuration: true },
      window: { workDoneProgress: true },
      textDocument: { hover: { contentFormat: ['markdown'] }, publishDiagnostics: { versionSupport: true } },
    },
  });
  await connection.sendNotification('initialized', {});
  return {
    child,
    connection,
    diagnostics,
    /** Resolves when `test` holds for a publish (looking back from `from`), with its time. */
    until(test, from = 0, ms = 600_000) {
      return new Promise((resolve, reject) => {
        const probe = () => {
          const found = diagnostics.slice(from).find(test);
          if (!found) return false;
          waiters.delete(probe);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(probe);
          reject(new Error('timed out'));
        }, ms);
        if (!probe()) waiters.add(probe);
      });
    },
  };
}

/** Hovers on the network's hidden layer, one after another, until `done()`; their latencies. */
async function hoverUntil(server, uri, done, atMost = Infinity) {
  const latencies = [];
  while (!done() && latencies.length < atMost) {
    const started = performance.now();
    await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 9 } });
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`);

async function scenario(name, folder, spec, loadedTest) {
  const server = await startServer(folder);
  const uri = pathToFileURL(join(folder, 'spec.nn')).href;
  const opened = performance.now();
  void server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version: 1, text: spec } });
  let loaded = null;
  void server.until((d) => d.uri === uri && loadedTest(d)).then((d) => (loaded = d));
  // Hovers from the moment the spec opens until its data is checked (the first, before any check, answer null).
  const during = await hoverUntil(server, uri, () => loaded !== null);
  const first = await server.until((d) => d.uri === uri);
  await server.until((d) => d.uri === uri && loadedTest(d));
  const after = await hoverUntil(server, uri, () => false, 200);
  const edits = [];
  for (let version = 2; version <= EDITS + 1; version++) {
    const from = server.diagnostics.length;
    const started = performance.now();
    void server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: spec.replace('# Large data', `# Large data, edit ${version}`) }],
    });
    await server.until((d) => d.uri === uri && d.version === version && loadedTest(d), from);
    edits.push(performance.now() - started);
  }
  const mem = memory(server.child.pid);
  server.child.kill();
  return {
    name,
    firstDiagnostics: first.at - opened,
    dataChecked: (loaded?.at ?? NaN) - opened,
    during,
    after,
    edits,
    mem,
  };
}

const NETWORK = (inputs) => `# Large data in the editor (bench/data-lsp.mjs).
network n {
  input ${inputs + 1}
  layer hidden 8 relu
  layer out 1 sigmoid
}
`;

const work = mkdtempSync(join(tmpdir(), 'nn-bench-data-lsp-'));
console.log(`server: ${SERVER_ROOT}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores\n`);
console.log('| data | first diagnostics | data checked | hovers while loading: n, p50 / p95 / max | after: p50 / p95 | edit in a comment: median / max | server RSS now / peak |');
console.log('|---|---:|---:|---|---|---|---|');
const results = {
  /** Prints each scenario's row as soon as it is measured (a later one may fail). */
  push(r) {
    const during = r.during.length > 0 ? `${r.during.length}, ${fmt(percentile(r.during, 50))} / ${fmt(percentile(r.during, 95))} / ${fmt(Math.max(...r.during))}` : '0 (none answered before the data was in)';
    console.log(
      `| ${r.name} | ${fmt(r.firstDiagnostics)} | ${fmt(r.dataChecked)} | ${during} | ${fmt(percentile(r.after, 50))} / ${fmt(percentile(r.after, 95))} | ${fmt(percentile(r.edits, 50))} / ${fmt(Math.max(...r.edits))} | ${Math.round(r.mem.rss)} / ${Math.round(r.mem.peak)} MB |`,
    );
  },
};
try {
  if (ONLY.includes('spiral')) {
    const spec = `${NETWORK(2)}data drawn = spiral(samples 16000000, noise 0.1)\ntrain n on drawn {\n  epochs 1\n}\n`;
    writeFileSync(join(work, 'spec.nn'), spec);
    results.push(await scenario('spiral(samples 16000000)', work, spec, (d) => d.diagnostics.some((p) => p.message.includes("data set 'drawn' has 2 inputs"))));
  }
  if (ONLY.includes('csv')) {
    // 8.1M rows of `x,y`, about 60 MB (the file: just under the old 64 MB limit).
    writeXyCsv(join(work, 'big.csv'), 8_100_000, { decimals: true });
    const spec = `${NETWORK(1)}data big from "big.csv"\ntrain n on big {\n  epochs 1\n}\n`;
    results.push(await scenario('a 60 MB CSV, 8.1M rows', work, spec, (d) => d.diagnostics.some((p) => p.message.includes("data set 'big' has 1 input"))));
  }
  if (ONLY.includes('mnist')) {
    writeMnist(join(work, 'mnist.csv'));
    const spec = `${NETWORK(783)}data digits from "mnist.csv" {\n  target label onehot\n}\ntrain n on digits {\n  epochs 1\n}\n`;
    results.push(await scenario('the MNIST-shaped file (60,000 × 785)', work, spec, (d) => d.diagnostics.some((p) => p.message.includes("data set 'digits' has 10 targets") || p.message.includes('the editor reads'))));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

