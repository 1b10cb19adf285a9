// "NN: Export Trained Model…": the run under the cursor, a format, a file. The server makes the file from the run it has trained (docs/export.md).

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportModelRequest, type ExportFormat, type ExportModelParams, type RunStatus } from '../../server/src/protocol';
import { runsOf } from './runs';
import type { RunStatusStore } from './runStatusStore';

interface FormatItem extends vscode.QuickPickItem {
  format: ExportFormat;
  extension: string;
}

/** The formats, in the order a user leaving nn-lang most likely wants them. */
const FORMATS: FormatItem[] = [
  { format: 'onnx', extension: 'onnx', label: 'ONNX', description: '.onnx', detail: 'The network for onnxruntime (also in the browser), Netron and other inference tools' },
  { format: 'safetensors', extension: 'safetensors', label: 'safetensors', description: '.safetensors', detail: 'The weights, for PyTorch and Hugging Face tools (and the PyTorch script\'s --weights)' },
  { format: 'pytorch', extension: 'py', label: 'PyTorch script', description: '.py', detail: 'A standalone Python script (needs only torch) that rebuilds the network and trains on' },
  { format: 'json', extension: 'json', label: 'JSON', description: '.json', detail: 'The network and its weights as one readable document' },
];

/** Lens arguments [uri, line], or the run under the cursor of the active .nn editor. */
export async function exportTrainedModel(client: LanguageClient, store: RunStatusStore, uri?: unknown, line?: unknown): Promise<void> {
  let target: { uri: string; line: number } | undefined;
  try {
    target = typeof uri === 'string' && typeof line === 'number' ? { uri, line } : await runToExport(client, store);
  } catch (error) {
    void vscode.window.showErrorMessage(`NN: finding the run to export failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (!target) return;
  const format = await vscode.window.showQuickPick(FORMATS, { title: 'NN: Export Trained Model', placeHolder: 'Export the trained model as…' });
  if (!format) return;
  const params: ExportModelParams = { uri: target.uri, line: target.line, format: format.format };
  const answer = await client.sendRequest(ExportModelRequest, params);
  if ('error' in answer) {
    void vscode.window.showErrorMessage(answer.error);
    return;
  }
  const spec = vscode.Uri.parse(target.uri);
  const folder = spec.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0]?.uri : vscode.Uri.joinPath(spec, '..');
  const destination = await vscode.window.showSaveDialog({
    title: `Export as ${format.label}`,
    saveLabel: 'Export',
    defaultUri: folder ? vscode.Uri.joinPath(folder, answer.fileName) : undefined,
    filters: { [format.label]: [format.extension] },
  });
  if (!destination) return;
  try {
    await vscode.workspace.fs.writeFile(destination, Buffer.from(answer.data, 'base64'));
  } catch (error) {
    void vscode.window.showErrorMessage(`NN: could not write ${destination.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const name = destination.path.split('/').pop();
  const reveal = await vscode.window.showInformationMessage(`Exported the trained model as ${format.label}: ${name}`, 'Reveal in Explorer');
  if (reveal) await vscode.commands.executeCommand('revealInExplorer', destination);
}

/** The run under the cursor; else the file's only run; else the user picks one of the runs that have finished. */
async function runToExport(client: LanguageClient, store: RunStatusStore): Promise<{ uri: string; line: number } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'nn') {
    void vscode.window.showInformationMessage('Open a .nn file and put the cursor in a trained `train` block to export it.');
    return undefined;
  }
  const uri = editor.document.uri.toString();
  const [atCursor] = await runsOf(client, editor.document, editor.selection.active);
  if (atCursor !== undefined) return { uri, line: atCursor.line };
  const runs = store.runs(uri);
  if (runs.length === 1) return { uri, line: runs[0].line };
  const finished = runs.filter((r) => r.phase === 'done' || r.phase === 'cancelled');
  if (finished.length === 0) {
    void vscode.window.showInformationMessage('No run of this file has been trained yet: train one, then export it.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    finished.map((run: RunStatus) => ({ label: `Run ${run.index}: ${run.network} on ${run.data}`, description: run.summary, line: run.line })),
    { title: 'NN: Export Trained Model', placeHolder: 'Which run?' },
  );
  return picked ? { uri, line: picked.line } : undefined;
}
