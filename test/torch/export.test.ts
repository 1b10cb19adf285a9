// The exported PyTorch script: it reproduces finalLoss, trains on, and trains data-parallel (DDP, torchrun) to the same numbers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../../server/src/nn/trainer';
import type { ExportDocument } from '../../server/src/export/json';
import { exportRun, jsonLines, PYTHON, relativeError, runsOf, runWithDeadline, TORCHRUN, workspace } from './helpers';
import { AND_GATE, FLOWERS, FLOWERS_CSV, HOUSES, HOUSES_CSV, REGRESSION as REGRESSION_6, withF32Run, XOR_EXAMPLE as XOR } from '../support/specs';

/** The shared regression with three more rows, a quarter of them held out. */
const REGRESSION = REGRESSION_6.replace('  6 60 -> 3.1\n', '  6 60 -> 3.1\n  7 70 -> 3.3\n  8 55 -> 4.1\n  9 90 -> 4.4\n')
  .replace('epochs 200', 'epochs 100')
  .replace('  batch 2\n', '  batch 2\n  validate 25%\n');
const BINARY = withF32Run(AND_GATE);

// 6,000 inputs and a 50 × 100 weight matrix: both are embedded as base64, not literals.
const SPIRAL = `network big {
  input 2
  layer 100 relu
  layer 50 tanh
  layer 1 sigmoid
}

data arms = spiral(samples 3000, noise 0.1, seed 2)

train big on arms {
  loss cross_entropy
  optimizer sgd rate 0.1 momentum 0.5
  epochs 3
  batch 64
  seed 5
}
`;

interface Case {
  name: string;
  spec: string;
  files?: Record<string, string>;
  run: number;
  tolerance: number;
}

const CASES: Case[] = [
  { name: 'xor: mse on sigmoid, full batch', spec: XOR, run: 1, tolerance: 1e-9 },
  { name: 'zscore regression: tanh/linear, momentum, batch 2, 25% held out', spec: REGRESSION, run: 1, tolerance: 1e-9 },
  { name: 'CSV one-hot: softmax cross-entropy, adam, 20% held out', spec: FLOWERS, files: { 'flowers.csv': FLOWERS_CSV }, run: 1, tolerance: 1e-9 },
  { name: 'binary cross-entropy on one sigmoid', spec: BINARY, run: 1, tolerance: 1e-9 },
  { name: 'binary cross-entropy at precision f32', spec: BINARY, run: 2, tolerance: 1e-5 },
  { name: 'spiral 3000 rows, 2-100-50-1 (base64-embedded arrays)', spec: SPIRAL, run: 1, tolerance: 1e-9 },
  { name: 'a word-valued column encoded one-hot, missing values filled with the training mean, zscore', spec: HOUSES, files: { 'houses.csv': HOUSES_CSV }, run: 1, tolerance: 1e-9 },
];

/** Each case exported once: its folder, script and JSON document. */
const exported = new Map<string, { dir: string; script: string; doc: ExportDocument }>();

beforeAll(() => {
  const check = runWithDeadline(PYTHON, ['-c', 'import torch, torch.distributed; print(torch.__version__)'], { seconds: 60 });
  expect(check.status, `PyTorch is missing for ${PYTHON}: run .ci/torch-setup.sh\n${check.stderr}`).toBe(0);
  for (const c of CASES) {
    const dir = workspace(c.spec, c.files);
    const doc = JSON.parse(exportRun(dir, c.run, 'json')) as ExportDocument;
    exported.set(c.name, { dir, script: exportRun(dir, c.run, 'pytorch'), doc });
  }
});

function script(name: string) {
  const e = exported.get(name);
  if (!e) throw new Error(`no export for ${name}`);
  return e;
}

describe('the exported PyTorch script', () => {
  it.each(CASES)('$name: prints {"loss"} equal to finalLoss', ({ name, tolerance }) => {
    const { script: path, doc, dir } = script(name);
    const p = runWithDeadline(PYTHON, [path], { seconds: 120, cwd: dir });
    expect(p.status, p.stderr).toBe(0);
    const lines = jsonLines(p.stdout);
    expect(lines).toHaveLength(1);
    expect(Object.keys(lines[0])).toEqual(['loss']);
    expect(relativeError(lines[0].loss, doc.training.finalLoss)).toBeLessThan(tolerance);
  });

  it('prepare() takes raw rows as the data file writes them (words, NA) to the inputs the network trained on', () => {
    const { script: path, dir } = script(CASES[6].name);
    const run = runsOf(HOUSES, dir)[0];
    // Every raw row of the file, and what the trainer made of it (filled, encoded, normalized) for the training part.
    const rows = HOUSES_CSV.trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 3));
    const program = [
      'import importlib.util, json, sys',
      `spec = importlib.util.spec_from_file_location("exported", ${JSON.stringify(path)})`,
      'module = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(module)',
      `rows = json.loads(${JSON.stringify(JSON.stringify(rows))})`,
      'print(json.dumps({"raw": module.RAW_COLUMNS, "prepared": [module.prepare(r) for r in rows], "inputs": module.INPUTS}))',
    ].join('\n');
    const p = runWithDeadline(PYTHON, ['-c', program], { seconds: 60, cwd: dir });
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as { raw: string[]; prepared: number[][]; inputs: number[][] };
    expect(out.raw).toEqual(['area', 'district', 'rooms']);
    // The rows kept (the eighth, without a price, is left out); the script embeds the training part, some of them.
    const kept = out.prepared.filter((_, r) => r !== 7);
    for (const input of out.inputs) {
      expect(kept.some((x) => x.every((v, c) => Math.abs(v - input[c]) <= 1e-12))).toBe(true);
    }
    expect(run.data.rows).toBe(11);
  });

  it('embeds large arrays as base64 and small ones as readable literals', () => {
    const big = readFileSync(script(CASES[5].name).script, 'utf8');
    expect(big).toMatch(/^INPUTS = _decode\("[A-Za-z0-9+/=]+", 3000, 2\)$/m);
    expect(big).toMatch(/"weights": _decode\("[A-Za-z0-9+/=]+", 50, 100\)/);
    const small = readFileSync(script(CASES[0].name).script, 'utf8');
    const doc = script(CASES[0].name).doc;
    expect(small).toContain(`[${doc.layers[0].weights[0].join(', ')}],`);
  });

  it('--train goes on from the exported weights, and the loss goes down', () => {
    const { script: path, doc } = script(CASES[0].name);
    const p = runWithDeadline(PYTHON, [path, '--train', '300'], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const epochs = jsonLines(p.stdout);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // Full batch: epoch 1's loss is the loss of the exported weights, before the first update.
    expect(relativeError(epochs[0].loss, doc.training.finalLoss)).toBeLessThan(1e-9);
    for (let i = 1; i < epochs.length; i++) expect(epochs[i].loss).toBeLessThan(epochs[i - 1].loss);
  });

  it('--save writes the trained state_dict, which torch.load reads back', () => {
    const { script: path, doc, dir } = script(CASES[0].name);
    const saved = join(dir, 'trained.pt');
    const p = runWithDeadline(PYTHON, [path, '--train', '5', '--save', saved], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const read = runWithDeadline(
      PYTHON,
      ['-c', 'import json, sys, torch; s = torch.load(sys.argv[1]); print(json.dumps({k: v.tolist() for k, v in s.items()}))', saved],
      { seconds: 60 },
    );
    expect(read.status, read.stderr).toBe(0);
    const state = JSON.parse(read.stdout) as Record<string, number[][] | number[]>;
    expect(Object.keys(state)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    const w = state['layers.0.weight'] as number[][];
    expect(w.map((row) => row.length)).toEqual(doc.layers[0].weights.map((row) => row.length));
    // Five more updates moved the weights away from the exported ones, but not far.
    const change = Math.max(...w.flatMap((row, j) => row.map((v, i) => Math.abs(v - doc.layers[0].weights[j][i]))));
    expect(change).toBeGreaterThan(0);
    expect(change).toBeLessThan(0.1);
  });

  it('--train with mini-batches, momentum and big embedded arrays lowers the loss', () => {
    const { script: path, doc } = script(CASES[5].name);
    const p = runWithDeadline(PYTHON, [path, '--train', '4'], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const epochs = jsonLines(p.stdout);
    expect(epochs).toHaveLength(4);
    expect(epochs[3].loss).toBeLessThan(doc.training.finalLoss);
  });

  // DDP splits every batch across the processes and rescales each share's loss, so the
  // averaged gradient is the whole batch's: the losses match single-process training.
  it.each([
    ['zscore regression, batch 2', CASES[1].name],
    ['CSV one-hot with adam, batch 3 split 2 + 1', CASES[2].name],
  ])('--train --workers 2 (%s) gives the single-process losses', (_label, name) => {
    const { script: path } = script(name);
    const single = runWithDeadline(PYTHON, [path, '--train', '20'], { seconds: 120 });
    expect(single.status, single.stderr).toBe(0);
    const ddp = runWithDeadline(PYTHON, [path, '--train', '20', '--workers', '2'], { seconds: 180 });
    expect(ddp.status, ddp.stderr).toBe(0);
    const a = jsonLines(single.stdout);
    const b = jsonLines(ddp.stdout);
    expect(b.map((e) => e.epoch)).toEqual(a.map((e) => e.epoch));
    expect(a).toHaveLength(20);
    for (let i = 0; i < a.length; i++) expect(relativeError(b[i].loss, a[i].loss)).toBeLessThan(1e-9);
  });

  it('runs under torchrun --nproc_per_node 2 with the same losses', () => {
    const { script: path, dir } = script(CASES[2].name);
    const single = jsonLines(runWithDeadline(PYTHON, [path, '--train', '10'], { seconds: 120 }).stdout);
    const p = runWithDeadline(TORCHRUN, ['--standalone', '--nproc_per_node', '2', '--redirects', '1', '--tee', '1', path, '--train', '10'], {
      seconds: 180,
      cwd: dir,
    });
    expect(p.status, p.stderr).toBe(0);
    const lines = jsonLines(p.stdout);
    expect(lines).toHaveLength(10);
    for (let i = 0; i < lines.length; i++) expect(relativeError(lines[i].loss, single[i].loss)).toBeLessThan(1e-9);
  });

  it('refuses --workers without --train', () => {
    const p = runWithDeadline(PYTHON, [script(CASES[0].name).script, '--workers', '2'], { seconds: 60 });
    expect(p.status).toBe(2);
    expect(p.stderr).toContain('--workers needs --train');
  });
});

// docs/language.md §7.2–§7.4 in the script: the penalty (weight_decay on the weights' group, l1 in the loss), the
// matching lr_scheduler, nn.Dropout, and patience with the best weights. Continued with --train from the exported
// weights, a full-batch run follows the nn trainer continued from the same weights, epoch by epoch.
describe('the exported script carries the training vocabulary', () => {
  const base = (train: string, layer = '') => `network n {
  input 2
  layer hidden 6 tanh${layer}
  layer out 1 sigmoid
}

data d = circle(samples 60, noise 0.2, seed 3)

train n on d {
  loss cross_entropy
  batch full
  seed 4
${train}}
`;

  /** The nn trainer from the exported weights, `epochs` more epochs with the run's settings, as --train runs them. */
  function continued(spec: string, epochs: number, dir: string, doc: ExportDocument) {
    const [run] = runsOf(spec, dir);
    const trainer = new Trainer(run.network, run.data, { ...run.settings, epochs });
    doc.layers.forEach((layer, k) => trainer.setLayer(k + 1, layer.weights.flat(), layer.biases));
    return trainer.train();
  }

  it.each([
    ['both penalties with momentum and a step schedule', '  optimizer sgd rate 0.5 momentum 0.9\n  epochs 30\n  regularize l1 0.002 l2 0.02\n  schedule step factor 0.5 every 4\n'],
    ['l2 with adam and a cosine schedule', '  optimizer adam rate 0.05\n  epochs 30\n  regularize l2 0.05\n  schedule cosine min 0.005\n'],
  ])('%s: --train follows the nn trainer (losses and rates to 1e-9)', (_name, train) => {
    const spec = base(train);
    const dir = workspace(spec);
    const doc = JSON.parse(exportRun(dir, 1, 'json')) as ExportDocument;
    expect(doc.training.regularize).toBeDefined();
    expect(doc.training.schedule).toBeDefined();
    const p = runWithDeadline(PYTHON, [exportRun(dir, 1, 'pytorch'), '--train', '12'], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const lines = jsonLines(p.stdout);
    const ours = continued(spec, 12, dir, doc);
    expect(lines).toHaveLength(12);
    lines.forEach((line, i) => {
      expect(relativeError(line.loss, ours.history.loss[i]), `epoch ${i + 1}`).toBeLessThan(1e-9);
      expect(relativeError(line.rate, ours.history.rate![i]), `rate of epoch ${i + 1}`).toBeLessThan(1e-12);
    });
    expect(new Set(lines.map((l) => l.rate)).size).toBeGreaterThan(1);
  });

  it('patience on the held-out rows with a plateau schedule: the same epochs, the same stop, back to the same weights', () => {
    // Noisier data and more units than the task needs: the held-out loss stops improving within a few epochs.
    const spec = base('  optimizer adam rate 0.05\n  epochs 20\n  validate 30%\n  patience 6\n  schedule plateau factor 0.5 patience 1\n')
      .replace('noise 0.2', 'noise 0.5')
      .replace('hidden 6 tanh', 'hidden 24 tanh');
    const dir = workspace(spec);
    const doc = JSON.parse(exportRun(dir, 1, 'json')) as ExportDocument;
    expect(doc.training.patience).toBe(6);
    expect(doc.training.bestEpoch).toBeGreaterThan(0);
    const saved = join(dir, 'kept.pt');
    const p = runWithDeadline(PYTHON, [exportRun(dir, 1, 'pytorch'), '--train', '200', '--save', saved], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const lines = jsonLines(p.stdout);
    const summary = lines.pop()!;
    const ours = continued(spec, 200, dir, doc);
    expect(ours.stopped).toBe('patience');
    expect(summary).toEqual({ stopped: 'patience', bestEpoch: ours.bestEpoch });
    expect(lines).toHaveLength(ours.epochs);
    lines.forEach((line, i) => {
      expect(relativeError(line.loss, ours.history.loss[i]), `epoch ${i + 1}`).toBeLessThan(1e-9);
      expect(relativeError(line.validationLoss, ours.history.validationLoss![i]), `validation loss of epoch ${i + 1}`).toBeLessThan(1e-9);
    });
    const read = runWithDeadline(PYTHON, ['-c', 'import json, sys, torch; s = torch.load(sys.argv[1]); print(json.dumps({k: v.tolist() for k, v in s.items()}))', saved], { seconds: 60 });
    expect(read.status, read.stderr).toBe(0);
    const kept = JSON.parse(read.stdout) as Record<string, number[][]>;
    const weights = kept['layers.0.weight'].flat();
    weights.forEach((w, i) => expect(Math.abs(w - ours.layers[0].weights[i])).toBeLessThan(1e-9));
  });

  it('dropout: nn.Dropout on the hidden layer, never in evaluation (the loss is finalLoss), and --train trains', () => {
    const spec = base('  optimizer sgd rate 0.5\n  epochs 40\n', ' dropout 30%');
    const dir = workspace(spec);
    const doc = JSON.parse(exportRun(dir, 1, 'json')) as ExportDocument;
    expect(doc.layers.map((l) => l.dropout)).toEqual([0.3, undefined]);
    const path = exportRun(dir, 1, 'pytorch');
    expect(readFileSync(path, 'utf8')).toContain('"dropout": 0.3,');
    const evaluated = runWithDeadline(PYTHON, [path], { seconds: 120 });
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(relativeError(jsonLines(evaluated.stdout)[0].loss, doc.training.finalLoss)).toBeLessThan(1e-9);
    const trained = runWithDeadline(PYTHON, [path, '--train', '60'], { seconds: 120 });
    expect(trained.status, trained.stderr).toBe(0);
    const lines = jsonLines(trained.stdout);
    expect(lines).toHaveLength(60);
    // The epoch's loss is of the dropped-out passes: with 30% dropped it is not the full network's loss of epoch 1.
    expect(relativeError(lines[0].loss, doc.training.finalLoss)).toBeGreaterThan(1e-6);
    expect(lines[59].loss).toBeLessThan(lines[0].loss);
  });
});

