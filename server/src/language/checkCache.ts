// What check() keeps between calls: data sets of unchanged `data` declarations and run-key digests, so a keystroke re-reads only what it changed.
//
// The editor checks the whole spec on every edit. In a 5,000-line spec nearly every
// declaration is the same text as a keystroke ago, and building its data set again
// (every row copied into arrays, a CSV parsed, every value digested) was a third of
// the time. Entries are keyed by the declaration's exact text; the checker stores
// only declarations that loaded without a single problem, so a hit reports nothing
// and yields the values a fresh load would. Data sets are read-only for every
// consumer (the trainer copies rows out), so sharing one between checks is safe.

import type { Dataset } from './model';
import { Digest } from './digest';

export interface CachedDataset {
  kind: 'inline' | 'file';
  dataset: Dataset;
  /** Smallest and largest target; for inline data, the row (index into the block's rows) holding the largest. */
  targetRange: { min: number; max: number };
  maxRow: number | null;
  /** For a CSV: the absolute path and the file text it was loaded from, which must match too. */
  path: string | null;
  fileText: string | null;
  /** The limit it was checked against: a lower limit must check it again. */
  maxDataCells: number;
}

/** At most this many declarations, and data sets of at most this many numbers in all (oldest go first). */
const MAX_ENTRIES = 4096;
const MAX_CELLS = 8_000_000;

const dataSets = new Map<string, CachedDataset>();
let cachedCells = 0;

function cellsOf(dataset: Dataset): number {
  return dataset.rows * (dataset.inputWidth + dataset.targetWidth);
}

/** The data set of a declaration with exactly this text, if it was loaded cleanly under the same conditions. */
export function cachedDataset(declText: string, matches: (entry: CachedDataset) => boolean): CachedDataset | null {
  const entry = dataSets.get(declText);
  if (entry === undefined || !matches(entry)) return null;
  // Most recently used last, so eviction takes the longest unused.
  dataSets.delete(declText);
  dataSets.set(declText, entry);
  return entry;
}

export function rememberDataset(declText: string, entry: CachedDataset): void {
  const cells = cellsOf(entry.dataset);
  if (cells > MAX_CELLS / 4) return; // a big set would push out everything else; loading it is slow anyway
  const old = dataSets.get(declText);
  if (old !== undefined) {
    cachedCells -= cellsOf(old.dataset);
    dataSets.delete(declText);
  }
  dataSets.set(declText, entry);
  cachedCells += cells;
  while (dataSets.size > MAX_ENTRIES || cachedCells > MAX_CELLS) {
    const [oldestText, oldest] = dataSets.entries().next().value as [string, CachedDataset];
    cachedCells -= cellsOf(oldest.dataset);
    dataSets.delete(oldestText);
  }
}

/** Forgets every cached data set (tests; a data file changed on disk is caught by its text). */
export function clearCheckCache(): void {
  dataSets.clear();
  cachedCells = 0;
  digests.clear();
}

/**
 * Digests of strings chained in order, as `new Digest().string(a).string(b)….hex()`
 * computes them, remembered: a run's key is the same from one keystroke to the next.
 */
const digests = new Map<string, string>();
const MAX_DIGESTS = 16_384;

export function digestOfStrings(...parts: string[]): string {
  // NUL cannot occur in a name or a number, so the joined key is unambiguous.
  const key = parts.join('\u0000');
  let hex = digests.get(key);
  if (hex === undefined) {
    const digest = new Digest();
    for (const part of parts) digest.string(part);
    hex = digest.hex();
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digests.set(key, hex);
  }
  return hex;
}
