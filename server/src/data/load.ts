// How a check gets the data sets it names: at once on this thread (the command line, tests), or from a load that runs elsewhere and may not be done yet (the editor's data worker).
//
// The checker asks a DataLoader for each file and generated data set; the answer is
// the load, or "pending" with what is being done and how far it got. The command line
// loads everything at once (`loadNow`); the editor loads large sets off the LSP thread
// and answers "pending" until they are in (loading/host.ts), so an edit never waits for
// a file (docs/ARCHITECTURE.md "Data sets off the LSP thread"). Both keep loads in the
// owner's DataStore by these keys, so an edit that does not touch a data block reads
// nothing and draws nothing again.

import type { Dataset, GeneratorKind } from '../language/model';
import { loadCsv, textSource, type ByteSource, type CsvLoad, type CsvRequest } from './csv';
import { generateDataset } from './generators';
import { FILE_KEY_PREFIX, type DataStore, type GeneratedKey } from './store';

/** A file as it was found: another size or modification time is another file. */
export interface FileVersion {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * A data file as the checker's reader found it: a file on disk to stream (`open` reads it
 * on this thread), or its text (a reader that holds it already: tests, unsaved buffers).
 */
export type DataFile = { file: FileVersion; open(): ByteSource } | { text: string };

/** A generated data set as a data declaration asks for it. */
export type GeneratedRequest = GeneratedKey;

/** A load running elsewhere: what it does (`reading digits.csv`) and the share done, when known. */
export interface LoadProgress {
  activity: string;
  fraction: number | null;
}

/** A load's answer: done, under way elsewhere, or failed where it ran (a worker that stopped: the reason, in words). */
export type Loaded<T> = { ready: T } | { pending: LoadProgress } | { failed: string };

export interface DataLoader {
  csv(request: CsvRequest, file: DataFile): Loaded<CsvLoad>;
  generated(request: GeneratedRequest): Loaded<Dataset>;
}

/** The store's key of a data file's load: the file (its version, or its text) and everything the data block asks of it. */
export function csvKey(request: CsvRequest, file: DataFile): string {
  const asked = JSON.stringify(request);
  if ('file' in file) return `${FILE_KEY_PREFIX}${file.file.path}\u0000${file.file.size}\u0000${file.file.mtimeMs}\u0000${asked}`;
  return `text\u0000${asked}\u0000${file.text}`;
}

/** The store's key of a generated set. */
export function generatedKey(request: GeneratedRequest): string {
  return `generated\u0000${request.name}\u0000${request.generator}\u0000${request.samples}\u0000${request.noise}\u0000${request.seed}`;
}

/** What the store groups a file's versions by: its path (a text is not grouped). */
export function csvGroup(file: DataFile): string | null {
  return 'file' in file ? file.file.path : null;
}

/** A text longer than this is loaded every time rather than kept under a key that holds it whole. */
const MAX_KEPT_TEXT = 8_000_000;

/** Loads on this thread, now, keeping each load in `store` (the command line; checks given no loader). */
export function loadNow(store: DataStore): DataLoader {
  return {
    csv(request, file) {
      const keep = 'file' in file || file.text.length <= MAX_KEPT_TEXT;
      const key = csvKey(request, file);
      const known = keep ? store.load(key) : undefined;
      if (known?.kind === 'csv') return { ready: known.load };
      // Without a progress callback a load is never cancelled, so it always gives a result.
      const helper = store.rowsHelper !== null ? { thread: store.rowsHelper } : false;
      const load = loadCsv(request, 'file' in file ? file.open() : textSource(file.text), { helper }) as CsvLoad;
      if (keep) store.putLoad(key, { kind: 'csv', load }, csvGroup(file));
      return { ready: load };
    },
    generated(request) {
      const key = generatedKey(request);
      const known = store.load(key);
      if (known?.kind === 'generated') return { ready: known.dataset };
      const dataset = generate(request);
      store.putLoad(key, { kind: 'generated', dataset });
      return { ready: dataset };
    },
  };
}

export function generate(request: GeneratedRequest): Dataset {
  return generateDataset(request.name, request.generator as GeneratorKind, request);
}
