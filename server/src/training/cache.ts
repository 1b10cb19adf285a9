// Finished outcomes by RunSpec.key: equal keys train to identical numbers, so an edit elsewhere in a file never retrains a run.
//
// Memory is bounded by size, not by count (docs/editor.md "Training in the background"):
// a file may have thousands of runs, and what an open document shows must never be
// evicted, or its runs would lose their results and auto-train them again on every edit.
// So the outcomes of the runs open documents show are held; what goes when the cache is
// over its bytes is, least recently used first, whole entries nobody holds, then the
// panel's records of held runs: first thinned to their last snapshot, then dropped.

import type { RunRecord } from './messages';
import type { RunOutcome } from './outcome';

export interface CachedRun {
  outcome: RunOutcome;
  /** Null until the worker sent it (right after the outcome), or when memory was needed (see OutcomeCache). */
  record: RunRecord | null;
}

/** A number in a typed array (the trainer's weights, gradients and history). */
const TYPED_NUMBER_BYTES = 8;
/**
 * A number in a plain array that came from a worker (explanations, the panel's snapshots
 * and boundaries): structured cloning gives arrays of boxed numbers, a pointer and a
 * 16-byte heap number each (measured in a heap snapshot of the server).
 */
const ARRAY_NUMBER_BYTES = 24;
/** A small object (a curve point, a data point, an explained row): its header and fields beside its numbers. */
const OBJECT_BYTES = 64;

/** Roughly how many bytes an outcome holds: its weights, gradients, history and explanations. */
export function outcomeBytes(outcome: RunOutcome): number {
  let typed = 0;
  const layers = [...(outcome.result?.layers ?? []), ...(outcome.step?.before ?? []), ...(outcome.step?.after ?? [])];
  for (const layer of layers) typed += layer.weights.length * 2 + layer.biases.length * 3 + layer.delta.length + (layer.lastUpdate?.length ?? 0);
  typed += (outcome.result?.history.loss.length ?? 0) * 5;
  let boxed = 0;
  for (const row of outcome.rows ?? []) {
    boxed += row.input.length + row.target.length + row.output.length;
    for (const a of row.activations) boxed += a.length;
    for (const d of row.deltas) boxed += d.length;
  }
  return typed * TYPED_NUMBER_BYTES + boxed * ARRAY_NUMBER_BYTES + (outcome.rows?.length ?? 0) * OBJECT_BYTES;
}

/** Roughly how many bytes the panel's record holds: its data points, curve and snapshots. */
export function recordBytes(record: RunRecord | null): number {
  if (!record) return 0;
  // Data points (a generated set may have 100,000) and curve points are objects of a few numbers.
  const objects = (record.points?.length ?? 0) + record.curve.length;
  let numbers = objects * 5;
  for (const snapshot of record.snapshots) {
    numbers += snapshot.boundary?.length ?? 0;
    for (const layer of snapshot.layers) {
      numbers += layer.weights.length + layer.biases.length + (layer.weightGradient?.length ?? 0) + (layer.lastUpdate?.length ?? 0);
    }
  }
  return numbers * ARRAY_NUMBER_BYTES + objects * OBJECT_BYTES;
}

/** Roughly how many bytes an entry holds. */
export function entryBytes(entry: CachedRun): number {
  return outcomeBytes(entry.outcome) + recordBytes(entry.record);
}

/** The default bound: a hundred small runs with their whole panels, or many more with thinned ones. */
export const CACHE_BYTES = 128 * 1024 * 1024;
/** When over its bound, the cache makes room down to this share of it. */
const LOW_WATER = 0.9;

interface Slot {
  entry: CachedRun;
  bytes: number;
}

/**
 * A least-recently-used map bounded by bytes, whose held keys (the runs open documents
 * show) keep their outcomes whatever the bound. The newest entry is always kept whole.
 */
export class OutcomeCache {
  private readonly entries = new Map<string, Slot>();
  private bytes = 0;
  /** Keys each holder (an open document) shows, and how many holders show each key. */
  private readonly holders = new Map<string, Set<string>>();
  private readonly holds = new Map<string, number>();

  constructor(private readonly maxBytes = CACHE_BYTES) {}

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
    this.fit(key);
  }

  delete(key: string): void {
    const slot = this.entries.get(key);
    if (!slot) return;
    this.bytes -= slot.bytes;
    this.entries.delete(key);
  }

  /** The keys `holder` (an open document) shows now, replacing what it showed before. */
  hold(holder: string, keys: Iterable<string>): void {
    const next = new Set(keys);
    const previous = this.holders.get(holder);
    for (const key of next) if (!previous?.has(key)) this.holds.set(key, (this.holds.get(key) ?? 0) + 1);
    if (previous) for (const key of previous) if (!next.has(key)) this.unhold(key);
    this.holders.set(holder, next);
    // Keys no longer held may now make room.
    this.fit(null);
  }

  /** The holder (a document) closed: its keys may go when room is needed. */
  release(holder: string): void {
    const previous = this.holders.get(holder);
    if (!previous) return;
    this.holders.delete(holder);
    for (const key of previous) this.unhold(key);
    this.fit(null);
  }

  held(key: string): boolean {
    return this.holds.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  private unhold(key: string): void {
    const count = (this.holds.get(key) ?? 0) - 1;
    if (count > 0) this.holds.set(key, count);
    else this.holds.delete(key);
  }

  /**
   * Makes room, least recently used first, never touching `keep` (the entry just set): entries
   * nobody holds go whole; then held runs' records are thinned to their last snapshot (the
   * panel keeps the curve, the final network and its boundary); then dropped. Once over its
   * bound, the cache goes down to a low-water mark, so a walk over thousands of held entries
   * happens once per many new ones, not for each.
   */
  private fit(keep: string | null): void {
    if (this.bytes <= this.maxBytes) return;
    const target = this.maxBytes * LOW_WATER;
    for (const key of this.entries.keys()) {
      if (this.bytes <= target) return;
      if (key !== keep && !this.holds.has(key)) this.delete(key);
    }
    for (const shrink of [thinned, () => null]) {
      for (const [key, slot] of this.entries) {
        if (this.bytes <= target) return;
        if (key === keep || !slot.entry.record) continue;
        const record = shrink(slot.entry.record);
        if (record === slot.entry.record) continue;
        // In place: the host recognises its stored entry by identity when the worker's record comes.
        slot.entry.record = record;
        const bytes = entryBytes(slot.entry);
        this.bytes += bytes - slot.bytes;
        slot.bytes = bytes;
      }
    }
  }
}

/** The record with only its last snapshot (the final weights and boundary); the record itself when it has no more. */
function thinned(record: RunRecord): RunRecord {
  return record.snapshots.length <= 1 ? record : { ...record, snapshots: record.snapshots.slice(-1) };
}
