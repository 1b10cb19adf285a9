// ONNX and safetensors exports read by their own ecosystem: onnx.checker (full check) on every model, the safetensors header parsed by a second implementation (Python json + struct), and its weights loaded into the PyTorch script with --weights.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportDocument } from '../../server/src/export/json';
import { AND_GATE as GATE, DEEP, FLOWERS, FLOWERS_CSV, inF32, XOR_EXAMPLE } from '../support/specs';
import { exportRun, jsonLines, PYTHON, relativeError, runWithDeadline, workspace } from './helpers';

interface Case {
  name: string;
  spec: string;
  files?: Record<string, string>;
  tolerance: number;
}

/** Between them: every activation, both losses' output layers, both normalizations, both precisions. */
const CASES: Case[] = [
  { name: 'xor: sigmoid, mse', spec: XOR_EXAMPLE, tolerance: 1e-9 },
  { name: 'flowers: relu → softmax, cross-entropy, minmax, 20% held out', spec: FLOWERS, files: { 'flowers.csv': FLOWERS_CSV }, tolerance: 1e-9 },
  { name: 'deep: linear → leaky_relu → tanh → sigmoid, mse, zscore', spec: DEEP, tolerance: 1e-9 },
  { name: 'gate: leaky_relu → sigmoid, binary cross-entropy', spec: GATE, tolerance: 1e-9 },
  { name: 'flowers, f32', spec: inF32(FLOWERS), files: { 'flowers.csv': FLOWERS_CSV }, tolerance: 1e-5 },
  { name: 'deep, f32', spec: inF32(DEEP), tolerance: 1e-5 },
  { name: 'gate, f32', spec: inF32(GATE), tolerance: 1e-5 },
];

interface Exported {
  dir: string;
  doc: ExportDocument;
  onnx: string;
  safetensors: string;
  script: string;
}

const exported = new Map<string, Exported>();

beforeAll(() => {
  const check = runWithDeadline(PYTHON, ['-c', 'import onnx, torch; print(onnx.__version__, torch.__version__)'], { seconds: 60 });
  expect(check.status, `onnx or torch is missing for ${PYTHON}: run .ci/torch-setup.sh\n${check.stderr}`).toBe(0);
  for (const c of CASES) {
    const dir = workspace(c.spec, c.files);
    exported.set(c.name, {
      dir,
      doc: JSON.parse(exportRun(dir, 1, 'json')) as ExportDocument,
      onnx: exportRun(dir, 1, 'onnx'),
      safetensors: exportRun(dir, 1, 'safetensors'),
      script: exportRun(dir, 1, 'pytorch'),
    });
  }
});

function get(name: string): Exported {
  const e = exported.get(name);
  if (!e) throw new Error(`no export for ${name}`);
  return e;
}

/** Checks each model with onnx.checker (full_check: strict shape inference too) and prints what it found. */
const CHECK_ONNX = `
import json, sys
import onnx
from onnx import shape_inference

found = {}
for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    def dims(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]
    found[path] = {
        "ir_version": model.ir_version,
        "opset": [[o.domain, o.version] for o in model.opset_import],
        "input": [[v.name, v.type.tensor_type.elem_type, dims(v)] for v in model.graph.input],
        "output": [[v.name, v.type.tensor_type.elem_type, dims(v)] for v in inferred.graph.output],
        "ops": [n.op_type for n in model.graph.node],
        "metadata": {p.key: p.value for p in model.metadata_props},
    }
print(json.dumps(found))
`;

/**
 * A second safetensors reader, written from the format's specification with json and
 * struct only: the 8-byte little-endian header length, the JSON header, the data tiled
 * exactly by the tensors' offsets, each tensor unpacked as little-endian F64 or F32.
 */
const READ_SAFETENSORS = `
import json, struct, sys

blob = open(sys.argv[1], "rb").read()
(length,) = struct.unpack("<Q", blob[:8])
assert 8 + length <= len(blob), "header longer than the file"
raw_header = blob[8 : 8 + length]
assert raw_header[:1] == b"{", "header must start with {"
header = json.loads(raw_header.decode("utf-8"))
data = blob[8 + length :]
metadata = header.pop("__metadata__", {})
assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()), "metadata must map strings to strings"
at = 0
for begin, end, name in sorted((e["data_offsets"][0], e["data_offsets"][1], n) for n, e in header.items()):
    assert begin == at, f"{name} starts at {begin}, expected {at}: a hole or an overlap"
    at = end
assert at == len(data), "bytes after the last tensor"
tensors = {}
for name, entry in header.items():
    code = {"F64": "d", "F32": "f"}[entry["dtype"]]
    begin, end = entry["data_offsets"]
    count = 1
    for n in entry["shape"]:
        count *= n
    assert end - begin == count * struct.calcsize("<" + code), f"{name}: offsets do not match its shape"
    tensors[name] = {"dtype": entry["dtype"], "shape": entry["shape"], "values": list(struct.unpack(f"<{count}{code}", data[begin:end]))}
print(json.dumps({"headerLength": length, "order": list(header), "metadata": metadata, "tensors": tensors}))
`;

describe('ONNX export, checked by onnx.checker', () => {
  it('every model passes check_model(full_check=True), with IR 8, opset 13, the raw input and the inferred output shape', () => {
    const paths = CASES.map((c) => get(c.name).onnx);
    const p = runWithDeadline(PYTHON, ['-c', CHECK_ONNX, ...paths], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    const found = JSON.parse(p.stdout) as Record<string, { ir_version: number; opset: [string, number][]; input: [string, number, (string | number)[]][]; output: [string, number, (string | number)[]][]; ops: string[]; metadata: Record<string, string> }>;
    for (const c of CASES) {
      const { onnx, doc } = get(c.name);
      const model = found[onnx];
      const elemType = doc.training.precision === 'f64' ? 11 : 1;
      const outputs = doc.layers.at(-1)!.units;
      expect(model.ir_version).toBe(8);
      expect(model.opset).toEqual([['', 13]]);
      expect(model.input).toEqual([['input', elemType, ['N', doc.input]]]);
      expect(model.output).toEqual([['output', elemType, ['N', outputs]]]);
      expect(model.ops.filter((op) => op === 'Gemm')).toHaveLength(doc.layers.length);
      expect(JSON.parse(model.metadata.training)).toEqual(doc.training);
    }
    const deep64 = found[get(CASES[2].name).onnx].ops;
    expect(deep64).toEqual(['Sub', 'Div', 'Gemm', 'Gemm', 'Mul', 'Max', 'Gemm', 'Tanh', 'Gemm', 'Sigmoid']);
    expect(found[get(CASES[5].name).onnx].ops).toEqual(['Sub', 'Div', 'Gemm', 'Gemm', 'LeakyRelu', 'Gemm', 'Tanh', 'Gemm', 'Sigmoid']);
  });

  it('the checker does refuse a broken model (a float input into double weights)', () => {
    const broken = `
import sys, onnx
model = onnx.load(sys.argv[1])
model.graph.input[0].type.tensor_type.elem_type = onnx.TensorProto.FLOAT
try:
    onnx.checker.check_model(model, full_check=True)
except Exception as error:
    print("refused:", type(error).__name__)
    sys.exit(0)
sys.exit("the checker accepted a float input into a double Gemm")
`;
    const p = runWithDeadline(PYTHON, ['-c', broken, get(CASES[0].name).onnx], { seconds: 60 });
    expect(p.status, p.stderr + p.stdout).toBe(0);
    expect(p.stdout).toMatch(/^refused: /);
  });
});

describe('safetensors export, read by a second implementation and by the PyTorch script', () => {
  it.each(CASES)('$name: Python json + struct read the layout of the spec and the exported weights, bit for bit', ({ name }) => {
    const { safetensors, doc } = get(name);
    const p = runWithDeadline(PYTHON, ['-c', READ_SAFETENSORS, safetensors], { seconds: 60 });
    expect(p.status, p.stderr).toBe(0);
    const read = JSON.parse(p.stdout) as {
      headerLength: number;
      order: string[];
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
    };
    expect(read.headerLength % 8).toBe(0);
    expect(read.order).toEqual(doc.layers.flatMap((_, k) => [`layers.${k}.weight`, `layers.${k}.bias`]));
    const dtype = doc.training.precision === 'f64' ? 'F64' : 'F32';
    doc.layers.forEach((layer, k) => {
      const inputs = k === 0 ? doc.input : doc.layers[k - 1].units;
      expect(read.tensors[`layers.${k}.weight`]).toEqual({ dtype, shape: [layer.units, inputs], values: layer.weights.flat() });
      expect(read.tensors[`layers.${k}.bias`]).toEqual({ dtype, shape: [layer.units], values: layer.biases });
    });
    expect(read.metadata.network).toBe(doc.network);
    expect(JSON.parse(read.metadata.inputs)).toEqual(doc.inputs);
    expect(JSON.parse(read.metadata.normalization)).toEqual(doc.normalization);
    expect(JSON.parse(read.metadata.classes)).toEqual(doc.classes);
    expect(JSON.parse(read.metadata.layers)).toEqual(doc.layers.map(({ name: n, units, activation }) => ({ name: n, units, activation })));
    expect(JSON.parse(read.metadata.training)).toEqual(doc.training);
  });

  it.each(CASES)('$name: the script with --weights of its own safetensors prints finalLoss', ({ name, tolerance }) => {
    const { script, safetensors, doc, dir } = get(name);
    const p = runWithDeadline(PYTHON, [script, '--weights', safetensors], { seconds: 120, cwd: dir });
    expect(p.status, p.stderr).toBe(0);
    const [line] = jsonLines(p.stdout);
    expect(relativeError(line.loss, doc.training.finalLoss)).toBeLessThan(tolerance);
  });

  it('--weights replaces the embedded weights: an earlier point of the same run gives that point\'s finalLoss, and trains on from it', () => {
    const { script, doc, dir } = get(CASES[1].name);
    const early = JSON.parse(exportRun(dir, 1, 'json', ['--epochs', '5'])) as ExportDocument;
    const earlyFile = exportRun(dir, 1, 'safetensors', ['--epochs', '5', '--out', 'early.safetensors']);
    expect(relativeError(early.training.finalLoss, doc.training.finalLoss)).toBeGreaterThan(1e-3);
    const p = runWithDeadline(PYTHON, [script, '--weights', earlyFile], { seconds: 120 });
    expect(p.status, p.stderr).toBe(0);
    expect(relativeError(jsonLines(p.stdout)[0].loss, early.training.finalLoss)).toBeLessThan(1e-9);

    const trained = runWithDeadline(PYTHON, [script, '--weights', earlyFile, '--train', '3'], { seconds: 120 });
    expect(trained.status, trained.stderr).toBe(0);
    const epochs = jsonLines(trained.stdout);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2].loss).toBeLessThan(early.training.finalLoss);
  });

  it.each<[string, (file: Buffer) => Buffer, RegExp]>([
    ['a truncated file', (file) => file.subarray(0, file.length - 4), /do not fit its shape or the file \(truncated\?\)/],
    ['a header longer than the file', (file) => file.subarray(0, 30), /the header length says \d+ bytes, but only 22 follow \(truncated\?\)/],
    ['a file of 5 bytes', (file) => file.subarray(0, 5), /5 bytes is too short for a safetensors file/],
  ])('--weights with %s: a clear message and exit status 1', (_, damage, message) => {
    const { script, safetensors, dir } = get(CASES[0].name);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, damage(readFileSync(safetensors)));
    const p = runWithDeadline(PYTHON, [script, '--weights', bad], { seconds: 60 });
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(message);
    expect(p.stdout).toBe('');
  });

  it('--weights of another network: the tensor and both shapes in the message', () => {
    const { script } = get(CASES[0].name);
    const other = get(CASES[3].name).safetensors;
    const p = runWithDeadline(PYTHON, [script, '--weights', other], { seconds: 60 });
    expect(p.status).toBe(1);
    expect(p.stderr).toMatch(/layers\.0\.weight is \[2, 2\], the network needs \[3, 2\]/);
  });
});
