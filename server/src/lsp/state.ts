// The snapshot of one open document that every editor feature reads: text, checked spec, and the one state of each run with its status, all at one version.
//
// Features are pure functions `(state: DocumentState, params) => LSP value`; a document's
// DocumentSession (session.ts) builds a fresh DocumentState per version and hands it in. Nothing here
// changes after it is built, so a feature may keep references to it freely.

import type { CheckOptions, CheckResult } from '../language';
import type { RunSpec } from '../language/model';
import type { LineIndex } from '../language/positions';
import type { Problem } from '../language/problems';
import type { GradedExpectation } from '../present/expectations';
import type { RunStatus } from '../protocol';
import type { RunState } from '../training/runState';

/** What the client said it can do, as far as features need to know. */
export interface ClientFeatures {
  /** Hover and completion documentation may be markdown. */
  markdown: boolean;
  /**
   * The client runs commands from markdown links (`command:` URIs) and has the
   * client-side commands such as ClientCommands.showTraining (the training panel): VS Code.
   */
  commandLinks: boolean;
  /**
   * The client draws codicons (`$(play)`) in lens titles and hover markdown: VS Code. Other
   * clients (Neovim) would show the `$(…)` as written, so they get plain words.
   */
  icons: boolean;
  /** Completion may insert snippets (`${1:name}` placeholders); when false, plain words only. Absent means yes. */
  snippets?: boolean;
  /**
   * The client shows inlay hints (VS Code does, Neovim 0.7 does not): a met expectation is then a
   * hint on its line, otherwise an Information diagnostic (docs/editor.md "Expectations"). Absent means no.
   */
  inlayHints?: boolean;
  /** The client asks for a code action's edit when it is chosen (`codeAction/resolve`), so a costly edit is made only then. */
  resolveEdits?: boolean;
}

export interface DocumentState {
  uri: string;
  version: number;
  text: string;
  /** Offsets <-> LSP positions for this version's text (the only converter; see language/positions.ts). */
  lines: LineIndex;
  /** parse + check of this version's text. */
  check: CheckResult;
  /**
   * The one state of each run of `check.runs`, in the same order (training/runState.ts): its
   * phase, progress, outcome, estimate and the weights it stands at. Every view of a run
   * (lens, result diagnostic, hovers, hints, status bar, panel) draws from this entry and the
   * status made from it, so they agree. Also while an error elsewhere stops training: a layer's
   * trained weights stay in its hover while the user types.
   */
  runStates: readonly RunState[];
  /** One status per run of `check.runs`, in the same order, made from `runStates` (present/summary.ts runStatus). */
  statuses: readonly RunStatus[];
  /**
   * Problems that describe training results ('trained', 'target-missed', 'diverged',
   * 'training-failed'), on the `train` keyword of their run, with quick fixes where
   * one exists (lower the rate, add normalize); and the run's training-health findings
   * ('health-dead', …) on its layers' lines (present/health.ts). Diagnostics publish these beside
   * `check.problems`; code actions read their `fixes` just like a check problem's.
   */
  results: readonly Problem[];
  /**
   * The graded expectations of each run of `check.runs`, same order (present/expectations.ts), or
   * null for a run with nothing to grade yet (never trained, training) or in a file with errors.
   * The expectation diagnostics in `results`, the inlay hints, the lens and the Test Explorer's
   * results are all drawn from these. Absent: none graded.
   */
  graded?: readonly (readonly GradedExpectation[] | null)[];
  /** False in an untrusted workspace: no data files are read and nothing trains. */
  workspaceTrusted: boolean;
  client: ClientFeatures;
  /** The options this version was checked with; completion reads a CSV header through their reader and path rules (to list its columns). */
  checkOptions?: CheckOptions;
}

/** Every problem shown for this version: the check's and the training results'. */
export function allProblems(state: DocumentState): Problem[] {
  return [...state.check.problems, ...state.results];
}

/** Each check's runs by the offset of their `train` keyword (see runIndexAt). */
const runIndexes = new WeakMap<CheckResult, Map<number, number>>();

/**
 * The index in `check.runs` of the run whose `train` keyword starts at `keywordStart`, or -1
 * (a block with errors has no run). One map per check, so a feature that asks for every
 * `train` block stays linear in the runs: a file may have thousands.
 */
export function runIndexAt(check: CheckResult, keywordStart: number): number {
  let index = runIndexes.get(check);
  if (!index) {
    index = new Map(check.runs.map((run, i) => [run.keywordSpan.start, i]));
    runIndexes.set(check, index);
  }
  return index.get(keywordStart) ?? -1;
}

/** The one state of a run of this version (undefined for a run of another text). */
export function runStateOf(state: DocumentState, run: RunSpec): RunState | undefined {
  const index = runIndexAt(state.check, run.keywordSpan.start);
  return index >= 0 && state.check.runs[index] === run ? state.runStates[index] : undefined;
}

/** The run whose `train` block contains `line` (0-based), if it passed its checks. */
export function runAtLine(state: DocumentState, line: number): RunSpec | undefined {
  return state.check.runs.find((run) => {
    const first = state.lines.lineOf(run.span.start);
    const last = state.lines.lineOf(Math.max(run.span.start, run.span.end - 1));
    return line >= first && line <= last;
  });
}
