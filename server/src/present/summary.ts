// The words and numbers of a run's state, as the CodeLens, the result diagnostics and the status bar say them (docs/editor.md "CodeLens").

import type { RunSpec } from '../language/model';
import { plural } from '../language/wording';
import type { TrainResult } from '../nn/types';
import type { RunStatus } from '../protocol';
import type { ProgressReport } from '../training/messages';
import type { RunState } from '../training/host';

/** Three significant digits, no trailing zeros: 0.00098, 0.126, 12.3, 3400. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(Number(value.toPrecision(3)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * A loss beside the target it is compared with: enough digits that the two never read
 * the same (0.000998 against 0.001, not 0.001 against 0.001).
 */
export function formatLossAgainst(value: number | null | undefined, target: number | null): string {
  if (value === null || value === undefined || target === null || !Number.isFinite(value) || value === 0) return formatLoss(value);
  for (let digits = 3; digits <= 8; digits++) {
    const shown = Number(value.toPrecision(digits));
    if ((value < target) === (shown < target) && shown !== target) return digits === 3 ? formatLoss(shown) : String(shown);
  }
  return formatLoss(value);
}

/** 0.21 s, 1.5 s, 40 s, 3 min. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds < 0.01) return '< 0.01 s';
  if (seconds < 10) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

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

/** The one-line status of a run for RunStatus.summary (the status bar, the panel title). */
export function statusSummary(state: RunState, run: RunSpec): string {
  switch (state.phase) {
    case 'queued':
      return 'waiting for a free training worker';
    case 'running':
      return progressText(state.progress, run);
    case 'idle': {
      const step = state.outcome?.step;
      return step ? `step ${step.update} · batch loss ${formatLoss(step.batchLoss)}` : `not trained · est. ${formatSeconds(state.estimate)}`;
    }
    default:
      return resultText(state, run) ?? 'not trained';
  }
}

/** NaN or infinite, as the last epoch's loss (of the epochs' losses) was. */
export function lossWord(losses: ArrayLike<number>): string {
  const last = losses.length > 0 ? losses[losses.length - 1] : undefined;
  return last === Infinity || last === -Infinity ? 'infinite' : 'NaN';
}
