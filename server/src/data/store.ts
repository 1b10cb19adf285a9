// What one owner keeps of data between checks (the editor: one per workspace; the command line: one per process), passed to check() in CheckOptions.store.
//
// The editor checks the whole spec on every keystroke, and nearly every `data`
// declaration is the same as a keystroke ago: reading its file, parsing its CSV,
// drawing its generated points or copying its rows again would be most of a check.
// Everything kept for that lives here, in bounded sections, and nowhere else: a check
// given a fresh store (or none) costs what a first check costs, whatever the process
// checked before, and two stores never share an entry.
//
// Each section is keyed by what makes its value: a file by (path, size, modification
// time), a parsed CSV by its path and text, a generated set by the generator's
// arguments, a declaration's data set by the declaration's exact text. Values are
// read-only for every consumer (the trainer copies rows out), so sharing one between
// checks is safe. The store does no I/O and computes nothing: callers pass the
// function that reads or makes a value, called only on a miss.

import type { Dataset, GeneratorKind } from '../language/model';
import type { ParsedCsv } from './csv';

/** A file as it was read: another size or modification time is another file. */
export interface FileVersion {
  path: string;
  size: number;
  mtimeMs: number;
}

/** A generated data set: the generator, its arguments, and the name of the set it makes. */
export interface GeneratedKey {
  name: string;
  generator: GeneratorKind;
  samples: number;
  noise: number;
  seed: number;
}

/** The data set a `data` declaration loaded to without a single problem, and what the checker needs to reuse it. */
export interface DeclaredDataset {
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

export interface StoreLimits {
  /** Data files' texts: at most this many, of at most this many bytes together. */
  fileEntries: number;
  fileBytes: number;
  /** Parsed CSV files: at most this many; a text longer than csvChars is parsed every time (it would be held twice). */
  csvEntries: number;
  csvChars: number;
  /** Generated sets: at most this many; a set of more than generatedSamples is drawn every time (cheap beside its training). */
  generatedEntries: number;
  generatedSamples: number;
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
  csvEntries: 16,
  csvChars: 8_000_000,
  generatedEntries: 64,
  generatedSamples: 100_000,
  declarationEntries: 4096,
  declarationCells: 8_000_000,
  digestEntries: 16_384,
};

/** How much each section holds: entries, and the size its limit counts (bytes, characters, samples or numbers). */
export interface StoreUsage {
  files: { entries: number; bytes: number };
  csv: { entries: number; chars: number };
  generated: { entries: number; samples: number };
  declarations: { entries: number; cells: number };
  digests: { entries: number };
}

export class DataStore {
  readonly limits: Readonly<StoreLimits>;
  /** Data files' texts, and weights files' bytes (under keys of their own). */
  private readonly files: Lru<string | Uint8Array>;
  private readonly csv: Lru<ParsedCsv>;
  private readonly generatedSets: Lru<Dataset>;
  private readonly declarations: Lru<DeclaredDataset>;
  private readonly digests: Lru<string>;
  /** Digests of data sets this store handed out, by identity (a reused Dataset keeps its digest). */
  private datasetDigests = new WeakMap<Dataset, string>();
  /** What was made of a file's bytes (weights read for a network), by the bytes' identity and what was asked. */
  private parsedFiles = new WeakMap<Uint8Array, Map<string, unknown>>();
  /** Digests of given weights' values (a run's key), by the identity of their layers. */
  private weightsDigests = new WeakMap<object, string>();

  constructor(limits: Partial<StoreLimits> = {}) {
    this.limits = { ...DEFAULT_STORE_LIMITS, ...limits };
    const l = this.limits;
    this.files = new Lru(l.fileEntries, l.fileBytes);
    this.csv = new Lru(l.csvEntries);
    this.generatedSets = new Lru(l.generatedEntries);
    this.declarations = new Lru(l.declarationEntries, l.declarationCells);
    this.digests = new Lru(l.digestEntries);
  }

  /** The text of a data file at this version, read (by `read`) only when the store does not hold it. */
  fileText(file: FileVersion, read: () => string): string {
    const key = `${file.path}\u0000${file.size}\u0000${file.mtimeMs}`;
    let text = this.files.get(key);
    if (typeof text !== 'string') {
      text = read();
      this.files.set(key, text, file.size);
    }
    return text;
  }

  /** The bytes of a weights file at this version (docs/language.md §7.1), read (by `read`) only when the store does not hold them. */
  fileBytes(file: FileVersion, read: () => Uint8Array): Uint8Array {
    const key = `bytes\u0000${file.path}\u0000${file.size}\u0000${file.mtimeMs}`;
    let bytes = this.files.get(key);
    if (!(bytes instanceof Uint8Array)) {
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

  /** Forgets every file text: files changed on disk, perhaps within one tick of their modification time. */
  forgetFiles(): void {
    this.files.clear();
  }

  /** A CSV text parsed (by `parse`, on a miss); path and text are the key. */
  parsedCsv(path: string, text: string, parse: (text: string) => ParsedCsv): ParsedCsv {
    const key = `${path}\u0000${text}`;
    let parsed = this.csv.get(key);
    if (parsed === undefined) {
      parsed = parse(text);
      if (text.length <= this.limits.csvChars) this.csv.set(key, parsed, text.length);
    }
    return parsed;
  }

  /** A generated data set, drawn (by `generate`, on a miss) from the generator's arguments; the oldest go first. */
  generated(key: GeneratedKey, generate: () => Dataset): Dataset {
    const id = `${key.name}\u0000${key.generator}\u0000${key.samples}\u0000${key.noise}\u0000${key.seed}`;
    let dataset = this.generatedSets.peek(id);
    if (dataset === undefined) {
      dataset = generate();
      if (key.samples <= this.limits.generatedSamples) this.generatedSets.set(id, dataset, key.samples);
    }
    return dataset;
  }

  /** The data set of a declaration with exactly this text, if it loaded cleanly under conditions `matches` accepts. */
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
      csv: { entries: this.csv.size, chars: this.csv.cost },
      generated: { entries: this.generatedSets.size, samples: this.generatedSets.cost },
      declarations: { entries: this.declarations.size, cells: this.declarations.cost },
      digests: { entries: this.digests.size },
    };
  }

  /** Forgets everything. */
  clear(): void {
    for (const section of [this.files, this.csv, this.generatedSets, this.declarations, this.digests]) section.clear();
    this.datasetDigests = new WeakMap();
    this.parsedFiles = new WeakMap();
    this.weightsDigests = new WeakMap();
  }
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
