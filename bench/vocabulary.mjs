// What the training vocabulary of docs/language.md §7.2–§7.4 costs: workloads (b) and (c) of trainer.mjs, each trained plain and with a penalty, dropout, a schedule and patience, as ratios to the plain run of the same process.
//
// Targets (issue 18): regularization, schedules and patience cost under 5 %, dropout under 25 %. Every variant runs
// in one process, interleaved (each repetition runs every variant once, in turn); a variant's ratio is the median,
// over the repetitions, of its CPU time over the plain run's of the same repetition, so a busy machine's drift
// slows both sides of each ratio alike (the seconds shown are the best of the repetitions). With --before DIR (a built checkout of another revision, e.g. main),
// its plain runs join the same rotation, to show that runs without the new settings cost what they did.
//
//   node bench/vocabulary.mjs                        the table, CPU-time ratios
//   node bench/vocabulary.mjs --before /tmp/main     also main's plain runs
//   node bench/vocabulary.mjs --repeat 9 --precision f32 --readme
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { WORKLOADS, makeData, nnWorkload } from './trainer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const repeat = Number(arg('--repeat', '5'));
const precision = arg('--precision', 'f64');
const keys = arg('--workloads', 'b,c').split(',');
const before = arg('--before', null);

/** createTrainer as `nn` loads it: dist/cli.js's program with its code cache (build first: npm run build). */
function trainerOf(checkout) {
  const launcher = createRequire(import.meta.url)(join(checkout, 'dist', 'cli.js'));
  return launcher.loadProgram().exports.createTrainer;
}

/** The variants: what each adds to the plain run's network and settings. */
const VARIANTS = {
  plain: (run) => run,
  'l2': (run) => ({ ...run, settings: { ...run.settings, regularization: { l1: 0, l2: 1e-4 } } }),
  'l1 + l2': (run) => ({ ...run, settings: { ...run.settings, regularization: { l1: 1e-5, l2: 1e-4 } } }),
  'schedule exponential': (run) => ({ ...run, settings: { ...run.settings, schedule: { kind: 'exponential', factor: 0.9 } } }),
  'schedule plateau': (run) => ({ ...run, settings: { ...run.settings, schedule: { kind: 'plateau', factor: 0.5, patience: 0 } } }),
  'patience': (run) => ({ ...run, settings: { ...run.settings, patience: 2 } }),
  'dropout 20%': (run) => ({
    ...run,
    network: { ...run.network, layers: run.network.layers.map((layer, k, all) => (k < all.length - 1 ? { ...layer, dropout: 0.2 } : layer)) },
  }),
};

/** CPU seconds (this process, user + system) and wall seconds of one training, from data in memory to the result. */
function timed(createTrainer, run) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = createTrainer(run.network, run.dataset, run.settings).train({});
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000, loss: result.loss, engine: null };
}

const ours = trainerOf(root);
const theirs = before ? trainerOf(before) : null;
const results = {};
for (const key of keys) {
  const w = WORKLOADS[key];
  const base = nnWorkload(w, makeData(w), precision);
  const runs = Object.entries(VARIANTS).map(([name, variant]) => ({ name, train: ours, run: variant(base) }));
  if (theirs) runs.unshift({ name: 'plain (before)', train: theirs, run: base });
  const best = Object.fromEntries(runs.map(({ name }) => [name, { cpu: Infinity, wall: Infinity, ratios: [] }]));
  // One untimed round first: each trainer's code compiled and its WebAssembly instantiated.
  for (const { train, run } of runs) timed(train, run);
  for (let r = 0; r < repeat; r++) {
    const round = {};
    for (const { name, train, run } of runs) {
      const t = timed(train, run);
      round[name] = t.cpu;
      best[name].cpu = Math.min(best[name].cpu, t.cpu);
      best[name].wall = Math.min(best[name].wall, t.wall);
    }
    for (const { name } of runs) best[name].ratios.push(round[name] / round.plain);
  }
  for (const entry of Object.values(best)) {
    const sorted = [...entry.ratios].sort((a, b) => a - b);
    entry.ratio = sorted[Math.floor(sorted.length / 2)];
  }
  results[key] = best;
}

const lines = [];
const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
lines.push(
  `Measured ${now} UTC on ${os.cpus()[0].model} (${os.cpus().length} cores), Node ${process.version}, precision ${precision}; ${repeat} interleaved repetitions, load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}. CPU seconds: the best repetition; × plain: the median over the repetitions of CPU seconds over the plain run's of the same repetition.`,
  '',
  `| variant | ${keys.map((k) => `(${k}) CPU s`).join(' | ')} | ${keys.map((k) => `(${k}) × plain`).join(' | ')} |`,
  `|---|${keys.map(() => '---:').join('|')}|${keys.map(() => '---:').join('|')}|`,
);
for (const name of Object.keys(results[keys[0]])) {
  const cells = keys.map((k) => results[k][name].cpu.toFixed(3));
  const ratios = keys.map((k) => results[k][name].ratio.toFixed(3));
  lines.push(`| ${name} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
}
const table = lines.join('\n');
console.log(table);
if (process.argv.includes('--readme')) {
  const readme = join(here, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const [start, end] = [`<!-- vocabulary-${precision}:begin -->`, `<!-- vocabulary-${precision}:end -->`];
  if (!text.includes(start)) throw new Error(`README.md has no ${start} … ${end} section`);
  writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
}
