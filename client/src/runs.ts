// Where the runs of a .nn document are, asked of the server (protocol.ts RunsRequest): the palette commands name the run under the cursor with it.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunsRequest, type RunLocation, type RunsParams } from '../../server/src/protocol';

/** Every run of the document, in order; with `position`, the one whose block holds its line (none outside every block). */
export async function runsOf(client: LanguageClient, document: vscode.TextDocument, position?: vscode.Position): Promise<RunLocation[]> {
  const params: RunsParams = { textDocument: { uri: document.uri.toString() } };
  if (position) params.position = { line: position.line, character: position.character };
  return (await client.sendRequest(RunsRequest, params)) ?? [];
}
