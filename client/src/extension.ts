// The VS Code side of nn-lang: starts the language server and wires the palette commands, status bar and training panel. Thin on purpose.

import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { ClientCommands, Commands, RunStatusNotification, type InitializationOptions } from '../../server/src/protocol';
import { exportTrainedModel } from './exportModel';
import { runsOf } from './runs';
import { RunStatusStore } from './runStatusStore';
import { TrainingStatusBar } from './statusBar';
import { SpecTestController } from './tests';
import { PANEL_VIEW_TYPE, TrainingPanels } from './trainingPanel';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const store = new RunStatusStore();
  context.subscriptions.push(store);

  client = createClient(context);
  const languageClient = client;
  context.subscriptions.push(
    languageClient.onNotification(RunStatusNotification, (params) => store.update(params)),
  );

  const executeServerCommand = async (command: string, args: unknown[]): Promise<unknown> =>
    languageClient.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });

  const panels = new TrainingPanels(context.extensionUri, languageClient, store, executeServerCommand);
  context.subscriptions.push(
    panels,
    new TrainingStatusBar(store),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => panels.restore(panel, state),
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(ClientCommands.trainNetwork, () => runOnActiveEditor(Commands.train, executeServerCommand, languageClient)),
    vscode.commands.registerCommand(ClientCommands.stopTrainingActive, () =>
      runOnActiveEditor(Commands.stopTraining, executeServerCommand, languageClient),
    ),
    vscode.commands.registerCommand(ClientCommands.checkGradientsActive, () =>
      runOnActiveEditor(Commands.checkGradients, executeServerCommand, languageClient),
    ),
    vscode.commands.registerCommand(ClientCommands.showTraining, async (uri?: unknown, line?: unknown) => {
      let target: { uri: string; line: number } | undefined;
      try {
        target = typeof uri === 'string' ? { uri, line: typeof line === 'number' ? line : 0 } : await runToShow(languageClient, store);
      } catch (error) {
        void vscode.window.showErrorMessage(`nn: finding the run to show failed: ${String(error)}`);
        return;
      }
      if (!target) {
        void vscode.window.showInformationMessage('Put the cursor in a `train` block of a .nn file to show its training.');
        return;
      }
      await panels.show(target.uri, target.line);
    }),
    vscode.commands.registerCommand(ClientCommands.exportModel, (uri?: unknown, line?: unknown) => exportTrainedModel(languageClient, store, uri, line)),
    vscode.workspace.onDidCloseTextDocument((document) => store.forget(document.uri.toString())),
    // Restricted Mode trains nothing, so restarting on trust loses no work and the server starts over trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      if (languageClient.isRunning()) await languageClient.restart();
    }),
  );

  // The Test Explorer: the runs with expectations of every spec in the workspace (docs/editor.md "The Test Explorer").
  const tests = new SpecTestController(languageClient, store);
  context.subscriptions.push(tests);

  try {
    await languageClient.start();
  } catch (error) {
    void vscode.window.showErrorMessage(`The nn language server did not start: ${String(error)}`);
    return;
  }
  // Listed at once, so a new user sees the examples' tests without opening anything.
  void tests.discover();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function createClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // A larger young generation: each check of a long spec makes megabytes of short-lived
  // objects, and with Node's default 16 MB they are copied and promoted at nearly every
  // edit (bench/README.md has the figures).
  const execArgv = ['--max-semi-space-size=32'];
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'nn' }],
    synchronize: { configurationSection: 'nn' },
    // Hovers link to Train, Step and "Show training": trust exactly those commands, nothing else.
    // Their titles carry codicons ($(play)), which hovers draw only with supportThemeIcons.
    markdown: { isTrusted: { enabledCommands: [Commands.train, Commands.step, ClientCommands.showTraining] }, supportThemeIcons: true },
    // Evaluated at every (re)start, so a restart after granting trust says so.
    initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted }),
    middleware: {
      workspace: {
        // The server reads settings per resource; trust travels with them so it is never stale.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return answers.map((answer, i) =>
            params.items[i]?.section === 'nn' && answer && typeof answer === 'object'
              ? { ...answer, workspaceTrusted: vscode.workspace.isTrusted }
              : answer,
          );
        },
      },
    },
  };
  return new LanguageClient('nn', 'NN Language Server', serverOptions, clientOptions);
}

/** Train or stop the run under the cursor (every run of the file when the cursor is outside them). */
async function runOnActiveEditor(
  command: string,
  executeServerCommand: (command: string, args: unknown[]) => Promise<unknown>,
  client: LanguageClient,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'nn') {
    void vscode.window.showInformationMessage('Open a .nn file to train its networks.');
    return;
  }
  const uri = editor.document.uri.toString();
  try {
    const [run] = await runsOf(client, editor.document, editor.selection.active);
    await executeServerCommand(command, run === undefined ? [uri] : [uri, run.line]);
  } catch (error) {
    void vscode.window.showErrorMessage(`nn: ${command} failed: ${String(error)}`);
  }
}

/** The run the palette's "Show Training" means: the one under the cursor, else the one training, else the first. */
async function runToShow(client: LanguageClient, store: RunStatusStore): Promise<{ uri: string; line: number } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'nn') return undefined;
  const uri = editor.document.uri.toString();
  const line =
    (await runsOf(client, editor.document, editor.selection.active))[0]?.line ??
    store.runs(uri).find((r) => r.phase === 'running')?.line ??
    (await runsOf(client, editor.document))[0]?.line;
  return line === undefined ? undefined : { uri, line };
}
