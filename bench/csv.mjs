// Reads the MNIST-shaped CSV (bench/mnistData.mjs) into one Float64Array with each candidate loader: nn-lang's streaming loader and the JavaScript CSV libraries, each in a fresh process, for time and peak memory.
//
// Run from the repository root after `cd bench && npm ci`: `node bench/csv.mjs [--rows 60000] [--only nn-lang,udsv]`.
// nn-lang is measured on one thread and on two (a helper thread reading part of each chunk, as `nn` does).
// Each loader does the whole job a data set needs: from the file to a row-major
// Float64Array of every cell (the libraries parse the text, then their rows or
// columns are copied into it). Wall and CPU seconds, and peak RSS (the process's
// high-water mark, as `/usr/bin/time -f %M` reports it). numpy.loadtxt on the same
// file is the yardstick (the bar: no slower than it).

import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { option, PYTHON, ROOT, writeMnist } from './mnistData.mjs';

const root = ROOT;
const rows = Number(option('--rows', '60000'));
const only = option('--only', null)?.split(',');

/** Each loader as a program run in its own process: reads FILE, prints `rows columns checksum`. */
const LOADERS = {
  'nn-lang': `
    const { loadCsv, openFileSource } = require(BUNDLE);
    const load = loadCsv({ name: 'd', fileLabel: 'mnist.csv', header: true, separator: ',', inputs: null, target: null, onehot: false, encode: null, missing: null, normalize: null, maxDataCells: 50_000_000 }, openFileSource(FILE));
    if (load.dataset === null) throw new Error(load.problems[0].message);
    const d = load.dataset;
    // Inputs and targets are two arrays: the checksum reads them as the one table the others make.
    const width = d.inputWidth + d.targetWidth;
    const table = { length: d.rows * width };
    report(d.rows, width, new Proxy(table, { get: (t, i) => (i === 'length' ? t.length : (i % width < d.inputWidth ? d.inputs[Math.floor(i / width) * d.inputWidth + (i % width)] : d.targets[Math.floor(i / width)])) }));`,
  'nn-lang (two threads)': `
    const { loadCsv, openFileSource, rowsHelper } = require(BUNDLE);
    const load = loadCsv({ name: 'd', fileLabel: 'mnist.csv', header: true, separator: ',', inputs: null, target: null, onehot: false, encode: null, missing: null, normalize: null, maxDataCells: 50_000_000 }, openFileSource(FILE), { helper: { thread: rowsHelper() } });
    if (load.dataset === null) throw new Error(load.problems[0].message);
    const d = load.dataset;
    // Inputs and targets are two arrays: the checksum reads them as the one table the others make.
    const width = d.inputWidth + d.targetWidth;
    const table = { length: d.rows * width };
    report(d.rows, width, new Proxy(table, { get: (t, i) => (i === 'length' ? t.length : (i % width < d.inputWidth ? d.inputs[Math.floor(i / width) * d.inputWidth + (i % width)] : d.targets[Math.floor(i / width)])) }));`,
  'csv-parse': `
    const { parse } = requireFrom('csv-parse/sync');
    const records = parse(require('fs').readFileSync(FILE, 'utf8'), { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
    const width = records[0].length;
    const values = new Float64Array((records.length - 1) * width);
    const NUMBER = /^[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?$/;
    for (let r = 1; r < records.length; r++) for (let c = 0; c < width; c++) {
      const cell = records[r][c];
      values[(r - 1) * width + c] = NUMBER.test(cell) ? Number(cell) : NaN;
    }
    report(records.length - 1, width, values);`,
  papaparse: `
    const Papa = requireFrom('papaparse');
    const result = Papa.parse(require('fs').readFileSync(FILE, 'utf8'), { header: false, dynamicTyping: true, skipEmptyLines: true });
    const data = result.data;
    const width = data[0].length;
    const values = new Float64Array((data.length - 1) * width);
    for (let r = 1; r < data.length; r++) for (let c = 0; c < width; c++) values[(r - 1) * width + c] = data[r][c];
    report(data.length - 1, width, values);`,
  udsv: `
    const { inferSchema, initParser } = requireFrom('udsv');
    const text = require('fs').readFileSync(FILE, 'utf8');
    const schema = inferSchema(text);
    const parser = initParser(schema);
    const columns = parser.typedCols(text);
    const width = columns.length;
    const count = columns[0].length;
    const values = new Float64Array(count * width);
    for (let c = 0; c < width; c++) { const column = columns[c]; for (let r = 0; r < count; r++) values[r * width + c] = column[r]; }
    report(count, width, values);`,
  'd3-dsv': `
    const { csvParseRows } = requireFrom('d3-dsv');
    const data = csvParseRows(require('fs').readFileSync(FILE, 'utf8'));
    const width = data[0].length;
    const values = new Float64Array((data.length - 1) * width);
    for (let r = 1; r < data.length; r++) for (let c = 0; c < width; c++) values[(r - 1) * width + c] = +data[r][c];
    report(data.length - 1, width, values);`,
};

const PRELUDE = `
  // Packages resolve from bench/ (its node_modules) and the repository's.
  const requireFrom = require('node:module').createRequire(${JSON.stringify(join(root, 'bench', 'loader.cjs'))});
  const FILE = process.argv[2];
  const BUNDLE = process.argv[3];
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  function report(rows, columns, values) {
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    let sum = 0;
    for (let i = 0; i < values.length; i += 97) sum += values[i];
    console.log(JSON.stringify({ rows, columns, checksum: sum, seconds, cpu: (cpu.user + cpu.system) / 1e6 }));
  }
`;

/** Runs `program` under /usr/bin/time for the peak RSS; returns what it reported. */
function measure(command, commandArgs, cwd) {
  const run = spawnSync('/usr/bin/time', ['-f', 'rss %M', command, ...commandArgs], { cwd, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return { error: (run.stderr || run.stdout).trim().split('\n').filter((l) => /Error|error/.test(l)).slice(0, 2).join(' ') };
  const rss = Number(/rss (\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
  return { ...JSON.parse(run.stdout.trim().split('\n').pop()), rssMB: rss };
}

const work = mkdtempSync(join(tmpdir(), 'nn-bench-csv-'));
try {
  const file = join(work, 'mnist.csv');
  const bytes = writeMnist(file, rows);
  console.log(`MNIST-shaped file: ${rows.toLocaleString('en-US')} rows × 785 columns, ${(bytes / 1e6).toFixed(1)} MB; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  const bundle = join(work, 'loader.cjs');
  await esbuild.build({
    stdin: { contents: "export { loadCsv } from './server/src/data/csv';\nexport { openFileSource } from './server/src/loading/fileSource';\nexport { rowsHelper } from './server/src/loading/rowsHelper';\n", resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
  const results = [];
  const numpy = measure(PYTHON, ['-c', `
import json, sys, time, numpy
t = time.perf_counter(); c = time.process_time()
a = numpy.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
print(json.dumps({"rows": a.shape[0], "columns": a.shape[1], "checksum": float(a.reshape(-1)[::97].sum()), "seconds": time.perf_counter() - t, "cpu": time.process_time() - c}))
`, file]);
  results.push(['numpy.loadtxt (numpy ' + spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout.trim() + ')', numpy]);
  for (const [name, body] of Object.entries(LOADERS)) {
    if (only && !only.includes(name)) continue;
    // A program file per loader, so each runs in a fresh process with nothing else loaded.
    const program = join(work, `${name}.cjs`);
    writeFileSync(program, PRELUDE + body);
    results.push([name, measure(process.execPath, ['--max-old-space-size=8192', program, file, bundle], join(root, 'bench'))]);
  }
  console.log('\n| loader | wall s | CPU s | peak RSS MB | vs numpy (wall) | rows × columns |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [name, r] of results) {
    if (r.error) {
      console.log(`| ${name} | failed: ${r.error} | | | | |`);
      continue;
    }
    const ratio = numpy.seconds ? (r.seconds / numpy.seconds).toFixed(2) : '';
    console.log(`| ${name} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${Math.round(r.rssMB)} | ${ratio}× | ${r.rows} × ${r.columns} |`);
  }
  const checksums = new Set(results.filter(([, r]) => !r.error).map(([, r]) => r.checksum));
  console.log(checksums.size === 1 ? '\nevery loader read the same numbers (checksum of every 97th cell)' : `\nCHECKSUMS DIFFER: ${[...checksums].join(', ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
