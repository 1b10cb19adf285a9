// The training panel (a webview per run): fetches nn/training, refreshes on nn/runStatus at most 10 times a second, and links diagram and editor.
//
// Snapshots travel incrementally: the panel asks only for those it lacks (TrainingParams.held)
// and passes the answer on as is; the webview merges it into what it holds (series.ts), so a
// long training's snapshots cross each boundary once, not ten times a second.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  Commands,
  TrainingRequest,
  type TrainingParams,
  type TrainingView,
} from '../../server/src/protocol';
import { panelHtml } from './panelHtml';
import type { RunStatusStore } from './runStatusStore';
import { throttle, type Throttled } from './throttle';
import type { FromWebview, PanelState, ToWebview } from './webview/messages';
import { heldOf, mergeView } from './webview/series';

/** The webview's type; VS Code restores panels of this type after a reload through TrainingPanels.restore. */
export const PANEL_VIEW_TYPE = 'nn.training';

/** 100 ms: the panel never gets more than 10 pictures a second, however fast the trainer reports. */
const REFRESH_INTERVAL_MS = 100;

type ExecuteServerCommand = (command: string, args: unknown[]) => Promise<unknown>;

export class TrainingPanels implements vscode.Disposable {
  private readonly panels = new Set<RunPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly store: RunStatusStore,
    private readonly executeServerCommand: ExecuteServerCommand,
  ) {
    this.subscriptions.push(
      store.onDidChange((uri) => {
        for (const panel of this.panels) if (panel.uri === uri) panel.statusChanged();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const uri = e.textEditor.document.uri.toString();
        for (const panel of this.panels) if (panel.uri === uri) panel.cursorMoved(e.selections[0]?.active.line ?? null);
      }),
    );
  }

  /** Opens (or reveals) the panel of the run whose `train` block holds `line`. */
  async show(uri: string, line: number): Promise<void> {
    const view = await this.fetch(uri, line);
    const index = view?.status.index;
    const existing = [...this.panels].find((p) => p.uri === uri && (index === undefined ? p.line === line : p.index === index));
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = new RunPanel(this, uri, line, index ?? 1, view);
    this.panels.add(panel);
    panel.onDispose(() => this.panels.delete(panel));
  }

  /**
   * Brings back a panel VS Code kept across a reload. The webview saved which run it
   * showed (PanelState); the document is opened so the server checks (and may retrain) it.
   */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelState(state)) {
      this.client.outputChannel.appendLine(`nn: a training panel came back without the run it showed (its saved state: ${JSON.stringify(state) ?? 'none'}); it is closed`);
      panel.dispose();
      return;
    }
    const runPanel = new RunPanel(this, state.uri, state.line, state.index, null, panel);
    this.panels.add(runPanel);
    runPanel.onDispose(() => this.panels.delete(runPanel));
    try {
      await vscode.workspace.openTextDocument(vscode.Uri.parse(state.uri));
    } catch {
      // The file is gone: the panel says the run is missing when it asks for it.
    }
  }

  fetch(uri: string, line: number, held?: TrainingParams['held']): Promise<TrainingView | null> {
    const params: TrainingParams = held ? { uri, line, held } : { uri, line };
    return this.client.sendRequest(TrainingRequest, params);
  }

  runs(uri: string) {
    return this.store.runs(uri);
  }

  get webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  command(command: string, uri: string, line: number): Promise<unknown> {
    return this.executeServerCommand(command, [uri, line]);
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

class RunPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly refresh: Throttled;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeListeners: (() => void)[] = [];
  private lastView: TrainingView | null;
  private cursorLine: number | null = null;

  constructor(
    private readonly owner: TrainingPanels,
    readonly uri: string,
    /** 0-based line of the run's `train` keyword; follows edits through the run statuses. */
    public line: number,
    /** The run's 1-based index in its file: stabler than the line while the user types above it. */
    readonly index: number,
    initial: TrainingView | null,
    /** A panel VS Code restored after a reload (see TrainingPanels.restore). */
    restored?: vscode.WebviewPanel,
  ) {
    this.lastView = initial;
    const options: vscode.WebviewOptions = { enableScripts: true, localResourceRoots: [owner.webviewRoot] };
    if (restored) {
      this.panel = restored;
      this.panel.webview.options = options;
    } else {
      this.panel = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        this.title(initial),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        options,
      );
    }
    this.panel.webview.html = this.html();
    this.refresh = throttle(() => this.fetchAndPost(), REFRESH_INTERVAL_MS);
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: FromWebview) => this.received(message)),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible) this.refresh.trigger();
      }),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
    this.refresh.trigger();
  }

  statusChanged(): void {
    const run = this.owner.runs(this.uri).find((r) => r.index === this.index);
    if (run) this.line = run.line;
    if (this.panel.visible) this.refresh.trigger();
  }

  cursorMoved(line: number | null): void {
    this.cursorLine = line;
    this.post({ type: 'cursor', line });
  }

  private async fetchAndPost(): Promise<void> {
    if (!this.panel.visible) return;
    const answer = await this.owner.fetch(this.uri, this.line, heldOf(this.lastView));
    if (!answer) {
      this.post({ type: 'missing', message: 'This run is not in the file any more, or its spec has errors.' });
      return;
    }
    const view = mergeView(this.lastView, answer);
    if (!view) {
      // The answer does not fit what is held (cannot normally happen): ask for all of it.
      this.lastView = null;
      this.refresh.trigger();
      return;
    }
    this.lastView = view;
    this.panel.title = this.title(view);
    // The webview holds what lastView held before: the answer is enough for it.
    this.post({ type: 'view', view: answer });
  }

  private received(message: FromWebview): void {
    switch (message.type) {
      case 'resync':
        if (this.lastView) this.post({ type: 'view', view: this.lastView });
        break;
      case 'ready':
        if (this.lastView) this.post({ type: 'view', view: this.lastView });
        this.post({ type: 'cursor', line: this.cursorLine });
        this.refresh.trigger();
        break;
      case 'revealLine':
        void this.revealLine(message.line);
        break;
      case 'train':
        void this.owner.command(Commands.train, this.uri, this.line);
        break;
      case 'stop':
        void this.owner.command(Commands.stopTraining, this.uri, this.line);
        break;
      case 'step':
        void this.owner.command(Commands.step, this.uri, this.line);
        break;
      case 'reset':
        void this.owner.command(Commands.reset, this.uri, this.line);
        break;
    }
  }

  /** Shows a line of the spec in the editor that already displays it, or opens one beside the panel. */
  private async revealLine(line: number): Promise<void> {
    const uri = vscode.Uri.parse(this.uri);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri);
    const document = visible?.document ?? (await vscode.workspace.openTextDocument(uri));
    const position = new vscode.Position(line, document.lineAt(Math.min(line, document.lineCount - 1)).firstNonWhitespaceCharacterIndex);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
      preserveFocus: false,
    });
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  /** `Training: ring on disc`, with the run's line when another run of the file trains the same network. */
  private title(view: TrainingView | null): string {
    return view ? `Training: ${view.status.title}` : 'NN: Training';
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.owner.webviewRoot, name)).toString();
    return panelHtml({
      cspSource: webview.cspSource,
      scriptUri: asset('panel.js'),
      styleUri: asset('panel.css'),
      nonce: randomBytes(18).toString('base64'),
    });
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.refresh.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    for (const listener of this.disposeListeners.splice(0)) listener();
  }
}

function isPanelState(state: unknown): state is PanelState {
  if (typeof state !== 'object' || state === null) return false;
  const s = state as Record<string, unknown>;
  return typeof s.uri === 'string' && typeof s.line === 'number' && typeof s.index === 'number';
}
