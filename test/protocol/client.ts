// A minimal LSP client for tests and benchmarks: starts the built server (`node dist/server.js --stdio`), or the server's code in this process, and talks JSON-RPC to it.
//
// It answers the server's requests as an editor would (configuration, progress
// creation, CodeLens refresh) and records what the server pushes, so a test can
// wait for "the diagnostics that say X" with a deadline instead of sleeping.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { Workspace } from '../../server/src/lsp/workspace';
import type { NnSettings, RunStatusParams } from '../../server/src/protocol';

export const ROOT = join(__dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

/**
 * Builds dist/ once per test process (npm run build); throws with the build's output when it fails,
 * so a broken build reads as one clear failure rather than a hanging test.
 */
let built = false;
export function buildServer(): void {
  if (built) return;
  const result = spawnSync('node', ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  const ok = (file: string) => existsSync(file) && statSync(file).size > 0;
  if (result.status !== 0 || !ok(SERVER) || !ok(join(ROOT, 'dist', 'worker.js'))) {
    throw new Error(`npm run build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  built = true;
}

/** Full capabilities, as VS Code announces them (the ones the server looks at). */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, workspaceFolders: true, codeLens: { refreshSupport: true }, inlayHint: { refreshSupport: true } },
  window: { workDoneProgress: true },
  textDocument: {
    hover: { contentFormat: ['markdown', 'plaintext'] },
    publishDiagnostics: { versionSupport: true },
    semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
    inlayHint: {},
    rename: { prepareSupport: true },
    codeLens: {},
    synchronization: { didSave: true },
  },
};

export interface StartOptions {
  settings?: Partial<NnSettings>;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** The one workspace folder (default: the repository); null opens none, as for a file opened on its own. */
  workspaceFolder?: string | null;
  clientName?: string;
}

interface Waiter<T> {
  accept(value: T): boolean;
}

export class LspClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly runStatuses: RunStatusParams[] = [];
  readonly progress: { token: unknown; value: { kind: string; message?: string; percentage?: number; cancellable?: boolean } }[] = [];
  codeLensRefreshes = 0;
  /** The messages shown (window/showMessageRequest, as connection.window.show…Message sends them), in order. */
  readonly messages: { type: number; message: string }[] = [];
  /** Called on every workspace/codeLens/refresh, after it is counted: a test can act as an editor's lens controller. */
  onCodeLensRefresh: () => void = () => undefined;
  /** What the server announced in its initialize answer. */
  capabilities: Record<string, unknown> = {};
  /** Settings the client answers workspace/configuration with; tests may change them. */
  settings: Partial<NnSettings>;
  private readonly waiters = new Set<Waiter<void>>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  readonly stderr: string[] = [];

  /** The server's workspace, when the server runs in this process (inProcess): what it keeps, to inspect. */
  workspace: () => Workspace | null = () => null;
  private disposeServer: () => void = () => undefined;

  private constructor(
    /** The server's process; null when it runs in this one. */
    readonly process: ChildProcess | null,
    readonly connection: MessageConnection,
    settings: Partial<NnSettings>,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    // Under a mutation run (docs/RELIABILITY.md "Mutation score") the server runs in the test process, where
    // Stryker's mutants are; tests that need a process of its own use spawn().
    if (process.env.NN_MUTATION_FOLDER) return LspClient.inProcess(options);
    return LspClient.spawn(options).initialize(options);
  }

  /**
   * The built server, started and listened to but not initialized: for tests of what it
   * answers before `initialize` (then `initialize()` when they want it running).
   */
  static spawn(options: StartOptions = {}): LspClient {
    buildServer();
    const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, options.settings ?? {});
    child.stderr!.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    client.listen();
    return client;
  }

  /**
   * The server's code in this process (its training workers are still dist/worker.js threads),
   * over in-memory streams, so a test can look into what it keeps (`workspace()`).
   */
  static async inProcess(options: StartOptions = {}): Promise<LspClient> {
    buildServer();
    const [{ createConnection }, { startServer }] = await Promise.all([import('vscode-languageserver/node'), import('../../server/src/lsp/server')]);
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    const server = startServer(serverConnection, { workerPath: join(ROOT, 'dist', 'worker.js') });
    const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new LspClient(null, connection, options.settings ?? {});
    client.workspace = server.workspace;
    client.disposeServer = () => serverConnection.dispose();
    client.listen();
    return client.initialize(options);
  }

  /** Answers the server's requests as an editor would and records what it pushes. */
  private listen(): void {
    const client = this;
    const connection = this.connection;
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.diagnostics.push(params);
      client.wake();
    });
    connection.onNotification('nn/runStatus', (params: RunStatusParams) => {
      client.runStatuses.push(params);
      client.wake();
    });
    connection.onNotification('$/progress', (params: LspClient['progress'][number]) => {
      client.progress.push(params);
      client.wake();
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.onNotification('window/showMessage', () => undefined);
    connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'nn' ? client.settings : null)),
    );
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => {
      client.codeLensRefreshes++;
      client.onCodeLensRefresh();
      client.wake();
      return null;
    });
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/showMessageRequest', (params: { type: number; message: string }) => {
      client.messages.push({ type: params.type, message: params.message });
      client.wake();
      return null;
    });
    connection.listen();
  }

  /** The `initialize` request (the editor's capabilities, the folder), then `initialized`. */
  async initialize(options: StartOptions = {}): Promise<LspClient> {
    const connection = this.connection;
    // No process id for a server in this process: it would watch it, and exit this process when it could not find it.
    const processId = this.process ? process.pid : null;
    // null: no folder open (a file opened on its own).
    const folder = options.workspaceFolder === undefined ? ROOT : options.workspaceFolder;
    const initialized = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId,
      // vscode-languageclient sends the editor's app name; the server recognises VS Code by it.
      clientInfo: { name: options.clientName ?? 'Visual Studio Code' },
      rootUri: folder === null ? null : pathToFileURL(folder).href,
      workspaceFolders: folder === null ? null : [{ uri: pathToFileURL(folder).href, name: 'workspace' }],
      capabilities: options.capabilities ?? VSCODE_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    this.capabilities = initialized.capabilities;
    await connection.sendNotification('initialized', {});
    return this;
  }

  open(uri: string, text: string, version = 1): void {
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nn', version, text } });
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  save(uri: string): void {
    void this.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  command<T = unknown>(command: string, ...args: unknown[]): Promise<T> {
    return this.request<T>('workspace/executeCommand', { command, arguments: args });
  }

  /** Resolves with the first value `probe` returns (checked now and after every message), or rejects at the deadline. */
  waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = probe();
      if (first) return resolve(first);
      const waiter: Waiter<void> = {
        accept: () => {
          const value = probe();
          if (!value) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr.join('')}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The latest diagnostics published for the uri at its current version that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate: (params: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams> {
    let seen = 0;
    return this.waitFor(
      `diagnostics of ${uri} (version ${this.version(uri)})`,
      () => {
        for (; seen < this.diagnostics.length; seen++) {
          const params = this.diagnostics[seen];
          if (params.uri === uri && params.version === this.version(uri) && predicate(params)) return params;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    const child = this.process;
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      // `exit` ends the server's process: this one, for a server in process.
      if (child) void this.connection.sendNotification('exit');
    } catch {
      // The server may be gone already.
    }
    if (child) {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    this.connection.dispose();
    this.disposeServer();
  }

  /** Something a waiter may be waiting for changed outside the messages (a test's own timer): check the waiters again. */
  recheck(): void {
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) if (waiter.accept()) this.waiters.delete(waiter);
  }
}
