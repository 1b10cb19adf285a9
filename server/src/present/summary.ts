// The words and numbers of a run's state, as the CodeLens, the result diagnostics and the status bar say them (docs/editor.md "CodeLens").

import type { RunSpec } from '../language/model';
import { plural } from '../language/wording';
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

/** `epoch 1200/20000 · loss 0.0213 · val 0.0250 · 0.4 s` */
export function progressText(progress: ProgressReport | null, run: RunSpec): string {
  if (!progress) return `epoch 0/${run.settings.epochs}`;
  const parts = [`epoch ${progress.epoch}/${progress.epochs}`, `loss ${formatLoss(progress.loss)}`];
  if (progress.validationLoss !== null) parts.push(`val ${formatLoss(progress.validationLoss)}`);
  parts.push(formatSeconds(progress.seconds));
  return parts.join(' · ');
}

/** The one-line result as the CodeLens shows it, or null when the run has none. */
export function resultText(state: RunState, run: RunSpec): string | null {
  const result = state.outcome?.result;
  if (state.phase === 'failed') return `training failed: ${state.failure ?? 'unknown error'}`;
  if (!result) return null;
  const seconds = formatSeconds(state.outcome!.seconds);
  const target = run.settings.stopLoss;
  switch (result.stopped) {
    case 'target':
      return `loss ${formatLossAgainst(result.loss, target)} at epoch ${result.epochs}, target < ${formatLoss(target)} reached · ${seconds}`;
    case 'epochs':
      return target !== null
        ? `loss ${formatLossAgainst(result.loss, target)} after ${plural(result.epochs, 'epoch')} (target ${formatLoss(target)} not reached)`
        : `loss ${formatLoss(result.loss)} after ${plural(result.epochs, 'epoch')} · ${seconds}`;
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
