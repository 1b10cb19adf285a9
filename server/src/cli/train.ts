// `nn train FILE …`: check a spec, train its runs on the command line, print a summary (or one JSON document) per docs/cli.md "nn train".
//
// Training is synchronous, so a Ctrl+C could not be seen while a run is in the
// middle of it: the trainer is advanced in slices of SLICE_MS, and between slices
// the event loop runs (SIGINT handler, progress bar). Slicing only decides where
// training pauses; the numbers are the same as one uninterrupted train().
// `--threads N` gives the trainer's matrix kernels N − 1 helper threads; results
// never depend on the count (docs/language.md §4.17; each product element is summed whole by one thread).

import { accessSync, constants, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { RunSpec } from '../language/model';
import { LineIndex } from '../language/positions';
import type { Problem } from '../language/problems';
import { compiledKernels, createTrainer, type KernelHelpers } from '../engine';
import { startKernelHelpers, startKernelHelpersEarly } from '../training/kernelHelpers';
import type { EpochReport, StopReason, TrainResult } from '../nn/types';
import { gradeExpectations, verdictLine } from '../present/expectations';
import { frozenAdvice, missAdvice, overflowAdvice } from '../present/results';
import { blownText, findingText, flatText, measureSnapshots, trainedHealth, type RunHealth } from '../present/health';
import { healthFindings, type HealthMeasure } from '../nn/health';
import { drawSnapshots, pictures } from '../present/boundary';
import type { Confusion, UnitPictures } from '../protocol';
import { confusionOf } from '../present/snapshots';
import { formatPercent, formatSeconds, keptNote, lossWord, patienceText, stopTarget } from '../present/summary';
import { plural } from '../language/wording';
import { checkSpec, describeWriteError, fileLabel, printable, readSpec } from './check';
import { storeWithRowsHelper } from '../loading/rowsHelper';

/** Four significant digits: enough to tell 0.0009999 from the `stop when loss < 0.001` it beat. */
function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Weight snapshots recorded while training for `--report` (its slider), within this budget of numbers. */
const REPORT_SNAPSHOTS = { maxSnapshots: 40, maxValues: 2_000_000 };

/** Longest stretch of synchronous training between two looks at the event loop. */
const SLICE_MS = 50;

export const TRAIN_USAGE =
  'usage: nn train FILE [--run N] [--json] [--epochs N] [--max-seconds S] [--threads N] [--report PATH] [--quiet]';

/** Where the command reads and writes; the real process by default, a fake in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (the progress bar is drawn only then), and its width. */
  stderrIsTTY: boolean;
  /** Draws the progress bar, whose own terminal codes must pass unescaped; stderr when absent. */
  drawProgress?(text: string): void;
  stderrColumns: number;
  /** Calls `handler` on Ctrl+C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(printable(text)),
    stderr: (text) => process.stderr.write(printable(text)),
    drawProgress: (text) => process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns || 80,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    now: () => performance.now(),
    cwd: process.cwd(),
  };
}

/** One trained run, as `--report` receives it: with `--report`, `result.snapshots` holds what the training recorded. */
export interface TrainedRun {
  run: RunSpec;
  result: TrainResult;
  seconds: number;
  /** The health of the final weights, the flat-loss rule and a divergence's layer (docs/editor.md "Training health"). */
  health?: RunHealth;
  /** With --report: the health figures of `result.snapshots`, one per snapshot (null where the plan measured none). */
  snapshotHealth?: (HealthMeasure | null)[];
  /** With --report: the per-unit pictures of `result.snapshots` and of the final weights, as the editor's worker draws them. */
  snapshotUnits?: (UnitPictures | null)[];
  finalUnits?: UnitPictures | null;
  /** With --report, for classification: the final weights' confusion matrices. */
  confusion?: Confusion | null;
}

/**
 * Writes the `--report PATH` page: report/views.ts writeReport, which cli.ts passes in
 * `hooks`; without it, --report is refused as not available.
 */
export type ReportWriter = (path: string, specPath: string, text: string, runs: TrainedRun[]) => void | Promise<void>;

export interface TrainHooks {
  writeReport?: ReportWriter;
}

interface TrainOptions {
  file: string;
  run: number | null;
  json: boolean;
  epochs: number | null;
  maxSeconds: number | null;
  threads: number;
  report: string | null;
  quiet: boolean;
}

class UsageError extends Error {}
class HelpRequested extends Error {}

const TRAIN_HELP = `${TRAIN_USAGE}
Checks FILE, then trains each of its train blocks and prints a summary per run.
  --run N          train only the N-th train block (1-based)
  --json           print one JSON document on stdout instead of summaries
  --epochs N       override every run's epochs
  --max-seconds S  stop a run after S seconds of training
  --threads N      threads for the trainer (results stay bit-identical)
  --report PATH    also write an HTML page with each run's curve, network and boundary
  --quiet          no progress bar and no warnings on stderr
Exit status: 0 trained, 1 spec errors or a diverged run, 130 cancelled (Ctrl+C), 2 bad usage.
`;

/** Parses the arguments after `train`; throws UsageError with a message for the user. */
export function parseTrainArgs(argv: string[]): TrainOptions {
  const options: TrainOptions = {
    file: '', run: null, json: false, epochs: null, maxSeconds: null, threads: 1, report: null, quiet: false,
  };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') throw new HelpRequested();
    if (!arg.startsWith('--') || arg === '--') {
      files.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals >= 0 ? arg.slice(0, equals) : arg;
    const value = (): string => {
      if (equals >= 0) return arg.slice(equals + 1);
      if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
      return argv[++i];
    };
    const wholeNumber = (): number => {
      const text = value();
      if (!/^[0-9]+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} needs a whole number ≥ 1, got '${text}'`);
      return Number(text);
    };
    switch (name) {
      case '--json':
      case '--quiet':
        if (equals >= 0) throw new UsageError(`${name} takes no value`);
        options[name === '--json' ? 'json' : 'quiet'] = true;
        break;
      case '--run':
        options.run = wholeNumber();
        break;
      case '--epochs':
        options.epochs = wholeNumber();
        break;
      case '--threads':
        options.threads = wholeNumber();
        break;
      case '--max-seconds': {
        const text = value();
        const seconds = Number(text);
        if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
          throw new UsageError(`--max-seconds needs a number of seconds > 0, got '${text}'`);
        }
        options.maxSeconds = seconds;
        break;
      }
      case '--report':
        options.report = value();
        if (options.report === '') throw new UsageError('--report needs a path');
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'no spec file given' : 'nn train takes one spec file');
  options.file = files[0];
  return options;
}

/** `path:LINE:COL: severity: message`, the format of `nn check`. */
export function problemLine(path: string, lines: LineIndex, problem: Problem): string {
  const { line, column } = lines.cliPosition(problem.span.start);
  return `${fileLabel(path)}:${line}:${column}: ${problem.severity}: ${problem.message}\n`;
}

/**
 * More threads than cores only add memory and switching (each helper is a thread with its own
 * heap: 1,000 took 10 GB), and the numbers are the same for any count: a larger count is
 * lowered to the machine's cores, with a note (docs/cli.md "--threads N").
 */
export function threadsToUse(requested: number, cores = availableParallelism()): { threads: number; note: string | null } {
  if (requested <= cores) return { threads: requested, note: null };
  return {
    threads: cores,
    note: `nn train: --threads ${requested} is more than the ${plural(cores, 'core')} of this machine; using ${cores} (the results are the same for any count)\n`,
  };
}

/**
 * Why the report cannot be written at `path`, or null when it can: said before training, so a
 * long run is not lost to a typo in the path. The folder must exist and be writable, and the
 * path must not be a folder.
 */
export function reportPathProblem(path: string, written: string): string | null {
  const folder = dirname(path);
  const writtenFolder = dirname(written);
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return 'it is a folder, not a file';
    if (!stat.isFile()) return 'it is not a regular file';
    accessSync(path, constants.W_OK);
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return describeWriteError(error, writtenFolder);
  }
  try {
    accessSync(folder, constants.W_OK);
    return null;
  } catch (error) {
    return describeWriteError(error, writtenFolder);
  }
}

/** Runs `nn train` and returns the exit status: 0, 1 (spec errors, diverged), 130 (Ctrl+C), 2 (usage). */
export async function trainCommand(argv: string[], io: CliIo = processIo(), hooks: TrainHooks = {}): Promise<number> {
  let options: TrainOptions;
  try {
    options = parseTrainArgs(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(TRAIN_HELP);
      return 0;
    }
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`nn train: ${error.message}\n${TRAIN_USAGE}\n`);
    return 2;
  }
  if (options.report !== null && !hooks.writeReport) {
    io.stderr('nn train: --report is not available yet in this build\n');
    return 2;
  }
  if (options.report !== null) {
    const problem = reportPathProblem(resolve(io.cwd, options.report), options.report);
    if (problem !== null) {
      io.stderr(`nn train: cannot write the report '${fileLabel(options.report)}': ${problem}\n`);
      return 2;
    }
  }
  const threads = threadsToUse(options.threads);
  if (threads.note !== null && !options.quiet) io.stderr(threads.note);
  options.threads = threads.threads;
  // --threads N: the helper threads boot while the spec is read and checked (startKernelHelpersEarly).
  const kernels = options.threads > 1 ? compiledKernels() : null;
  const early = kernels ? startKernelHelpersEarly(options.threads - 1, kernels) : null;
  try {
    return await trainSpec(options, io, hooks, options.threads > 1 ? { start: early?.start ?? startKernelHelpers, count: options.threads - 1 } : undefined);
  } finally {
    await early?.dispose();
  }
}

/** `nn train` once its arguments are read: check the spec, train its runs, print and write what was asked. */
async function trainSpec(options: TrainOptions, io: CliIo, hooks: TrainHooks, helpers: KernelHelpers | undefined): Promise<number> {
  const specPath = resolve(io.cwd, options.file);
  const text = readSpec('train', options.file, specPath, (message) => io.stderr(message));
  if (text === undefined) return 2;

  const checked = checkSpec(text, specPath, storeWithRowsHelper());
  const lines = new LineIndex(text);
  const problems = checked.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  const jsonProblems = problems.map((p) => {
    const { line, column } = lines.cliPosition(p.span.start);
    return { line, column, severity: p.severity, message: p.message };
  });
  const writeJson = (runs: object[]) =>
    io.stdout(`${JSON.stringify({ file: options.file, problems: jsonProblems, runs }, null, 2)}\n`);

  if (checked.errorCount > 0) {
    if (options.json) writeJson([]);
    else for (const problem of problems) io.stdout(problemLine(options.file, lines, problem));
    return 1;
  }
  let runs = checked.runs;
  if (options.run !== null) {
    runs = runs.filter((run) => run.index === options.run);
    if (runs.length === 0) {
      // A usage error, said alone: the spec's warnings would only bury it.
      const count = checked.runs.length;
      io.stderr(`nn train: there is no run ${options.run} in ${options.file} (it has ${count} train block${count === 1 ? '' : 's'})\n`);
      return 2;
    }
  }
  if (!options.json && !options.quiet) {
    for (const problem of problems) io.stderr(problemLine(options.file, lines, problem));
  }
  if (options.run === null && runs.length === 0 && !options.json) {
    io.stdout(`${options.file}: no train blocks to run\n`);
  }

  let interrupted = false;
  const stopListening = io.onInterrupt(() => {
    if (interrupted) process.exit(130); // a second Ctrl+C does not wait for the run to wind down
    interrupted = true;
  });
  const trained: TrainedRun[] = [];
  try {
    for (const run of runs) {
      const settings = options.epochs !== null ? { ...run.settings, epochs: options.epochs } : run.settings;
      const runWithSettings: RunSpec = { ...run, settings };
      const showProgress = io.stderrIsTTY && !options.quiet;
      const outcome = await trainSliced(runWithSettings, options.maxSeconds, io, () => interrupted, showProgress, helpers, options.report !== null);
      trained.push({ run: runWithSettings, ...outcome });
      const written = options.epochs !== null ? run.settings.epochs : null;
      if (!options.json) io.stdout(summary(options.file, lines, runWithSettings, outcome, trained.length > 1, written));
      if (outcome.result.stopped === 'cancelled') break;
    }
  } finally {
    stopListening();
  }

  if (options.json) writeJson(trained.map(({ run, result, seconds }) => runJson(run, result, seconds, lines)));
  if (options.report !== null && hooks.writeReport) {
    try {
      await hooks.writeReport(resolve(io.cwd, options.report), specPath, text, trained);
    } catch (error) {
      io.stderr(`nn train: cannot write the report '${fileLabel(options.report)}': ${describeWriteError(error, dirname(options.report))}\n`);
      return 2;
    }
  }

  if (trained.some((t) => t.result.stopped === 'cancelled')) return 130;
  if (trained.some((t) => t.result.stopped === 'diverged')) return 1;
  return 0;
}

/**
 * One run of a `--json` document (docs/cli.md "--json"): its numbers, and its expectations graded
 * on the final weights (`nn test --json` writes the same objects).
 */
export function runJson(run: RunSpec, result: TrainResult, seconds: number, lines: LineIndex): object {
  return {
    network: run.network.name,
    data: run.data.name,
    line: lines.cliPosition(run.keywordSpan.start).line,
    epochs: result.epochs,
    loss: result.loss,
    accuracy: result.accuracy,
    validationLoss: result.validationLoss,
    validationAccuracy: result.validationAccuracy,
    stopped: result.stopped,
    bestEpoch: result.bestEpoch ?? null,
    penalty: result.penalty ?? null,
    rate: result.rate ?? run.settings.optimizer.rate,
    seconds: Math.round(seconds * 1000) / 1000,
    expectations: gradeExpectations(run.expectations, { result }).map((graded) => ({
      line: lines.cliPosition(graded.expectation.span.start).line,
      metric: graded.expectation.metric,
      op: graded.expectation.op,
      value: graded.expectation.value,
      measured: graded.measured,
      passed: graded.verdict === 'not-graded' ? null : graded.verdict === 'met',
    })),
  };
}

/** Trains one run in slices, polling for Ctrl+C and the time limit between batches. */
export async function trainSliced(
  run: RunSpec,
  maxSeconds: number | null,
  io: CliIo,
  interrupted: () => boolean,
  showProgress: boolean,
  helpers: KernelHelpers | undefined,
  recordSnapshots = false,
): Promise<Omit<TrainedRun, 'run'>> {
  const trainer = createTrainer(run.network, run.data, run.settings, { helpers });
  const started = io.now();
  const deadline = maxSeconds === null ? Infinity : started + maxSeconds * 1000;
  let latest: EpochReport | null = null;
  let stopped: StopReason | 'paused';
  const draw = io.drawProgress ?? io.stderr;
  for (;;) {
    const sliceEnd = io.now() + SLICE_MS;
    stopped = trainer.advance(
      {
        onEpoch: (report) => {
          latest = report;
        },
        shouldStop: () => (interrupted() ? 'cancelled' : io.now() >= deadline ? 'time' : null),
        snapshots: recordSnapshots ? REPORT_SNAPSHOTS : undefined,
      },
      () => io.now() >= sliceEnd,
    );
    if (showProgress) draw(progressBar(run, latest, (io.now() - started) / 1000, io.stderrColumns));
    if (stopped !== 'paused') break;
    await new Promise((resolveSlice) => setImmediate(resolveSlice));
  }
  const seconds = (io.now() - started) / 1000;
  if (showProgress) draw('\r\x1b[K');
  const result = trainer.finish(stopped);
  // Training health as the editor measures it (present/health.ts): the final weights, and for the report the snapshots within the plan.
  const snapshots = result.snapshots ?? [];
  const { plan, health } = trainedHealth(trainer, run, result, snapshots);
  if (!recordSnapshots) return { result, seconds, health };
  const snapshotHealth = measureSnapshots(trainer, result.layers, snapshots, plan, health.measure);
  const snapshotUnits = drawSnapshots(trainer, result.layers, snapshots, pictures(run, trainer), plan.measured).map((drawn) => drawn.units);
  const finalUnits = pictures(run, trainer).draw(true).units;
  return { result, seconds, health, snapshotHealth, snapshotUnits, finalUnits, confusion: confusionOf(run.data, trainer.confusion()) };
}

function progressBar(run: RunSpec, latest: EpochReport | null, seconds: number, columns: number): string {
  const total = run.settings.epochs;
  const epoch = latest?.epoch ?? 0;
  const label = `${run.network.name} on ${run.data.name}`;
  const status = ` epoch ${epoch}/${total} · loss ${formatLoss(latest?.loss)} · ${formatSeconds(seconds)}`;
  const width = Math.max(10, Math.min(30, columns - label.length - status.length - 4));
  const filled = Math.min(width, Math.round((epoch / total) * width));
  const line = `${label} [${'█'.repeat(filled)}${'·'.repeat(width - filled)}]${status}`;
  return `\r\x1b[K${printable(line.slice(0, Math.max(columns - 1, 20)))}`;
}

/** What a run's stop means; `writtenEpochs` is the file's epochs when --epochs ran fewer or more. */
const STOPPED_TEXT: Record<StopReason, (run: RunSpec, result: TrainResult, writtenEpochs: number | null, health: RunHealth | null) => string> = {
  target: (run, result) => `${stopTarget(run, result)?.loss ?? 'loss'} < ${run.settings.stopLoss ?? run.settings.stopValidationLoss} (target reached)`,
  epochs: (run, result, writtenEpochs, health) => {
    const all = `${run.settings.epochs === 1 ? '1 epoch run' : `all ${run.settings.epochs} epochs run`}${keptNote(result)}`;
    const frozen = frozenAdvice(run, result);
    const stop = stopTarget(run, result);
    if (stop === null) return frozen !== null ? `${all}. ${frozen}` : all;
    // --epochs that cut the run says so first (missAdvice); a flat loss otherwise says where it stuck.
    const flatSentence = health?.flat && writtenEpochs === null ? flatText(health.flat) : null;
    const flat = flatSentence ? flatSentence[0].toUpperCase() + flatSentence.slice(1) : null;
    return `${all}, target ${stop.loss} < ${stop.target} not reached. ${frozen ?? flat ?? missAdvice(result.history.loss, run.settings, writtenEpochs)}`;
  },
  patience: (run, result) => patienceText(run, result),
  diverged: (run, result, _written, health) => {
    const overflow = overflowAdvice(run, result);
    if (overflow !== null) return `diverged: the loss was ${lossWord(result.history.loss)} at the initial weights, before any update; ${overflow.advice}`;
    const blown = health?.blown && result.updates > 0 ? `. ${blownText(run, health.blown)}` : '';
    return `diverged: the loss became ${lossWord(result.history.loss)} in epoch ${result.epochs}; ${divergenceAdvice(run)}${blown}`;
  },
  time: () => 'time limit (--max-seconds)',
  cancelled: () => 'cancelled (Ctrl+C)',
};

/** Each health finding of the final weights on a line of its own, naming the layer and its line (none after a divergence). */
function healthLines(lines: LineIndex, run: RunSpec, result: TrainResult, health: RunHealth | null): string[] {
  if (!health?.measure || result.stopped === 'diverged') return [];
  return healthFindings(health.measure).map((finding) => {
    const layer = run.network.layers[finding.layer];
    const line = lines.cliPosition(layer.span.start).line;
    return `  health    layer '${layer.name}' (line ${line}): ${findingText(finding, health.measure!, layer.activation)}`;
  });
}

/** What to change after a divergence, as the editor's diagnostic says it: a lower rate, and normalized inputs when they are large. */
function divergenceAdvice(run: RunSpec): string {
  let largest = 0;
  for (const x of run.data.inputs) if (Math.abs(x) > largest) largest = Math.abs(x);
  const rate = `lower the rate (now ${run.settings.optimizer.rate})`;
  return run.data.normalize === null && largest > 10 ? `${rate}, or add 'normalize zscore' to data '${run.data.name}' (inputs up to ${largest})` : rate;
}

/** The human-readable summary of one run. */
function summary(file: string, lines: LineIndex, run: RunSpec, trained: Omit<TrainedRun, 'run'>, separate: boolean, writtenEpochs: number | null): string {
  const { result, seconds, health } = trained;
  const line = lines.cliPosition(run.keywordSpan.start).line;
  const sizes = [run.network.input, ...run.network.layers.map((layer) => layer.units)];
  let parameters = 0;
  for (let k = 1; k < sizes.length; k++) parameters += sizes[k] * (sizes[k - 1] + 1);
  const rows =
    result.validationRows > 0
      ? `${plural(run.data.rows, 'row')} (${result.trainRows} trained on, ${result.validationRows} held out)`
      : plural(run.data.rows, 'row');
  const out: string[] = [];
  if (separate) out.push('');
  out.push(`${fileLabel(file)}:${line}: train ${run.network.name} on ${run.data.name}`);
  out.push(`  network   ${sizes.join('-')} (${parameters} parameters, ${run.network.layers.map((l) => l.activation).join('/')})`);
  out.push(`  data      ${rows}`);
  // Given initial weights (docs/language.md §7.1): the summary says where the run started.
  if (run.settings.start) out.push(`  start     from weights ${run.settings.start.name}`);
  out.push(
    `  loss      ${formatLoss(result.loss)}${result.finalLoss !== null ? ` (final weights: ${formatLoss(result.finalLoss)})` : ''}`,
  );
  out.push(`  epoch     ${result.epochs} of ${run.settings.epochs}`);
  out.push(`  stopped   ${STOPPED_TEXT[result.stopped](run, result, writtenEpochs, health ?? null)}`);
  out.push(...healthLines(lines, run, result, health ?? null));
  if (result.accuracy !== null) out.push(`  accuracy  ${formatPercent(result.accuracy)}`);
  if (result.validationLoss !== null) {
    const accuracy = result.validationAccuracy !== null ? `, accuracy ${formatPercent(result.validationAccuracy)}` : '';
    out.push(`  validation loss ${formatLoss(result.validationLoss)}${accuracy}`);
  }
  if (result.penalty != null) out.push(`  penalty   ${formatLoss(result.penalty)} (of the final weights)`);
  if (run.settings.schedule) out.push(`  rate      ${formatLoss(result.rate)} in the last epoch (schedule ${run.settings.schedule.kind})`);
  out.push(`  time      ${formatSeconds(seconds)}`);
  for (const graded of gradeExpectations(run.expectations, { result })) out.push(`  ${verdictLine(graded)}`);
  return `${out.join('\n')}\n`;
}
