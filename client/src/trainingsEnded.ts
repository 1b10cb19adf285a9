// Which runs of a document finished a training between two nn/runStatus notifications: the Test Explorer shows their verdicts too (docs/editor.md "The Test Explorer").

import type { RunPhase, RunStatus } from '../../server/src/protocol';

const TRAINING: readonly RunPhase[] = ['queued', 'running'];
/** The phases a training ends in; each has something to grade or to say it was not graded (Stop). */
const ENDED: readonly RunPhase[] = ['done', 'diverged', 'failed', 'cancelled'];

/**
 * The runs (as in `after`) that were training in `before` and have ended in `after`. Runs are matched by their place among the document's runs, so an edit that adds or
 * removes a run while another trains may name a run whose training did not just end: its
 * verdicts are then graded again from what it has, which is harmless.
 */
export function trainingsEnded(before: readonly RunStatus[], after: readonly RunStatus[]): RunStatus[] {
  return after.filter((run) => {
    const earlier = before.find((r) => r.index === run.index);
    return earlier !== undefined && TRAINING.includes(earlier.phase) && ENDED.includes(run.phase);
  });
}
