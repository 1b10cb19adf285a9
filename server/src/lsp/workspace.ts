// The language server's workspace: what the client can do, its folders and settings, the training host, the data store, and one DocumentSession per open document.
//
// Everything the server keeps lives in this object and its sessions: closing a document
// disposes of its session as a whole, and shutting down disposes of the workspace.

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeLensRefreshRequest, InlayHintRefreshRequest, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DataStore } from '../data/store';
import { DEFAULT_MAX_DATA_CELLS, type CheckOptions, type ReadBytes, type ReadFile } from '../language';
import type { InitializationOptions } from '../protocol';
import { TrainingHost, type HostOptions } from '../training/host';
import { confinedReader, dataFileReader, weightsFileReader } from './dataFiles';
import { DocumentSession } from './session';
import { readSettings, type ResolvedSettings } from './settings';
import { SpecTests } from './tests';
import type { ClientFeatures } from './state';

/**
 * CodeLens refreshes, at most this often. VS Code answers each refresh by cancelling its
 * lens request and re-arming a debounce of at least 250 ms, so refreshes every 100 ms
 * starve the lens: it froze on "Train" for a whole run while the status bar counted epochs.
 */
const LENS_REFRESH_INTERVAL_MS = 750;

/** What the client said it can take (its capabilities and name), as far as the server needs to know. */
export interface ClientSupport {
  configuration: boolean;
  codeLensRefresh: boolean;
  inlayHintRefresh: boolean;
  workDoneProgress: boolean;
  workspaceFolders: boolean;
  features: ClientFeatures;
}

export interface WorkspaceOptions {
  support: ClientSupport;
  init: InitializationOptions | undefined;
  /** Absolute paths of the workspace folders. */
  folders: string[];
  host: HostOptions;
}

export class Workspace {
  readonly support: ClientSupport;
  readonly host: TrainingHost;
  /** Data files, parsed CSVs, generated sets and declarations' data sets of every check in this workspace. */
  readonly store = new DataStore();
  /** The Test Explorer's requests: runs with expectations, trained and graded (lsp/tests.ts). */
  readonly tests = new SpecTests(this);
  private readonly init: InitializationOptions | undefined;
  private folders: string[];
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly readDataFile = dataFileReader(this.store);
  private readonly readWeightsFile = weightsFileReader(this.store);
  private lensRefreshTimer: NodeJS.Timeout | undefined;
  private lastLensRefresh = 0;
  private disposed = false;

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    options: WorkspaceOptions,
  ) {
    this.support = options.support;
    this.init = options.init;
    this.folders = options.folders;
    this.host = new TrainingHost(options.host);
    this.host.onEvent((event) => this.sessions.get(event.uri)?.runEvent(event));
  }

  // ---------------------------------------------------------------- documents

  /** A document opened: its session (the one it has, if the client opens it twice), checked at once. */
  open(uri: string): void {
    if (this.disposed) return;
    let session = this.sessions.get(uri);
    if (!session) {
      session = new DocumentSession(uri, this);
      this.sessions.set(uri, session);
    }
    session.scheduleCheck(0, 'open');
  }

  /** The session of an open document. */
  session(uri: string): DocumentSession | undefined {
    return this.sessions.get(uri);
  }

  /** A document closed: its session goes, with everything it held, and its diagnostics are cleared. */
  close(uri: string): void {
    const session = this.sessions.get(uri);
    session?.dispose();
    this.sessions.delete(uri);
    // Without a session the host still forgets the document (it may have been told of it by a request).
    if (!session) this.host.close(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** How many documents have a session (tests). */
  get openDocuments(): number {
    return this.sessions.size;
  }

  /** Something every check depends on changed (settings, trust, folders, data files): check every document again. */
  recheckAll(): void {
    for (const session of this.sessions.values()) session.scheduleCheck(0, 'settings');
  }

  /** Data files changed on disk: read them again. */
  dataFilesChanged(): void {
    this.store.forgetFiles();
    this.recheckAll();
  }

  foldersChanged(added: readonly string[], removed: readonly string[]): void {
    const gone = new Set(removed);
    this.folders = [...this.folders.filter((f) => !gone.has(f)), ...added];
    this.recheckAll();
  }

  // ---------------------------------------------------------------- settings and checks

  /** The `nn` settings of the document's scope, asked of the client on every use. */
  settings(uri: string): Promise<ResolvedSettings> {
    return readSettings(this.connection, this.support.configuration, uri, this.init);
  }

  /** The options to check the document at `uri` with: where it may read data from, how, and the workspace's store. */
  checkOptions(uri: string, settings: ResolvedSettings): CheckOptions {
    const specPath = uriToPath(uri);
    const confinement = this.confinement(specPath);
    let readFile: ReadFile | null = null;
    let readBytes: ReadBytes | null = null;
    if (settings.workspaceTrusted) {
      readFile = confinement ? confinedReader(this.readDataFile, confinement.root, confinement.name) : unsavedWithoutFolder;
      // Weights files (`weights … from`, docs/language.md §7.1) follow the rules of data files.
      readBytes = confinement ? confinedReader(this.readWeightsFile, confinement.root, confinement.name, 'weights files') : unsavedWithoutFolderBytes;
    }
    return {
      specPath,
      allowedRoot: confinement?.root ?? null,
      allowedRootName: confinement?.name,
      readFile,
      readBytes,
      maxParameters: settings.maxParameters,
      maxDataCells: DEFAULT_MAX_DATA_CELLS,
      store: this.store,
    };
  }

  /**
   * Where the document's data files must really lie (docs/language.md §4.18), the same rule for
   * every document: the workspace folder that holds the spec, or the spec's own folder when
   * none does. A document without a file path (unsaved, `git:`, another host's file) has no
   * folder of its own: the first workspace folder, or null when no folder is open.
   */
  private confinement(specPath: string | null): { root: string; name: string } | null {
    if (specPath === null) return this.folders.length > 0 ? { root: this.folders[0], name: 'the workspace folder' } : null;
    const folder = this.workspaceFolderOf(specPath);
    return folder ? { root: folder, name: 'the workspace folder' } : { root: dirname(specPath), name: "the spec's folder" };
  }

  /** The innermost workspace folder that holds the spec, or null (a file opened on its own). */
  private workspaceFolderOf(specPath: string): string | null {
    const holding = this.folders.filter((f) => specPath === f || specPath.startsWith(f.endsWith(sep) ? f : f + sep));
    holding.sort((a, b) => b.length - a.length);
    return holding[0] ?? null;
  }

  // ---------------------------------------------------------------- the client

  /** Asks the client to refetch lenses, throttled with a trailing call so the last state always lands. */
  refreshLenses(): void {
    if (!this.support.codeLensRefresh || this.lensRefreshTimer || this.disposed) return;
    const wait = Math.max(0, this.lastLensRefresh + LENS_REFRESH_INTERVAL_MS - Date.now());
    this.lensRefreshTimer = setTimeout(() => {
      this.lensRefreshTimer = undefined;
      this.lastLensRefresh = Date.now();
      void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, wait);
    this.lensRefreshTimer.unref();
  }

  /** A run's outcome changed: ŷ hints beside the data rows show new numbers. */
  refreshHints(): void {
    if (this.support.inlayHintRefresh) void this.connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
  }

  /**
   * A fault in one check or auto-train (a message no editor sends, a bug) must not take the
   * server down as an unhandled rejection would: it is logged, and the next change checks again.
   */
  guarded(what: string, work: Promise<void>): void {
    work.catch((error: unknown) => this.connection.console.error(`nn: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  }

  /** The server shuts down: every session, the host's workers and the timers go. */
  dispose(): void {
    this.disposed = true;
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    clearTimeout(this.lensRefreshTimer);
    this.lensRefreshTimer = undefined;
    this.host.dispose();
    this.store.clear();
  }
}

/**
 * The reader of a document that has neither a file path nor a folder open: it reads nothing,
 * and says why (an absolute path would otherwise reach any file on the machine).
 */
const unsavedWithoutFolder: ReadFile = () => ({
  error: 'the spec is not a saved file and no folder is open, so the editor reads no data file for it; save it in a folder, or open a folder that holds the data',
});

/** unsavedWithoutFolder for weights files. */
const unsavedWithoutFolderBytes: ReadBytes = () => ({
  error: 'the spec is not a saved file and no folder is open, so the editor reads no weights file for it; save it in a folder, or open a folder that holds the weights file',
});

/** The absolute path of a file: URI, or null for any other scheme (an unsaved document) or another host's file. */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return null;
  }
}
