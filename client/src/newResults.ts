// Which runs of a document have a new result between two nn/runStatus notifications: the Test Explorer shows their verdicts too (docs/editor.md "The Test Explorer").

import type { RunPhase, RunStatus } from '../../server/src/protocol';

/** The phases a training ends in; each has something to grade, or to say it was not graded (Stop). */
const ENDED: readonly RunPhase[] = ['done', 'diverged', 'failed', 'cancelled'];

/** What tells one result of a run from another: a new training has its own time, epochs and loss. */
function resultOf(run: RunStatus): string {
  return `${run.phase}|${run.seconds}|${run.epoch}|${run.loss}`;
}

/**
 * The runs (as in `after`) that have a result in `after` which they did not have in `before`:
 * a training ended, or an edit brought back a result the server kept. A notification may
 * carry several steps at once (the server coalesces a run's news, so a short training can go
 * from idle to done in one), hence results are compared, not phases. A run absent from
 * `before` (the document just opened) has nothing new. Runs are matched by their place among
 * the document's runs.
 */
export function newResults(before: readonly RunStatus[], after: readonly RunStatus[]): RunStatus[] {
  return after.filter((run) => {
    const earlier = before.find((r) => r.index === run.index);
    return earlier !== undefined && ENDED.includes(run.phase) && resultOf(earlier) !== resultOf(run);
  });
}
