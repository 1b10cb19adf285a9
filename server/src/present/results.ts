// A run's result as a Problem on its `train` keyword (docs/editor.md "Diagnostics after a run"): Information when trained, Warning when the target was missed, Error on divergence, with quick fixes.

import type { CheckResult } from '../language';
import type { Dataset, RunSpec, TrainSettings } from '../language/model';
import type { Fix, Problem } from '../language/problems';
import type { DataDecl, SpecFile, TrainDecl } from '../language/syntax';
import { blockOf } from '../language/walk';
import { plural } from '../language/wording';
import type { TrainResult } from '../nn/types';
import type { RunState } from '../training/runState';
import { blownText, flatText } from './health';
import { formatLoss, formatLossAgainst, formatPercent, formatSeconds, keptNote, lossWord, patienceText, statusSummary, stopTarget } from './summary';

/** The result problem of one run, or null while it has no result. */
export function resultProblem(check: CheckResult, run: RunSpec, state: RunState, text: string): Problem | null {
  const span = run.keywordSpan;
  if (state.phase === 'failed') {
    return { span, severity: 'error', code: 'training-failed', message: `training failed: ${state.failure ?? 'unknown error'}. Train to try again.` };
  }
  // A run that trains (again) or waits to says so: the previous result is no longer what it stands at.
  if (state.phase === 'running' || state.phase === 'queued') {
    const doing = state.phase === 'queued' ? 'waiting for a free training worker' : state.stopping ? 'stopping' : 'training';
    return { span, severity: 'info', code: 'training', message: `${doing}: the result will show here when the run ends` };
  }
  if (state.phase === 'stepped') {
    const position = state.weights?.position;
    const trained = position?.from === 'trained' && state.outcome?.result ? ` (trained to epoch ${state.outcome.result.epochs} in ${formatSeconds(state.outcome.seconds)})` : '';
    if (position && position.steps === 0) {
      const loss = formatLossAgainst(position.loss, run.settings.stopLoss);
      return { span, severity: 'info', code: 'stepped', message: `reset to the initial weights: epoch 0 · loss ${loss}. Step makes one update from here; Train trains from the seed.` };
    }
    return { span, severity: 'info', code: 'stepped', message: `stepped: ${statusSummary(state, run)}${trained}` };
  }
  const outcome = state.outcome;
  const result = outcome?.result;
  if (!outcome || !result) return null;
  const stop = stopTarget(run, result);
  const target = stop?.target ?? null;
  const seconds = formatSeconds(outcome.seconds);
  const scores = scoreText(result);
  switch (result.stopped) {
    case 'target':
      return {
        span,
        severity: 'info',
        code: 'trained',
        message: `trained: ${stop?.loss ?? 'loss'} ${formatLossAgainst(stop?.value, target)} at epoch ${result.epochs} (target < ${formatLoss(target)} reached) in ${seconds}${scores}`,
      };
    case 'patience':
      return { span, severity: 'info', code: 'trained', message: `trained in ${seconds}: stopped at epoch ${result.epochs}: ${patienceText(run, result)}${scores}` };
    case 'epochs': {
      const frozen = frozenAdvice(run, result);
      if (frozen !== null) {
        const rateFix = raiseRateFix(check.file, run, text);
        return {
          span,
          severity: 'warning',
          code: 'rate-too-small',
          message: `${stop?.loss ?? 'loss'} ${formatLossAgainst(stop?.value ?? result.loss, target)} after ${plural(result.epochs, 'epoch')}${target !== null ? `, target ${formatLoss(target)} not reached` : ''}${keptNote(result)}. ${frozen}`,
          ...(rateFix !== null ? { fixes: [rateFix] } : {}),
        };
      }
      if (stop === null) {
        return { span, severity: 'info', code: 'trained', message: `trained: loss ${formatLoss(result.loss)} after ${plural(result.epochs, 'epoch')}${keptNote(result)} in ${seconds}${scores}` };
      }
      const flat = outcome.health?.flat;
      if (flat) {
        return {
          span,
          severity: 'warning',
          code: 'loss-flat',
          message: `${stop.loss} ${formatLossAgainst(stop.value, target)} after ${plural(result.epochs, 'epoch')} did not reach ${formatLoss(target)}${keptNote(result)}: ${flatText(flat)}`,
        };
      }
      return {
        span,
        severity: 'warning',
        code: 'target-missed',
        message: `${stop.loss} ${formatLossAgainst(stop.value, target)} after ${plural(result.epochs, 'epoch')} did not reach ${formatLoss(target)}${keptNote(result)}. ${missAdvice(result.history.loss, run.settings)}`,
      };
    }
    case 'time':
      return {
        span,
        severity: 'warning',
        code: 'target-missed',
        message: `stopped at the time limit after ${seconds}, at epoch ${result.epochs} of ${run.settings.epochs}: loss ${formatLoss(result.loss)}. Raise nn.maxTrainingSeconds to let it finish.`,
      };
    case 'cancelled':
      return { span, severity: 'info', code: 'trained', message: `stopped at epoch ${result.epochs} of ${run.settings.epochs}: loss ${formatLoss(result.loss)}${scores}` };
    case 'diverged': {
      const problem = divergence(check, run, result, text);
      const blown = outcome.health?.blown;
      return blown && result.updates > 0 ? { ...problem, message: `${problem.message} ${blownText(run, blown)}` } : problem;
    }
  }
}

function scoreText(result: NonNullable<RunState['outcome']>['result']): string {
  if (!result) return '';
  const parts: string[] = [];
  if (result.accuracy !== null) parts.push(`accuracy ${formatPercent(result.accuracy)}`);
  if (result.validationLoss !== null) parts.push(`validation loss ${formatLoss(result.validationLoss)}`);
  if (result.validationAccuracy !== null) parts.push(`validation accuracy ${formatPercent(result.validationAccuracy)}`);
  if (result.penalty != null) parts.push(`penalty ${formatLoss(result.penalty)}`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

/** Still falling at the end means "more epochs"; flat means stuck. */
/**
 * What to try after a missed target, fitted to the run (docs/editor.md "Diagnostics after a run"):
 * when `nn train --epochs` cut the run's epochs, that first; a loss still falling means more epochs;
 * otherwise the run may be stuck, and the advice names only what the run does not already do
 * (momentum only for plain sgd). Takes the epochs' losses; `writtenEpochs` is the file's count
 * when the command line ran fewer. (Also the command line's summary.)
 */
export function missAdvice(losses: ArrayLike<number>, settings: Pick<TrainSettings, 'optimizer' | 'epochs'>, writtenEpochs: number | null = null): string {
  if (writtenEpochs !== null && writtenEpochs > settings.epochs) {
    return `The run stopped after the ${plural(settings.epochs, 'epoch')} --epochs allows (the file asks for ${writtenEpochs}): run it without --epochs, or with more.`;
  }
  const n = losses.length;
  // Over the last tenth of a long run; over the whole of a short one (5 epochs are not "stuck").
  if (n >= 2) {
    const late = losses[n - 1];
    const earlier = losses[n >= 20 ? Math.floor(n * 0.9) - 1 : 0];
    if (Number.isFinite(late) && Number.isFinite(earlier) && late < earlier * 0.95) {
      return 'The loss was still falling: try more epochs or a higher rate.';
    }
  }
  const optimizer = settings.optimizer;
  const tries = ['another seed', 'more hidden units', ...(optimizer.kind === 'sgd' && optimizer.momentum === 0 ? ['momentum'] : [])];
  return `The run may be stuck: try ${tries.slice(0, -1).join(', ')}${tries.length > 2 ? ',' : ''} or ${tries[tries.length - 1]}.`;
}

/** The optimizer's default rate: what a rate too small to move any weight is raised to. */
function defaultRate(run: RunSpec): number {
  return run.settings.optimizer.kind === 'adam' ? 0.001 : 0.1;
}

/**
 * Why a run did not learn although it ran, when no weight moved in its last update while the
 * gradient was not 0: rate × gradient is below the weights' rounding (`rate 1e-320`), so
 * training changes nothing. Null when the weights moved (or the result does not tell).
 */
export function frozenAdvice(run: RunSpec, result: TrainResult): string | null {
  if (result.updates === 0 || result.layers.length === 0) return null;
  let gradient = false;
  for (const layer of result.layers) {
    if (layer.lastUpdate === undefined) return null;
    for (let i = 0; i < layer.lastUpdate.length; i++) if (layer.lastUpdate[i] !== 0) return null;
    for (let i = 0; i < layer.weightGradient.length && !gradient; i++) gradient = layer.weightGradient[i] !== 0;
  }
  if (!gradient) return null;
  const rate = run.settings.optimizer.rate;
  return `Rate ${formatLoss(rate)} is too small to move any weight: the last update changed none of them, each step being below the weights' rounding. Raise the rate (${run.settings.optimizer.kind}'s default is ${defaultRate(run)}).`;
}

/**
 * Why the loss was not finite before any update, or null when updates came first (the rate is
 * then to blame). At the initial weights no rate can help: the data's values overflow the loss,
 * through targets whose squared error is beyond the largest number, or through inputs so large
 * that the network's sums overflow. `normalize` scales the inputs only.
 */
export function overflowAdvice(run: RunSpec, result: TrainResult): { advice: string; normalizeInputs: boolean } | null {
  if (result.updates > 0) return null;
  const targets = run.data.targets;
  let largestTarget = 0;
  let squaredErrors = 0;
  for (let i = 0; i < targets.length; i++) {
    largestTarget = Math.max(largestTarget, Math.abs(targets[i]));
    squaredErrors += 0.5 * targets[i] * targets[i];
  }
  const inputs = largestInput(run);
  if (!Number.isFinite(squaredErrors)) {
    return {
      advice: `targets up to ${formatLoss(largestTarget)} are too large: their squared error alone is beyond the largest number, so no rate can help. Scale the targets down ('normalize' scales the inputs only)`,
      normalizeInputs: false,
    };
  }
  if (run.data.normalize === null && inputs > 10) {
    return {
      advice: `inputs up to ${formatLoss(inputs)} overflow the network's sums, so no rate can help. Add 'normalize zscore' to data '${run.data.name}'`,
      normalizeInputs: true,
    };
  }
  return {
    advice: `the data's values (inputs up to ${formatLoss(inputs)}, targets up to ${formatLoss(largestTarget)}) overflow it, so no rate can help. Scale them down`,
    normalizeInputs: false,
  };
}

function divergence(check: CheckResult, run: RunSpec, result: TrainResult, text: string): Problem {
  const word = lossWord(result.history.loss);
  const overflow = overflowAdvice(run, result);
  if (overflow !== null) {
    const dataDecl = overflow.normalizeInputs ? findData(check.file, run.data.name) : undefined;
    const normalizeFix = dataDecl ? addNormalizeFix(dataDecl, text) : null;
    return {
      span: run.keywordSpan,
      severity: 'error',
      code: 'diverged',
      message: `loss was ${word} at the initial weights, before any update: ${overflow.advice}.`,
      ...(normalizeFix !== null ? { fixes: [normalizeFix] } : {}),
    };
  }
  const epoch = result.epochs;
  const rate = run.settings.optimizer.rate;
  const largest = largestInput(run);
  const normalized = run.data.normalize !== null;
  const fixes: Fix[] = [];
  const newRate = rate > 1 ? 0.01 : Number((rate / 10).toPrecision(2));
  const rateFix = setRateFix(check.file, run, newRate, text);
  if (rateFix) fixes.push(rateFix);
  const dataDecl = findData(check.file, run.data.name);
  const normalizeFix = !normalized && largest > 10 && dataDecl ? addNormalizeFix(dataDecl, text) : null;
  if (normalizeFix) fixes.push(normalizeFix);
  let message = `loss became ${word} at epoch ${epoch}: `;
  if (normalizeFix) {
    message += `rate ${formatLoss(rate)} is too high for inputs this large (up to ${formatLoss(largest)}). Lower the rate, or add 'normalize zscore' to data '${run.data.name}'.`;
  } else {
    message += `rate ${formatLoss(rate)} is too high for this network. Lower the rate.`;
  }
  return { span: run.keywordSpan, severity: 'error', code: 'diverged', message, fixes };
}

/** The largest input in magnitude; a data set is read-only and may have millions of rows, so it is found once per set. */
function largestInput(run: RunSpec): number {
  let largest = LARGEST_INPUT.get(run.data);
  if (largest !== undefined) return largest;
  largest = 0;
  for (const x of run.data.inputs) if (Math.abs(x) > largest) largest = Math.abs(x);
  LARGEST_INPUT.set(run.data, largest);
  return largest;
}

const LARGEST_INPUT = new WeakMap<Dataset, number>();

function findTrain(file: SpecFile, run: RunSpec): TrainDecl | undefined {
  return file.declarations.find((d): d is TrainDecl => d.kind === 'train' && d.keyword.start === run.keywordSpan.start);
}

export function findData(file: SpecFile, name: string): DataDecl | undefined {
  return file.declarations.find((d): d is DataDecl => d.kind === 'data' && d.name?.text === name);
}

/** The indentation of the line holding `offset`. */
function indentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  const match = /^[ \t]*/.exec(text.slice(start, offset));
  return match ? match[0] : '';
}

/** The indentation statements inside a block use: that of its first statement, else two more spaces than the block's line. */
function bodyIndent(text: string, openBrace: number, firstStatement: number | undefined): string {
  return firstStatement !== undefined ? indentAt(text, firstStatement) : `${indentAt(text, openBrace)}  `;
}

function lineBreakAfter(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i + 1;
}

/** "Set rate to" the optimizer's default, for a rate below it. */
function raiseRateFix(file: SpecFile, run: RunSpec, text: string): Fix | null {
  return run.settings.optimizer.rate < defaultRate(run) ? setRateFix(file, run, defaultRate(run), text) : null;
}

export function setRateFix(file: SpecFile, run: RunSpec, rate: number, text: string): Fix | null {
  const decl = findTrain(file, run);
  if (!decl) return null;
  const title = `Set rate to ${rate}`;
  const optimizer = decl.statements.find((s) => s.kind === 'optimizer');
  if (optimizer && optimizer.kind === 'optimizer') {
    const param = optimizer.params.find((p) => p.name.text === 'rate');
    if (param?.value) return { title, edits: [{ span: param.value.span, newText: String(rate) }], preferred: true };
    const after = optimizer.name?.span.end ?? optimizer.keyword.end;
    return { title, edits: [{ span: { start: after, end: after }, newText: ` rate ${rate}` }], preferred: true };
  }
  const block = blockOf(decl);
  if (!block) return null;
  const at = lineBreakAfter(text, block.open.end);
  const indent = bodyIndent(text, block.open.start, decl.statements[0]?.span.start);
  return { title, edits: [{ span: { start: at, end: at }, newText: `${indent}optimizer sgd rate ${rate}\n` }], preferred: true };
}

export function addNormalizeFix(decl: DataDecl, text: string): Fix | null {
  const source = decl.source;
  const title = `Add normalize zscore to data '${decl.name?.text ?? ''}'`;
  if (!source || source.kind === 'generated') return null;
  const block = blockOf(source);
  if (!block) return null;
  const at = lineBreakAfter(text, block.open.end);
  if (source.kind === 'inline') {
    const indent = bodyIndent(text, block.open.start, source.rows[0]?.span.start);
    return { title, edits: [{ span: { start: at, end: at }, newText: `${indent}normalize zscore\n` }] };
  }
  const first = [source.inputs, source.target, source.header].filter((s) => s).map((s) => s!.span.start).sort((a, b) => a - b)[0];
  const indent = bodyIndent(text, block.open.start, first);
  return { title, edits: [{ span: { start: at, end: at }, newText: `${indent}normalize zscore\n` }] };
}
