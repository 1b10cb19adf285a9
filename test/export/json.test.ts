// `nn export --format json`: the document has the shape of docs/cli.md "The JSON document", and its weights alone reproduce finalLoss.
import { existsSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCommand, parseExportArgs } from '../../server/src/cli/export';
import { defaultExportPath } from '../../server/src/export/formats';
import { exportDocument, type ExportDocument } from '../../server/src/export/json';
import { Trainer } from '../../server/src/nn/trainer';
import { checkedWithoutErrors } from '../support/check';
import { AND_GATE, FLOWERS as FLOWERS_20, FLOWERS_CSV as FLOWERS_CSV_12, HOUSES, HOUSES_CSV, inF32, REGRESSION, XOR_EXAMPLE as XOR } from '../support/specs';
import { tempDir } from '../support/temp';

/** The shared flowers spec without a held-out part, on the CSV's first 9 rows (so the fitted normalization is easy to check). */
const FLOWERS = FLOWERS_20.replace('batch 3', 'batch 4').replace('  validate 20%\n', '');
const FLOWERS_CSV = FLOWERS_CSV_12.split('\n').slice(0, 10).join('\n') + '\n';
const BINARY = inF32(AND_GATE);

/** A fresh folder holding the spec (and the CSV the flowers spec reads). */
function workspace(spec: string): { dir: string; file: string } {
  const dir = tempDir('nn-export-');
  writeFileSync(join(dir, 'flowers.csv'), FLOWERS_CSV);
  const file = join(dir, 'spec.nn');
  writeFileSync(file, spec);
  return { dir, file };
}

function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const status = exportCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { status, stdout, stderr };
}

const activate: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  linear: (z) => z,
};

/**
 * The mean training loss of an exported document, written from docs/language.md §4 alone
 * (naive formulas, no code shared with the trainer): what another implementation would do.
 */
function lossOfDocument(doc: ExportDocument, rawInputs: number[][], targets: number[][]): number {
  let total = 0;
  for (let r = 0; r < rawInputs.length; r++) {
    let a = rawInputs[r].map((x, i) => (doc.normalization ? (x - doc.normalization.offset[i]) / doc.normalization.scale[i] : x));
    for (const layer of doc.layers) {
      const z = layer.weights.map((row, j) => row.reduce((sum, w, i) => sum + w * a[i], layer.biases[j]));
      if (layer.activation === 'softmax') {
        const e = z.map(Math.exp);
        const s = e.reduce((p, q) => p + q, 0);
        a = e.map((v) => v / s);
      } else a = z.map(activate[layer.activation]);
    }
    const y = targets[r];
    if (doc.training.loss === 'mse') total += 0.5 * a.reduce((s, v, l) => s + (v - y[l]) ** 2, 0);
    else if (a.length === 1) total += -(y[0] * Math.log(a[0]) + (1 - y[0]) * Math.log(1 - a[0]));
    else total += -a.reduce((s, v, l) => s + y[l] * Math.log(v), 0);
  }
  return total / rawInputs.length;
}

const CASES = [
  { name: 'xor (docs/language.md §1)', spec: XOR, tolerance: 1e-10 },
  { name: 'zscore regression, sgd momentum, batch 2', spec: REGRESSION, tolerance: 1e-10 },
  { name: 'CSV one-hot classes, softmax cross-entropy, adam', spec: FLOWERS, tolerance: 1e-10 },
  { name: 'binary cross-entropy on one sigmoid, f32', spec: BINARY, tolerance: 1e-5 },
];

describe('nn export --format json', () => {
  it.each(CASES)('$name: the shape of docs/cli.md, and the weights alone give finalLoss', ({ spec, tolerance }) => {
    const { dir } = workspace(spec);
    const result = checkedWithoutErrors(spec, dir);
    const runSpec = result.runs[0];
    const { status, stdout, stderr } = run(['spec.nn', '--run', '1', '--format', 'json'], dir);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const doc = JSON.parse(stdout) as ExportDocument;

    // The same document the library function makes from a fresh training of the same run.
    const trainer = new Trainer(runSpec.network, runSpec.data, runSpec.settings);
    const trained = trainer.train();
    expect(doc).toEqual(JSON.parse(JSON.stringify(exportDocument(runSpec, trained))));

    expect(Object.keys(doc)).toEqual(['network', 'input', 'inputs', 'normalization', 'classes', 'layers', 'training']);
    expect(doc.network).toBe(runSpec.network.name);
    expect(doc.input).toBe(runSpec.network.input);
    expect(doc.inputs).toEqual(runSpec.data.inputNames);
    expect(doc.classes).toEqual(runSpec.data.classes);
    expect(doc.layers.map((l) => [l.name, l.units, l.activation])).toEqual(
      runSpec.network.layers.map((l) => [l.name, l.units, l.activation]),
    );
    // weights[j][i] = W_ji: one row per unit, one column per unit of the layer before.
    doc.layers.forEach((layer, k) => {
      const before = k === 0 ? doc.input : doc.layers[k - 1].units;
      expect(layer.weights).toHaveLength(layer.units);
      for (const row of layer.weights) expect(row).toHaveLength(before);
      expect(layer.biases).toHaveLength(layer.units);
      const state = trained.layers[k];
      for (let j = 0; j < layer.units; j++) {
        for (let i = 0; i < before; i++) expect(layer.weights[j][i]).toBe(state.weights[j * before + i]);
      }
    });
    const s = runSpec.settings;
    expect(doc.training).toMatchObject({
      data: runSpec.data.name,
      loss: s.loss,
      optimizer: { name: s.optimizer.kind, rate: s.optimizer.rate },
      epochs: trained.epochs,
      batch: s.batch,
      seed: s.seed,
      finalLoss: trained.finalLoss,
    });
    if (s.optimizer.kind === 'adam') {
      expect(doc.training.optimizer).toEqual({ name: 'adam', rate: s.optimizer.rate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    } else if (s.optimizer.momentum !== 0) {
      expect(doc.training.optimizer).toEqual({ name: 'sgd', rate: s.optimizer.rate, momentum: s.optimizer.momentum });
    }

    // finalLoss from nothing but the document and the raw data.
    const width = runSpec.data.inputWidth;
    const rawInputs = Array.from({ length: runSpec.data.rows }, (_, r) => Array.from(runSpec.data.inputs.subarray(r * width, (r + 1) * width)));
    const targetWidth = runSpec.data.targetWidth;
    const targets = Array.from({ length: runSpec.data.rows }, (_, r) => Array.from(runSpec.data.targets.subarray(r * targetWidth, (r + 1) * targetWidth)));
    const loss = lossOfDocument(doc, rawInputs, targets);
    expect(Math.abs(loss - doc.training.finalLoss) / doc.training.finalLoss).toBeLessThan(tolerance);
  });

  it('writes normalization as fitted on the training rows, and the class labels in output order', () => {
    const { dir } = workspace(FLOWERS);
    const doc = JSON.parse(run(['spec.nn', '--run', '1', '--format', 'json'], dir).stdout) as ExportDocument;
    expect(doc.inputs).toEqual(['sepal_length', 'sepal_width', 'petal length']);
    expect(doc.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(doc.normalization).toEqual({ kind: 'minmax', offset: [4.9, 2.7, 1.4], scale: [7.1 - 4.9, 3.5 - 2.7, 6.0 - 1.4] });
    const xor = JSON.parse(run(['spec.nn', '--run', '1', '--format', 'json'], workspace(XOR).dir).stdout) as ExportDocument;
    expect(xor.normalization).toBeNull();
    expect(xor.classes).toBeNull();
    expect(xor.inputs).toEqual(['x1', 'x2']);
    // The xor run meets `stop when loss < 0.001` long before 20000 epochs.
    expect(xor.training.epochs).toBeLessThan(20000);
    expect(xor.training.finalLoss).toBeLessThan(0.0011);
  });

  it('lists an encoded column’s categories and the fill of missing inputs, and writes neither for a file without them', () => {
    const { dir } = workspace(HOUSES);
    writeFileSync(join(dir, 'houses.csv'), HOUSES_CSV);
    const doc = JSON.parse(run(['spec.nn', '--run', '1', '--format', 'json'], dir).stdout) as ExportDocument;
    expect(doc.inputs).toEqual(['area', 'district=north', 'district=south', 'district=east', 'rooms']);
    expect(doc.encoding).toEqual([{ column: 'district', categories: ['north', 'south', 'east'], first: 1 }]);
    expect(doc.missing?.kind).toBe('mean');
    expect(doc.missing?.fill).toHaveLength(5);
    // The fill is the mean over the training part: not over every row, and not over the held-out ones.
    const houses = checkedWithoutErrors(HOUSES, dir).runs[0];
    const trainer = new Trainer(houses.network, houses.data, houses.settings);
    expect(doc.missing?.fill).toEqual(trainer.missingMeans);
    const xor = JSON.parse(run(['spec.nn', '--run', '1', '--format', 'json'], workspace(XOR).dir).stdout) as Record<string, unknown>;
    expect('encoding' in xor || 'missing' in xor).toBe(false);
  });

  it('numbers round-trip exactly and matrices read one unit per line', () => {
    const { stdout } = run(['spec.nn', '--run', '1', '--format', 'json'], workspace(XOR).dir);
    const doc = JSON.parse(stdout) as ExportDocument;
    const hidden = doc.layers[0];
    const lines = stdout.split('\n');
    for (const row of hidden.weights) expect(lines).toContain(`        [${row.map((w) => JSON.stringify(w)).join(', ')}]${row === hidden.weights[2] ? '' : ','}`);
    expect(stdout).toContain('"optimizer": { "name": "sgd", "rate": 0.5 }');
  });

  it('--epochs overrides the run, --out writes a file instead of stdout', () => {
    const { dir } = workspace(REGRESSION);
    const res = run(['spec.nn', '--run', '1', '--format', 'json', '--epochs', '3', '--out', 'model.json'], dir);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe('');
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ExportDocument;
    expect(doc.training.epochs).toBe(3);
  });

  it('pytorch goes beside the spec by default, as <spec name>.run<N>.py', () => {
    const { dir } = workspace(XOR);
    const res = run(['spec.nn', '--run', '1', '--format', 'pytorch'], dir);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe('');
    const script = join(dir, 'spec.run1.py');
    expect(statSync(script).mode & 0o111).not.toBe(0);
    const text = readFileSync(script, 'utf8');
    expect(text.startsWith('#!/usr/bin/env python3\n')).toBe(true);
    const finalLoss = (JSON.parse(run(['spec.nn', '--run', '1', '--format', 'json'], dir).stdout) as ExportDocument).training.finalLoss;
    expect(text).toContain(`FINAL_LOSS = ${finalLoss}`);
    expect(defaultExportPath('examples/xor.nn', 2, 'pytorch')).toBe(join('examples', 'xor.run2.py'));
  });

  it.each([
    [['spec.nn', '--run', '1'], 2, '--format json|pytorch|onnx|safetensors is required'],
    [['spec.nn', '--run', '1', '--format', 'tflite'], 2, '--format must be json, pytorch, onnx or safetensors'],
    [['spec.nn', '--run', '0', '--format', 'json'], 2, '--run needs a whole number'],
    [['spec.nn', '--run', '2', '--format', 'json'], 2, 'has no run 2 (it has 1 train block)'],
    [['missing.nn', '--run', '1', '--format', 'json'], 2, "nn export: cannot read 'missing.nn': no such file\n"],
    [['spec.nn', '--run', '1', '--format', 'json', '--out', 'no-folder/m.json'], 2, "nn export: cannot write 'no-folder/m.json': there is no folder 'no-folder'; create it first\n"],
  ])('%j exits %i', (args, status, message) => {
    const res = run(args, workspace(XOR).dir);
    expect(res.status).toBe(status);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(message);
  });

  it('words a data file that cannot be read as nn check does, and counts one epoch as one', () => {
    const { dir } = workspace('network n {\n  input 1\n  layer 1 linear\n}\ndata d from "sub"\ntrain n on d {\n}\n');
    mkdirSync(join(dir, 'sub'));
    const folder = run(['spec.nn', '--run', '1', '--format', 'json'], dir);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toBe("spec.nn:5:1: error: cannot read 'sub': it is a folder, not a file\n");

    const one = run(['spec.nn', '--run', '1', '--format', 'json', '--epochs', '1', '--out', 'm.json'], workspace(REGRESSION).dir);
    expect(one.status).toBe(0);
    expect(one.stderr).toMatch(/^nn export: wrote m\.json \(run 1, 1 epoch, loss [\d.e-]+\)\n$/);
  });

  it('a spec with errors prints them in check format and exits 1', () => {
    const { dir } = workspace(XOR.replace('layer output 1 sigmoid', 'layer output 1 sigmod'));
    const res = run(['spec.nn', '--run', '1', '--format', 'json'], dir);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^spec\.nn:5:18: error: unknown activation 'sigmod'/m);
  });

  it('a diverged run has no weights to export: exit 1 with the reason', () => {
    const { dir } = workspace(REGRESSION.replace('rate 0.05 momentum 0.9', 'rate 1000'));
    const res = run(['spec.nn', '--run', '1', '--format', 'json'], dir);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/diverged in epoch \d+/);
  });

  it('--help prints the usage on stdout and exits 0', () => {
    const res = run(['--help'], workspace(XOR).dir);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('usage: nn export FILE [--run N] --format json|pytorch|onnx|safetensors [--out PATH] [--epochs N]');
  });

  it('exports the only run of a file without --run, and asks which when there are several', () => {
    const { dir } = workspace(XOR);
    const only = run(['spec.nn', '--format', 'json'], dir);
    expect(only.status).toBe(0);
    expect(only.stdout).toBe(run(['spec.nn', '--run', '1', '--format', 'json'], dir).stdout);
    const two = workspace(XOR + XOR.slice(XOR.indexOf('train ')));
    const asked = run(['spec.nn', '--format', 'json'], two.dir);
    expect(asked.status).toBe(2);
    expect(asked.stdout).toBe('');
    expect(asked.stderr).toBe('nn export: spec.nn has 2 train blocks: say which to export with --run N (1 to 2)\n');
  });

  it('writes every format to stdout with --out -, so a redirect gets it', () => {
    const { dir } = workspace(XOR);
    const script = run(['spec.nn', '--format', 'pytorch', '--out', '-'], dir);
    expect(script.status).toBe(0);
    expect(script.stdout.startsWith('#!/usr/bin/env python3\n')).toBe(true);
    expect(existsSync(join(dir, 'spec.run1.py'))).toBe(false);
  });

  it('parses arguments in any order', () => {
    expect(parseExportArgs(['--format', 'pytorch', '--out', 'x.py', 'a.nn', '--run', '3', '--epochs', '9'])).toEqual({
      file: 'a.nn', run: 3, format: 'pytorch', out: 'x.py', epochs: 9,
    });
  });
});
