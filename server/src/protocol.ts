// Every custom message between the nn language server and its clients, declared once (vscode-eslint's customMessages.ts).
//
// Standard LSP carries most of the product (diagnostics, CodeLens, hover, inlay
// hints, executeCommand nn.train / nn.stopTraining, $/progress). These custom
// messages feed what LSP has no words for: the status bar, the loss-curve view,
// the training panel and the export of a trained model. A client that ignores
// them loses nothing else.
// This file imports only the protocol's message types, so both sides (and the
// webview, for the types) can include it.

import { NotificationType, RequestType, type Position, type Range } from 'vscode-languageserver-protocol';

/** Server commands (workspace/executeCommand). Arguments: [uri: string, line?: number (0-based line of `train`)]. */
export const Commands = {
  train: 'nn.train',
  stopTraining: 'nn.stopTraining',
  /** One update (one batch) of the run at the line; arguments [uri, line]. */
  step: 'nn.step',
  /** Puts the run at the line back at its initial weights (epoch 0), so Step goes from there; arguments [uri, line]. */
  reset: 'nn.reset',
  /** Backprop's gradient against the central difference at the weights of the run at the line (every run without one); arguments [uri, line?]. */
  checkGradients: 'nn.checkGradients',
} as const;

/**
 * Commands the VS Code client registers (package.json contributes.commands; a test keeps
 * the two in step). The server names `showTraining` in lenses and hover links, for clients
 * that have it (ClientFeatures.commandLinks).
 */
export const ClientCommands = {
  /** Palette: train the run under the cursor (every run outside one). */
  trainNetwork: 'nn.trainNetwork',
  /** Palette: stop the run under the cursor (every run outside one). */
  stopTrainingActive: 'nn.stopTrainingActive',
  /** Opens the training panel; arguments [uri?, line?], else the run at the cursor. */
  showTraining: 'nn.showTraining',
  /** "NN: Export Trained Model…": a format, a save dialog; arguments [uri?, line?], else the run at the cursor. */
  exportModel: 'nn.exportModel',
  /** Palette "NN: Check Gradients": the run under the cursor (every run outside one). */
  checkGradientsActive: 'nn.checkGradientsActive',
} as const;

/** Where a run stands. `stepped`: its weights were moved by Step or Reset since it was last trained (RunStatus.step). */
export type RunPhase = 'idle' | 'queued' | 'running' | 'done' | 'diverged' | 'cancelled' | 'failed' | 'stepped';

/**
 * The state of one `train` block, as every view shows it: the lens, the result diagnostic, the
 * hovers, the status bar and the panel are drawn from the same per-run state on the server, so
 * their epoch, loss and step always agree (docs/editor.md "One state, every view").
 */
export interface RunStatus {
  /** 0-based line of the `train` keyword, in the document version below. */
  line: number;
  /** 1-based index among the file's runs. */
  index: number;
  network: string;
  data: string;
  phase: RunPhase;
  epoch: number;
  epochs: number;
  loss: number | null;
  validationLoss: number | null;
  accuracy: number | null;
  /** Seconds of the training shown (so far, while it trains); a Step does not change it. */
  seconds: number;
  /** A one-line summary, as the CodeLens shows it. */
  summary: string;
  /** With a schedule: the learning rate of the latest epoch (docs/language.md §7.3). */
  rate?: number;
  /** With regularization: the penalty of the weights at the latest epoch's end (docs/language.md §7.2). */
  penalty?: number;
  /** With patience: the best epoch so far, or once the run has ended the epoch whose weights it kept (docs/language.md §7.4). */
  bestEpoch?: number;
  /**
   * Where the run's weights stand in words, the same in every view: `epoch 826 · loss 0.0009996`,
   * `step 3 · epoch 829 · loss 0.000997`, `not trained`.
   */
  position: string;
  /** Updates made by Step since the run was trained or reset (0 right after Reset); null when the weights were not stepped. */
  step: number | null;
  /** Where the stepped weights started: the seed's initial weights (never trained, or Reset) or the trained ones; null when not stepped. */
  stepFrom: 'initial' | 'trained' | null;
  /** Stop was asked and the run has not answered yet. */
  stopping: boolean;
  /** The run's `stop when loss <` target, if any: losses are written with enough digits to compare with it. */
  target: number | null;
  /** The run as the views name it: `ring on disc`, with `(line 14)` when another run of the file has the same network and data names. */
  title: string;
}

/**
 * Server -> client notification `nn/runStatus`: the runs of one document changed
 * state (sent at most ~10 times a second per document while training).
 */
export const RunStatusNotification = /* @__PURE__ */ new NotificationType<RunStatusParams>('nn/runStatus');
export interface RunStatusParams {
  uri: string;
  version: number;
  runs: RunStatus[];
}

/** One point of a loss curve. */
export interface CurvePoint {
  epoch: number;
  loss: number;
  validationLoss: number | null;
  accuracy: number | null;
  validationAccuracy: number | null;
  /** With a schedule: the epoch's learning rate; with regularization: the penalty at its end (docs/language.md §7.2–§7.3). */
  rate?: number;
  penalty?: number;
}

/** A layer as the training panel draws it. Matrices are row-major, units × inputs. */
export interface PanelLayer {
  name: string;
  units: number;
  inputs: number;
  activation: string;
  /** Span of the `layer` statement as 0-based line, for click-to-reveal. */
  line: number;
  weights: number[];
  biases: number[];
  /**
   * ∂L/∂W of the last single update at the snapshot's time, and that update's ΔW (W after − W before),
   * same layout as weights; null before any update.
   */
  weightGradient: number[] | null;
  lastUpdate: number[] | null;
}

/** The network as it was at one epoch (snapshots are kept at a bounded budget; while a run trains, the ones so far). */
export interface Snapshot {
  epoch: number;
  layers: PanelLayer[];
  /** For two-input data: the network's first output on a grid×grid lattice over the data's box, row-major from the top. */
  boundary: number[] | null;
  /** The training-health figures of these weights per layer, when this snapshot was measured (docs/editor.md "Training health"). */
  health?: SnapshotHealth[] | null;
  /** What each unit the diagram shows has learned: its output over the input plane, or its histogram (docs/editor.md "The training panel"). */
  units?: UnitPictures | null;
}

/** One run's loss curves for the comparison, named by its line. */
export interface RunCurve {
  /** `train NET on DATA (line N)`, N 1-based. */
  label: string;
  /** 0-based line of its `train` keyword. */
  line: number;
  /** At most COMPARE_POINTS points, evenly thinned. */
  epochs: number[];
  loss: (number | null)[];
  validationLoss: (number | null)[] | null;
}

/** Curve points per run in a comparison. */
export const COMPARE_POINTS = 500;

/** Confusion matrices of a classification run: entry [t][p] counts the rows of class t put in class p. */
export interface Confusion {
  /** Class names: `onehot`'s labels, or 0 and 1 for one output. */
  classes: string[];
  training: number[][];
  /** Null without a validation part. */
  validation: number[][] | null;
}

/** The most units of a layer the panel's diagram draws (and so has pictures of); the rest are counted. */
export const UNITS_SHOWN = 12;

/**
 * Per-unit pictures of one snapshot. 'plane' (two-input data): each unit's activation a at the
 * centres of a size × size lattice over the data's box, row-major from the top, as the boundary.
 * 'histogram' (wider inputs): each unit's activations over the training data in `size` equal bins
 * between its `ranges` [min, max], as counts.
 */
export interface UnitPictures {
  kind: 'plane' | 'histogram';
  size: number;
  /** Per layer 1..L: its first min(units, UNITS_SHOWN) units, each `size`² cells (plane) or `size` counts (histogram), unit after unit. */
  layers: number[][];
  /** 'histogram': per layer, [min, max] of each shown unit, unit after unit. */
  ranges?: number[][];
}

/** One layer's training-health figures in a snapshot: dead and saturated units (null where they do not apply), ‖∂L/∂W‖/‖W‖. */
export interface SnapshotHealth {
  dead: number | null;
  saturated: number | null;
  ratio: number | null;
}

/**
 * Client -> server request `nn/training`: everything the loss-curve view and the
 * training panel show for one run. Returns null when the document or run is unknown.
 */
export const TrainingRequest = /* @__PURE__ */ new RequestType<TrainingParams, TrainingView | null, void>('nn/training');
export interface TrainingParams {
  uri: string;
  /** 0-based line of the `train` keyword (any line inside the block is accepted). */
  line: number;
  /**
   * The snapshots the asker holds from an earlier answer: that answer's `series` and the
   * highest sequence number it has. When the series is still current, only newer snapshots come.
   */
  held?: { series: number; upTo: number };
}
export interface TrainingView {
  uri: string;
  version: number;
  status: RunStatus;
  inputNames: string[];
  /** Class labels in output order (`target … onehot`), to name the outputs; absent or null otherwise. */
  classes?: string[] | null;
  curve: CurvePoint[];
  /** Classification runs: the confusion matrices of the final weights (docs/editor.md "The training panel"); absent otherwise. */
  confusion?: Confusion | null;
  /** Every run of the file with a curve, this one included, for the panel's "Compare runs" (docs/editor.md "The training panel"). */
  runs?: RunCurve[];
  snapshots: Snapshot[];
  /**
   * Incremental snapshots (absent from views that are always whole, e.g. the static report):
   * `series` names the snapshot series (a training's live snapshots, a finished record);
   * `seqs` are the sequence numbers of every snapshot the server keeps in it, oldest first.
   * When `after` is present, `snapshots` holds only those with a sequence number above it:
   * the asker keeps the ones it holds whose numbers are still in `seqs` and appends these.
   * Otherwise `snapshots` is the whole series, in the order of `seqs`.
   */
  series?: number;
  seqs?: number[];
  after?: number;
  /** For two-input data: the points to draw over the boundary, and the grid's box. */
  points: { x: number; y: number; label: number }[] | null;
  box: { xMin: number; xMax: number; yMin: number; yMax: number } | null;
  grid: number;
}

/** The formats of `nn export --format` and of the editor's "NN: Export Trained Model…" (docs/export.md). */
export type ExportFormat = 'onnx' | 'safetensors' | 'pytorch' | 'json';

/**
 * Client -> server request `nn/exportModel`: the trained model of the run at a line, as the
 * bytes of a file in the given format, made from the outcome the server already holds (it
 * never trains for this). An `error` says why there is nothing to export (the run has not
 * been trained, or diverged).
 */
export const ExportModelRequest = /* @__PURE__ */ new RequestType<ExportModelParams, ExportModelResult, void>('nn/exportModel');
export interface ExportModelParams {
  uri: string;
  /** 0-based line inside the run's `train` block. */
  line: number;
  format: ExportFormat;
}
export type ExportModelResult =
  | {
      /** `<spec name>.run<N>.<extension>`, the name `nn export` gives the file by default. */
      fileName: string;
      /** The file's bytes, base64. */
      data: string;
    }
  | { error: string };

/**
 * Client -> server request `nn/runs`: where the runs (`train` blocks) of a document are, from
 * the server's syntax tree of its current text (blocks with errors included), so a client
 * names a run without parsing the text. With `position`, the block whose lines hold the
 * position's line (none when it is outside every block); without, every block in order.
 * Returns null for a document the server does not have.
 */
export const RunsRequest = /* @__PURE__ */ new RequestType<RunsParams, RunLocation[] | null, void>('nn/runs');
export interface RunsParams {
  textDocument: { uri: string };
  position?: Position;
}
export interface RunLocation {
  /** 0-based line of the `train` keyword: the line the server commands and `nn/training` take. */
  line: number;
  /** From `train` to the block's `}` (to where the block stops, when it has none). */
  range: Range;
  /** The names as written; null where the text has none yet. */
  network: string | null;
  data: string | null;
}

/**
 * Client -> server request `nn/testRuns`: the runs of a spec that have expectations, as the tests
 * VS Code's Test Explorer lists (docs/editor.md "The Test Explorer"). From the syntax tree of the
 * open document's text, or of the file on disk when it is not open (parsed only: no data file is
 * read), so runs with errors are listed too. Null for a file the server cannot read as a spec.
 */
export const TestRunsRequest = /* @__PURE__ */ new RequestType<TestRunsParams, TestFile | null, void>('nn/testRuns');
export interface TestRunsParams {
  uri: string;
}
export interface TestFile {
  uri: string;
  /** The open document's version the runs are of, or null when they are of the file on disk. */
  version: number | null;
  /** Every run with at least one `expect`, in file order. */
  runs: TestRun[];
}
export interface TestRun {
  /**
   * The run's name as a test, unique in its file and kept while lines move: `xor on xor_table`,
   * `xor on xor_table (2)` for the second run of the same names (`nn test --junit` names its test cases so).
   */
  id: string;
  /** 0-based line of the `train` keyword, and the block's range. */
  line: number;
  range: Range;
  /** Its `expect` statements as written (`expect accuracy > 95%`), with their ranges. */
  expectations: { range: Range; text: string }[];
  /**
   * The run's key (the content its result depends on: network, data, settings) when it passes
   * its checks in an open document; null otherwise. A new key means earlier results are out of date.
   */
  key: string | null;
}

/**
 * Client -> server request `nn/runTest`: grades a run's expectations
 * (docs/editor.md "The Test Explorer"). The server trains the run in its worker pool unless the
 * result of the run's current text is cached (then it answers at once), waits for it, and grades
 * each expectation on the final weights. Open documents are tested as their text is in the editor; other files as they are on
 * disk. Cancelling the request stops the training.
 */
export const RunTestRequest = /* @__PURE__ */ new RequestType<RunTestParams, TestOutcome, void>('nn/runTest');
export interface RunTestParams {
  uri: string;
  /** TestRun.id */
  id: string;
  /**
   * Grade only the result the run has, training nothing: for a run the editor trained (auto-train,
   * the lens), whose verdicts the Test Explorer then shows as well. `skipped` when it has none.
   */
  settledOnly?: boolean;
}
export interface TestOutcome {
  /**
   * `passed`: every expectation met; `failed`: one or more not met (a diverged or failed run fails
   * them all); `errored`: the run could not be trained (errors in the spec, Restricted Mode, no such
   * run); `skipped`: it did not end (stopped, cancelled, or changed while it trained).
   */
  status: 'passed' | 'failed' | 'errored' | 'skipped';
  /** Seconds the graded training took (0 when nothing was trained). */
  seconds: number;
  /** True when the result of this very run was already there, so nothing was trained. */
  cached: boolean;
  /**
   * Each expectation's verdict, in text order: the message the editor shows on its line, and the
   * line `nn test` prints for it (`FAIL: expect accuracy > 95% (measured 91.2%)`).
   */
  expectations: { range: Range; text: string; verdict: 'met' | 'failed' | 'not-graded'; measured: number | null; message: string; summary: string }[];
  /** Why the run was not graded (errored, skipped), and where that belongs when it has a place (the first error). */
  message?: string;
  range?: Range;
}

/**
 * `initializationOptions` of the VS Code client. A client that sends none (Neovim,
 * other editors) has no Workspace Trust, and its workspace counts as trusted.
 */
export interface InitializationOptions {
  /** False in VS Code's Restricted Mode: read no data files, train nothing. */
  workspaceTrusted?: boolean;
}

/**
 * The `nn` settings section as `workspace/configuration` returns it (package.json
 * contributes.configuration). The VS Code client adds `workspaceTrusted` to every
 * answer and sends `workspace/didChangeConfiguration` when the user grants trust.
 */
export interface NnSettings {
  autoTrain: 'onChange' | 'onSave' | 'off';
  autoTrainBudgetSeconds: number;
  maxTrainingSeconds: number;
  maxParameters: number;
  workspaceTrusted?: boolean;
}
