// The export formats in one table, shared by `nn export` and the editor's "NN: Export Trained Model…" (docs/export.md).

import { basename, dirname, extname, join } from 'node:path';
import type { RunSpec } from '../language/model';
import type { TrainResult } from '../nn/types';
import type { ExportFormat } from '../protocol';
import { exportJson } from './json';
import { onnxModel } from './onnx';
import { pytorchScript, type ScriptOrigin, type TrainingPart } from './pytorch';
import { safetensorsFile } from './safetensors';

export interface FormatInfo {
  /** The file name's extension, without the dot. */
  extension: string;
  /** Text (JSON, the script) or bytes. */
  binary: boolean;
}

export const EXPORT_FORMATS = {
  json: { extension: 'json', binary: false },
  pytorch: { extension: 'py', binary: false },
  onnx: { extension: 'onnx', binary: true },
  safetensors: { extension: 'safetensors', binary: true },
} as const satisfies Record<ExportFormat, FormatInfo>;

export function isExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, name);
}

/**
 * A trained run in one format: text for json and pytorch, bytes for onnx and safetensors.
 * `part` gives the run's training part, which only the PyTorch script embeds. Throws
 * ExportError for a diverged run (json.ts).
 */
export function exportedModel(
  format: ExportFormat,
  run: RunSpec,
  result: TrainResult,
  part: () => TrainingPart,
  origin: ScriptOrigin,
): string | Uint8Array {
  switch (format) {
    case 'json':
      return exportJson(run, result);
    case 'pytorch':
      return pytorchScript(run, result, part(), origin);
    case 'onnx':
      return onnxModel(run, result);
    case 'safetensors':
      return safetensorsFile(run, result);
  }
}

/** `<spec name>.run<N>.<extension>` beside the spec (the default output of every format but json). */
export function defaultExportPath(specFile: string, run: number, format: ExportFormat): string {
  const name = basename(specFile, extname(specFile));
  return join(dirname(specFile), `${name}.run${run}.${EXPORT_FORMATS[format].extension}`);
}
