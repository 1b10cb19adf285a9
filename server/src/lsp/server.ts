// The language server's wiring: the capabilities it announces and the handler table that binds every message to the workspace, its document sessions and the features.
//
// Each feature handler reads as three steps: find the document's DocumentState (its
// session's, checked at once if an edit still waits), call the feature's pure function,
// return its answer. What the server keeps lives in the Workspace (workspace.ts) and one
// DocumentSession per open document (session.ts); training happens in the TrainingHost's
// workers, never here.

import { dirname, join } from 'node:path';
import {
  CodeActionKind,
  ErrorCodes,
  ResponseError,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type CodeLens,
  type CodeLensParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type Disposable,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Commands, ExportModelRequest, RunsRequest, RunTestRequest, TestRunsRequest, TrainingRequest, type InitializationOptions } from '../protocol';
import { codeActions, resolveCodeAction } from './codeActions';
import { codeLenses, lazyLensData, lazyLenses, resolveLens } from './codeLens';
import { executeCommand } from './commands';
import { completion } from './completion';
import { exportModel } from './exportModel';
import { foldingRanges } from './folding';
import { formatting } from './formatting';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { Lifecycle } from './lifecycle';
import { definition, prepareRename, references, rename } from './navigation';
import { runLocations } from './runs';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './semanticTokens';
import type { DocumentState } from './state';
import { documentSymbols } from './symbols';
import { trainingView } from './trainingView';
import { LENS_ANSWER_HOLD_MAX_MS } from './lensRefresh';
import { Workspace, uriToPath, type ClientSupport } from './workspace';

export interface ServerOptions {
  /** Path of the bundled training worker (dist/worker.js). */
  workerPath: string;
  /** Path of the bundled data worker (default: dist/loader.js beside the training worker). */
  loaderPath?: string;
  poolSize?: number;
  /**
   * Ends the process on `exit` with LSP's code (0 after an accepted shutdown, else 1);
   * main.ts passes process.exit. Without it (a server inside a test's process), `exit` ends nothing.
   */
  exit?: (code: number) => void;
}

function clientSupport(capabilities: ClientCapabilities, clientName = ''): ClientSupport {
  const hoverFormats = capabilities.textDocument?.hover?.contentFormat ?? [];
  return {
    configuration: capabilities.workspace?.configuration === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    codeLensResolve: resolvesLenses(capabilities),
    inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
    workDoneProgress: capabilities.window?.workDoneProgress === true,
    workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    features: {
      markdown: hoverFormats.includes('markdown'),
      // Only VS Code (desktop, or code-server in a browser) runs `command:` links in markdown and draws codicons.
      commandLinks: /code/i.test(clientName),
      icons: /code/i.test(clientName),
      snippets: capabilities.textDocument?.completion?.completionItem?.snippetSupport === true,
      inlayHints: capabilities.textDocument?.inlayHint !== undefined,
      resolveEdits: capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true,
    },
  };
}

/** The client resolves a lens's command lazily (VS Code): it gets its lenses without commands (codeLens.ts lazyLenses). */
function resolvesLenses(capabilities: ClientCapabilities): boolean {
  return capabilities.textDocument?.codeLens?.resolveSupport?.properties?.includes('command') === true;
}

/** The capabilities to announce, chosen by what the client can take. */
function serverCapabilities(capabilities: ClientCapabilities): ServerCapabilities {
  const text = capabilities.textDocument;
  const result: ServerCapabilities = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    codeLensProvider: { resolveProvider: resolvesLenses(capabilities) },
    executeCommandProvider: { commands: [Commands.train, Commands.stopTraining, Commands.step, Commands.reset, Commands.checkGradients] },
    completionProvider: { triggerCharacters: [' '] },
    hoverProvider: true,
    codeActionProvider: text?.codeAction?.codeActionLiteralSupport
      ? { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorExtract], resolveProvider: text.codeAction.resolveSupport?.properties.includes('edit') === true }
      : true,
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

export function startServer(connection: Connection, options: ServerOptions): { workspace(): Workspace | null } {
  const documents = new TextDocuments(TextDocument);
  const lifecycle = new Lifecycle();
  let workspace: Workspace | null = null;
  let watchFiles = false;
  let watchSettings = false;
  let folderEvents: Disposable | undefined;

  /** Hear about added and removed workspace folders (data files are confined to them). */
  function listenToFolders(): void {
    folderEvents?.dispose();
    folderEvents = connection.workspace.onDidChangeWorkspaceFolders((event) => {
      const paths = (folders: readonly { uri: string }[]) => folders.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null);
      workspace?.foldersChanged(paths(event.added), paths(event.removed));
    });
  }

  connection.onInitialize((params: InitializeParams) => {
    // initialize is sent once (docs/editor.md "The protocol's lifecycle"): another one would
    // have made a second workspace and a second training pool beside the first.
    const refusal = lifecycle.initializeRefusal();
    if (refusal) {
      // The library has already given a repeated initialize's capabilities to its own parts, and
      // the folder part then fires a new event emitter: listen to that one.
      if (workspace?.support.workspaceFolders && params?.capabilities?.workspace?.workspaceFolders) listenToFolders();
      return refusal;
    }
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    watchSettings = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    let folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => p !== null);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders = [root];
    }
    workspace = new Workspace(connection, documents, {
      support: clientSupport(params.capabilities, params.clientInfo?.name),
      init: (params.initializationOptions ?? undefined) as InitializationOptions | undefined,
      folders,
      host: { workerPath: options.workerPath, poolSize: options.poolSize },
      loaderPath: options.loaderPath ?? join(dirname(options.workerPath), 'loader.js'),
    });
    lifecycle.initialized();
    // Documents are heard from now on: a didOpen before initialize was dropped, as LSP says.
    documents.listen(connection);
    const result: InitializeResult = { capabilities: serverCapabilities(params.capabilities), serverInfo: { name: 'nn-lang', version: '0.1.0' } };
    return result;
  });

  let initializedOnce = false;
  connection.onInitialized(() => {
    // Only the first `initialized`, and only after initialize: it registers for notifications once.
    if (lifecycle.phase !== 'running' || initializedOnce) return;
    initializedOnce = true;
    // Hear about changed `nn.*` settings (a new nn.maxParameters changes what is an error).
    if (watchSettings) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'nn' });
    // A data file edited outside the spec changes what the spec means: re-check open specs.
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Data files, and weights files (`weights … from`, docs/language.md §7.1).
        watchers: [{ globPattern: '**/*.{csv,CSV,tsv,txt,json,safetensors}' }],
      });
    }
    if (workspace?.support.workspaceFolders) listenToFolders();
  });

  let shutdownAccepted = false;
  connection.onShutdown(() => {
    const refusal = lifecycle.refusal();
    if (refusal) throw refusal;
    lifecycle.shutDown();
    shutdownAccepted = true;
    workspace?.dispose();
  });
  // The library ends the process with 0 after any shutdown request; a refused one (before
  // initialize) does not count, so exit says 1 then (docs/editor.md "The protocol's lifecycle").
  connection.onExit(() => {
    if (!shutdownAccepted) options.exit?.(1);
  });

  // Requests of no handler below: the lifecycle's error before initialize and after shutdown, else "no such method".
  connection.onRequest((method) => lifecycle.refusal() ?? new ResponseError(ErrorCodes.MethodNotFound, `unhandled method ${method}`));

  connection.onDidChangeWatchedFiles(() => workspace?.dataFilesChanged());
  // Settings (and trust) can change at any time; re-check everything with the new ones.
  connection.onDidChangeConfiguration(() => workspace?.recheckAll());

  // ---------------------------------------------------------------- documents

  documents.onDidOpen((event) => workspace?.open(event.document.uri));
  documents.onDidChangeContent((event) => workspace?.session(event.document.uri)?.textChanged());
  documents.onDidSave((event) => {
    const session = workspace?.session(event.document.uri);
    if (session) workspace!.guarded(`auto-training ${event.document.uri}`, session.autoTrain('onSave'));
  });
  documents.onDidClose((event) => workspace?.close(event.document.uri));

  // ---------------------------------------------------------------- training

  connection.onExecuteCommand(lifecycle.gate((params) => (workspace ? executeCommand(workspace, params) : null)));
  connection.onRequest(
    TrainingRequest,
    lifecycle.gate((params) => {
      const session = workspace?.session(params.uri);
      return session ? trainingView(session, params) : null;
    }),
  );
  connection.onRequest(
    ExportModelRequest,
    lifecycle.gate((params) => {
      const state = typeof params?.uri === 'string' ? workspace?.session(params.uri)?.current() : null;
      return state ? exportModel(state, params) : { error: 'Open the spec in the editor to export its runs.' };
    }),
  );

  // ---------------------------------------------------------------- tests (the Test Explorer)

  connection.onRequest(
    TestRunsRequest,
    lifecycle.gate((params) => (workspace && typeof params?.uri === 'string' ? workspace.tests.list(params.uri) : null)),
  );
  connection.onRequest(
    RunTestRequest,
    lifecycle.gate((params, token) => {
      if (!workspace || typeof params?.uri !== 'string' || typeof params.id !== 'string') {
        return { status: 'errored' as const, seconds: 0, cached: false, expectations: [], message: 'nn/runTest needs a uri and a run id' };
      }
      return workspace.tests.run(params, token);
    }),
  );

  // ---------------------------------------------------------------- features

  /**
   * A feature's handler: the request's document state (checked at once if an edit is still
   * waiting for its check) to the feature, or `none` for a document the server does not have.
   */
  function answer<P extends { textDocument: { uri: string } }, R, N>(
    feature: (state: DocumentState, params: P) => R,
    none: N,
  ): (params: P) => R | N | ResponseError<void> {
    return lifecycle.gate((params: P) => {
      const state = workspace?.session(params.textDocument.uri)?.current();
      return state ? feature(state, params) : none;
    });
  }

  // The editor asked for lenses: it has the latest state, so the next refresh may go (lensRefresh.ts
  // refresh); an editor that resolves them lazily shows them at its resolve, which paces it then.
  const lenses = answer(codeLenses, []);
  const serveLenses = (params: CodeLensParams) => {
    const answered = lenses(params);
    if (!Array.isArray(answered) || !workspace) return answered;
    const lazy = workspace.support.codeLensResolve;
    const served = workspace.lenses.served(params.textDocument.uri, lazy && answered.length > 0);
    return lazy ? lazyLenses(params.textDocument.uri, served, answered) : answered;
  };
  // Just after the editor began a resolve pass, or while one may be on its way, the answer waits
  // (at most LENS_ANSWER_HOLD_MAX_MS) so it lands after the pass's end (lensRefresh.ts answerHold).
  const heldLenses = async (params: CodeLensParams) => {
    const deadline = Date.now() + LENS_ANSWER_HOLD_MAX_MS;
    for (let hold = workspace?.lenses.answerHold() ?? 0; hold > 0 && Date.now() < deadline; hold = workspace?.lenses.answerHold() ?? 0) {
      await new Promise((done) => setTimeout(done, Math.min(hold, deadline - Date.now())));
    }
    return serveLenses(params);
  };
  connection.onCodeLens((params) => ((workspace?.lenses.answerHold() ?? 0) > 0 ? heldLenses(params) : serveLenses(params)));
  connection.onCodeLensResolve(
    lifecycle.gate((lens: CodeLens) => {
      // Any message may come: a resolve of no lens of ours returns what it was given.
      const data = lazyLensData(lens);
      if (!data || !workspace || typeof lens.range?.start?.line !== 'number') return lens;
      workspace.lenses.resolved(data.uri, data.answer);
      return resolveLens(workspace.session(data.uri)?.current() ?? null, lens, data);
    }),
  );
  connection.onCompletion(answer(completion, []));
  connection.onHover(answer(hover, null));
  connection.onCodeAction(answer(codeActions, []));
  connection.onCodeActionResolve(
    lifecycle.gate((action: CodeAction) => {
      // Any message may come: a resolve of no action of ours, or of nothing, returns what it was given.
      const uri = ((action as CodeAction | null)?.data as { uri?: unknown } | null | undefined)?.uri;
      const state = typeof uri === 'string' ? workspace?.session(uri)?.current() : undefined;
      return state ? resolveCodeAction(state, action) : action;
    }),
  );
  connection.onDocumentFormatting(answer(formatting, []));
  connection.languages.inlayHint.on(answer(inlayHints, []));
  connection.onFoldingRanges(answer(foldingRanges, []));
  connection.onDefinition(answer(definition, null));
  connection.onReferences(answer(references, []));
  connection.onPrepareRename(answer(prepareRename, null));
  connection.onRenameRequest(answer(rename, null));
  connection.onDocumentSymbol(answer(documentSymbols, []));
  connection.languages.semanticTokens.on(answer(semanticTokens, { data: [] }));
  connection.onRequest(RunsRequest, answer(runLocations, null));

  connection.listen();
  return { workspace: () => workspace };
}
