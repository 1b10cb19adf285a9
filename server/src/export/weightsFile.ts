// Reading trained weights back for a network: the file `nn export` wrote as JSON or safetensors, checked against the network's shapes (docs/export.md).
//
// The reader of `weights w for n from "file"` (docs/language.md). Pure: the caller reads
// the file (with the data files' path rules) and attaches the answer's error to its
// statement. Every mismatch names the tensor, the layer and both shapes.

import type { Precision } from '../language/model';
import { fromLittleEndian } from './bytes';
import { documentMetadata } from './json';
import { readSafetensors } from './safetensors';

export type WeightsFormat = 'json' | 'safetensors';

/** What reading weights needs of a network (NetworkSpec has it). */
export interface WeightsTarget {
  name: string;
  input: number;
  layers: readonly { name: string; units: number }[];
}

/** One layer's parameters, in the math's layout: W row-major units × inputs (W_ji at j × inputs + i), and b. */
export interface GivenLayer {
  weights: Float64Array;
  biases: Float64Array;
}

export interface GivenWeights {
  /** One per layer of the network, in order. */
  layers: GivenLayer[];
  /**
   * What the file says beside the weights, as strings (the safetensors `__metadata__`;
   * for JSON, the document's other fields described the same way): network, inputs,
   * layers (names, units, activations), normalization, classes, training.
   */
  metadata: Record<string, string>;
}

/** The format of a weights file, by its extension: `.safetensors`, else the JSON document. */
export function weightsFormatOf(path: string): WeightsFormat {
  return /\.safetensors$/i.test(path) ? 'safetensors' : 'json';
}

/**
 * The weights in `bytes` (a whole file) for `network`: every layer present, shaped as the
 * network's, every number finite. A problem gives `{ error }`, one sentence, never a throw.
 */
export function readWeights(bytes: Uint8Array, format: WeightsFormat, network: WeightsTarget): GivenWeights | { error: string } {
  const found = format === 'safetensors' ? safetensorsTensors(bytes) : jsonTensors(bytes);
  if ('error' in found) return found;
  const layers = fitLayers(found.tensors, network);
  return 'error' in layers ? layers : { layers, metadata: found.metadata };
}

/** A tensor found in a file, under the name nn gives it (layers.K.weight / layers.K.bias). */
interface FoundTensor {
  /** How the file names it, for messages: "layers.0.weight", or "layers[0].weights" in JSON. */
  label: string;
  shape: number[];
  values: Float64Array;
}

interface FoundTensors {
  tensors: Map<string, FoundTensor>;
  metadata: Record<string, string>;
}

const PARAMETER = /^layers\.(0|[1-9][0-9]*)\.(weight|bias)$/;

function safetensorsTensors(bytes: Uint8Array): FoundTensors | { error: string } {
  const file = readSafetensors(bytes);
  if ('error' in file) return file;
  const tensors = new Map<string, FoundTensor>();
  for (const [name, tensor] of file.tensors) {
    if (!PARAMETER.test(name)) {
      return { error: `the tensor "${name}" is not one nn reads: it reads layers.K.weight and layers.K.bias (K from 0), as nn export writes them` };
    }
    const precision: Precision | null = tensor.dtype === 'F64' ? 'f64' : tensor.dtype === 'F32' ? 'f32' : null;
    if (precision === null) return { error: `${name} is ${tensor.dtype}; nn reads weights stored as F64 or F32` };
    const count = tensor.shape.reduce((product, n) => product * n, 1);
    tensors.set(name, { label: name, shape: tensor.shape, values: fromLittleEndian(tensor.bytes, 0, count, precision) });
  }
  return { tensors, metadata: file.metadata };
}

function jsonTensors(bytes: Uint8Array): FoundTensors | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return { error: `the file is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray((doc as { layers?: unknown }).layers)) {
    return { error: 'the file is not an nn export document: it has no "layers" list' };
  }
  const tensors = new Map<string, FoundTensor>();
  const layers = (doc as { layers: unknown[] }).layers;
  for (let k = 0; k < layers.length; k++) {
    const layer = layers[k] as { weights?: unknown; biases?: unknown } | null;
    if (layer === null || typeof layer !== 'object') return { error: `layers[${k}] is not an object with weights and biases` };
    const weights = jsonMatrix(`layers[${k}].weights`, layer.weights);
    if ('error' in weights) return weights;
    const biases = jsonVector(`layers[${k}].biases`, layer.biases);
    if ('error' in biases) return biases;
    tensors.set(`layers.${k}.weight`, weights);
    tensors.set(`layers.${k}.bias`, biases);
  }
  return { tensors, metadata: documentMetadata(doc as Record<string, unknown>) };
}

function jsonVector(label: string, value: unknown): FoundTensor | { error: string } {
  if (!Array.isArray(value)) return { error: `${label} is missing or not a list of numbers` };
  const at = value.findIndex((v) => typeof v !== 'number');
  if (at >= 0) return { error: `${label}[${at}] is not a number` };
  return { label, shape: [value.length], values: Float64Array.from(value as number[]) };
}

function jsonMatrix(label: string, value: unknown): FoundTensor | { error: string } {
  if (!Array.isArray(value)) return { error: `${label} is missing or not a list of rows` };
  const rows: number[][] = [];
  for (let j = 0; j < value.length; j++) {
    const row = jsonVector(`${label}[${j}]`, value[j]);
    if ('error' in row) return row;
    if (j > 0 && row.values.length !== rows[0].length) {
      return { error: `${label}[${j}] has ${row.values.length} numbers, but ${label}[0] has ${rows[0].length}: every row must be as long` };
    }
    rows.push(Array.from(row.values));
  }
  return { label, shape: [rows.length, rows[0]?.length ?? 0], values: Float64Array.from(rows.flat()) };
}

/** The found tensors as the network's layers, or the first mismatch. */
function fitLayers(tensors: Map<string, FoundTensor>, network: WeightsTarget): GivenLayer[] | { error: string } {
  const count = network.layers.length;
  let fileLayers = 0;
  for (const name of tensors.keys()) fileLayers = Math.max(fileLayers, Number(PARAMETER.exec(name)![1]) + 1);
  if (fileLayers > count) {
    return { error: `the file has weights for ${fileLayers} layers, but network '${network.name}' has ${count}` };
  }
  const layers: GivenLayer[] = [];
  for (let k = 0; k < count; k++) {
    const { name, units } = network.layers[k];
    const inputs = k === 0 ? network.input : network.layers[k - 1].units;
    const which = `layer '${name}' (layer ${k + 1} of network '${network.name}')`;
    const weights = tensors.get(`layers.${k}.weight`);
    const biases = tensors.get(`layers.${k}.bias`);
    if (!weights || !biases) return { error: `the file has no ${weights ? `layers.${k}.bias` : `layers.${k}.weight`} for ${which}` };
    if (weights.shape.length !== 2 || weights.shape[0] !== units || weights.shape[1] !== inputs) {
      return { error: `${weights.label} is ${shapeText(weights.shape)} in the file, but ${which} needs ${units} × ${inputs} (units × inputs)` };
    }
    if (biases.shape.length !== 1 || biases.shape[0] !== units) {
      return { error: `${biases.label} is ${shapeText(biases.shape)} in the file, but ${which} has ${units} unit${units === 1 ? '' : 's'}, so it needs ${units}` };
    }
    for (const tensor of [weights, biases]) {
      const bad = tensor.values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        const where = tensor.shape.length === 2 ? `row ${Math.floor(bad / inputs) + 1}, column ${(bad % inputs) + 1}` : `entry ${bad + 1}`;
        return { error: `${tensor.label} holds ${tensor.values[bad]} at ${where}; weights must be finite numbers` };
      }
    }
    layers.push({ weights: weights.values, biases: biases.values });
  }
  return layers;
}

/** [3, 2] as "3 × 2", [4] as "4 numbers", [] as "a single number". */
function shapeText(shape: number[]): string {
  if (shape.length === 0) return 'a single number';
  if (shape.length === 1) return `${shape[0]} number${shape[0] === 1 ? '' : 's'}`;
  return shape.join(' × ');
}
