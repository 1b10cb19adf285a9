// The training actor of one document: which of its runs are training, tagged with the document version, and what became of them.
//
// The host (host.ts) feeds it the checked runs of each new document version. A job
// stays live only while its run's key is still in the document; when the key goes,
// the job is cancelled and forgotten here, so whatever it still sends is stale and
// dropped. That is the whole rule that keeps results off changed text: an answer
// lands only if it belongs to the live job of a run the current version still has.

import type { CheckedGradients } from './runState';
import type { RunSpec } from '../language/model';
import type { CurvePoint } from '../protocol';
import type { LiveWeights, ProgressReport, RunFrame } from './messages';
import type { JobHandle } from './pool';
import type { LiveSnapshots } from '../present/snapshots';

export interface LiveJob {
  kind: 'train' | 'step' | 'reset';
  /** Document version the job was started for. */
  version: number;
  handle: JobHandle | null;
  started: boolean;
  progress: ProgressReport | null;
  /** The loss curve so far, from progress reports (the panel's live view). */
  curve: CurvePoint[];
  /** The network and boundary as training goes (bounded), and the data's points they are drawn with. */
  snapshots: LiveSnapshots;
  frame: RunFrame | null;
  /** The weights of the latest live snapshot (hovers and hints while the run trains). */
  weights: LiveWeights | null;
  /** Stop was asked; the job has not answered yet. */
  stopping: boolean;
}

export class DocumentRuns {
  version = -1;
  runs: readonly RunSpec[] = [];
  /** Live jobs by RunSpec.key. */
  readonly live = new Map<string, LiveJob>();
  /** Runs whose last job failed (crash, error), by key, with the message. */
  readonly failures = new Map<string, string>();
  /** The last gradient check of each run ("NN: Check Gradients"), by key. */
  readonly checks = new Map<string, CheckedGradients>();

  constructor(readonly uri: string) {}

  /**
   * A new version was checked. Runs that are gone (their key changed or the block
   * was deleted) lose their job: it is cancelled, and its answers become stale.
   * Returns the keys whose jobs were cancelled.
   */
  update(version: number, runs: readonly RunSpec[]): string[] {
    this.version = version;
    this.runs = runs;
    const keys = new Set(runs.map((r) => r.key));
    const cancelled: string[] = [];
    for (const [key, job] of this.live) {
      if (keys.has(key)) continue;
      this.live.delete(key);
      job.handle?.cancel();
      cancelled.push(key);
    }
    for (const key of [...this.failures.keys()]) if (!keys.has(key)) this.failures.delete(key);
    for (const key of [...this.checks.keys()]) if (!keys.has(key)) this.checks.delete(key);
    return cancelled;
  }

  /** The current version's run with this key. */
  run(key: string): RunSpec | undefined {
    return this.runs.find((r) => r.key === key);
  }

  /** True when `job` is still the live job of its run: only then may its answers land. */
  owns(key: string, job: LiveJob): boolean {
    return this.live.get(key) === job;
  }

  /** Cancels every live job (the document closed). */
  dispose(): void {
    for (const job of this.live.values()) job.handle?.cancel();
    this.live.clear();
  }
}
