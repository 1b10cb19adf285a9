// Finished outcomes by RunSpec.key: equal keys train to identical numbers, so an edit elsewhere in a file never retrains a run.

import type { RunRecord } from './messages';
import type { RunOutcome } from './outcome';

export interface CachedRun {
  outcome: RunOutcome;
  /** Null until the worker sent it (right after the outcome). */
  record: RunRecord | null;
}

/** A small least-recently-used map; outcomes carry weights and snapshots, so it is bounded. */
export class OutcomeCache {
  private readonly entries = new Map<string, CachedRun>();

  constructor(private readonly capacity = 64) {}

  get(key: string): CachedRun | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Reads without touching the recency order (for status queries that run many times a second). */
  peek(key: string): CachedRun | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CachedRun): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
