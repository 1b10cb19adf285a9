// The latest nn/runStatus of every open document, kept on the client so the status bar and panels read one source.

import * as vscode from 'vscode';
import type { RunStatus, RunStatusParams } from '../../server/src/protocol';

export class RunStatusStore implements vscode.Disposable {
  private readonly byUri = new Map<string, RunStatusParams>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the URI whose runs changed. */
  readonly onDidChange = this.changed.event;

  update(params: RunStatusParams): void {
    const previous = this.byUri.get(params.uri);
    // Notifications can overtake each other only across restarts; never go back in versions.
    if (previous && previous.version > params.version) return;
    this.byUri.set(params.uri, params);
    this.changed.fire(params.uri);
  }

  runs(uri: string): readonly RunStatus[] {
    return this.byUri.get(uri)?.runs ?? [];
  }

  forget(uri: string): void {
    if (this.byUri.delete(uri)) this.changed.fire(uri);
  }

  clear(): void {
    const uris = [...this.byUri.keys()];
    this.byUri.clear();
    for (const uri of uris) this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
