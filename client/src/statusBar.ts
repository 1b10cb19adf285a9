// The status bar item `$(pulse) xor: epoch 1200 · loss 0.021` for the active .nn editor; clicking it opens the training panel.

import * as vscode from 'vscode';
import { ClientCommands } from '../../server/src/protocol';
import type { RunStatusStore } from './runStatusStore';
import { statusBarContent } from './statusText';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('nn.training', vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly store: RunStatusStore) {
    this.item.name = 'NN Training';
    this.subscriptions.push(
      store.onDidChange((uri) => {
        if (uri === this.activeUri()) this.render();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
    this.render();
  }

  /** The .nn document last active; kept while a non-text editor (the training panel) has the focus. */
  private lastUri: string | undefined;

  private activeUri(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor) this.lastUri = editor.document.languageId === 'nn' ? editor.document.uri.toString() : undefined;
    return this.lastUri;
  }

  private render(): void {
    const uri = this.activeUri();
    const content = uri ? statusBarContent(this.store.runs(uri)) : undefined;
    if (!uri || !content) {
      this.item.hide();
      return;
    }
    this.item.text = content.text;
    this.item.tooltip = content.tooltip;
    this.item.command = { title: 'Show Training', command: ClientCommands.showTraining, arguments: [uri, content.run.line] };
    const failed = content.run.phase === 'diverged' || content.run.phase === 'failed';
    this.item.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
