// `nn export --format onnx`: the model runs in onnxruntime and gives nn's forward pass on the run's data; its graph, tensors and metadata are as docs/export.md says.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { parse } from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ExportError } from '../../server/src/export/json';
import { ONNX_IR_VERSION, ONNX_OPSET, onnxModel } from '../../server/src/export/onnx';
import schemaText from '../../server/src/export/onnx/onnx.proto?raw';
import { DEEP, FLOWERS, FLOWERS_CSV, HOUSES, HOUSES_CSV, inF32, REGRESSION, XOR_EXAMPLE } from '../support/specs';
import { dataRows, trainedRun } from './helpers';

const CIRCLE = `network ring {
  input 2
  layer hidden 8 leaky_relu
  layer out 1 sigmoid
}

data disc = circle(samples 120, noise 0.1, seed 4)

train ring on disc {
  loss cross_entropy
  optimizer adam rate 0.02
  epochs 60
  batch 16
  validate 20%
  seed 5
}
`;

const SPECS: { name: string; spec: string; files: Record<string, string> }[] = [
  { name: 'sigmoid → sigmoid, mse (xor)', spec: XOR_EXAMPLE, files: {} },
  { name: 'tanh → linear, mse, zscore normalization', spec: REGRESSION, files: {} },
  { name: 'relu → softmax, cross-entropy, minmax normalization, CSV classes, 20% held out', spec: FLOWERS, files: { 'flowers.csv': FLOWERS_CSV } },
  { name: 'leaky_relu → sigmoid, binary cross-entropy, generated data', spec: CIRCLE, files: {} },
  { name: 'linear → leaky_relu → tanh → sigmoid, mse, zscore normalization', spec: DEEP, files: {} },
];

const CASES = SPECS.flatMap((c) => [
  { ...c, precision: 'f64' as const, tolerance: 1e-12 },
  { ...c, spec: inF32(c.spec), name: `${c.name}, f32`, precision: 'f32' as const, tolerance: 1e-6 },
]);

const schema = parse(schemaText, { keepCase: true }).root;
const ModelProto = schema.lookupType('onnx.ModelProto');

interface DecodedModel {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name: string;
  metadata_props: { key: string; value: string }[];
  graph: {
    name: string;
    node: { name: string; op_type: string; input: string[]; output: string[]; attribute?: { name: string; i?: number; f?: number }[] }[];
    initializer: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[];
    input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_param?: string; dim_value?: number }[] } } } }[];
    output: DecodedModel['graph']['input'];
  };
}

/** The model read back with the same schema: what a tool such as Netron shows. */
function decode(bytes: Uint8Array): DecodedModel {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true }) as DecodedModel;
}

const ops = (model: DecodedModel) => model.graph.node.map((n) => n.op_type);

describe('nn export --format onnx', () => {
  it.each(CASES)('$name: onnxruntime gives nn\'s forward pass on every row of the data', async ({ spec, files, precision, tolerance }) => {
    const { run, trainer, result } = trainedRun(spec, files);
    const session = await InferenceSession.create(onnxModel(run, result));
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);

    const rows = dataRows(run);
    const raw = rows.flat();
    const input =
      precision === 'f64'
        ? new Tensor('float64', Float64Array.from(raw), [rows.length, run.network.input])
        : new Tensor('float32', Float32Array.from(raw), [rows.length, run.network.input]);
    const { output } = await session.run({ input });
    const units = run.network.layers.at(-1)!.units;
    expect(output.type).toBe(precision === 'f64' ? 'float64' : 'float32');
    expect(output.dims).toEqual([rows.length, units]);

    let worst = 0;
    rows.forEach((x, r) => {
      const expected = trainer.predict(x);
      for (let l = 0; l < units; l++) {
        const error = Math.abs(Number(output.data[r * units + l]) - expected[l]) / Math.max(1, Math.abs(expected[l]));
        worst = Math.max(worst, error);
      }
    });
    expect(worst).toBeLessThanOrEqual(tolerance);
    session.release();
  });

  it('takes raw rows with NaN for a missing value: it fills them as the trainer did (missing mean) before normalizing, and lists the categories', async () => {
    const { run, trainer, result } = trainedRun(HOUSES, { 'houses.csv': HOUSES_CSV });
    const bytes = onnxModel(run, result);
    const model = decode(bytes);
    expect(ops(model)).toEqual(['IsNaN', 'Where', 'Sub', 'Div', 'Gemm', 'Tanh', 'Gemm']);
    const metadata = Object.fromEntries(model.metadata_props.map((p) => [p.key, p.value]));
    expect(JSON.parse(metadata.encoding)).toEqual([{ column: 'district', categories: ['north', 'south', 'east'], first: 1 }]);
    expect(JSON.parse(metadata.missing)).toEqual({ kind: 'mean', fill: result.missingMeans });
    const session = await InferenceSession.create(bytes);
    const rows = dataRows(run);
    expect(rows.some((x) => x.some(Number.isNaN))).toBe(true);
    const { output } = await session.run({ input: new Tensor('float64', Float64Array.from(rows.flat()), [rows.length, 5]) });
    rows.forEach((x, r) => {
      const filled = x.map((v, c) => (Number.isNaN(v) ? result.missingMeans![c] : v));
      expect(Number(output.data[r])).toBeCloseTo(trainer.predict(filled)[0], 12);
    });
    session.release();
  });

  it('writes IR version 8, opset 13, the raw input and the output with a free batch size, in the run\'s precision', () => {
    for (const [spec, elemType] of [[FLOWERS, 11], [inF32(FLOWERS), 1]] as const) {
      const { run, result } = trainedRun(spec, { 'flowers.csv': FLOWERS_CSV });
      const model = decode(onnxModel(run, result));
      expect(model.ir_version).toBe(ONNX_IR_VERSION);
      expect(ONNX_IR_VERSION).toBe(8);
      expect(model.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }]);
      expect(ONNX_OPSET).toBeGreaterThanOrEqual(13);
      expect(ONNX_OPSET).toBeLessThanOrEqual(17);
      expect(model.producer_name).toBe('nn-lang');
      expect(model.graph.name).toBe('flower');
      const [input] = model.graph.input;
      expect(input.name).toBe('input');
      expect(input.type.tensor_type).toEqual({ elem_type: elemType, shape: { dim: [{ dim_param: 'N' }, { dim_value: 3 }] } });
      expect(model.graph.output[0].type.tensor_type).toEqual({ elem_type: elemType, shape: { dim: [{ dim_param: 'N' }, { dim_value: 3 }] } });
      expect(model.graph.initializer.every((t) => t.data_type === elemType)).toBe(true);
    }
  });

  it('puts the normalization first, as Sub and Div of the fitted offset and scale, then Gemm and the activation per layer', () => {
    const { run, result } = trainedRun(FLOWERS, { 'flowers.csv': FLOWERS_CSV });
    const model = decode(onnxModel(run, result));
    expect(ops(model)).toEqual(['Sub', 'Div', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    const [sub, div, gemm] = model.graph.node;
    expect(sub.input).toEqual(['input', 'normalization.offset']);
    expect(div.input).toEqual([sub.output[0], 'normalization.scale']);
    expect(gemm.input).toEqual([div.output[0], 'layers.0.weight', 'layers.0.bias']);
    expect(gemm.attribute).toEqual([expect.objectContaining({ name: 'transB', i: 1 })]);
    expect(model.graph.node[5].attribute).toEqual([expect.objectContaining({ name: 'axis', i: 1 })]);
    expect(model.graph.node[5].output).toEqual(['output']);

    // The tensors hold the trained numbers, bit for bit: W as units × inputs, as the JSON export writes it.
    const tensor = (name: string) => {
      const t = model.graph.initializer.find((i) => i.name === name)!;
      const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
      return { dims: t.dims, values: Array.from({ length: t.raw_data.length / 8 }, (_, i) => view.getFloat64(i * 8, true)) };
    };
    expect(tensor('normalization.offset')).toEqual({ dims: [3], values: result.normalization!.offset });
    expect(tensor('normalization.scale')).toEqual({ dims: [3], values: result.normalization!.scale });
    result.layers.forEach((layer, k) => {
      expect(tensor(`layers.${k}.weight`)).toEqual({ dims: [layer.units, layer.inputs], values: Array.from(layer.weights) });
      expect(tensor(`layers.${k}.bias`)).toEqual({ dims: [layer.units], values: Array.from(layer.biases) });
    });
  });

  it('writes no normalization nodes without normalize, and a linear layer as its Gemm alone', () => {
    const trainedXor = trainedRun(XOR_EXAMPLE);
    const xor = decode(onnxModel(trainedXor.run, trainedXor.result));
    expect(ops(xor)).toEqual(['Gemm', 'Sigmoid', 'Gemm', 'Sigmoid']);
    expect(xor.graph.node[0].input[0]).toBe('input');
    const deep = trainedRun(DEEP);
    expect(ops(decode(onnxModel(deep.run, deep.result)))).toEqual(['Sub', 'Div', 'Gemm', 'Gemm', 'Mul', 'Max', 'Gemm', 'Tanh', 'Gemm', 'Sigmoid']);
  });

  it('writes leaky_relu as Max(z, 0.01z) in double precision and as LeakyRelu in float', () => {
    const f64 = trainedRun(CIRCLE);
    const double = decode(onnxModel(f64.run, f64.result));
    expect(ops(double)).toEqual(['Gemm', 'Mul', 'Max', 'Gemm', 'Sigmoid']);
    const [gemm, mul, max] = double.graph.node;
    expect(mul.input).toEqual([gemm.output[0], 'leaky_relu.slope']);
    expect(max.input).toEqual([gemm.output[0], mul.output[0]]);
    const slope = double.graph.initializer.find((t) => t.name === 'leaky_relu.slope')!;
    expect(slope.dims ?? []).toEqual([]);
    expect(new DataView(slope.raw_data.buffer, slope.raw_data.byteOffset).getFloat64(0, true)).toBe(0.01);

    const f32 = trainedRun(inF32(CIRCLE));
    const float = decode(onnxModel(f32.run, f32.result));
    expect(ops(float)).toEqual(['Gemm', 'LeakyRelu', 'Gemm', 'Sigmoid']);
    expect(float.graph.node[1].attribute).toEqual([expect.objectContaining({ name: 'alpha', f: Math.fround(0.01) })]);
  });

  it('carries the class labels, the input names and the training in the model\'s metadata', () => {
    const { run, result } = trainedRun(FLOWERS, { 'flowers.csv': FLOWERS_CSV });
    const model = decode(onnxModel(run, result));
    const metadata = Object.fromEntries(model.metadata_props.map((p) => [p.key, p.value]));
    expect(JSON.parse(metadata.classes)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(JSON.parse(metadata.inputs)).toEqual(['sepal_length', 'sepal_width', 'petal length']);
    expect(metadata.network).toBe('flower');
    expect(JSON.parse(metadata.layers)).toEqual([
      { name: 'hidden', units: 5, activation: 'relu' },
      { name: 'out', units: 3, activation: 'softmax' },
    ]);
    expect(JSON.parse(metadata.training)).toMatchObject({ data: 'flowers', loss: 'cross_entropy', finalLoss: result.finalLoss, epochs: result.epochs });
    expect(JSON.parse(metadata.normalization)).toEqual(result.normalization);
    // No classes without `target … onehot`.
    const xor = trainedRun(XOR_EXAMPLE);
    const xorMetadata = Object.fromEntries(decode(onnxModel(xor.run, xor.result)).metadata_props.map((p) => [p.key, p.value]));
    expect(xorMetadata.classes).toBe('null');
  });

  it('refuses a diverged run: it has no finite weights', () => {
    const { run, result } = trainedRun(REGRESSION.replace('rate 0.05 momentum 0.9', 'rate 1000'));
    expect(result.stopped).toBe('diverged');
    expect(() => onnxModel(run, result)).toThrow(ExportError);
  });
});
