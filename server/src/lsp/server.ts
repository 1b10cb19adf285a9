// The language server's wiring: documents in, checks and training results out, every editor feature registered on the connection main.ts made.
//
// Each handler reads as three steps: find the document's DocumentState, call the
// feature's pure function, return its answer. The state of a document is rebuilt
// when its text is checked (debounced lightly) and whenever its runs move; training
// itself happens in the TrainingHost's workers, never here.

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  CodeLensRefreshRequest,
  InlayHintRefreshRequest,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeFileError } from '../data/fileErrors';
import { check, DEFAULT_MAX_DATA_CELLS, type CheckOptions, type CheckResult, type ReadFile } from '../language';
import { LineIndex } from '../language/positions';
import type { Problem } from '../language/problems';
import {
  Commands,
  RunStatusNotification,
  TrainingRequest,
  type InitializationOptions,
  type RunStatus,
  type RunStatusParams,
  type TrainingParams,
  type TrainingView,
} from '../protocol';
import { TrainingHost, type RunEvent } from '../training/host';
import type { RunOutcome } from '../training/outcome';
import { resultProblem } from '../training/results';
import { seriesId, snapshotsToSend } from '../training/snapshots';
import { progressText, statusSummary } from '../training/summary';
import { codeActions } from './codeActions';
import { codeLenses } from './codeLens';
import { commandTarget, selectRuns } from './commands';
import { completion } from './completion';
import { diagnostics } from './diagnostics';
import { foldingRanges } from './folding';
import { formatting } from './formatting';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { definition, prepareRename, references, rename } from './navigation';
import { readSettings, type ResolvedSettings } from './settings';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './semanticTokens';
import { runAtLine, type ClientFeatures, type DocumentState } from './state';
import { documentSymbols } from './symbols';

export interface ServerOptions {
  /** Path of the bundled training worker (dist/worker.js). */
  workerPath: string;
  poolSize?: number;
}

/** A document is checked at most this often while its text changes. */
const CHECK_DEBOUNCE_MS = 20;
/** Auto-train waits this long after the text stops changing (UX.md "Training on its own"). */
const AUTO_TRAIN_DELAY_MS = 300;
/** Lens refreshes and nn/runStatus notifications per document, at most this often while training. */
const PROGRESS_INTERVAL_MS = 100;
/**
 * CodeLens refreshes, at most this often. VS Code answers each refresh by cancelling its
 * lens request and re-arming a debounce of at least 250 ms, so refreshes every 100 ms
 * starve the lens: it froze on "▶ Train" for a whole run while the status bar counted epochs.
 */
const LENS_REFRESH_INTERVAL_MS = 750;

interface ClientSupport {
  configuration: boolean;
  codeLensRefresh: boolean;
  inlayHintRefresh: boolean;
  workDoneProgress: boolean;
  workspaceFolders: boolean;
  features: ClientFeatures;
}

function clientSupport(capabilities: ClientCapabilities, clientName = ''): ClientSupport {
  const hoverFormats = capabilities.textDocument?.hover?.contentFormat ?? [];
  return {
    configuration: capabilities.workspace?.configuration === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
    workDoneProgress: capabilities.window?.workDoneProgress === true,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    features: {
      markdown: hoverFormats.includes('markdown'),
      // Only VS Code (desktop, or code-server in a browser) runs `command:` links in markdown.
      commandLinks: /code/i.test(clientName),
      snippets: capabilities.textDocument?.completion?.completionItem?.snippetSupport === true,
    },
  };
}

/** The capabilities to announce, chosen by what the client can take. */
function serverCapabilities(capabilities: ClientCapabilities): ServerCapabilities {
  const text = capabilities.textDocument;
  const result: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: [Commands.train, Commands.stopTraining, Commands.step] },
    completionProvider: { triggerCharacters: [' '] },
    hoverProvider: true,
    codeActionProvider: text?.codeAction?.codeActionLiteralSupport ? { codeActionKinds: [CodeActionKind.QuickFix] } : true,
    documentFormattingProvider: true,
    foldingRangeProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: text?.rename?.prepareSupport ? { prepareProvider: true } : true,
    documentSymbolProvider: true,
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
  // Neovim 0.7 and other older clients have no inlay hints: do not offer them.
  if (text?.inlayHint) result.inlayHintProvider = true;
  if (text?.semanticTokens) {
    result.semanticTokensProvider = { legend: SEMANTIC_TOKENS_LEGEND, full: true };
  }
  return result;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocumentState>();
  const checkTimers = new Map<string, NodeJS.Timeout>();
  /** What was last published for each document (version and diagnostics), so nothing is sent twice. */
  const published = new Map<string, string>();
  /** When each document was last checked (performance.now()), for the check interval. */
  const lastChecked = new Map<string, number>();
  const autoTimers = new Map<string, NodeJS.Timeout>();
  const progressTimers = new Map<string, NodeJS.Timeout>();
  const reporters = new Map<string, WorkDoneProgressServerReporter>();
  /** The options of each document's last check, for the synchronous re-check of `current`. */
  const lastOptions = new Map<string, CheckOptions>();
  let support: ClientSupport = clientSupport({});
  let watchFiles = false;
  let watchSettings = false;
  let init: InitializationOptions | undefined;
  let folders: string[] = [];
  let host: TrainingHost | null = null;
  let shuttingDown = false;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    support = clientSupport(params.capabilities, params.clientInfo?.name);
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    watchSettings = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    init = (params.initializationOptions ?? undefined) as InitializationOptions | undefined;
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders = [root];
    }
    host = new TrainingHost({ workerPath: options.workerPath, poolSize: options.poolSize });
    host.onEvent(onRunEvent);
    return { capabilities: serverCapabilities(params.capabilities), serverInfo: { name: 'nn-lang', version: '0.1.0' } };
  });

  connection.onInitialized(() => {
    // Hear about changed `nn.*` settings (a new nn.maxParameters changes what is an error).
    if (watchSettings) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'nn' });
    // A data file edited outside the spec changes what the spec means: re-check open specs.
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{csv,CSV,tsv,txt}' }],
      });
    }
    if (support.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => uriToPath(f.uri)));
        folders = folders.filter((f) => !removed.has(f));
        for (const f of event.added) {
          const path = uriToPath(f.uri);
          if (path) folders.push(path);
        }
        for (const doc of documents.all()) scheduleCheck(doc.uri, 0);
      });
    }
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    for (const timer of [...checkTimers.values(), ...autoTimers.values(), ...progressTimers.values()]) clearTimeout(timer);
    host?.dispose();
  });

  connection.onDidChangeWatchedFiles(() => {
    clearDataFileCache();
    for (const doc of documents.all()) scheduleCheck(doc.uri, 0);
  });

  // Settings (and trust) can change at any time; re-check everything with the new ones.
  connection.onDidChangeConfiguration(() => {
    for (const doc of documents.all()) scheduleCheck(doc.uri, 0);
  });

  // ---------------------------------------------------------------- documents

  documents.onDidOpen((event) => scheduleCheck(event.document.uri, 0, 'open'));
  documents.onDidChangeContent((event) => {
    if (!states.has(event.document.uri)) return; // the open handler checks it
    scheduleCheck(event.document.uri, CHECK_DEBOUNCE_MS, 'change');
  });
  documents.onDidSave((event) => guarded(`auto-training ${event.document.uri}`, autoTrain(event.document.uri, 'onSave')));
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    for (const timers of [checkTimers, autoTimers, progressTimers]) {
      clearTimeout(timers.get(uri));
      timers.delete(uri);
    }
    host?.close(uri);
    for (const [id, reporter] of reporters) {
      if (id.startsWith(`${uri}#`)) {
        reporter.done();
        reporters.delete(id);
      }
    }
    states.delete(uri);
    lastOptions.delete(uri);
    lastChecked.delete(uri);
    published.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  /**
   * A fault in one check or auto-train (a message no editor sends, a bug) must not take the
   * server down as an unhandled rejection would: it is logged, and the next change checks again.
   */
  function guarded(what: string, work: Promise<void>): void {
    work.catch((error: unknown) => connection.console.error(`nn: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  }

  /**
   * Checks soon: at once when the document was not checked in the last few milliseconds
   * (a keystroke after a pause is answered immediately), otherwise once the interval has
   * passed, with whatever text is latest then (a burst of changes is checked once).
   */
  function scheduleCheck(uri: string, delay: number, reason: 'open' | 'change' | 'settings' = 'settings'): void {
    // A pending auto-train belongs to text that is changing again: wait for the new text.
    if (reason === 'change') {
      clearTimeout(autoTimers.get(uri));
      autoTimers.delete(uri);
      if (checkTimers.has(uri)) return;
      delay = Math.max(0, delay - (performance.now() - (lastChecked.get(uri) ?? -Infinity)));
    } else {
      clearTimeout(checkTimers.get(uri));
    }
    const run = () => {
      checkTimers.delete(uri);
      lastChecked.set(uri, performance.now());
      guarded(`checking ${uri}`, checkDocument(uri, reason));
    };
    if (delay <= 0 && reason !== 'change') run();
    else checkTimers.set(uri, setTimeout(run, delay));
  }

  async function checkDocument(uri: string, reason: 'open' | 'change' | 'settings'): Promise<void> {
    if (!documents.get(uri) || shuttingDown) return;
    const settings = await readSettings(connection, support.configuration, uri, init);
    // The text may have moved on while the settings were on their way: check the latest.
    const document = documents.get(uri);
    if (!document || !host) return;
    const text = document.getText();
    const specPath = uriToPath(uri);
    const options = checkOptions(specPath, settings);
    // A request may have checked this very version already (see `current`): reuse it.
    const previous = states.get(uri);
    const reuse =
      reason === 'change' && previous?.version === document.version && previous.text === text && sameOptions(lastOptions.get(uri), options);
    lastOptions.set(uri, options);
    const result = reuse ? previous.check : check(text, options);
    const lines = reuse ? previous.lines : new LineIndex(text);
    // Nothing trains in an untrusted workspace, and nothing in a file with errors.
    const trainable = settings.trusted && result.errorCount === 0 ? result.runs : [];
    host.update(uri, document.version, trainable);
    const state = buildState(uri, document.version, text, lines, result, settings.trusted);
    publish(state);
    if (settings.autoTrain === 'onChange') {
      clearTimeout(autoTimers.get(uri));
      const delay = reason === 'open' ? 0 : AUTO_TRAIN_DELAY_MS;
      const version = document.version;
      const start = () => {
        autoTimers.delete(uri);
        if (documents.get(uri)?.version === version) guarded(`auto-training ${uri}`, autoTrain(uri, 'onChange'));
      };
      if (delay === 0) start();
      else autoTimers.set(uri, setTimeout(start, delay));
    }
  }

  function checkOptions(specPath: string | null, settings: ResolvedSettings): CheckOptions {
    // A spec outside every workspace folder (a file opened on its own) reads from its own folder.
    const rootName = specPath && !workspaceFolderOf(specPath) ? "the spec's folder" : 'the workspace folder';
    return {
      specPath,
      // An unsaved spec has no folder: its absolute data paths stay inside the first workspace folder.
      allowedRoot: specPath ? allowedRoot(specPath) : folders[0] ?? null,
      allowedRootName: rootName,
      readFile: settings.trusted ? (specPath ? confinedReader(allowedRoot(specPath), rootName) : readDataFile) : null,
      maxParameters: settings.maxParameters,
      maxDataCells: DEFAULT_MAX_DATA_CELLS,
    };
  }

  function sameOptions(a: CheckOptions | undefined, b: CheckOptions): boolean {
    return (
      a !== undefined &&
      a.specPath === b.specPath &&
      a.allowedRoot === b.allowedRoot &&
      a.allowedRootName === b.allowedRootName &&
      (a.readFile === null) === (b.readFile === null) &&
      a.maxParameters === b.maxParameters &&
      a.maxDataCells === b.maxDataCells
    );
  }

  /** The workspace folder that holds the spec (the innermost), or the spec's own folder. */
  function allowedRoot(specPath: string): string {
    return workspaceFolderOf(specPath) ?? dirname(specPath);
  }

  /** The innermost workspace folder that holds the spec, or null (a file opened on its own). */
  function workspaceFolderOf(specPath: string): string | null {
    const holding = folders.filter((f) => specPath === f || specPath.startsWith(f.endsWith(sep) ? f : f + sep));
    holding.sort((a, b) => b.length - a.length);
    return holding[0] ?? null;
  }

  /** Builds the document's state from its latest check and the host's view of its runs. */
  function buildState(uri: string, version: number, text: string, lines: LineIndex, result: CheckResult, trusted: boolean): DocumentState {
    const statuses: RunStatus[] = [];
    const results: Problem[] = [];
    const estimates: number[] = [];
    // Outcomes by key, for every run the text has, also while an error elsewhere stops
    // training: a layer's trained weights stay in its hover while the user types.
    const outcomes = new Map<string, RunOutcome>();
    result.runs.forEach((run, i) => {
      const runState = host!.state(uri, run);
      if (runState.outcome) outcomes.set(run.key, runState.outcome);
      estimates.push(runState.estimate);
      const problem = trusted && result.errorCount === 0 ? resultProblem(result, run, runState, text) : null;
      if (problem) results.push(problem);
      const final = runState.outcome?.result;
      const progress = runState.phase === 'running' || runState.phase === 'queued' ? runState.progress : null;
      statuses.push({
        line: lines.positionAt(run.keywordSpan.start).line,
        index: i + 1,
        network: run.network.name,
        data: run.data.name,
        phase: runState.phase,
        epoch: progress?.epoch ?? final?.epochs ?? 0,
        epochs: run.settings.epochs,
        loss: progress ? progress.loss : final?.loss ?? null,
        validationLoss: progress ? progress.validationLoss : final?.validationLoss ?? null,
        accuracy: progress ? progress.accuracy : final?.accuracy ?? null,
        seconds: progress?.seconds ?? runState.outcome?.seconds ?? 0,
        summary: statusSummary(runState, run),
      });
    });
    const state: DocumentState = {
      uri,
      version,
      text,
      lines,
      check: result,
      outcomes,
      statuses,
      estimates,
      results,
      trusted,
      client: support.features,
      checkOptions: lastOptions.get(uri),
    };
    states.set(uri, state);
    return state;
  }

  /** The state again, with the runs' latest news (no re-check: the text did not change). */
  function refreshState(uri: string): DocumentState | null {
    const old = states.get(uri);
    if (!old) return null;
    return buildState(uri, old.version, old.text, old.lines, old.check, old.trusted);
  }

  function publish(state: DocumentState): void {
    // Only the document's current version may be published: a state of older text is stale.
    if (documents.get(state.uri)?.version !== state.version) return;
    const list = diagnostics(state);
    // Runs change state often (queued, started, …); the editor hears about diagnostics only when they change.
    const signature = `${state.version}\n${JSON.stringify(list)}`;
    if (published.get(state.uri) !== signature) {
      published.set(state.uri, signature);
      void connection.sendDiagnostics({ uri: state.uri, version: state.version, diagnostics: list });
    }
    sendProgress(state);
  }

  function sendProgress(state: DocumentState): void {
    const params: RunStatusParams = { uri: state.uri, version: state.version, runs: [...state.statuses] };
    void connection.sendNotification(RunStatusNotification, params);
    refreshLenses();
    updateReporters(state);
  }

  let lensRefreshTimer: NodeJS.Timeout | undefined;
  let lastLensRefresh = 0;
  /** Asks the client to refetch lenses, throttled with a trailing call so the last state always lands. */
  function refreshLenses(): void {
    if (!support.codeLensRefresh || lensRefreshTimer) return;
    const wait = Math.max(0, lastLensRefresh + LENS_REFRESH_INTERVAL_MS - Date.now());
    lensRefreshTimer = setTimeout(() => {
      lensRefreshTimer = undefined;
      lastLensRefresh = Date.now();
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, wait);
    lensRefreshTimer.unref();
  }

  /** A run's outcome changed: ŷ hints beside the data rows show new numbers. */
  function refreshHints(): void {
    if (support.inlayHintRefresh) void connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
  }

  // ---------------------------------------------------------------- training

  async function autoTrain(uri: string, trigger: 'onChange' | 'onSave'): Promise<void> {
    const document = documents.get(uri);
    if (!document || !host) return;
    const settings = await readSettings(connection, support.configuration, uri, init);
    const state = states.get(uri);
    if (settings.autoTrain !== trigger || !state || !settings.trusted || state.check.errorCount > 0) return;
    if (documents.get(uri)?.version !== state.version) return;
    const keys = state.check.runs
      .filter((run) => !host!.settled(uri, run) && host!.speed.seconds(run) <= settings.autoTrainBudgetSeconds)
      .map((run) => run.key);
    if (keys.length > 0) host.train(uri, keys, settings.maxTrainingSeconds);
  }

  function onRunEvent(event: RunEvent): void {
    if (event.kind === 'progress' || event.kind === 'snapshot' || event.kind === 'record') {
      // Progress comes up to ~10 times a second per run; coalesce per document. A record
      // changes only what the panel shows, which refetches on nn/runStatus.
      if (progressTimers.has(event.uri)) return;
      progressTimers.set(
        event.uri,
        setTimeout(() => {
          progressTimers.delete(event.uri);
          const state = refreshState(event.uri);
          if (state && documents.get(state.uri)?.version === state.version) sendProgress(state);
        }, PROGRESS_INTERVAL_MS),
      );
      return;
    }
    const state = refreshState(event.uri);
    if (state) publish(state);
    if (event.kind === 'done') refreshHints();
  }

  /** One work-done progress per training run, while it runs; its Cancel stops the run. */
  function updateReporters(state: DocumentState): void {
    if (!support.workDoneProgress || !host) return;
    const live = new Set<string>();
    state.check.runs.forEach((run, i) => {
      const status = state.statuses[i];
      if (status.phase !== 'running') return;
      const id = `${state.uri}#${run.key}`;
      live.add(id);
      const message = progressText(host!.state(state.uri, run).progress, run);
      const percentage = Math.min(100, Math.round((100 * status.epoch) / Math.max(1, status.epochs)));
      const existing = reporters.get(id);
      if (existing) {
        existing.report(percentage, message);
        return;
      }
      const title = `Training ${run.network.name} on ${run.data.name}`;
      connection.window.createWorkDoneProgress().then(
        (reporter) => {
          if (reporters.has(id) || host?.state(state.uri, run).phase !== 'running') {
            reporter.done();
            return;
          }
          reporters.set(id, reporter);
          reporter.begin(title, percentage, message, true);
          reporter.token.onCancellationRequested(() => host?.stop(state.uri, [run.key]));
        },
        () => undefined,
      );
    });
    for (const [id, reporter] of reporters) {
      if (id.startsWith(`${state.uri}#`) && !live.has(id)) {
        reporter.done();
        reporters.delete(id);
      }
    }
  }

  // ---------------------------------------------------------------- commands

  connection.onExecuteCommand(async (params) => {
    const target = commandTarget(params.arguments);
    if (!target || !host) return null;
    const state = states.get(target.uri);
    if (!state) return null;
    if (params.command === Commands.stopTraining) {
      // Stopping needs no settings: do it before anything that waits on the client.
      const runs = target.line === null ? null : selectRuns(state, target.line).map((r) => r.key);
      return { stopped: host.stop(target.uri, runs) };
    }
    const settings = await readSettings(connection, support.configuration, target.uri, init);
    switch (params.command) {
      case Commands.train: {
        if (!settings.trusted) {
          void connection.window.showWarningMessage('NN: training is off in Restricted Mode; trust the workspace to train.');
          return { started: 0 };
        }
        if (state.check.errorCount > 0) {
          const n = state.check.errorCount;
          void connection.window.showWarningMessage(`NN: fix ${n} ${n === 1 ? 'error' : 'errors'} to train.`);
          return { started: 0 };
        }
        const runs = selectRuns(state, target.line);
        const started = host.train(target.uri, runs.map((r) => r.key), settings.maxTrainingSeconds);
        return { started: started.length };
      }
      case Commands.step: {
        if (!settings.trusted || state.check.errorCount > 0 || target.line === null) return { stepped: false };
        const run = runAtLine(state, target.line);
        return { stepped: run ? host.step(target.uri, run.key) : false };
      }
      default:
        return null;
    }
  });

  connection.onRequest(TrainingRequest, (params: TrainingParams): TrainingView | null => {
    const state = states.get(params.uri);
    if (!state || !host) return null;
    const run = runAtLine(state, params.line);
    if (!run) return null;
    const index = state.check.runs.indexOf(run);
    const { cached, live } = host.record(params.uri, run.key);
    const layerLines = run.network.layers.map((layer) => state.lines.positionAt(layer.span.start).line);
    const record = cached?.record;
    // While a run trains, the panel gets the live curve and snapshots; otherwise the finished record.
    // Either way only the snapshots the panel does not hold yet travel (TrainingParams.held).
    const training = live !== null;
    const part = training
      ? snapshotsToSend(seriesId(live.snapshots), live.snapshots.snapshotsAfter(null), params.held)
      : record
        ? snapshotsToSend(seriesId(record), record.snapshots.map((snapshot, seq) => ({ seq, snapshot })), params.held)
        : { snapshots: [] };
    const frame = (training ? live.frame : null) ?? record;
    return {
      uri: state.uri,
      version: state.version,
      status: state.statuses[index],
      inputNames: run.data.inputNames,
      classes: run.data.classes,
      curve: training ? live.curve : record?.curve ?? [],
      ...part,
      snapshots: part.snapshots.map((s) => ({ ...s, layers: s.layers.map((l, k) => ({ ...l, line: layerLines[k] ?? 0 })) })),
      points: frame?.points ?? null,
      box: frame?.box ?? null,
      grid: frame?.grid ?? 0,
    };
  });

  // ---------------------------------------------------------------- features

  /**
   * A feature's handler: the request's document state (checked at once if an edit is still
   * waiting for its check) to the feature, or `none` for a document the server does not have.
   */
  function answer<P extends { textDocument: { uri: string } }, R, N>(
    feature: (state: DocumentState, params: P) => R,
    none: N,
  ): (params: P) => R | N {
    return (params) => {
      const state = current(params.textDocument.uri);
      return state ? feature(state, params) : none;
    };
  }

  connection.onCodeLens(answer(codeLenses, []));
  connection.onCompletion(answer(completion, []));
  connection.onHover(answer(hover, null));
  connection.onCodeAction(answer(codeActions, []));
  connection.onDocumentFormatting(answer(formatting, []));
  connection.languages.inlayHint.on(answer(inlayHints, []));
  connection.onFoldingRanges(answer(foldingRanges, []));
  connection.onDefinition(answer(definition, null));
  connection.onReferences(answer(references, []));
  connection.onPrepareRename(answer(prepareRename, null));
  connection.onRenameRequest(answer(rename, null));
  connection.onDocumentSymbol(answer(documentSymbols, []));
  connection.languages.semanticTokens.on(answer(semanticTokens, { data: [] }));

  /**
   * The state of the document as the client sees it now. A request may arrive between
   * a change and its (debounced) check: then the check runs at once, so features never
   * answer with positions of older text.
   */
  function current(uri: string): DocumentState | null {
    const document = documents.get(uri);
    const state = states.get(uri);
    if (!document) return null;
    if (state && state.version === document.version) return state;
    const text = document.getText();
    const options = lastOptions.get(uri);
    if (!state || !options) return null;
    const result = check(text, options);
    // The host keeps the runs of the last full check; this state only answers the request.
    return buildState(uri, document.version, text, new LineIndex(text), result, state.trusted);
  }

  documents.listen(connection);
  connection.listen();
}

function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return null;
  }
}

/**
 * The checker tests data paths as written; a symbolic link inside the workspace can still
 * lead out of it. Every link is followed (realpath) before reading, and a file that really
 * lies outside `root` is refused with a message that says where it leads.
 */
function confinedReader(root: string, rootName: string): ReadFile {
  return (path) => {
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(path);
      realRoot = realpathSync(root);
    } catch {
      return readDataFile(path); // missing or unreadable: readDataFile says which
    }
    const inside = relative(realRoot, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return { error: `it is a link to ${real}, outside ${rootName}; the editor only reads data files inside it (the nn command line reads any path)` };
    }
    return readDataFile(real);
  };
}

/** The largest data file the editor reads (the nn command line has no such limit). */
const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Reads a CSV for the checker; unchanged files (same size and mtime) come from memory, since check() runs on every keystroke. */
const fileCache = new Map<string, { size: number; mtime: number; text: string }>();
function clearDataFileCache(): void {
  fileCache.clear();
}
const readDataFile: ReadFile = (path) => {
  try {
    const stat = statSync(path);
    // Worded as the command line words it (cli/check.ts readTextFile), so both say the same.
    if (!stat.isFile()) return { error: stat.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file' };
    // Parsing a CSV takes many times its size in memory, before its rows × columns can be
    // counted against the data limit: a huge file is refused by its size, unread.
    if (stat.size > MAX_DATA_FILE_BYTES) {
      return { error: `it is ${megabytes(stat.size)}, more than the ${megabytes(MAX_DATA_FILE_BYTES)} the editor reads; use a sample of the data (the nn command line reads any size)` };
    }
    const cached = fileCache.get(path);
    if (cached && cached.size === stat.size && cached.mtime === stat.mtimeMs) return { text: cached.text };
    const text = readFileSync(path, 'utf8');
    fileCache.set(path, { size: stat.size, mtime: stat.mtimeMs, text });
    // At most 32 files and 128 MB of text stay in memory.
    let cachedBytes = 0;
    for (const entry of fileCache.values()) cachedBytes += entry.size;
    while (fileCache.size > 32 || (cachedBytes > 128 * 1024 * 1024 && fileCache.size > 1)) {
      const oldest = fileCache.keys().next().value as string;
      cachedBytes -= fileCache.get(oldest)!.size;
      fileCache.delete(oldest);
    }
    return { text };
  } catch (error) {
    const { message, missing } = describeFileError(error);
    return missing ? { error: message, missing } : { error: message };
  }
};

