// One open document on the server: its checked state, the timers that check and auto-train it, what was published for it and its work-done progress, disposed of together when it closes.
//
// A session rebuilds its DocumentState for every checked version and whenever one of its
// runs moves (TrainingHost events), publishes diagnostics only for the document's current
// version, and answers requests with the state of the text the client has now. Training
// itself happens in the workspace's TrainingHost, never here.

import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { check, type CheckOptions, type CheckResult } from '../language';
import type { OwnerLoader } from '../loading/host';
import type { RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import type { Problem } from '../language/problems';
import { expectationProblems, gradeExpectations, runEnd, type GradedExpectation } from '../present/expectations';
import { resultProblem } from '../present/results';
import { healthProblems } from '../present/health';
import { progressText, runStatus } from '../present/summary';
import { RunStatusNotification, type RunStatusParams } from '../protocol';
import type { RunEvent, RunState, TrainingHost } from '../training/host';
import { diagnostics } from './diagnostics';
import type { DocumentState } from './state';
import type { Workspace } from './workspace';

/** A document is checked at most this often while its text changes. */
const CHECK_DEBOUNCE_MS = 20;
/** Auto-train waits this long after the text stops changing (docs/editor.md "Auto-train and the estimate"). */
const AUTO_TRAIN_DELAY_MS = 300;
/** Lens refreshes and nn/runStatus notifications per document, at most this often while training. */
const PROGRESS_INTERVAL_MS = 100;
/**
 * Runs that start, end or queue are published at once, then at most this often: each
 * publish is linear in the document's runs, and a file of a thousand runs sends thousands
 * of such events in a burst.
 */
const STATE_INTERVAL_MS = 50;
/** …and at most every this many milliseconds per run of the document (see `interval`). */
const NEWS_MS_PER_RUN = 0.5;

/** Why a document is checked: opened, its text changed, something around it did (settings, trust, folders, data files), or a data set it waited for is loaded. */
export type CheckReason = 'open' | 'change' | 'settings' | 'data';

/** What a session holds at a moment (tests: a closed session holds nothing). */
export interface SessionHoldings {
  /** Pending timers: check, auto-train, progress. */
  timers: number;
  /** Open work-done progress reports. */
  reporters: number;
  /** Whether it still has a DocumentState. */
  state: boolean;
}

export class DocumentSession {
  /** The state last built: of the last check, with its runs' latest news. */
  private latest: DocumentState | null = null;
  /** The options of the last check, for the synchronous re-check of `current`. */
  private options: CheckOptions | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  /** When the document was last checked (performance.now()), for the check interval. */
  private lastChecked = -Infinity;
  private autoTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  /** The pending publish of runs' new states, when (performance.now()) the last one went, and whether it owes an inlay hint refresh. */
  private stateTimer: NodeJS.Timeout | undefined;
  private lastStatePublish = -Infinity;
  private hintsOwed = false;
  /** Milliseconds the last rebuild for runs' news took (state and send). */
  private refreshCost = 0;
  /** What was last published (version and diagnostics), so nothing is sent twice. */
  private published: string | undefined;
  /** One work-done progress per running run, by RunSpec.key. */
  private readonly reporters = new Map<string, WorkDoneProgressServerReporter>();
  private disposed = false;
  /** How this document's checks load data: large sets off the LSP thread (loading/host.ts). */
  private readonly data: OwnerLoader;

  constructor(
    readonly uri: string,
    private readonly workspace: Workspace,
  ) {
    this.data = workspace.loads.owner(uri);
  }

  /** The state last built (the last check's version, or a newer one a request checked); null before the first check. */
  get state(): DocumentState | null {
    return this.latest;
  }

  /** The text changed: check soon (a burst of changes is checked once). The first check is the open's. */
  textChanged(): void {
    if (this.latest === null) return;
    this.scheduleCheck(CHECK_DEBOUNCE_MS, 'change');
  }

  /**
   * Checks soon: at once when the document was not checked in the last few milliseconds
   * (a keystroke after a pause is answered immediately), otherwise once the interval has
   * passed, with whatever text is latest then.
   */
  scheduleCheck(delay: number, reason: CheckReason): void {
    if (this.disposed) return;
    // A pending auto-train belongs to text that is changing again: wait for the new text.
    if (reason === 'change') {
      clearTimeout(this.autoTimer);
      this.autoTimer = undefined;
      if (this.checkTimer !== undefined) return;
      delay = Math.max(0, delay - (performance.now() - this.lastChecked));
    } else {
      clearTimeout(this.checkTimer);
    }
    const run = () => {
      this.checkTimer = undefined;
      this.lastChecked = performance.now();
      this.workspace.guarded(`checking ${this.uri}`, this.check(reason));
    };
    if (delay <= 0 && reason !== 'change') run();
    else this.checkTimer = setTimeout(run, delay);
  }

  /**
   * The state of the document as the client sees it now. A request may arrive between
   * a change and its (debounced) check: then the check runs at once, so features never
   * answer with positions of older text. Null before the first check.
   */
  current(): DocumentState | null {
    const document = this.workspace.documents.get(this.uri);
    const state = this.latest;
    if (!document || this.disposed) return null;
    if (state && state.version === document.version) return state;
    const options = this.options;
    if (!state || !options) return null;
    const text = document.getText();
    // The host keeps the runs of the last full check; this state only answers the request.
    return this.build(document.version, text, new LineIndex(text), this.checked(text, options), state.workspaceTrusted);
  }

  /** Everything the editor shows about one run of the current version (phase, progress, outcome, estimate). */
  runState(run: RunSpec): RunState {
    return this.workspace.host.state(this.uri, run);
  }

  /** What the training panel draws of a run: the finished record, and the live job while it trains. */
  record(run: RunSpec): ReturnType<TrainingHost['record']> {
    return this.workspace.host.record(this.uri, run.key);
  }

  /** Starts the runs that auto-train may start (settings, trust, no errors, within the budget). */
  async autoTrain(trigger: 'onChange' | 'onSave'): Promise<void> {
    const host = this.workspace.host;
    if (!this.workspace.documents.get(this.uri) || this.disposed) return;
    const settings = await this.workspace.settings(this.uri);
    const state = this.latest;
    if (this.disposed || settings.autoTrain !== trigger || !state || !settings.workspaceTrusted || state.check.errorCount > 0) return;
    if (this.workspace.documents.get(this.uri)?.version !== state.version) return;
    const keys = withinBudget(state.check.runs, (run) => (host.settled(this.uri, run) ? null : host.speed.seconds(run)), settings.autoTrainBudgetSeconds);
    if (keys.length > 0) host.train(this.uri, keys, settings.maxTrainingSeconds);
  }

  /** One of this document's runs moved (the host's event). */
  runEvent(event: RunEvent): void {
    if (this.disposed) return;
    if (event.kind === 'progress' || event.kind === 'snapshot' || event.kind === 'record') {
      // Progress comes up to ~10 times a second per run; coalesce per document. A record
      // changes only what the panel shows, which refetches on nn/runStatus.
      if (this.progressTimer !== undefined) return;
      this.progressTimer = setTimeout(() => {
        this.progressTimer = undefined;
        this.timed(() => {
          const state = this.refresh();
          if (state && this.workspace.documents.get(this.uri)?.version === state.version) {
            this.sendProgress(state, false);
            // Live ŷ hints follow the training's snapshots (at most once a second).
            this.workspace.refreshHints(false);
          }
        });
      }, this.interval(PROGRESS_INTERVAL_MS));
      return;
    }
    // A change of state (started, stopping, done, …) shows everywhere at once, its lens refresh
    // included; the weights hints show change unless the run only queued or is stopping.
    if (event.kind !== 'queued' && event.kind !== 'stopping') this.hintsOwed = true;
    if (this.stateTimer !== undefined) return;
    const publish = () => {
      this.stateTimer = undefined;
      this.lastStatePublish = performance.now();
      this.timed(() => {
        const state = this.refresh();
        if (state) this.publish(state);
      });
      if (this.hintsOwed) this.workspace.refreshHints();
      this.hintsOwed = false;
    };
    this.stateTimer = setTimeout(publish, Math.max(0, this.lastStatePublish + this.interval(STATE_INTERVAL_MS) - performance.now()));
  }

  /**
   * Time between two rebuilds for runs' news: `base`, or longer for a file with thousands of
   * runs, whose every rebuild and send is linear in its runs: eight times what the last
   * rebuild took (sending costs about as much again, after), and NEWS_MS_PER_RUN per run, so
   * the thread stays mostly free for requests and the client is not sent megabytes a second.
   */
  private interval(base: number): number {
    return Math.max(base, 8 * this.refreshCost, NEWS_MS_PER_RUN * (this.latest?.check.runs.length ?? 0));
  }

  private timed(work: () => void): void {
    const started = performance.now();
    work();
    this.refreshCost = performance.now() - started;
  }

  holdings(): SessionHoldings {
    const timers = [this.checkTimer, this.autoTimer, this.progressTimer, this.stateTimer].filter((t) => t !== undefined).length;
    return { timers, reporters: this.reporters.size, state: this.latest !== null };
  }

  /** The document closed (or the server shuts down): stop its timers, runs and progress reports, and forget its state. */
  dispose(): void {
    this.disposed = true;
    for (const timer of [this.checkTimer, this.autoTimer, this.progressTimer, this.stateTimer]) clearTimeout(timer);
    this.checkTimer = this.autoTimer = this.progressTimer = this.stateTimer = undefined;
    this.workspace.host.close(this.uri);
    this.workspace.loads.release(this.uri);
    for (const reporter of this.reporters.values()) reporter.done();
    this.reporters.clear();
    this.latest = null;
    this.options = undefined;
    this.published = undefined;
  }

  // ---------------------------------------------------------------- checking

  private async check(reason: CheckReason): Promise<void> {
    if (!this.workspace.documents.get(this.uri) || this.disposed) return;
    const settings = await this.workspace.settings(this.uri);
    // The text may have moved on (or the document closed) while the settings were on their way: check the latest.
    const document = this.workspace.documents.get(this.uri);
    if (!document || this.disposed) return;
    const text = document.getText();
    const options = this.workspace.checkOptions(this.uri, settings, this.data);
    // A request may have checked this very version already (see `current`): reuse it.
    const previous = this.latest;
    const reuse =
      reason === 'change' && previous?.version === document.version && previous.text === text && sameOptions(this.options, options);
    this.options = options;
    const result = reuse ? previous.check : this.checked(text, options);
    const lines = reuse ? previous.lines : new LineIndex(text);
    // Nothing trains in an untrusted workspace, and nothing in a file with errors.
    const trainable = settings.workspaceTrusted && result.errorCount === 0 ? result.runs : [];
    this.workspace.host.update(this.uri, document.version, trainable);
    this.workspace.host.show(this.uri, result.runs);
    this.publish(this.build(document.version, text, lines, result, settings.workspaceTrusted));
    this.workspace.documentChecked();
    if (settings.autoTrain === 'onChange') {
      clearTimeout(this.autoTimer);
      const version = document.version;
      const start = () => {
        this.autoTimer = undefined;
        if (this.workspace.documents.get(this.uri)?.version === version) this.workspace.guarded(`auto-training ${this.uri}`, this.autoTrain('onChange'));
      };
      if (reason === 'open') start();
      else this.autoTimer = setTimeout(start, AUTO_TRAIN_DELAY_MS);
    }
  }

  /** check(), telling the workspace's loads which data sets this document now uses (and waits for). */
  private checked(text: string, options: CheckOptions): CheckResult {
    this.data.begin();
    try {
      return check(text, options);
    } finally {
      this.data.settle();
    }
  }

  /** Builds (and keeps) the document's state from a check and the host's view of its runs. */
  private build(version: number, text: string, lines: LineIndex, result: CheckResult, workspaceTrusted: boolean): DocumentState {
    const trainable = workspaceTrusted && result.errorCount === 0;
    // One state per run, read from the host once: every view of this version draws from it.
    const runStates = result.runs.map((run) => this.runState(run));
    const statuses = result.runs.map((run, i) =>
      runStatus(runStates[i], run, { line: lines.positionAt(run.keywordSpan.start).line, index: i + 1, runs: result.runs }),
    );
    const results: Problem[] = [];
    const graded: (GradedExpectation[] | null)[] = [];
    result.runs.forEach((run, i) => {
      const problem = trainable ? resultProblem(result, run, runStates[i], text) : null;
      if (problem) results.push(problem);
      if (trainable) results.push(...healthProblems(result, run, runStates[i], text));
      // Expectations are graded on the run's result: each one's verdict on its own line (docs/editor.md "Expectations").
      const end = trainable && run.expectations.length > 0 ? runEnd(runStates[i]) : null;
      const grades = end ? gradeExpectations(run.expectations, end) : null;
      graded.push(grades);
      if (grades) results.push(...expectationProblems(grades, this.workspace.support.features.inlayHints !== true));
    });
    const state: DocumentState = {
      uri: this.uri,
      version,
      text,
      lines,
      check: result,
      runStates,
      statuses,
      results,
      graded,
      workspaceTrusted,
      client: this.workspace.support.features,
      checkOptions: this.options,
    };
    this.latest = state;
    return state;
  }

  /** The state again, with the runs' latest news (no re-check: the text did not change). */
  private refresh(): DocumentState | null {
    const old = this.latest;
    if (!old) return null;
    return this.build(old.version, old.text, old.lines, old.check, old.workspaceTrusted);
  }

  // ---------------------------------------------------------------- telling the client

  private publish(state: DocumentState): void {
    // Only the document's current version may be published: a state of older text is stale.
    if (this.workspace.documents.get(this.uri)?.version !== state.version) return;
    const list = diagnostics(state);
    // Runs change state often (queued, started, …); the editor hears about diagnostics only when they change.
    const signature = `${state.version}\n${JSON.stringify(list)}`;
    if (this.published !== signature) {
      this.published = signature;
      void this.workspace.connection.sendDiagnostics({ uri: this.uri, version: state.version, diagnostics: list });
    }
    this.sendProgress(state, true);
  }

  /** Run statuses, lenses and progress reports of the state; `changed` when a run changed state (its lens refreshes at once). */
  private sendProgress(state: DocumentState, changed: boolean): void {
    const params: RunStatusParams = { uri: this.uri, version: state.version, runs: [...state.statuses] };
    void this.workspace.connection.sendNotification(RunStatusNotification, params);
    this.workspace.lenses.refresh(changed);
    this.updateReporters(state);
  }

  /** One work-done progress per training run, while it runs; its Cancel stops the run. */
  private updateReporters(state: DocumentState): void {
    if (!this.workspace.support.workDoneProgress) return;
    const host = this.workspace.host;
    const live = new Set<string>();
    state.check.runs.forEach((run, i) => {
      const status = state.statuses[i];
      if (status.phase !== 'running') return;
      live.add(run.key);
      const message = progressText(this.runState(run).progress, run);
      const percentage = Math.min(100, Math.round((100 * status.epoch) / Math.max(1, status.epochs)));
      const existing = this.reporters.get(run.key);
      if (existing) {
        existing.report(percentage, message);
        return;
      }
      const title = `Training ${run.network.name} on ${run.data.name}`;
      this.workspace.connection.window.createWorkDoneProgress().then(
        (reporter) => {
          if (this.disposed || this.reporters.has(run.key) || this.runState(run).phase !== 'running') {
            reporter.done();
            return;
          }
          this.reporters.set(run.key, reporter);
          reporter.begin(title, percentage, message, true);
          reporter.token.onCancellationRequested(() => host.stop(this.uri, [run.key]));
        },
        () => undefined,
      );
    });
    for (const [key, reporter] of this.reporters) {
      if (!live.has(key)) {
        reporter.done();
        this.reporters.delete(key);
      }
    }
  }
}

function sameOptions(a: CheckOptions | undefined, b: CheckOptions): boolean {
  return (
    a !== undefined &&
    a.specPath === b.specPath &&
    a.allowedRoot === b.allowedRoot &&
    a.allowedRootName === b.allowedRootName &&
    (a.readFile === null) === (b.readFile === null) &&
    (a.readBytes == null) === (b.readBytes == null) &&
    a.maxParameters === b.maxParameters &&
    a.maxDataCells === b.maxDataCells &&
    a.store === b.store
  );
}

/**
 * What a run costs beyond the training its estimate counts: a worker takes it up, sends its
 * result and draws the panel's record. It makes a file of a thousand tiny runs cost what it
 * does in the budget, not nothing.
 */
export const RUN_START_SECONDS = 0.01;

/**
 * The keys auto-train starts for one change (docs/editor.md "Auto-train and the estimate"):
 * runs in file order whose estimates, with their start, fit in the budget together, each key
 * once. A run that does not fit waits, and a cheaper one after it may still fit. `seconds` is
 * null for a run auto-train leaves alone (it has a result, trains, or failed).
 */
export function withinBudget(runs: readonly RunSpec[], seconds: (run: RunSpec) => number | null, budget: number): string[] {
  const keys = new Set<string>();
  let left = budget;
  for (const run of runs) {
    if (keys.has(run.key)) continue;
    const estimate = seconds(run);
    if (estimate === null || estimate > budget) continue;
    // A run within the budget on its own still starts on its own.
    const cost = Math.min(budget, estimate + RUN_START_SECONDS);
    if (cost > left) continue;
    keys.add(run.key);
    left -= cost;
  }
  return [...keys];
}
