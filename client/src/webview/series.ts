// Incremental snapshots of nn/training (TrainingView.series/seqs/after): what to ask for, and how to merge an answer into what is held. Plain data, used by the extension host and the webview alike.

import type { TrainingView } from '../../../server/src/protocol';

/** TrainingParams.held for a view the asker holds whole: its series and its newest sequence number. */
export function heldOf(view: TrainingView | null): { series: number; upTo: number } | undefined {
  if (!view || view.series === undefined || !view.seqs || view.seqs.length !== view.snapshots.length || view.after !== undefined) return undefined;
  return { series: view.series, upTo: view.seqs.length > 0 ? view.seqs[view.seqs.length - 1] : -1 };
}

/**
 * The whole view an answer stands for. An answer without `after` is whole already. One with
 * `after` adds to `held`: the held snapshots still listed in `seqs`, then the new ones.
 * Returns null when the answer does not fit what is held (another series, a snapshot
 * missing): the caller then asks for the whole view again.
 */
export function mergeView(held: TrainingView | null, incoming: TrainingView): TrainingView | null {
  if (incoming.after === undefined) return incoming;
  if (!held || held.series !== incoming.series || !held.seqs || held.seqs.length !== held.snapshots.length || !incoming.seqs) return null;
  const bySeq = new Map<number, TrainingView['snapshots'][number]>();
  held.seqs.forEach((seq, i) => bySeq.set(seq, held.snapshots[i]));
  const after = incoming.after;
  const fresh = incoming.seqs.filter((seq) => seq > after);
  if (fresh.length !== incoming.snapshots.length) return null;
  fresh.forEach((seq, i) => bySeq.set(seq, incoming.snapshots[i]));
  const snapshots = [];
  for (const seq of incoming.seqs) {
    const snapshot = bySeq.get(seq);
    if (!snapshot) return null;
    snapshots.push(snapshot);
  }
  const { after: _after, ...rest } = incoming;
  return { ...rest, snapshots };
}
