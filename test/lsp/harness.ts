// Builds a DocumentState from a spec written inline in a test, with the cursor marked `$0` (rust-analyzer style).

import { check, DEFAULT_MAX_DATA_CELLS, DEFAULT_MAX_PARAMETERS } from '../../server/src/language';
import type { CheckOptions } from '../../server/src/language';
import { LineIndex } from '../../server/src/language/positions';
import type { Position } from '../../server/src/language/positions';
import type { MarkupContent } from 'vscode-languageserver';
import { hover } from '../../server/src/lsp/hover';
import type { ClientFeatures, DocumentState } from '../../server/src/lsp/state';
import { Trainer } from '../../server/src/nn/trainer';
import type { SampleExplanation } from '../../server/src/nn/types';
import { trainedHealth } from '../../server/src/present/health';
import { runStatus } from '../../server/src/present/summary';
import type { RunOutcome } from '../../server/src/training/outcome';
import { runStateOf, type RunParts } from '../../server/src/training/runState';
import type { LiveJob } from '../../server/src/training/actor';
import type { RunSpec } from '../../server/src/language/model';
import { LiveSnapshots } from '../../server/src/present/snapshots';

export const URI = 'file:///work/spec.nn';

/** A network of two inputs and one sigmoid output, and a one-row data set for it: the declarations completion tests complete after. */
export const XOR_AND_TABLE = `
network xor {
  input 2
  layer out 1 sigmoid
}
data table {
  0 0 -> 0
}
`;

export interface Fixture {
  state: DocumentState;
  /** Offset and position of `$0`, or of the text's start when there is no marker. */
  offset: number;
  position: Position;
}

/** Removes common leading indentation, so specs can be indented like the test code around them. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n').replace(/[ ]+$/, '');
}

export function fixture(
  spec: string,
  options: { files?: Record<string, string>; outcomes?: (state: DocumentState) => Map<string, RunOutcome> } = {},
): Fixture {
  const marked = dedent(spec);
  const cursor = marked.indexOf('$0');
  const text = cursor >= 0 ? marked.slice(0, cursor) + marked.slice(cursor + 2) : marked;
  const files = options.files ?? {};
  const checkOptions: CheckOptions = {
    specPath: '/work/spec.nn',
    allowedRoot: '/work',
    readFile: (path) => (path in files ? { text: files[path] } : { error: `no such file: ${path}` }),
    readBytes: (path) => (path in files ? { bytes: new TextEncoder().encode(files[path]) } : { error: `no such file: ${path}` }),
    maxParameters: DEFAULT_MAX_PARAMETERS,
    maxDataCells: DEFAULT_MAX_DATA_CELLS,
  };
  const lines = new LineIndex(text);
  const state: DocumentState = {
    uri: URI,
    version: 1,
    text,
    lines,
    check: check(text, checkOptions),
    runStates: [],
    statuses: [],
    results: [],
    workspaceTrusted: true,
    client: { markdown: true, commandLinks: true, icons: true },
    checkOptions,
  };
  const offset = Math.max(0, cursor);
  return { state: withOutcomes(state, options.outcomes ? options.outcomes(state) : new Map()), offset, position: lines.positionAt(offset) };
}

/**
 * The state with these outcomes as the host keeps them (by run key), each run's one state and
 * status made by the same functions the server uses (training/runState.ts, present/summary.ts).
 */
export function withOutcomes(state: DocumentState, outcomes: ReadonlyMap<string, RunOutcome>): DocumentState {
  return withParts(state, (run) => {
    const outcome = outcomes.get(run.key);
    return { live: null, cached: outcome ? { outcome, record: null } : null, failure: null, estimate: 0.01 };
  });
}

/** The state with each run's parts as the host would keep them (a live job, an outcome, a failure). */
export function withParts(state: DocumentState, parts: (run: RunSpec) => RunParts): DocumentState {
  const runs = state.check.runs;
  const runStates = runs.map((run) => runStateOf(parts(run)));
  const statuses = runs.map((run, i) => runStatus(runStates[i], run, { line: state.lines.positionAt(run.keywordSpan.start).line, index: i + 1, runs }));
  return { ...state, runStates, statuses };
}

/** Every inline row of the run's data through the trainer's weights now, as the worker explains them (null for other data). */
function explainedRows(trainer: Trainer, run: RunSpec): SampleExplanation[] | null {
  const data = run.data;
  if (!data.rowSpans) return null;
  return Array.from({ length: data.rows }, (_, r) =>
    trainer.explain(
      Array.from(data.inputs.subarray(r * data.inputWidth, (r + 1) * data.inputWidth)),
      Array.from(data.targets.subarray(r * data.targetWidth, (r + 1) * data.targetWidth)),
    ),
  );
}

/** A training in progress as the host keeps it, with its latest live snapshot: the trainer's weights now. */
export function liveJob(trainer: Trainer, run: RunSpec, epoch: number, loss: number): LiveJob {
  const rows = explainedRows(trainer, run);
  return {
    kind: 'train',
    version: 1,
    handle: null,
    started: true,
    progress: { epoch, epochs: run.settings.epochs, loss, validationLoss: null, accuracy: null, seconds: 0.5 },
    curve: [],
    snapshots: new LiveSnapshots({ maxSnapshots: 40, maxValues: 1_000_000 }),
    frame: null,
    weights: { epoch, loss, layers: trainer.layers(), rows },
    stopping: false,
  };
}

/** The outcome a state holds for a run (what the host cached), for tests that compare numbers. */
export function outcomeOf(state: DocumentState, run: { key: string }): RunOutcome | undefined {
  return state.runStates[state.check.runs.findIndex((r) => r.key === run.key)]?.outcome ?? undefined;
}

/** The text after LSP text edits (applied from the last to the first, so positions stay valid). */
export function applyEdits(text: string, edits: readonly { range: { start: Position; end: Position }; newText: string }[]): string {
  const lines = new LineIndex(text);
  let out = text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
    out = out.slice(0, lines.offsetAt(e.range.start)) + e.newText + out.slice(lines.offsetAt(e.range.end));
  }
  return out;
}

/** The text of a span-like range of the fixture (for readable assertions). */
export function textOf(state: DocumentState, range: { start: Position; end: Position }): string {
  return state.text.slice(state.lines.offsetAt(range.start), state.lines.offsetAt(range.end));
}


/**
 * Outcomes as the worker makes them, from the real Trainer: each run trained
 * (or stepped `steps` times instead), then every inline row explained through
 * the final weights. Returned with the trainers, so tests can compare numbers.
 */
export function trainAll(state: DocumentState, options: { steps?: number } = {}): { outcomes: Map<string, RunOutcome>; trainers: Map<string, Trainer> } {
  const outcomes = new Map<string, RunOutcome>();
  const trainers = new Map<string, Trainer>();
  for (const run of state.check.runs) {
    const trainer = new Trainer(run.network, run.data, run.settings);
    let result = null;
    let step = null;
    let health = null;
    if (options.steps) for (let i = 0; i < options.steps; i++) step = trainer.step();
    else {
      // As the worker does: snapshots recorded, the health of the final weights measured (present/health.ts).
      result = trainer.train({ snapshots: { maxSnapshots: 40 } });
      health = trainedHealth(trainer, run, result, result.snapshots ?? []).health;
      delete result.snapshots;
    }
    const position = step
      ? { from: 'initial' as const, steps: options.steps!, epoch: step.epoch, loss: trainer.trainingLoss(), layers: step.after }
      : null;
    outcomes.set(run.key, { key: run.key, result, step, seconds: 0.01, rows: explainedRows(trainer, run), position, health });
    trainers.set(run.key, trainer);
  }
  return { outcomes, trainers };
}

/** The fixture with every run trained (or stepped). */
export function trainedFixture(spec: string, options: { steps?: number; files?: Record<string, string> } = {}): Fixture & { trainers: Map<string, Trainer> } {
  const untrained = fixture(spec, { files: options.files });
  const { outcomes, trainers } = trainAll(untrained.state, options);
  return { ...untrained, state: withOutcomes(untrained.state, outcomes), trainers };
}

/** The spec with the cursor (`$0`) put just after the first occurrence of `marker`. */
export function at(spec: string, marker: string): string {
  const i = spec.indexOf(marker);
  if (i < 0) throw new Error(`marker ${marker} not in spec`);
  return spec.slice(0, i + marker.length) + '$0' + spec.slice(i + marker.length);
}

/** The hover's text at the fixture's cursor (in another client's terms when one is given), or null without a hover. */
export function hoverValue(fx: Fixture, client?: ClientFeatures): string | null {
  const state = client ? { ...fx.state, client } : fx.state;
  const result = hover(state, { textDocument: { uri: URI }, position: fx.position });
  return result ? (result.contents as MarkupContent).value : null;
}
