// Finished outcomes by RunSpec.key: equal keys train to identical numbers, so an edit elsewhere in a file never retrains a run.

import type { RunRecord } from './messages';
import type { RunOutcome } from './outcome';

export interface CachedRun {
  outcome: RunOutcome;
  /** Null until the worker sent it (right after the outcome). */
  record: RunRecord | null;
}

/** Roughly how many bytes an entry holds: its weights, gradients, snapshots and explanations. */
export function entryBytes(entry: CachedRun): number {
  let numbers = 0;
  const layers = [...(entry.outcome.result?.layers ?? []), ...(entry.outcome.step?.before ?? []), ...(entry.outcome.step?.after ?? [])];
  for (const layer of layers) numbers += layer.weights.length * 2 + layer.biases.length * 3 + layer.delta.length;
  numbers += (entry.outcome.result?.history.loss.length ?? 0) * 5;
  for (const row of entry.outcome.rows ?? []) for (const a of row.activations) numbers += a.length * 2;
  // The panel's data points and curve are objects (a generated set may have 100,000 points): about six numbers' worth each.
  numbers += ((entry.record?.points?.length ?? 0) + (entry.record?.curve.length ?? 0)) * 6;
  for (const snapshot of entry.record?.snapshots ?? []) {
    numbers += snapshot.boundary?.length ?? 0;
    for (const layer of snapshot.layers) numbers += layer.weights.length * 3 + layer.biases.length;
  }
  return numbers * 8;
}

/**
 * A least-recently-used map, bounded by entry count and by bytes: outcomes carry
 * weights and snapshots, and a large network's are large. The newest entry is always kept.
 */
export class OutcomeCache {
  private readonly entries = new Map<string, { entry: CachedRun; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly capacity = 64,
    private readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  get(key: string): CachedRun | undefined {
    const slot = this.entries.get(key);
    if (slot) {
      this.entries.delete(key);
      this.entries.set(key, slot);
    }
    return slot?.entry;
  }

  /** Reads without touching the recency order (for status queries that run many times a second). */
  peek(key: string): CachedRun | undefined {
    return this.entries.get(key)?.entry;
  }

  set(key: string, entry: CachedRun): void {
    this.delete(key);
    const bytes = entryBytes(entry);
    this.entries.set(key, { entry, bytes });
    this.bytes += bytes;
    while (this.entries.size > 1 && (this.entries.size > this.capacity || this.bytes > this.maxBytes)) {
      this.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    const slot = this.entries.get(key);
    if (!slot) return;
    this.bytes -= slot.bytes;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}
