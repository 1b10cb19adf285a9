// The Test Explorer (VS Code's Testing API): every run with expectations of every .nn file of the workspace is a test, run on the language server (docs/editor.md "The Test Explorer").
//
// The server says which runs a file has (nn/testRuns: from the open document's text, or the
// file on disk when it is not open) and trains and grades one (nn/runTest), with its own
// worker pool and result cache; this side only keeps the tree and reports what comes back.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunTestRequest, TestRunsRequest, type RunStatus, type TestFile, type TestOutcome, type TestRun } from '../../server/src/protocol';
import type { RunStatusStore } from './runStatusStore';
import { newResults } from './newResults';

/** How long the tree waits after a keystroke before it asks for a document's runs again. */
const REFRESH_DELAY_MS = 300;
/** Tests sent to the server at once; its worker pool decides how many train side by side. */
const PARALLEL_TESTS = 4;

export class SpecTestController implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('nn', 'NN specs');
  /** The key each run item was last listed with (null: its run did not pass its checks), to tell when results go out of date. */
  private readonly keys = new Map<string, string | null>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private discovery: Promise<void> | null = null;
  /** Run items a test run of this controller is running now: their trainings report through it. */
  private readonly running = new Set<string>();
  /** The training seconds of the result each run item last reported, so one result is reported once. */
  private readonly reported = new Map<string, number>();
  /** Each open document's run statuses as last seen, to tell when a training ends. */
  private readonly statuses = new Map<string, readonly RunStatus[]>();

  constructor(
    private readonly client: LanguageClient,
    private readonly store: RunStatusStore,
  ) {
    const controller = this.controller;
    controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
      else if (item.uri) await this.refresh(item.uri);
    };
    controller.refreshHandler = () => this.discover(true);
    controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);

    const watcher = vscode.workspace.createFileSystemWatcher('**/*.nn');
    this.subscriptions.push(
      controller,
      watcher,
      watcher.onDidCreate((uri) => this.refreshSoon(uri)),
      // An open document is tested as the editor has it: only a file that is not open changes with the disk.
      watcher.onDidChange((uri) => {
        if (isOpen(uri)) return;
        const file = controller.items.get(uri.toString());
        if (file) controller.invalidateTestResults(file);
        this.refreshSoon(uri);
      }),
      watcher.onDidDelete((uri) => this.forget(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'nn' && event.contentChanges.length > 0) this.refreshSoon(event.document.uri);
      }),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.languageId === 'nn') this.refreshSoon(document.uri);
      }),
      // Closed, a file is what the disk holds again.
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.languageId === 'nn' && document.uri.scheme === 'file') this.refreshSoon(document.uri);
      }),
      store.onDidChange((uri) => void this.runsChanged(uri)),
    );
  }

  /**
   * A run the editor trained (auto-train, the lens) is graded by the Test Explorer too, from the
   * result it has (nothing trains again), so its mark agrees with the lens and the diagnostics.
   */
  private async runsChanged(uri: string): Promise<void> {
    const after = this.store.runs(uri);
    const before = this.statuses.get(uri) ?? [];
    if (after.length === 0) this.statuses.delete(uri);
    else this.statuses.set(uri, after);
    const settled = newResults(before, after);
    if (settled.length === 0) return;
    // The tree as the text is now first: the edit that started the training retires the run's old result, not this one.
    await this.refresh(vscode.Uri.parse(uri));
    const file = this.controller.items.get(uri);
    if (!file) return;
    const ended: vscode.TestItem[] = [];
    for (const status of settled) {
      file.children.forEach((item) => {
        // A test that waits for this training reports it; a result reported already (its test answered first) is not reported twice.
        if (item.range?.start.line !== status.line || this.running.has(item.id) || this.reported.get(item.id) === status.seconds) return;
        ended.push(item);
      });
    }
    if (ended.length === 0) return;
    const run = this.controller.createTestRun(new vscode.TestRunRequest(ended), 'trained in the editor');
    void Promise.all(ended.map((item) => this.runOne(run, item, new vscode.CancellationTokenSource().token, true))).finally(() => run.end());
  }

  /** Lists every .nn file of the workspace (once, or again when asked to refresh). */
  discover(again = false): Promise<void> {
    if (!this.discovery || again) {
      this.discovery = (async () => {
        const files = await vscode.workspace.findFiles('**/*.nn', '**/node_modules/**');
        const seen = new Set(files.map((f) => f.toString()));
        for (const document of vscode.workspace.textDocuments) {
          // Open documents that are not files of the workspace (untitled, elsewhere) are tested too.
          if (document.languageId === 'nn' && !seen.has(document.uri.toString())) files.push(document.uri);
        }
        for (const uri of files) await this.refresh(uri);
      })();
    }
    return this.discovery;
  }

  /** Asks the server for the file's runs with expectations and makes the tree match: added, renamed, moved and removed runs. */
  async refresh(uri: vscode.Uri): Promise<void> {
    let listed: TestFile | null;
    try {
      listed = await this.client.sendRequest(TestRunsRequest, { uri: uri.toString() });
    } catch {
      return; // the server is starting or stopping; the next change asks again
    }
    const id = uri.toString();
    const controller = this.controller;
    if (!listed || listed.runs.length === 0) {
      this.forget(uri);
      return;
    }
    let file = controller.items.get(id);
    if (!file) {
      file = controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
      controller.items.add(file);
    }
    const outdated: vscode.TestItem[] = [];
    const children = listed.runs.map((run) => {
      const item = file!.children.get(runItemId(uri, run)) ?? controller.createTestItem(runItemId(uri, run), run.id, uri);
      item.range = new vscode.Range(run.range.start.line, run.range.start.character, run.range.end.line, run.range.end.character);
      item.description = `${run.expectations.length} ${run.expectations.length === 1 ? 'expectation' : 'expectations'}`;
      item.sortText = String(run.line).padStart(8, '0');
      const previous = this.keys.get(item.id);
      // The run's network, data or settings changed: what it was graded on is no longer this run.
      if (previous !== undefined && previous !== null && previous !== run.key) outdated.push(item);
      this.keys.set(item.id, run.key);
      return item;
    });
    file.children.replace(children);
    if (outdated.length > 0) controller.invalidateTestResults(outdated);
  }

  /** The file has no tests any more (deleted, or no run with an `expect`): its item goes, with what was kept of its runs. */
  private forget(uri: vscode.Uri): void {
    const id = uri.toString();
    this.controller.items.delete(id);
    for (const kept of [this.keys, this.reported]) for (const key of [...kept.keys()]) if (key.startsWith(`${id}#`)) kept.delete(key);
  }

  private refreshSoon(uri: vscode.Uri): void {
    const id = uri.toString();
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        void this.refresh(uri);
      }, REFRESH_DELAY_MS),
    );
  }

  /** Runs the requested tests (every test when none is named): each is trained and graded by the server. */
  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    try {
      if (!request.include) await this.discover();
      const tests = await this.collect(request);
      for (const test of tests) run.enqueued(test);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < tests.length) {
          const test = tests[next++];
          if (token.isCancellationRequested) {
            run.skipped(test);
            continue;
          }
          await this.runOne(run, test, token);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_TESTS, tests.length) }, worker));
    } finally {
      run.end();
    }
  }

  /** The run items a request names (a file names its runs), less the excluded ones. */
  private async collect(request: vscode.TestRunRequest): Promise<vscode.TestItem[]> {
    const excluded = new Set((request.exclude ?? []).map((item) => item.id));
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((item) => roots.push(item));
    const tests: vscode.TestItem[] = [];
    for (const root of roots) {
      if (excluded.has(root.id)) continue;
      if (root.parent) {
        tests.push(root);
        continue;
      }
      if (root.uri) await this.refresh(root.uri);
      root.children.forEach((child) => {
        if (!excluded.has(child.id)) tests.push(child);
      });
    }
    return tests;
  }

  /** Runs one test on the server (or, `settledOnly`, grades the result its run has) and reports the outcome. */
  private async runOne(run: vscode.TestRun, test: vscode.TestItem, token: vscode.CancellationToken, settledOnly = false): Promise<void> {
    const uri = test.uri!;
    const id = test.label;
    run.started(test);
    let outcome: TestOutcome;
    if (!settledOnly) this.running.add(test.id);
    try {
      outcome = await this.client.sendRequest(RunTestRequest, { uri: uri.toString(), id, settledOnly }, token);
    } catch (error) {
      if (token.isCancellationRequested) run.skipped(test);
      else run.errored(test, new vscode.TestMessage(`the language server could not run the test: ${error instanceof Error ? error.message : String(error)}`));
      return;
    } finally {
      if (!settledOnly) this.running.delete(test.id);
    }
    this.reported.set(test.id, outcome.seconds);
    const duration = outcome.seconds * 1000;
    // As `nn test` prints them: `grading.nn:29: FAIL: expect accuracy > 99% (measured 50%)`. Without a location:
    // VS Code would draw output with one in the editor, where the verdicts already stand (hints, diagnostics).
    const file = vscode.workspace.asRelativePath(uri);
    for (const e of outcome.expectations) run.appendOutput(`${file}:${e.range.start.line + 1}: ${e.summary}\r\n`, undefined, test);
    switch (outcome.status) {
      case 'passed':
        run.passed(test, duration);
        break;
      case 'failed':
        run.failed(
          test,
          outcome.expectations
            .filter((e) => e.verdict === 'failed')
            .map((e) => {
              const message = new vscode.TestMessage(e.message);
              message.location = new vscode.Location(uri, toRange(e.range));
              return message;
            }),
          duration,
        );
        break;
      case 'errored': {
        const message = new vscode.TestMessage(outcome.message ?? 'the run could not be trained');
        if (outcome.range) message.location = new vscode.Location(uri, toRange(outcome.range));
        run.errored(test, message, duration);
        break;
      }
      case 'skipped':
        if (outcome.message) run.appendOutput(`${outcome.message}\r\n`, undefined, test);
        run.skipped(test);
        break;
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function runItemId(uri: vscode.Uri, run: TestRun): string {
  return `${uri.toString()}#${run.id}`;
}

function toRange(range: TestRun['range']): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());
}
