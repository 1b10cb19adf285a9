// `nn export --format onnx`: a trained run as an ONNX model (docs/export.md), encoded by protobufjs from the vendored ONNX schema.
//
// The graph reads like the forward pass: raw inputs → Sub, Div (the fitted normalization,
// when the data has one) → per layer Gemm (z = a Wᵀ + b; W is units × inputs, as nn and
// PyTorch store it) → the layer's activation. Tensors are double for an f64 run and float
// for an f32 run. The schema (onnx/onnx.proto, Apache-2.0, onnx/LICENSE) is parsed once
// from its text, which build.mjs embeds in the bundles: no generated code to fall out of
// step with it.

import type { Root, Type } from 'protobufjs';
import { version } from '../../../package.json';
import type { Activation, Precision, RunSpec } from '../language/model';
import { LEAKY_RELU_SLOPE } from '../nn/activations';
import type { TrainResult } from '../nn/types';
import { littleEndian } from './bytes';
import { documentMetadata, exportDocument, type ExportDocument } from './json';
import schemaText from './onnx/onnx.proto?raw';

/** IR version 8 (ONNX 1.10 to 1.12); onnxruntime reads it from 1.10 on. */
export const ONNX_IR_VERSION = 8;
/** The lowest opset docs/export.md allows (13 to 17), so that older runtimes load the model too; every operator used is unchanged since. */
export const ONNX_OPSET = 13;
/** The scalar initializer of leaky_relu's slope (LEAKY_RELU_SLOPE) in a double model. */
const SLOPE = 'leaky_relu.slope';

/** The graph's input and output: one row per sample. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

interface OnnxSchema {
  model: Type;
  /** TensorProto.DataType and AttributeProto.AttributeType, by name. */
  dataTypes: Record<string, number>;
  attributeTypes: Record<string, number>;
}

let schema: OnnxSchema | undefined;

/** The parsed schema; parsing takes a few milliseconds, so it happens once, at the first export. */
function onnxSchema(): OnnxSchema {
  if (!schema) {
    // Required here, not imported at the top: `nn train` and the language server then never load protobufjs.
    const { parse } = require('protobufjs') as typeof import('protobufjs');
    const root: Root = parse(schemaText, { keepCase: true }).root;
    schema = {
      model: root.lookupType('onnx.ModelProto'),
      dataTypes: root.lookupEnum('onnx.TensorProto.DataType').values,
      attributeTypes: root.lookupEnum('onnx.AttributeProto.AttributeType').values,
    };
  }
  return schema;
}

interface TensorObject {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

interface NodeObject {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: { name: string; type: number; i?: number; f?: number }[];
  doc_string?: string;
}

/** The ONNX model of a trained run, as the bytes of a .onnx file. Throws ExportError for a diverged run (json.ts). */
export function onnxModel(run: RunSpec, result: TrainResult): Uint8Array {
  const doc = exportDocument(run, result);
  const { model, dataTypes, attributeTypes } = onnxSchema();
  const precision = run.settings.precision;
  const elementType = dataTypes[precision === 'f64' ? 'DOUBLE' : 'FLOAT'];
  const tensor = (name: string, dims: number[], values: ArrayLike<number>): TensorObject => ({
    name,
    dims,
    data_type: elementType,
    raw_data: littleEndian(values, precision),
  });
  const initializer: TensorObject[] = [];
  const node: NodeObject[] = [];

  let current = ONNX_INPUT;
  if (doc.missing) {
    // A missing input (NaN) becomes its column's mean over the training part, as the trainer filled it.
    initializer.push(tensor('missing.fill', [doc.input], doc.missing.fill));
    node.push({ name: 'missing.isnan', op_type: 'IsNaN', input: [current], output: ['input.missing'] });
    node.push({ name: 'missing.fill', op_type: 'Where', input: ['input.missing', 'missing.fill', current], output: ['input.filled'], doc_string: 'missing mean' });
    current = 'input.filled';
  }
  if (doc.normalization) {
    // x' = (x − offset) / scale, as fitted on the training part: raw inputs go in.
    initializer.push(tensor('normalization.offset', [doc.input], doc.normalization.offset));
    initializer.push(tensor('normalization.scale', [doc.input], doc.normalization.scale));
    node.push({ name: 'normalize.sub', op_type: 'Sub', input: [current, 'normalization.offset'], output: ['input.shifted'] });
    node.push({ name: 'normalize.div', op_type: 'Div', input: ['input.shifted', 'normalization.scale'], output: ['input.normalized'], doc_string: `${doc.normalization.kind} normalization` });
    current = 'input.normalized';
  }

  const last = doc.layers.length - 1;
  doc.layers.forEach((layer, k) => {
    const inputs = k === 0 ? doc.input : doc.layers[k - 1].units;
    const weight = `layers.${k}.weight`;
    const bias = `layers.${k}.bias`;
    initializer.push(tensor(weight, [layer.units, inputs], layer.weights.flat()));
    initializer.push(tensor(bias, [layer.units], layer.biases));
    const activation = layer.activation as Activation;
    const a = k === last ? ONNX_OUTPUT : `${layer.name}.a`;
    const z = activation === 'linear' ? a : `${layer.name}.z`;
    node.push({
      name: `${layer.name}.gemm`,
      op_type: 'Gemm',
      input: [current, weight, bias],
      output: [z],
      attribute: [{ name: 'transB', type: attributeTypes.INT, i: 1 }],
      doc_string: `layer ${layer.name}: ${layer.units} units, ${activation}`,
    });
    node.push(...activationNodes(activation, layer.name, z, a, precision, attributeTypes));
    current = a;
  });
  // One scalar slope serves every leaky_relu layer of a double model (activationNodes).
  if (precision === 'f64' && doc.layers.some((layer) => layer.activation === 'leaky_relu')) {
    initializer.push(tensor(SLOPE, [], [LEAKY_RELU_SLOPE]));
  }

  const outputUnits = doc.layers[last].units;
  const batchTensor = (name: string, width: number, doc_string: string) => ({
    name,
    doc_string,
    type: { tensor_type: { elem_type: elementType, shape: { dim: [{ dim_param: 'N' }, { dim_value: width }] } } },
  });
  const outputMeaning = doc.classes
    ? `one output per class, in the order of the metadata's "classes": ${doc.classes.join(', ')}`
    : `the network's outputs (${doc.layers[last].activation} units of layer ${doc.layers[last].name})`;
  const object = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'nn-lang',
    producer_version: version,
    doc_string: `Network "${doc.network}" trained by nn-lang on "${doc.training.data}": ${doc.training.epochs} epochs, final training loss ${doc.training.finalLoss} (${doc.training.loss}).`,
    graph: {
      name: doc.network,
      node,
      initializer,
      input: [batchTensor(ONNX_INPUT, doc.input, `one row per sample: ${doc.inputs.join(', ')}${inputNote(doc)}`)],
      output: [batchTensor(ONNX_OUTPUT, outputUnits, outputMeaning)],
    },
    metadata_props: Object.entries(documentMetadata(doc)).map(([key, value]) => ({ key, value })),
  };
  const problem = model.verify(object);
  if (problem) throw new Error(`the ONNX model does not fit the schema: ${problem}`);
  return model.encode(model.fromObject(object)).finish();
}

/** The nodes of a = act(z) (none for linear: z is a). */
/** What the input's description adds: what the model does to raw values, and that encoded columns come in one-hot. */
function inputNote(doc: ExportDocument): string {
  const notes: string[] = [];
  if (doc.missing) notes.push('NaN for a missing value; the model fills it');
  if (doc.normalization) notes.push('raw values; the model normalizes them');
  if (doc.encoding) notes.push(`one-hot for ${doc.encoding.map((e) => `'${e.column}'`).join(', ')}: 1 for the row's category, 0 for the others (categories in the metadata)`);
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

function activationNodes(
  activation: Activation,
  layer: string,
  z: string,
  a: string,
  precision: Precision,
  attributeTypes: Record<string, number>,
): NodeObject[] {
  const one = (op_type: string, attribute?: NodeObject['attribute']): NodeObject[] => [
    { name: `${layer}.${activation}`, op_type, input: [z], output: [a], ...(attribute ? { attribute } : {}) },
  ];
  switch (activation) {
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'relu':
      return one('Relu');
    case 'softmax':
      return one('Softmax', [{ name: 'axis', type: attributeTypes.INT, i: 1 }]);
    case 'linear':
      return [];
    case 'leaky_relu':
      if (precision === 'f32') return one('LeakyRelu', [{ name: 'alpha', type: attributeTypes.FLOAT, f: LEAKY_RELU_SLOPE }]);
      // onnxruntime has no double LeakyRelu kernel. max(z, αz) is leaky_relu exactly for a slope
      // 0 < α < 1: z > 0 gives z > αz, z ≤ 0 gives αz ≥ z, and αz is the trainer's own product.
      return [
        { name: `${layer}.leak`, op_type: 'Mul', input: [z, SLOPE], output: [`${layer}.leak`] },
        { name: `${layer}.leaky_relu`, op_type: 'Max', input: [z, `${layer}.leak`], output: [a] },
      ];
  }
}
