// What the status bar item says about a document's runs: pure formatting, shared by the extension and its tests.

import type { RunStatus } from '../../server/src/protocol';

export interface StatusBarContent {
  text: string;
  tooltip: string;
  /** The run the item opens when clicked. */
  run: RunStatus;
}

/**
 * Loss values span many decades. Four significant digits, so a loss just under a
 * `stop when loss < 0.001` target reads 0.0009999, never a misleading 0.001.
 */
export function formatLoss(loss: number | null): string {
  if (loss === null || !Number.isFinite(loss)) return String(loss ?? '–');
  if (loss === 0) return '0';
  const magnitude = Math.abs(loss);
  if (magnitude >= 1e4 || magnitude < 1e-4) return loss.toExponential(2);
  return Number(loss.toPrecision(4)).toString();
}

const icons: Record<RunStatus['phase'], string> = {
  idle: '$(circle-outline)',
  queued: '$(clock)',
  running: '$(pulse)',
  done: '$(check)',
  diverged: '$(error)',
  cancelled: '$(circle-slash)',
  failed: '$(error)',
};

/**
 * The item for a document: the run that is training (or queued) first, else the most
 * recently finished one; nothing when no run has started, so the bar stays quiet.
 */
export function statusBarContent(runs: readonly RunStatus[]): StatusBarContent | undefined {
  const active =
    runs.find((r) => r.phase === 'running') ??
    runs.find((r) => r.phase === 'queued') ??
    runs.find((r) => r.phase === 'diverged' || r.phase === 'failed') ??
    runs.find((r) => r.phase === 'done' || r.phase === 'cancelled');
  if (!active) return undefined;
  const parts: string[] = [];
  if (active.phase === 'queued') {
    parts.push('queued');
  } else if (active.phase === 'failed') {
    parts.push('training failed');
  } else {
    parts.push(`epoch ${active.epoch}`);
    if (active.loss !== null || active.phase === 'diverged') parts.push(`loss ${formatLoss(active.loss)}`);
  }
  const others = runs.filter((r) => r !== active && (r.phase === 'running' || r.phase === 'queued')).length;
  const more = others > 0 ? ` (+${others})` : '';
  const text = `${icons[active.phase]} ${active.network}: ${parts.join(' · ')}${more}`;
  const tooltip = `${active.network} on ${active.data}: ${active.summary}\nClick to show the training panel.`;
  return { text, tooltip, run: active };
}
