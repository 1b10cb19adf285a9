// The language server's workspace: what the client can do, its folders and settings, the training host, the data store, and one DocumentSession per open document.
//
// Everything the server keeps lives in this object and its sessions: closing a document
// disposes of its session as a whole, and shutting down disposes of the workspace.

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InlayHintRefreshRequest, type Connection, type TextDocuments, type WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DataLoader } from '../data/load';
import { collectSharedMemory } from '../data/memory';
import { DataStore } from '../data/store';
import { DEFAULT_MAX_DATA_CELLS, type CheckOptions, type ReadBytes, type ReadFile } from '../language';
import type { InitializationOptions } from '../protocol';
import { DataLoads, type LoadJobState } from '../loading/host';
import { TrainingHost, type HostOptions } from '../training/host';
import { confinedReader, dataFileReader, weightsFileReader } from './dataFiles';
import { LensRefresh } from './lensRefresh';
import { DocumentSession } from './session';
import { readSettings, type ResolvedSettings } from './settings';
import { SpecTests } from './tests';
import type { ClientFeatures } from './state';

/** Inlay hint refreshes while runs train (live ŷ hints), at most this often. */
const HINT_REFRESH_INTERVAL_MS = 1000;
/** Garbage is collected after a check once the store let go of this many bytes of data sets (documentChecked). */
const COLLECT_AFTER_BYTES = 32 * 1024 * 1024;

/** What the client said it can take (its capabilities and name), as far as the server needs to know. */
export interface ClientSupport {
  configuration: boolean;
  codeLensRefresh: boolean;
  /** The client resolves a lens's command lazily (textDocument.codeLens.resolveSupport): VS Code. */
  codeLensResolve: boolean;
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
  /** Path of the bundled data worker (dist/loader.js). */
  loaderPath: string;
}

export class Workspace {
  readonly support: ClientSupport;
  readonly host: TrainingHost;
  /** Data files' loads, generated sets, declarations' data sets and run-key digests of every check in this workspace. */
  readonly store = new DataStore();
  /** The Test Explorer's requests: runs with expectations, trained and graded (lsp/tests.ts). */
  readonly tests = new SpecTests(this);
  /** Loads large data sets off the LSP thread, for every document's checks. */
  readonly loads: DataLoads;
  /** When the editor is asked to fetch lenses again, and when a lens answer goes (lensRefresh.ts). */
  readonly lenses: LensRefresh;
  /** One work-done progress per data load under way, by job id. */
  private readonly loadReporters = new Map<number, WorkDoneProgressServerReporter | null>();
  private readonly init: InitializationOptions | undefined;
  private folders: string[];
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly readDataFile = dataFileReader();
  private readonly readWeightsFile = weightsFileReader(this.store);
  private hintRefreshTimer: NodeJS.Timeout | undefined;
  private lastHintRefresh = 0;
  /** Bytes of loads the store let go and not yet collected (documentChecked). */
  private releasedBytes = 0;
  private collecting = false;
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
    this.lenses = new LensRefresh(connection, this.support);
    this.loads = new DataLoads({
      workerPath: options.loaderPath,
      store: this.store,
      onLoaded: (owners) => {
        // A new version replaced an old one the documents had already moved off (they waited for
        // this one): free it now, before the checks that show the new one.
        this.collectReleased();
        for (const owner of owners) this.sessions.get(owner)?.scheduleCheck(0, 'data');
      },
      onJobs: () => this.reportLoads(),
    });
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
    this.lenses.forget(uri);
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

  /**
   * A document was checked and published, so its previous state, and the data sets only that
   * state showed, are garbage: when the store has let go of enough of them, their shared
   * memory is collected (data/memory.ts `collectSharedMemory`: nothing else would free it soon).
   */
  documentChecked(): void {
    this.releasedBytes += this.store.takeReleasedBytes();
    if (this.releasedBytes < COLLECT_AFTER_BYTES || this.collecting) return;
    this.collecting = true;
    // After the turn that published: the check's locals (the state it replaced) are gone by then.
    setImmediate(() => {
      this.collecting = false;
      this.collectReleased();
    });
  }

  /** Collects now if the store has let go of COLLECT_AFTER_BYTES of loads since the last collection. */
  private collectReleased(): void {
    this.releasedBytes += this.store.takeReleasedBytes();
    if (this.releasedBytes < COLLECT_AFTER_BYTES || this.disposed) return;
    this.releasedBytes = 0;
    collectSharedMemory();
  }

  /** Data files changed on disk: read them again. */
  dataFilesChanged(): void {
    this.loads.forgetFiles();
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

  /** The options to check the document at `uri` with: where it may read data from, how, and the workspace's store (and the document's loader). */
  checkOptions(uri: string, settings: ResolvedSettings, data?: DataLoader): CheckOptions {
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
      ...(data !== undefined ? { data } : {}),
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

  /**
   * One work-done progress per data load under way ("reading digits.csv: 41%"), begun when the
   * load is queued and ended when it is in; clients without work-done progress see the
   * declaration's Information diagnostic and the lens of its runs.
   */
  private reportLoads(): void {
    if (!this.support.workDoneProgress || this.disposed) return;
    const jobs = this.loads.current();
    for (const job of jobs) {
      if (this.loadReporters.has(job.id)) {
        const { percentage, message } = loadProgress(job);
        this.loadReporters.get(job.id)?.report(percentage ?? 0, message);
        continue;
      }
      this.loadReporters.set(job.id, null);
      this.connection.window.createWorkDoneProgress().then(
        (reporter) => {
          if (!this.loadReporters.has(job.id) || this.disposed) {
            reporter.done();
            return;
          }
          this.loadReporters.set(job.id, reporter);
          // Reports that came while the client answered were not shown: begin where the load is now.
          const now = this.loads.current().find((j) => j.id === job.id) ?? job;
          const { percentage, message } = loadProgress(now);
          reporter.begin('Loading data', percentage ?? 0, message, false);
        },
        () => undefined,
      );
    }
    const live = new Set(jobs.map((job) => job.id));
    for (const [id, reporter] of this.loadReporters) {
      if (live.has(id)) continue;
      reporter?.done();
      this.loadReporters.delete(id);
    }
  }

  /**
   * Runs moved: ŷ hints beside the data rows show new numbers. A change of state refreshes at
   * once; live progress at most every HINT_REFRESH_INTERVAL_MS.
   */
  refreshHints(urgent = true): void {
    if (!this.support.inlayHintRefresh || this.disposed) return;
    if (urgent) {
      clearTimeout(this.hintRefreshTimer);
      this.hintRefreshTimer = undefined;
    } else if (this.hintRefreshTimer) {
      return;
    }
    const wait = urgent ? 0 : Math.max(0, this.lastHintRefresh + HINT_REFRESH_INTERVAL_MS - Date.now());
    this.hintRefreshTimer = setTimeout(() => {
      this.hintRefreshTimer = undefined;
      this.lastHintRefresh = Date.now();
      void this.connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
    }, wait);
    this.hintRefreshTimer.unref();
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
    this.lenses.dispose();
    clearTimeout(this.hintRefreshTimer);
    this.hintRefreshTimer = undefined;
    this.host.dispose();
    this.loads.dispose();
    for (const reporter of this.loadReporters.values()) reporter?.done();
    this.loadReporters.clear();
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

/** A load's line in the progress area: `reading digits.csv: 41%`, or `drawing spiral(samples 16000000)…` with no share known. */
function loadProgress(job: LoadJobState): { percentage: number | undefined; message: string } {
  const percentage = job.fraction !== null ? Math.round(job.fraction * 100) : undefined;
  return { percentage, message: percentage !== undefined ? `${job.activity}: ${percentage}%` : `${job.activity}…` };
}
