// The words and numbers of a run's state, as the CodeLens, the result diagnostics, the hovers, the status bar and the panel say them (docs/editor.md "CodeLens", "One state, every view").

import type { RunSpec } from '../language/model';
import { plural } from '../language/wording';
import type { TrainResult } from '../nn/types';
import type { RunStatus } from '../protocol';
import type { ProgressReport } from '../training/messages';
import type { RunState } from '../training/runState';
import { formatLoss, formatLossAgainst, formatSeconds } from './numbers';

export { formatLoss, formatLossAgainst, formatSeconds } from './numbers';

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return 'n/a';
  return `${Number((share * 100).toPrecision(3))}%`;
}

/** `epoch 1200/20000 · loss 0.0213 · val 0.0250 · 0.4 s` (and the rate, penalty and best epoch a run has: vocabularyParts) */
export function progressText(progress: ProgressReport | null, run: RunSpec): string {
  if (!progress) return `epoch 0/${run.settings.epochs}`;
  const parts = [`epoch ${progress.epoch}/${progress.epochs}`, `loss ${formatLoss(progress.loss)}`];
  if (progress.validationLoss !== null) parts.push(`val ${formatLoss(progress.validationLoss)}`);
  parts.push(...vocabularyParts(progress));
  parts.push(formatSeconds(progress.seconds));
  return parts.join(' · ');
}

/** What a run's status carries of docs/language.md §7.2–§7.4: the rate with a schedule, the penalty with regularization, the best (or kept) epoch with patience. */
export function vocabularyStatus(run: RunSpec, progress: ProgressReport | null, result: TrainResult | null | undefined): Pick<RunStatus, 'rate' | 'penalty' | 'bestEpoch'> {
  const status: Pick<RunStatus, 'rate' | 'penalty' | 'bestEpoch'> = {};
  const rate = progress ? progress.rate : run.settings.schedule ? result?.rate : undefined;
  const penalty = progress ? progress.penalty : result?.penalty;
  const best = progress ? progress.bestEpoch : result?.bestEpoch;
  if (rate !== undefined) status.rate = rate;
  if (penalty !== undefined && penalty !== null) status.penalty = penalty;
  if (best !== undefined && best !== null) status.bestEpoch = best;
  return status;
}

/** `rate 0.05 · penalty 0.0123 · best epoch 1150`, the parts a run has, for the live lens, the status bar and the panel. */
export function vocabularyParts(numbers: Pick<RunStatus, 'rate' | 'penalty' | 'bestEpoch'>): string[] {
  const parts: string[] = [];
  if (numbers.rate !== undefined) parts.push(`rate ${formatLoss(numbers.rate)}`);
  if (numbers.penalty !== undefined) parts.push(`penalty ${formatLoss(numbers.penalty)}`);
  if (numbers.bestEpoch !== undefined && numbers.bestEpoch > 0) parts.push(`best epoch ${numbers.bestEpoch}`);
  return parts;
}

/**
 * The run's `stop when` rule as the result texts name it (docs/language.md §4.13, §7.4): the loss it
 * compares (the training loss, or the validation loss), that loss's last value, and the bound; null without one.
 */
export function stopTarget(run: RunSpec, result: TrainResult): { loss: string; value: number | null; target: number } | null {
  if (run.settings.stopLoss !== null) return { loss: 'loss', value: result.loss, target: run.settings.stopLoss };
  const validation = run.settings.stopValidationLoss ?? null;
  if (validation === null) return null;
  // After patience went back to an earlier epoch the result's validation loss is the kept weights'; the rule saw the last epoch's.
  const losses = result.history.validationLoss;
  const last = losses && losses.length > 0 ? losses[losses.length - 1] : null;
  return { loss: 'validation loss', value: last !== null && Number.isFinite(last) ? last : null, target: validation };
}

/** Why a run with `patience` stopped: `no improvement for 50 epochs; kept the weights of epoch 362` (docs/language.md §7.4). */
export function patienceText(run: RunSpec, result: TrainResult): string {
  return `no improvement for ${run.settings.patience} epochs; kept the weights of epoch ${result.bestEpoch}`;
}

/** After a run that went back to the weights of an earlier epoch without stopping early (all epochs run): `; kept the weights of epoch 362`. */
export function keptNote(result: TrainResult): string {
  const best = result.bestEpoch ?? null;
  return best !== null && best !== result.epochs && result.stopped !== 'patience' ? `; kept the weights of epoch ${best}` : '';
}

/** The one-line result as the CodeLens shows it, or null when the run has none. */
export function resultText(state: RunState, run: RunSpec): string | null {
  const result = state.outcome?.result;
  if (state.phase === 'failed') return `training failed: ${state.failure ?? 'unknown error'}`;
  if (!result) return null;
  const seconds = formatSeconds(state.outcome!.seconds);
  const stop = stopTarget(run, result);
  const target = stop?.target ?? null;
  switch (result.stopped) {
    case 'target':
      return `${stop?.loss ?? 'loss'} ${formatLossAgainst(stop?.value, target)} at epoch ${result.epochs}, target < ${formatLoss(target)} reached · ${seconds}`;
    case 'patience':
      return `stopped at epoch ${result.epochs}: ${patienceText(run, result)}${result.validationLoss !== null ? ` · val ${formatLoss(result.validationLoss)}` : ''} · ${seconds}`;
    case 'epochs':
      return stop !== null
        ? `${stop.loss} ${formatLossAgainst(stop.value, target)} after ${plural(result.epochs, 'epoch')} (target ${formatLoss(target)} not reached)${keptNote(result)}`
        : `loss ${formatLoss(result.loss)} after ${plural(result.epochs, 'epoch')}${keptNote(result)} · ${seconds}`;
    case 'diverged':
      return `loss became ${lossWord(result.history.loss)} at epoch ${result.epochs}`;
    case 'time':
      return `stopped at the time limit (${seconds}), epoch ${result.epochs}/${run.settings.epochs} · loss ${formatLoss(result.loss)}`;
    case 'cancelled':
      return `stopped at epoch ${result.epochs}/${run.settings.epochs} · loss ${formatLoss(result.loss)}`;
  }
}

/** The one-line status of a run for RunStatus.summary (the lens's text, the status bar's tooltip, the panel). */
export function statusSummary(state: RunState, run: RunSpec): string {
  switch (state.phase) {
    case 'queued':
      return 'waiting for a free training worker';
    case 'running':
      return state.stopping ? `stopping at ${progressText(state.progress, run).replace(/ · [^·]+ s$/, '')}` : progressText(state.progress, run);
    case 'idle':
      return `not trained · ${estimateText(state.estimate, run)}`;
    case 'stepped':
      return steppedText(state, run);
    default:
      return resultText(state, run) ?? 'not trained';
  }
}

/**
 * Where Step or Reset left the weights: `step 3 from the trained weights · epoch 829 · loss
 * 0.000997`, `step 2 from the initial weights · epoch 2 · loss 0.247`, `initial weights
 * (Reset) · epoch 0 · loss 0.25`.
 */
function steppedText(state: RunState, run: RunSpec): string {
  const position = state.weights?.position;
  if (!position) return 'not trained';
  const loss = `loss ${formatLossAgainst(position.loss, run.settings.stopLoss)}`;
  if (position.steps === 0 && position.from === 'initial') return `initial weights (Reset) · epoch 0 · ${loss}`;
  const from = position.from === 'trained' ? 'the trained weights' : 'the initial weights';
  return `step ${position.steps} from ${from} · epoch ${position.epoch} · ${loss}`;
}

/**
 * The estimate as the lens shows it: `est. 0.2 s`, or `est. up to 0.2 s` for a run with a `stop
 * when` target, which may end it sooner; `est. < 0.01 s` for either (docs/editor.md "Auto-train and the estimate").
 */
export function estimateText(seconds: number, run: RunSpec): string {
  // "up to < 0.01 s" says no more than "< 0.01 s".
  const bound = seconds >= 0.01 && (run.settings.stopLoss !== null || (run.settings.stopValidationLoss ?? null) !== null);
  return `est. ${bound ? 'up to ' : ''}${formatSeconds(seconds)}`;
}

/** Where the run stands in a few words, the same in every view (RunStatus.position). */
export function positionText(status: Pick<RunStatus, 'phase' | 'epoch' | 'loss' | 'step' | 'stepFrom'>, run: RunSpec): string {
  switch (status.phase) {
    case 'idle':
      return 'not trained';
    case 'queued':
      return 'queued';
    case 'failed':
      return 'training failed';
    default: {
      const loss = `loss ${status.phase === 'diverged' && status.loss === null ? 'NaN' : formatLossAgainst(status.loss, run.settings.stopLoss)}`;
      if (status.step === null) return `epoch ${status.epoch} · ${loss}`;
      if (status.step === 0 && status.stepFrom === 'initial') return `initial weights · epoch 0 · ${loss}`;
      return `step ${status.step} · epoch ${status.epoch} · ${loss}`;
    }
  }
}

/**
 * How the views name a run: `ring on disc`, and `ring on disc (line 14)` when the file has
 * other runs of the same network (docs/editor.md "Several runs of one network").
 */
export function runTitle(run: RunSpec, runs: readonly RunSpec[], line: number): string {
  const shared = runs.filter((r) => r.network.name === run.network.name).length > 1;
  return `${run.network.name} on ${run.data.name}${shared ? ` (line ${line + 1})` : ''}`;
}

/**
 * A run's status, the numbers and words every view shows, from its one state: the epoch, loss
 * and time of the live progress while it trains, else of the weights it stands at (the
 * trained, stepped or reset ones).
 */
export function runStatus(state: RunState, run: RunSpec, where: { line: number; index: number; runs: readonly RunSpec[] }): RunStatus {
  const training = state.phase === 'running' || state.phase === 'queued';
  const progress = training ? state.progress : null;
  const weights = training ? null : state.weights;
  const result = state.outcome?.result ?? null;
  const trained = weights?.source === 'trained' ? result : null;
  const position = state.phase === 'stepped' ? (weights?.position ?? null) : null;
  const numbers = {
    phase: state.phase,
    epoch: progress?.epoch ?? (state.phase === 'diverged' ? (result?.epochs ?? 0) : (weights?.epoch ?? 0)),
    loss: progress ? progress.loss : (weights?.loss ?? null),
    step: position?.steps ?? null,
    stepFrom: position?.from ?? null,
  };
  return {
    line: where.line,
    index: where.index,
    network: run.network.name,
    data: run.data.name,
    ...numbers,
    epochs: run.settings.epochs,
    validationLoss: progress ? progress.validationLoss : (trained?.validationLoss ?? null),
    accuracy: progress ? progress.accuracy : (trained?.accuracy ?? null),
    seconds: progress?.seconds ?? state.outcome?.seconds ?? 0,
    summary: statusSummary(state, run),
    position: positionText(numbers, run),
    stopping: state.stopping,
    target: run.settings.stopLoss,
    title: runTitle(run, where.runs, where.line),
    ...vocabularyStatus(run, progress, trained ?? (state.phase === 'stepped' ? null : result)),
  };
}

/** NaN or infinite, as the last epoch's loss (of the epochs' losses) was. */
export function lossWord(losses: ArrayLike<number>): string {
  const last = losses.length > 0 ? losses[losses.length - 1] : undefined;
  return last === Infinity || last === -Infinity ? 'infinite' : 'NaN';
}
