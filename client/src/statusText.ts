// What the status bar item says about a document's runs: pure formatting, shared by the extension and its tests.

import type { RunStatus } from '../../server/src/protocol';

export interface StatusBarContent {
  text: string;
  tooltip: string;
  /** The run the item opens when clicked. */
  run: RunStatus;
}

const icons: Record<RunStatus['phase'], string> = {
  idle: '$(circle-outline)',
  queued: '$(clock)',
  running: '$(pulse)',
  done: '$(check)',
  diverged: '$(error)',
  cancelled: '$(circle-slash)',
  failed: '$(error)',
  stepped: '$(debug-step-over)',
};

/**
 * The item for a document: the run that is training (or queued) first, else one that failed,
 * else one that Step or Reset moved, else a finished one; nothing when no run has started, so
 * the bar stays quiet. Its words are the run's `position`, which the server makes from the same
 * state as the lens, the hovers and the panel (docs/editor.md "One state, every view").
 */
export function statusBarContent(runs: readonly RunStatus[]): StatusBarContent | undefined {
  const active =
    runs.find((r) => r.phase === 'running') ??
    runs.find((r) => r.phase === 'queued') ??
    runs.find((r) => r.phase === 'diverged' || r.phase === 'failed') ??
    runs.find((r) => r.phase === 'stepped') ??
    runs.find((r) => r.phase === 'done' || r.phase === 'cancelled');
  if (!active) return undefined;
  const others = runs.filter((r) => r !== active && (r.phase === 'running' || r.phase === 'queued')).length;
  const more = others > 0 ? ` (+${others})` : '';
  const text = `${icons[active.phase]} ${active.network}: ${active.stopping ? 'stopping · ' : ''}${active.position}${more}`;
  const tooltip = `${active.title}: ${active.summary}\nClick to show the training panel.`;
  return { text, tooltip, run: active };
}
