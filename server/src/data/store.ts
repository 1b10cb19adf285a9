// What one owner keeps of data between checks (the editor: one per workspace; the command line: one per process), passed to check() in CheckOptions.store.
//
// The editor checks the whole spec on every keystroke, and nearly every `data`
// declaration is the same as a keystroke ago: reading its file, drawing its generated
// points or copying its rows again would be most of a check. Everything kept for that
// lives here, in bounded sections, and nowhere else: a check given a fresh store (or
// none) costs what a first check costs, whatever the process checked before, and two
// stores never share an entry.
//
// Each section is keyed by what makes its value: a data file's load by the file (path,
// size, modification time, or its text) and the data block's request, a generated set
// by the generator's arguments (data/load.ts makes the keys), a declaration's inline
// rows by the declaration's exact text. Values are read-only for every consumer (the
// trainer copies rows out), so sharing one between checks and threads is safe. Loads
// are held to a number of bytes, but never evicted while an owner (an open document)
// uses them. A weights file's bytes (docs/language.md §7.1) are kept by (path, size,
// modification time), with what was read from them. The store does no I/O and computes
// nothing: callers pass what they read or made.

import type { Dataset, GeneratorKind } from '../language/model';
import type { CsvLoad } from './csv';
import type { FileVersion } from './load';
import type { RowsHelper } from './plainRows';

/** A generated data set: the generator, its arguments, and the name of the set it makes. */
export interface GeneratedKey {
  name: string;
  generator: GeneratorKind;
  samples: number;
  noise: number;
  seed: number;
}

/** A data set as loaded: a data file's load (its data set or the problems that stopped it), or a generated set. */
export type StoredLoad = { kind: 'csv'; load: CsvLoad } | { kind: 'generated'; dataset: Dataset };

/** The data set an inline `data` declaration loaded to without a single problem, and what the checker needs to reuse it. */
export interface DeclaredDataset {
  kind: 'inline';
  dataset: Dataset;
  /** Smallest and largest target; the row (index into the block's rows) holding the largest. */
  targetRange: { min: number; max: number };
  maxRow: number | null;
  /** The limit it was checked against: a lower limit must check it again. */
  maxDataCells: number;
}

export interface StoreLimits {
  /** Weights files' bytes: at most this many, of at most this many bytes together. */
  fileEntries: number;
  fileBytes: number;
  /**
   * Loaded data files and generated sets: at most this many, of at most this many bytes of
   * numbers together, counting only what no owner uses (what open documents show stays).
   */
  loadEntries: number;
  loadBytes: number;
  /**
   * Declarations' data sets: at most this many, of at most this many numbers (rows × columns)
   * together; a set of more than a quarter of them is loaded every time, so it cannot push out the rest.
   */
  declarationEntries: number;
  declarationCells: number;
  /** Run-key digests of strings. */
  digestEntries: number;
}

export const DEFAULT_STORE_LIMITS: Readonly<StoreLimits> = {
  fileEntries: 32,
  fileBytes: 128 * 1024 * 1024,
  loadEntries: 256,
  loadBytes: 1024 * 1024 * 1024,
  declarationEntries: 4096,
  declarationCells: 8_000_000,
  digestEntries: 16_384,
};

/** How much each section holds: entries, and the size its limit counts (bytes or numbers). */
export interface StoreUsage {
  files: { entries: number; bytes: number };
  loads: { entries: number; bytes: number; pinned: number };
  declarations: { entries: number; cells: number };
  digests: { entries: number };
}

export class DataStore {
  readonly limits: Readonly<StoreLimits>;
  private readonly loads: LoadCache;
  /** Weights files' bytes. */
  private readonly files: Lru<Uint8Array>;
  private readonly declarations: Lru<DeclaredDataset>;
  private readonly digests: Lru<string>;
  /** Digests of data sets this store handed out, by identity (a reused Dataset keeps its digest). */
  private datasetDigests = new WeakMap<Dataset, string>();
  /** What was made of a file's bytes (weights read for a network), by the bytes' identity and what was asked. */
  private parsedFiles = new WeakMap<Uint8Array, Map<string, unknown>>();
  /** Digests of given weights' values (a run's key), by the identity of their layers. */
  private weightsDigests = new WeakMap<object, string>();

  /** The thread that helps read large files, when the owner has one (the command line: loading/rowsHelper.ts); loads here read on one thread without it. */
  rowsHelper: RowsHelper | null = null;

  constructor(limits: Partial<StoreLimits> = {}) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
    const l = this.limits;
    this.loads = new LoadCache(l.loadEntries, l.loadBytes);
    this.files = new Lru(l.fileEntries, l.fileBytes);
    this.declarations = new Lru(l.declarationEntries, l.declarationCells);
    this.digests = new Lru(l.digestEntries);
  }

  /** A data file's load or a generated set, kept by its key (data/load.ts), now the most recently used. */
  load(key: string): StoredLoad | undefined {
    return this.loads.get(key);
  }

  /**
   * Keeps a load by its key. `group` names what its versions share (a file's path): an older
   * version that no owner uses goes at once, so a file that keeps changing on disk takes the
   * memory of one load, not of every version.
   */
  putLoad(key: string, value: StoredLoad, group: string | null = null): void {
    this.loads.set(key, value, loadBytes(value), group);
  }

  /**
   * The bytes of the loads the store let go since the last call. Their memory is shared
   * (data/memory.ts) and freed only when collected: `collectSharedMemory` once nothing
   * else refers to them.
   */
  takeReleasedBytes(): number {
    return this.loads.takeReleased();
  }

  /** `owner` (an open document) uses exactly these loads now: they are not evicted until it uses others or is released. */
  retain(owner: string, keys: Iterable<string>): void {
    this.loads.retain(owner, keys);
  }

  /** `owner` is gone (the document closed): what it used may be evicted. */
  release(owner: string): void {
    this.loads.retain(owner, []);
  }

  /** The bytes of a weights file at this version (docs/language.md §7.1), read (by `read`) only when the store does not hold them. */
  fileBytes(file: FileVersion, read: () => Uint8Array): Uint8Array {
    const key = `${file.path}\u0000${file.size}\u0000${file.mtimeMs}`;
    let bytes = this.files.get(key);
    if (bytes === undefined) {
      bytes = read();
      this.files.set(key, bytes, bytes.length);
    }
    return bytes;
  }

  /**
   * What `parse` makes of `bytes` for `key` (a weights file read for a network of one shape), kept
   * as long as the store keeps those very bytes (fileBytes hands out the same array on a hit).
   */
  parsedBytes<T>(bytes: Uint8Array, key: string, parse: () => T): T {
    let byKey = this.parsedFiles.get(bytes);
    if (byKey === undefined) {
      byKey = new Map();
      this.parsedFiles.set(bytes, byKey);
    }
    if (!byKey.has(key)) byKey.set(key, parse());
    return byKey.get(key) as T;
  }

  /**
   * Forgets the data files' loads no owner uses, and the weights files' bytes: files changed on
   * disk, perhaps within one tick of their modification time.
   */
  forgetFiles(): void {
    this.loads.dropUnpinned((key) => key.startsWith(FILE_KEY_PREFIX));
    this.files.clear();
  }

  /** The data set of an inline declaration with exactly this text, if it loaded cleanly under conditions `matches` accepts. */
  declaredDataset(declText: string, matches: (entry: DeclaredDataset) => boolean): DeclaredDataset | null {
    const entry = this.declarations.get(declText);
    return entry !== undefined && matches(entry) ? entry : null;
  }

  rememberDeclaredDataset(declText: string, entry: DeclaredDataset): void {
    const cells = cellsOf(entry.dataset);
    if (cells > this.limits.declarationCells / 4) return;
    this.declarations.set(declText, entry, cells);
  }

  /** The digest of strings chained in order (run keys), `compute(parts)` on a miss; the oldest go first. */
  digestOfStrings(parts: readonly string[], compute: (parts: readonly string[]) => string): string {
    // NUL cannot occur in a name or a number, so the joined key is unambiguous.
    const key = parts.join('\u0000');
    // Every check asks for every run's key: peek, so a hit costs one lookup.
    let hex = this.digests.peek(key);
    if (hex === undefined) {
      hex = compute(parts);
      this.digests.set(key, hex);
    }
    return hex;
  }

  /** The digest of a data set's values, `compute(dataset)` the first time this store sees the set. */
  datasetDigest(dataset: Dataset, compute: (dataset: Dataset) => string): string {
    let hex = this.datasetDigests.get(dataset);
    if (hex === undefined) {
      hex = compute(dataset);
      this.datasetDigests.set(dataset, hex);
    }
    return hex;
  }

  /** The digest of a data set computed where it was loaded (the editor's data worker). */
  knowDatasetDigest(dataset: Dataset, hex: string): void {
    this.datasetDigests.set(dataset, hex);
  }

  /** The digest of given weights' values (docs/language.md §7.1), `compute()` the first time this store sees these layers. */
  weightsDigest(layers: object, compute: () => string): string {
    let hex = this.weightsDigests.get(layers);
    if (hex === undefined) {
      hex = compute();
      this.weightsDigests.set(layers, hex);
    }
    return hex;
  }

  /** `copy` has `original`'s values (another place in the text): it gets its digest, if known, without computing. */
  shareDigest(original: Dataset, copy: Dataset): void {
    const hex = this.datasetDigests.get(original);
    if (hex !== undefined) this.datasetDigests.set(copy, hex);
  }

  usage(): StoreUsage {
    return {
      files: { entries: this.files.size, bytes: this.files.cost },
      loads: { entries: this.loads.size, bytes: this.loads.cost, pinned: this.loads.pinnedCount },
      declarations: { entries: this.declarations.size, cells: this.declarations.cost },
      digests: { entries: this.digests.size },
    };
  }

  /** Forgets everything. */
  clear(): void {
    this.loads.clear();
    for (const section of [this.files, this.declarations, this.digests]) section.clear();
    this.datasetDigests = new WeakMap();
    this.parsedFiles = new WeakMap();
    this.weightsDigests = new WeakMap();
  }
}

/** How data/load.ts begins the key of a data file's load (a file on disk, not a text). */
export const FILE_KEY_PREFIX = 'file\u0000';

/** The bytes of a load's numbers. */
function loadBytes(value: StoredLoad): number {
  const dataset = value.kind === 'csv' ? value.load.dataset : value.dataset;
  return dataset === null ? 0 : dataset.inputs.byteLength + dataset.targets.byteLength;
}

function cellsOf(dataset: Dataset): number {
  return dataset.rows * (dataset.inputWidth + dataset.targetWidth);
}

/**
 * A map that keeps its most recently used entries (`get`; `peek` leaves the order as it is):
 * at most `maxEntries`, and at most `maxCost` in all (each entry's cost given when it is set;
 * the newest entry stays even when it alone is over).
 */
class Lru<V> {
  private readonly entries = new Map<string, { value: V; cost: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxCost = Infinity,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get cost(): number {
    return this.total;
  }

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value, its recency unchanged. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V, cost = 0): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.total -= old.cost;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, cost });
    this.total += cost;
    while (this.entries.size > this.maxEntries || (this.total > this.maxCost && this.entries.size > 1)) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, { value: V; cost: number }];
      this.total -= oldest.cost;
      this.entries.delete(oldestKey);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}

/**
 * The loads section: least recently used first out, over `maxEntries` or `maxBytes`, except what
 * an owner retains (the data sets open documents show are never evicted under them).
 */
class LoadCache {
  private readonly entries = new Map<string, { value: StoredLoad; bytes: number; group: string | null }>();
  private readonly owners = new Map<string, Set<string>>();
  /** How many owners retain each key. */
  private readonly pins = new Map<string, number>();
  private total = 0;
  /** Bytes of the entries removed since `takeReleased`. */
  private released = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get cost(): number {
    return this.total;
  }

  get pinnedCount(): number {
    return this.pins.size;
  }

  get(key: string): StoredLoad | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: StoredLoad, bytes: number, group: string | null): void {
    this.remove(key);
    if (group !== null) this.dropUnpinned((other) => other !== key && this.entries.get(other)?.group === group);
    this.entries.set(key, { value, bytes, group });
    this.total += bytes;
    this.evict(key);
  }

  retain(owner: string, keys: Iterable<string>): void {
    const next = new Set(keys);
    const previous = this.owners.get(owner);
    for (const key of next) if (!previous?.has(key)) this.pins.set(key, (this.pins.get(key) ?? 0) + 1);
    if (previous !== undefined) {
      for (const key of previous) {
        if (next.has(key)) continue;
        const count = (this.pins.get(key) ?? 1) - 1;
        if (count > 0) this.pins.set(key, count);
        else this.pins.delete(key);
      }
    }
    if (next.size > 0) this.owners.set(owner, next);
    else this.owners.delete(owner);
    this.evict(null);
  }

  dropUnpinned(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (!this.pins.has(key) && matches(key)) this.remove(key);
  }

  clear(): void {
    this.released += this.total;
    this.entries.clear();
    this.owners.clear();
    this.pins.clear();
    this.total = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.total -= entry.bytes;
    this.released += entry.bytes;
    this.entries.delete(key);
  }

  takeReleased(): number {
    const released = this.released;
    this.released = 0;
    return released;
  }

  /** Oldest unretained entries out while over a limit; `keep` (just set) stays even when it alone is over. */
  private evict(keep: string | null): void {
    if (this.entries.size <= this.maxEntries && this.total <= this.maxBytes) return;
    for (const key of [...this.entries.keys()]) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxBytes) return;
      if (key === keep || this.pins.has(key)) continue;
      this.remove(key);
    }
  }
}
