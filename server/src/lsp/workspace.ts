// The language server's workspace: what the client can do, its folders and settings, the training host, the data store, and one DocumentSession per open document.
//
// Everything the server keeps lives in this object and its sessions: closing a document
// disposes of its session as a whole, and shutting down disposes of the workspace.

import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeLensRefreshRequest, InlayHintRefreshRequest, type Connection, type TextDocuments, type WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DataLoader } from '../data/load';
import { collectSharedMemory } from '../data/memory';
import { DataStore } from '../data/store';
import { DEFAULT_MAX_DATA_CELLS, type CheckOptions, type ReadBytes, type ReadFile } from '../language';
import type { InitializationOptions } from '../protocol';
import { DataLoads } from '../loading/host';
import { TrainingHost, type HostOptions } from '../training/host';
import { confinedReader, dataFileReader, weightsFileReader } from './dataFiles';
import { DocumentSession } from './session';
import { readSettings, type ResolvedSettings } from './settings';
import { SpecTests } from './tests';
import type { ClientFeatures } from './state';

/**
 * For a client that does not resolve lenses lazily: after the editor asked for lenses, a
 * progress refresh waits this long before it asks again (a change of state, such as Stop, does
 * not wait), so its fetches come further apart than a resolve debounce of about 250 ms. A client
 * that resolves them lazily (VS Code) is paced by its resolves instead (refreshLenses).
 */
const LENS_REFRESH_SPACING_MS = 150;
/**
 * A refresh the editor did not answer with a lens request (no editor shows the file, or VS Code
 * dropped its pending fetch when the editor lost focus) holds the next one back at most this many
 * times as long as the editor usually takes to answer, within the bounds below: long enough
 * never to starve a slow editor, short enough that the lens moves again soon after a focus change.
 */
const LENS_ANSWER_PATIENCE = 4;
const LENS_ANSWER_TIMEOUT_MIN_MS = 2500;
const LENS_ANSWER_TIMEOUT_MAX_MS = 10_000;
/** A wait for a lazy lens's resolve that ends without one doubles the next, at most this many times (2.5 s → 80 s). */
const LENS_RESOLVE_MAX_DOUBLINGS = 5;
/** The margin a refresh's fetch is aimed after the editor's resolve pass: it doubles after each fetch that came first, and creeps back down after passes that came first. */
const LENS_ALIGN_MARGIN_MIN_MS = 60;
const LENS_ALIGN_MARGIN_MAX_MS = 2000;
/** A lens answer waits until this long after the editor's last resolve (lensAnswerHold), and for a resolve still owed at most LENS_ANSWER_HOLD_MAX_MS. */
const LENS_ANSWER_HOLD_MS = 50;
export const LENS_ANSWER_HOLD_MAX_MS = 300;
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
  /** One work-done progress per data load under way, by job id. */
  private readonly loadReporters = new Map<number, WorkDoneProgressServerReporter | null>();
  private readonly init: InitializationOptions | undefined;
  private folders: string[];
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly readDataFile = dataFileReader();
  private readonly readWeightsFile = weightsFileReader(this.store);
  private lensRefreshTimer: NodeJS.Timeout | undefined;
  /** When the editor last asked for lenses (Date.now()). */
  private lastLensesServed = 0;
  /** A lens refresh was sent and the editor has not asked for lenses since. */
  private lensRefreshOut = false;
  /** When the last refresh went out, and how long the editor usually takes to ask after one (a moving average). */
  private lensRefreshSent = 0;
  private lensAnswerDelay = 300;
  /** Runs moved since the editor last asked for lenses; `lensRefreshUrgent` when a run changed state (not only progress). */
  private lensesStale = false;
  private lensRefreshUrgent = false;
  /** Lazy lenses were sent and the editor has not resolved them yet; when they went, how long resolves usually take, and waits that ended without one. */
  private lensResolveOwed = false;
  private lensesSentLazily = 0;
  private lensResolveDelay = 300;
  private lensResolveMisses = 0;
  private lensResolveTimer: NodeJS.Timeout | undefined;
  /** How far after the expected resolve pass a refresh's fetch is aimed. */
  private lensAlignMargin = LENS_ALIGN_MARGIN_MIN_MS;
  /** Lens answers served so far per document (each lazy lens carries its answer's number), and when the editor last resolved one. */
  private readonly lensAnswers = new Map<string, number>();
  private lastLensResolve = 0;
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
    this.loads = new DataLoads({
      workerPath: options.loaderPath,
      store: this.store,
      onLoaded: (owners) => {
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
    this.lensAnswers.delete(uri);
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
      this.releasedBytes = 0;
      if (!this.disposed) collectSharedMemory();
    });
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
   * Asks the client to refetch lenses: at once when a run changed state (`urgent`: started,
   * stopped, finished, stepped), else LENS_REFRESH_SPACING_MS after the editor last asked,
   * and never while an earlier refresh has not been answered by a lens request; for an editor
   * that resolves lenses lazily, timed so that the fetch lands just after the resolve pass of
   * the lenses it was sent (pumpLensRefresh), or after that resolve has come.
   *
   * Why the wait for the answer: VS Code answers a refresh by re-arming a RunOnceScheduler with
   * its lens debounce (at least 250 ms, the moving average of how long its lens requests took),
   * and a re-armed scheduler starts its wait over. Refreshes sent on a fixed clock starve it
   * as soon as that average passes the clock's period (under load, or with a busy extension
   * host): no request is ever made again, the average never comes down, and the lens froze
   * for the rest of the run. Sending the next refresh only after the editor has asked makes
   * every refresh end in a request, whatever its debounce (docs/editor.md "CodeLens").
   *
   * Why the wait for the resolve: VS Code draws a lens's new text only in its resolve pass, on
   * a second RunOnceScheduler that every lens answer re-arms, with a delay it learns from the
   * same moving average, updated only when a pass completes. A slow first answer (a server
   * starting on a loaded machine) teaches it a delay of seconds; once answers come faster than
   * that, every answer re-arms the pass before it runs, the delay is never learnt again, and the
   * lens stays as it was drawn first while the run trains. The server sees the pass only when
   * the lenses go without their commands (codeLens.ts lazyLenses), and aims each refresh so that
   * its answer lands after the pending pass, never on it.
   */
  refreshLenses(urgent = false): void {
    if (!this.support.codeLensRefresh || this.disposed) return;
    this.lensesStale = true;
    this.lensRefreshUrgent ||= urgent;
    this.pumpLensRefresh();
  }

  /**
   * The client asked for a document's lenses and got the latest state: a refresh may go again,
   * or, when they went lazily (`resolveOwed`), once the editor has resolved them.
   */
  lensesServed(uri: string, resolveOwed = false): number {
    const now = Date.now();
    this.lastLensesServed = now;
    const answer = (this.lensAnswers.get(uri) ?? 0) + 1;
    this.lensAnswers.set(uri, answer);
    if (this.lensRefreshOut) this.lensAnswerDelay = 0.7 * this.lensAnswerDelay + 0.3 * (now - this.lensRefreshSent);
    if (this.lensResolveOwed) {
      // Asked again before it resolved the last lenses: the refresh went too early and re-armed the
      // editor's pass (or the lenses are out of view). The next one is aimed at the pass this answer
      // arms, further off it.
      this.lensAlignMargin = Math.min(LENS_ALIGN_MARGIN_MAX_MS, 2 * this.lensAlignMargin);
    }
    if (resolveOwed) this.awaitLensResolve(now);
    else this.lensResolveOwed = false;
    if (this.lensRefreshOut || this.lensesStale) {
      this.lensRefreshOut = false;
      this.lensesStale = false;
      this.lensRefreshUrgent = false;
      clearTimeout(this.lensRefreshTimer);
      this.lensRefreshTimer = undefined;
    }
    return answer;
  }

  /**
   * How long a lens answer should wait: one that reached VS Code while a resolve pass is still on
   * its way back would have the pass's commands written onto its new lenses, and the answer
   * before it released, so the row drawn would hold commands that no longer run.
   */
  lensAnswerHold(): number {
    if (!this.support.codeLensResolve) return 0;
    // Asked before the lenses sent last were resolved: their pass may be on its way, behind this request.
    if (this.lensResolveOwed) return LENS_ANSWER_HOLD_MS;
    return Math.max(0, this.lastLensResolve + LENS_ANSWER_HOLD_MS - Date.now());
  }

  /**
   * The editor resolved lazy lenses of the document's answer `answer`: it has drawn them, and
   * the next refresh may go. A resolve of an older answer than the last means a pass overlapped a newer answer
   * (see lensAnswerHold): the row may hold dead commands, and only a new answer resolved
   * afresh mends it, so a refresh goes at once.
   */
  lensesResolved(uri: string, answer: number): void {
    this.lastLensResolve = Date.now();
    this.lensResolveMisses = 0;
    if (answer < (this.lensAnswers.get(uri) ?? 0)) {
      this.lensResolveOwed = false;
      clearTimeout(this.lensResolveTimer);
      this.lensResolveTimer = undefined;
      this.lensesStale = true;
      this.lensRefreshUrgent = true;
      this.pumpLensRefresh();
      return;
    }
    if (!this.lensResolveOwed) return;
    this.lensResolveOwed = false;
    this.lensResolveDelay = 0.7 * this.lensResolveDelay + 0.3 * (this.lastLensResolve - this.lensesSentLazily);
    this.lensAlignMargin = Math.max(LENS_ALIGN_MARGIN_MIN_MS, 0.8 * this.lensAlignMargin);
    clearTimeout(this.lensResolveTimer);
    this.lensResolveTimer = undefined;
    this.pumpLensRefresh();
  }

  /**
   * Lazy lenses went out: wait for their resolve. An editor resolves only the lenses it shows, so
   * none may come (the lenses are scrolled out of view); after a while the refreshes go on, and
   * each wait that ends without a resolve doubles the next one, so a resolve debounce longer than
   * any guess is outwaited in a few rounds.
   */
  private awaitLensResolve(now: number): void {
    this.lensResolveOwed = true;
    this.lensesSentLazily = now;
    clearTimeout(this.lensResolveTimer);
    const patience = Math.min(LENS_ANSWER_TIMEOUT_MAX_MS, Math.max(LENS_ANSWER_TIMEOUT_MIN_MS, LENS_ANSWER_PATIENCE * this.lensResolveDelay));
    this.lensResolveTimer = setTimeout(() => {
      this.lensResolveTimer = undefined;
      this.lensResolveOwed = false;
      this.lensResolveMisses = Math.min(this.lensResolveMisses + 1, LENS_RESOLVE_MAX_DOUBLINGS);
      this.pumpLensRefresh();
    }, patience * 2 ** this.lensResolveMisses);
    this.lensResolveTimer.unref();
  }

  private pumpLensRefresh(): void {
    if (this.disposed || !this.lensesStale || this.lensRefreshOut) return;
    const lazy = this.support.codeLensResolve;
    let at: number;
    if (this.lensResolveOwed) {
      // Lenses wait for their resolve pass. The refresh may go before it, timed so that the fetch it
      // causes comes a margin after the pass: the editor then has a pass pending nearly all the
      // time, and whatever happens (a Stop) is drawn at the next one, which reads the state then.
      if (!lazy || this.lensRefreshTimer) return;
      at = this.lensesSentLazily + this.lensResolveDelay - this.lensAnswerDelay + this.lensAlignMargin;
    } else {
      if (this.lensRefreshTimer) {
        // A progress refresh is waiting for its turn; a change of state does not wait with it.
        if (!this.lensRefreshUrgent && !lazy) return;
        clearTimeout(this.lensRefreshTimer);
      }
      // After a resolve the editor's own debounces space its passes: no spacing of ours is needed.
      at = this.lensRefreshUrgent ? 0 : this.lastLensesServed + (lazy ? 0 : LENS_REFRESH_SPACING_MS);
    }
    const wait = Math.max(0, at - Date.now());
    this.lensRefreshTimer = setTimeout(() => {
      this.lensRefreshTimer = undefined;
      this.lensRefreshOut = true;
      this.lensRefreshSent = Date.now();
      this.lensesStale = false;
      this.lensRefreshUrgent = false;
      void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      // Nothing asked (no editor shows the file, or its fetch was dropped): the next change may refresh again after a while.
      const patience = Math.min(LENS_ANSWER_TIMEOUT_MAX_MS, Math.max(LENS_ANSWER_TIMEOUT_MIN_MS, LENS_ANSWER_PATIENCE * this.lensAnswerDelay));
      this.lensRefreshTimer = setTimeout(() => {
        this.lensRefreshTimer = undefined;
        this.lensRefreshOut = false;
        this.pumpLensRefresh();
      }, patience);
      this.lensRefreshTimer.unref();
    }, wait);
    this.lensRefreshTimer.unref();
  }

  /**
   * One work-done progress per data load under way ("reading digits.csv: 41%"), begun when the
   * load is queued and ended when it is in; clients without work-done progress see the
   * declaration's Information diagnostic and the lens of its runs.
   */
  private reportLoads(): void {
    if (!this.support.workDoneProgress || this.disposed) return;
    const jobs = this.loads.current();
    for (const job of jobs) {
      const percentage = job.fraction !== null ? Math.round(job.fraction * 100) : undefined;
      const message = percentage !== undefined ? `${job.activity}: ${percentage}%` : `${job.activity}…`;
      if (this.loadReporters.has(job.id)) {
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
    clearTimeout(this.lensRefreshTimer);
    clearTimeout(this.lensResolveTimer);
    clearTimeout(this.hintRefreshTimer);
    this.lensRefreshTimer = this.hintRefreshTimer = undefined;
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
