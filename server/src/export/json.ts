// `nn export --format json`: the trained model as one JSON document (docs/cli.md "The JSON document"), readable by any other tool.
//
// weights[j][i] is W_ji of the math (row j: unit j of the layer; column i: unit i of the
// layer before, or input i). Numbers are written as JavaScript's shortest round-trip
// decimal, so parsing them back gives the very same doubles.

import type { ColumnEncoding, Regularization, RunSpec, ScheduleSpec } from '../language/model';
import type { Normalization, TrainResult } from '../nn/types';

export type ExportedOptimizer =
  | { name: 'sgd'; rate: number; momentum?: number }
  | { name: 'adam'; rate: number; beta1: number; beta2: number; epsilon: number };

export interface ExportedLayer {
  name: string;
  units: number;
  activation: string;
  /** units × inputs: weights[j][i] = W_ji. */
  weights: number[][];
  biases: number[];
  /** `dropout P%` as the share P/100, on a layer that has some (docs/language.md §7.2). */
  dropout?: number;
}

export interface ExportDocument {
  network: string;
  input: number;
  inputs: string[];
  normalization: Normalization | null;
  classes: string[] | null;
  /**
   * Input columns of words given to the network one-hot (`encode`): each column's categories in
   * input order, inputs `first` … `first + categories.length − 1`. Only written when there are some.
   */
  encoding?: ColumnEncoding[];
  /** `missing mean`: the value each input that is missing (NaN) is replaced with, before normalization. Only written with it. */
  missing?: { kind: 'mean'; fill: number[] };
  layers: ExportedLayer[];
  training: {
    data: string;
    loss: string;
    optimizer: ExportedOptimizer;
    /** Epochs completed. */
    epochs: number;
    batch: number | 'full';
    seed: number;
    /** The number type the run trained in, which a re-implementation needs to reproduce it. */
    precision: 'f64' | 'f32';
    /** Mean loss of the exported weights on the training part. */
    finalLoss: number;
    /** The settings of docs/language.md §7.2–§7.4, each present only when the run has it. */
    regularize?: Regularization;
    schedule?: ScheduleSpec;
    patience?: number;
    /** With patience: the epoch whose weights these are. */
    bestEpoch?: number;
  };
}

/** Thrown when a run cannot be exported: it diverged, so there are no finite weights to write. */
export class ExportError extends Error {}

/** The document of docs/cli.md "The JSON document" for a trained run. */
export function exportDocument(run: RunSpec, result: TrainResult): ExportDocument {
  if (result.stopped === 'diverged' || result.finalLoss === null) {
    throw new ExportError(`run ${run.index} diverged in epoch ${result.epochs} (the loss is not finite), so it has no weights to export; lower the rate`);
  }
  const { settings } = run;
  const optimizer: ExportedOptimizer =
    settings.optimizer.kind === 'sgd'
      ? {
          name: 'sgd',
          rate: settings.optimizer.rate,
          // Written only when used (docs/cli.md "The JSON document"); absent means plain sgd.
          ...(settings.optimizer.momentum !== 0 ? { momentum: settings.optimizer.momentum } : {}),
        }
      : {
          name: 'adam',
          rate: settings.optimizer.rate,
          beta1: settings.optimizer.beta1,
          beta2: settings.optimizer.beta2,
          epsilon: settings.optimizer.epsilon,
        };
  return {
    network: run.network.name,
    input: run.network.input,
    inputs: run.data.inputNames.slice(),
    normalization: result.normalization
      ? { kind: result.normalization.kind, offset: result.normalization.offset.slice(), scale: result.normalization.scale.slice() }
      : null,
    classes: run.data.classes ? run.data.classes.slice() : null,
    ...(run.data.encodings && run.data.encodings.length > 0
      ? { encoding: run.data.encodings.map((e) => ({ column: e.column, categories: e.categories.slice(), first: e.first })) }
      : {}),
    ...(result.missingMeans ? { missing: { kind: 'mean' as const, fill: result.missingMeans.slice() } } : {}),
    layers: result.layers.map((layer, k) => ({
      name: layer.name,
      units: layer.units,
      activation: layer.activation,
      weights: rows(layer.weights, layer.units, layer.inputs),
      biases: Array.from(layer.biases),
      ...(run.network.layers[k]?.dropout ? { dropout: run.network.layers[k].dropout } : {}),
    })),
    training: {
      data: run.data.name,
      loss: settings.loss,
      optimizer,
      epochs: result.epochs,
      batch: settings.batch,
      seed: settings.seed,
      precision: settings.precision,
      finalLoss: result.finalLoss,
      ...(settings.regularization ? { regularize: { ...settings.regularization } } : {}),
      ...(settings.schedule ? { schedule: { ...settings.schedule } } : {}),
      ...(settings.patience != null ? { patience: settings.patience } : {}),
      ...(result.bestEpoch != null ? { bestEpoch: result.bestEpoch } : {}),
    },
  };
}

/** A row-major units × inputs matrix as one array per unit. */
function rows(matrix: ArrayLike<number>, units: number, inputs: number): number[][] {
  const out: number[][] = [];
  for (let j = 0; j < units; j++) out.push(Array.from({ length: inputs }, (_, i) => matrix[j * inputs + i]));
  return out;
}

/**
 * The document as text: indented like JSON.stringify(doc, null, 2), except that
 * an array of numbers stays on one line, so a weight matrix reads one unit per line.
 */
export function formatDocument(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v !== 'object' || v === null)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + formatDocument(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    // A small flat object (the optimizer) stays on one line too.
    if (entries.length <= 5 && entries.every(([, v]) => typeof v !== 'object' || v === null)) {
      return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
    }
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatDocument(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * The document without the weights, one string per top-level field (JSON text, except
 * strings such as the network's name), as the safetensors header's `__metadata__` and the
 * ONNX model's metadata carry it: `layers` keeps each layer's name, units and activation.
 * It takes any object, so a document read back from a file is described the same way.
 */
export function documentMetadata(doc: ExportDocument | Record<string, unknown>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    const described = key === 'layers' && Array.isArray(value) ? value.map(layerOutline) : value;
    metadata[key] = typeof described === 'string' ? described : JSON.stringify(described);
  }
  return metadata;
}

function layerOutline(layer: unknown): unknown {
  if (layer === null || typeof layer !== 'object') return layer;
  const { name, units, activation } = layer as Partial<ExportedLayer>;
  return { name, units, activation };
}

/** exportDocument + formatDocument, with the final newline a file wants. */
export function exportJson(run: RunSpec, result: TrainResult): string {
  return formatDocument(exportDocument(run, result)) + '\n';
}
