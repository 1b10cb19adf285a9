// The Test Explorer's two requests (protocol.ts TestRunsRequest, RunTestRequest): a spec's runs with expectations, and one run trained (or found in the cache) and graded (docs/editor.md "The Test Explorer").
//
// An open document is tested as the editor has it: its session's text, its runs in the
// host, and verdicts graded by the function its diagnostics are graded by, from the same
// state of the run in the host, so the Test Explorer and the editor say the same. A file that is not open is read from disk (a spec is read
// wherever it is; its data files under the editor's rules: lsp/dataFiles.ts), checked,
// and its run trained by the same host: same worker pool, same cache, so a run already
// trained for this text answers at once, and opening the file later shows its result.

import { readFile, stat } from 'node:fs/promises';
import type { CancellationToken } from 'vscode-languageserver';
import { check, parse, type CheckResult } from '../language';
import type { RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import type { SpecFile, TrainDecl } from '../language/syntax';
import { expectationText, gradeExpectations, runEnd, testNames, verdictLine, verdictMessage } from '../present/expectations';
import type { RunTestParams, TestFile, TestOutcome, TestRun } from '../protocol';
import type { RunState } from '../training/host';
import { rangeOf } from './spans';
import type { Workspace } from './workspace';
import { uriToPath } from './workspace';

/** The largest spec file read from disk for a test (a spec is text a person wrote; this is far beyond one). */
const MAX_SPEC_BYTES = 16 * 1024 * 1024;

/** The document version the host is told for a file tested from disk (no editor numbers its versions). */
const DISK_VERSION = 0;

/** A run to test, as found in the text it is tested as. */
interface Target {
  run: RunSpec;
  lines: LineIndex;
  /** The settings' training time limit of the run's document. */
  maxSeconds: number;
  /** True for a file tested from disk (no session). */
  disk: boolean;
}

export class SpecTests {
  /** Files not open in the editor whose runs the host holds for tests, with how many tests wait on each. */
  private readonly diskTests = new Map<string, number>();

  constructor(private readonly workspace: Workspace) {}

  /** The runs with expectations of the file: of the open document's text, else of the file on disk (parsed only). */
  async list(uri: string): Promise<TestFile | null> {
    const state = this.workspace.session(uri)?.current();
    if (state) return { uri, version: state.version, runs: testRuns(state.check.file, state.lines, state.check.runs) };
    const text = await readSpecFile(uri);
    if (text === null) return null;
    return { uri, version: null, runs: testRuns(parse(text).file, new LineIndex(text), []) };
  }

  /** Trains the run unless its result is cached, waits for it and grades its expectations. */
  async run(params: RunTestParams, token: CancellationToken): Promise<TestOutcome> {
    const { uri, id } = params;
    const found = await this.target(uri, id);
    if ('status' in found) return found;
    const host = this.workspace.host;
    const key = found.run.key;
    if (found.disk) this.diskTests.set(uri, (this.diskTests.get(uri) ?? 0) + 1);
    try {
      // What the run has, as its lens and diagnostics show it, training nothing.
      if (params.settledOnly) return runEnd(host.state(uri, found.run)) ? this.verdict(uri, id, found, true) : notGraded('the run has no result to grade');
      let cached = usable(host.state(uri, found.run));
      if (!cached) {
        if (token.isCancellationRequested) return notGraded('the test was cancelled before the run started');
        const waiting = settled(this.workspace, uri, key, token);
        // A run that trains already (auto-train, the Train lens) is waited for, not restarted.
        if (!host.running(uri).includes(key)) host.train(uri, [key], found.maxSeconds);
        const ended = await waiting;
        if (ended === 'gone') return notGraded(token.isCancellationRequested ? 'the test was cancelled' : 'the run changed or was stopped before it ended; run the test again');
        cached = false;
      }
      return this.verdict(uri, id, found, cached);
    } finally {
      if (found.disk) this.releaseDisk(uri);
    }
  }

  /** The run named `id` of the file as it is tested (open: the editor's text; else the file on disk), or why it cannot be. */
  private async target(uri: string, id: string): Promise<Target | TestOutcome> {
    const session = this.workspace.session(uri);
    const settings = await this.workspace.settings(uri);
    let result: CheckResult;
    let lines: LineIndex;
    const state = session?.current();
    if (state) {
      result = state.check;
      lines = state.lines;
    } else {
      const text = await readSpecFile(uri);
      if (text === null) return errored(`cannot read ${uri} as a spec`);
      result = check(text, this.workspace.checkOptions(uri, settings));
      lines = new LineIndex(text);
    }
    const decl = declNamed(result.file, id);
    if (!decl) return errored(`the file has no run '${id}' any more`);
    if (!settings.workspaceTrusted) return errored('training is off in Restricted Mode (untrusted workspace); trust the workspace to run tests');
    if (result.errorCount > 0) {
      const first = result.problems.find((p) => p.severity === 'error')!;
      const count = result.errorCount;
      return { ...errored(`fix ${count} ${count === 1 ? 'error' : 'errors'} to train: ${first.message}`), range: rangeOf(lines, first.span) };
    }
    const run = result.runs.find((r) => r.keywordSpan.start === decl.keyword.start);
    if (!run) return errored(`run '${id}' cannot train`);
    if (run.expectations.length === 0) return { ...notGraded(`run '${id}' has no 'expect' to grade`) };
    const disk = !state;
    // The host trains a document's runs: a file not open is given to it as one, until its tests end.
    if (disk && !this.workspace.session(uri)) this.workspace.host.update(uri, DISK_VERSION, result.runs);
    return { run, lines, maxSeconds: settings.maxTrainingSeconds, disk };
  }

  /**
   * The verdicts of the run once it settled, graded as the document's views grade it (present/expectations.ts,
   * from the host's state of the run, which the session's DocumentState.graded is built from too).
   */
  private verdict(uri: string, id: string, target: Target, cached: boolean): TestOutcome {
    const host = this.workspace.host;
    let run = target.run;
    let lines = target.lines;
    const state = this.workspace.session(uri)?.current();
    if (state) {
      // The text may have moved on while the run trained: the expectations of the current text, if the run is still the one trained.
      const decl = declNamed(state.check.file, id);
      const current = decl ? state.check.runs.find((r) => r.keywordSpan.start === decl.keyword.start) : undefined;
      if (!current || current.key !== run.key) return notGraded('the run changed while it trained; run the test again');
      run = current;
      lines = state.lines;
    }
    const end = runEnd(host.state(uri, run));
    const graded = end ? gradeExpectations(run.expectations, end) : null;
    if (!graded) return notGraded('the run has no result to grade; run the test again');
    const outcome = host.state(uri, run).outcome;
    const status = graded.some((g) => g.verdict === 'failed') ? 'failed' : graded.every((g) => g.verdict === 'met') ? 'passed' : 'skipped';
    return {
      status,
      seconds: outcome?.seconds ?? 0,
      cached,
      expectations: graded.map((g) => ({
        range: rangeOf(lines, g.expectation.span),
        text: expectationText(g.expectation),
        verdict: g.verdict,
        measured: g.measured,
        message: verdictMessage(g),
        summary: verdictLine(g),
      })),
      ...(status === 'skipped' ? { message: verdictMessage(graded.find((g) => g.verdict === 'not-graded')!) } : {}),
    };
  }

  /** A test of a file from disk ended: the host forgets the file when no other test waits on it and the editor has not opened it since. */
  private releaseDisk(uri: string): void {
    const waiting = (this.diskTests.get(uri) ?? 1) - 1;
    if (waiting > 0) {
      this.diskTests.set(uri, waiting);
      return;
    }
    this.diskTests.delete(uri);
    if (!this.workspace.session(uri)) this.workspace.host.close(uri);
  }
}

/** The runs of a tree that have expectations, as tests; `checked` gives the keys of those that passed their checks. */
function testRuns(file: SpecFile, lines: LineIndex, checked: readonly RunSpec[]): TestRun[] {
  const runs: TestRun[] = [];
  for (const [decl, id] of testNames(file)) {
    const expectations = decl.statements.filter((s) => s.kind === 'expect');
    if (expectations.length === 0) continue;
    const range = rangeOf(lines, decl.span);
    runs.push({
      id,
      line: range.start.line,
      range,
      expectations: expectations.map((s) => ({ range: rangeOf(lines, s.span), text: lines.text.slice(s.span.start, s.span.end).replace(/\s+/g, ' ') })),
      key: checked.find((r) => r.keywordSpan.start === decl.keyword.start)?.key ?? null,
    });
  }
  return runs;
}

function declNamed(file: SpecFile, id: string): TrainDecl | undefined {
  for (const [decl, name] of testNames(file)) if (name === id) return decl;
  return undefined;
}

/**
 * True when the run has a result of its current text that can be graded as it is: not training,
 * not stopped half-way, not failed, not moved by Step or Reset since (runEnd).
 */
function usable(state: RunState): boolean {
  const end = runEnd(state);
  return end !== null && 'result' in end && end.result.stopped !== 'cancelled';
}

/**
 * Resolves when the run with this key settles: `done` (its result is in), `failed`, or `gone` (its
 * job was stopped while queued, the run's text changed, the document closed). A cancelled token stops
 * the run, which then settles as it ends. Subscribed before the training starts, so nothing is missed.
 */
function settled(workspace: Workspace, uri: string, key: string, token: CancellationToken): Promise<'done' | 'failed' | 'gone'> {
  const host = workspace.host;
  return new Promise((resolve) => {
    const cancel = token.onCancellationRequested(() => host.stop(uri, [key]));
    const unsubscribe = host.onEvent((event) => {
      if (event.uri !== uri || event.key !== key) return;
      let ended: 'done' | 'failed' | 'gone' | null = null;
      if (event.kind === 'done' || event.kind === 'failed') ended = event.kind;
      // A job replaced by a new training of the same run (Retrain) is not the end: the new one is waited for.
      else if (event.kind === 'cancelled' && !host.running(uri).includes(key)) ended = 'gone';
      if (ended === null) return;
      unsubscribe();
      cancel.dispose();
      resolve(ended);
    });
  });
}

function errored(message: string): TestOutcome {
  return { status: 'errored', seconds: 0, cached: false, expectations: [], message };
}

function notGraded(message: string): TestOutcome {
  return { status: 'skipped', seconds: 0, cached: false, expectations: [], message };
}

/** The text of a `.nn` file on disk, or null when the URI is not one (another scheme, not a regular file, too large, unreadable). */
async function readSpecFile(uri: string): Promise<string | null> {
  const path = uriToPath(uri);
  if (path === null || !path.endsWith('.nn')) return null;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_SPEC_BYTES) return null;
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
