// `nn/exportModel`: the file of a trained run in an export format, made from the outcome the editor already has (docs/export.md).
//
// Nothing trains here: the outcome holds the trained weights, normalization and finalLoss,
// and the PyTorch script's training part is rebuilt from the data with the run's split
// and the fitted normalization, as the trainer built it.

import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultExportPath, exportedModel, isExportFormat } from '../export/formats';
import { ExportError } from '../export/json';
import { trainingPart } from '../nn/parts';
import type { ExportModelParams, ExportModelResult } from '../protocol';
import { runAtLine, runStateOf, type DocumentState } from './state';

export function exportModel(state: DocumentState, params: ExportModelParams): ExportModelResult {
  if (!isExportFormat(String(params.format))) return { error: `There is no export format '${params.format}'.` };
  const run = runAtLine(state, params.line);
  if (!run) {
    return { error: state.check.errorCount > 0 ? 'Fix the errors of the spec, train the run, then export it.' : 'Put the cursor in a `train` block to export its run.' };
  }
  const what = `Run ${run.index} (${run.network.name} on ${run.data.name})`;
  const result = runStateOf(state, run)?.outcome?.result;
  if (!result) {
    const phase = state.statuses[state.check.runs.indexOf(run)]?.phase;
    if (phase === 'running' || phase === 'queued') return { error: `${what} is still training; export it when it has finished.` };
    return { error: `${what} has not been trained yet: train it (NN: Train Network), then export it.` };
  }
  const specName = specFileName(state.uri);
  const fileName = basename(defaultExportPath(specName, run.index, params.format));
  try {
    const model = exportedModel(params.format, run, result, () => trainingPart(run.data, run.settings, result.normalization, result.missingMeans ?? null), {
      specPath: specName,
      scriptName: fileName,
    });
    return { fileName, data: Buffer.from(model).toString('base64') };
  } catch (error) {
    if (error instanceof ExportError) return { error: `Nothing to export: ${error.message}.` };
    throw error;
  }
}

/** The spec's file name, for the export's name and the script's header; an unsaved spec is "untitled.nn". */
function specFileName(uri: string): string {
  try {
    return basename(fileURLToPath(uri));
  } catch {
    const last = decodeURIComponent(uri.split('/').pop() ?? '');
    return /\.nn$/.test(last) ? last : 'untitled.nn';
  }
}
