// Real-sized data end to end: `nn check` and `nn train` of an MNIST-shaped file (bench/mnistData.mjs) against numpy.loadtxt and Debian's PyTorch on the same file, network and batches, in one run.
//
// Run from the repository root: `node bench/mnist.mjs [--rows 60000] [--repeat 1] [--against DIR]`.
// --against DIR also times `nn check` and `nn train` of another checkout's dist/ (built there
// beforehand), each run of one right after the same run of the other: before/after on a busy machine.
// It builds dist/ (as `npm run build` does), writes the file to a temporary folder,
// and times, each in a fresh process (the best of --repeat):
//   nn check        the spec that reads the file (reading and checking it is all it does)
//   nn train        1 epoch of 784-128-10 (relu, softmax), batch 64, adam, precision f32
//   numpy.loadtxt   the same file into a float64 array
//   torch           numpy.loadtxt, then the same network, optimizer and batch size for 1 epoch in float32
// with each one's peak RSS (`/usr/bin/time -f %M`). The bars (issue "Real data sets"): nn
// check no slower than numpy.loadtxt and under 1 GB; in nn train, loading under 30% of
// the total (loading is what nn check takes, the same steps nn train begins with).
// Debian's python3-torch is built against a generic BLAS (torch.__config__.show() says
// BLAS_INFO=generic): its matrix products are slower than a BLAS-backed build's.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { option, PYTHON, ROOT, writeMnist } from './mnistData.mjs';

const root = ROOT;
const rows = Number(option('--rows', '60000'));
const repeat = Number(option('--repeat', '1'));
const against = option('--against', null);

const SPEC = `# 784-128-10 on an MNIST-shaped file (bench/mnist.mjs).
network digits {
  input 784
  layer hidden 128 relu
  layer out 10 softmax
}

data pixels from "mnist.csv" {
  target label onehot
  normalize minmax
}

train digits on pixels {
  loss cross_entropy
  optimizer adam rate 0.001
  epochs 1
  batch 64
  seed 1
  precision f32
}
`;

const TORCH = `
import json, sys, time, numpy, torch
t0 = time.perf_counter()
a = numpy.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
t1 = time.perf_counter()
x = torch.tensor(a[:, :784], dtype=torch.float32)
x = (x - x.min(0).values) / (x.max(0).values - x.min(0).values).clamp(min=1e-12)
y = torch.tensor(a[:, 784], dtype=torch.long)
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
t2 = time.perf_counter()
order = torch.randperm(x.shape[0])
total = 0.0
for start in range(0, x.shape[0], 64):
    batch = order[start:start + 64]
    loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    total += loss.item() * len(batch)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "prepare": t2 - t1, "train": t3 - t2, "loss": total / x.shape[0], "threads": torch.get_num_threads()}))
`;

const NUMPY = `
import json, sys, time, numpy
t = time.perf_counter()
a = numpy.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
print(json.dumps({"load": time.perf_counter() - t, "rows": a.shape[0]}))
`;

/** Runs a command under /usr/bin/time: wall seconds (of the whole process), CPU seconds (user + system, all its threads), peak RSS, stdout. */
function timed(command, commandArgs, cwd) {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'rss %M cpu %U %S', command, ...commandArgs], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  const rssMB = Number(/rss (\d+)/.exec(run.stderr)?.[1] ?? NaN) / 1024;
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return { status: run.status, seconds, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, rssMB, stdout: run.stdout, stderr: run.stderr };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function best(runs) {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const build = spawnSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);

const work = mkdtempSync(join(tmpdir(), 'nn-bench-mnist-'));
try {
  const file = join(work, 'mnist.csv');
  const bytes = writeMnist(file, rows);
  writeFileSync(join(work, 'digits.nn'), SPEC);
  const nn = join(root, 'dist', 'cli.js');
  const torchInfo = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__, numpy.__version__, torch.get_num_threads())'], { encoding: 'utf8' }).stdout.trim();
  console.log(`MNIST-shaped file: ${rows.toLocaleString('en-US')} rows × 785 columns, ${(bytes / 1e6).toFixed(1)} MB`);
  console.log(`torch, numpy, torch threads: ${torchInfo}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; best of ${repeat}\n`);

  const results = {};
  const runs = (name, make) => {
    const all = [];
    for (let i = 0; i < repeat; i++) {
      const run = make();
      if (run.status !== 0 && !(name === 'nn check' && run.status === 1)) throw new Error(`${name} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
      all.push(run);
    }
    results[name] = best(all);
  };
  if (against !== null) {
    // Before/after, interleaved: this tree's check and train, then the other's, `repeat` times.
    const other = join(against, 'dist', 'cli.js');
    const samples = { 'this tree': { check: [], train: [] }, [against]: { check: [], train: [] } };
    for (let i = 0; i < Math.max(repeat, 3); i++) {
      for (const [name, cli] of [['this tree', nn], [against, other]]) {
        samples[name].check.push(timed(process.execPath, [cli, 'check', 'digits.nn'], work));
        samples[name].train.push(timed(process.execPath, [cli, 'train', 'digits.nn', '--json'], work));
      }
    }
    console.log('| build | nn check wall / CPU s | nn train wall / CPU s | loading share, wall / CPU (medians) |');
    console.log('|---|---|---|---|');
    for (const [name, { check, train }] of Object.entries(samples)) {
      const [cw, cc, tw, tc] = [check.map((r) => r.seconds), check.map((r) => r.cpu), train.map((r) => r.seconds), train.map((r) => r.cpu)].map(median);
      console.log(`| ${name} | ${cw.toFixed(2)} / ${cc.toFixed(2)} | ${tw.toFixed(2)} / ${tc.toFixed(2)} | ${((100 * cw) / tw).toFixed(0)}% / ${((100 * cc) / tc).toFixed(0)}% |`);
    }
    console.log(`load average now ${loadavg()[0].toFixed(1)}\n`);
  }
  runs('nn check', () => timed(process.execPath, [nn, 'check', 'digits.nn'], work));
  runs('nn train', () => timed(process.execPath, [nn, 'train', 'digits.nn', '--json'], work));
  runs('numpy.loadtxt', () => timed(PYTHON, ['-c', NUMPY, file], work));
  runs('torch', () => timed(PYTHON, ['-c', TORCH, file], work));

  const check = results['nn check'];
  const train = results['nn train'];
  const trained = JSON.parse(train.stdout).runs[0];
  const numpy = results['numpy.loadtxt'];
  const numpyLoad = JSON.parse(numpy.stdout).load;
  const torch = JSON.parse(results.torch.stdout);
  if (check.stdout.trim() !== '') console.log(`nn check printed: ${check.stdout.trim()}\n`);

  console.log('| measurement | seconds | peak RSS MB | ratio |');
  console.log('|---|---:|---:|---|');
  console.log(`| nn check (process) | ${check.seconds.toFixed(2)} | ${Math.round(check.rssMB)} | ${(check.seconds / numpy.seconds).toFixed(2)}× numpy.loadtxt's process |`);
  console.log(`| numpy.loadtxt (process; the call alone ${numpyLoad.toFixed(2)} s) | ${numpy.seconds.toFixed(2)} | ${Math.round(numpy.rssMB)} | 1 |`);
  console.log(`| nn train, 1 epoch (process) | ${train.seconds.toFixed(2)} | ${Math.round(train.rssMB)} | loading (nn check) ${((100 * check.seconds) / train.seconds).toFixed(0)}% of it; training ${trained.seconds.toFixed(2)} s, loss ${trained.loss.toPrecision(4)}, accuracy ${(100 * trained.accuracy).toFixed(1)}% |`);
  const torchTotal = results.torch.seconds;
  console.log(
    `| torch 1 epoch (process: loadtxt ${torch.load.toFixed(2)} s, training ${torch.train.toFixed(2)} s on ${torch.threads} thread${torch.threads === 1 ? '' : 's'}) | ${torchTotal.toFixed(2)} | ${Math.round(results.torch.rssMB)} | nn train ${(train.seconds / torchTotal).toFixed(2)}× its time; training alone ${(trained.seconds / torch.train).toFixed(2)}×, loss ${torch.loss.toPrecision(4)} |`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
