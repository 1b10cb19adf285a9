// The language front end's public surface: text -> syntax tree -> checked spec + problems.
//
// Contract (the implementations live in lexer.ts, parser.ts, checker.ts):
//   parse(text)                 never throws; always a tree and a list of problems.
//   check(text, options)        parse + every rule of docs/language.md §5; never throws.

import type { DataFile, DataLoader } from '../data/load';
import type { DataStore } from '../data/store';
import type { Problem } from './problems';
import type { Dataset, NetworkSpec, RunSpec, WeightsSpec } from './model';
import type { Span, SpecFile } from './syntax';

export interface ParseResult {
  file: SpecFile;
  problems: Problem[];
}

/** A name that refers to a declaration (or fails to): for go to definition, references, rename. */
export interface NameReference {
  kind: 'network' | 'data' | 'weights';
  name: string;
  span: Span;
  /** Span of the declaring name, or null when it refers to nothing. */
  declaration: Span | null;
}

/**
 * Finds a data file for the checker: the file to stream (or its text), or a message saying
 * why it cannot be read (`missing` when it does not exist, with the names of the files
 * `nearby` in its folder, so the problem can say which was meant).
 */
export type ReadFile = (absolutePath: string) => DataFile | { error: string; missing?: boolean; nearby?: string[] };

/** Reads a weights file (`weights … from`, docs/language.md §7.1) as bytes, under the rules and with the messages of ReadFile. */
export type ReadBytes = (absolutePath: string) => { bytes: Uint8Array } | { error: string; missing?: boolean };

export interface CheckOptions {
  /** Absolute path of the spec; data paths are relative to its folder. Null for an unsaved document. */
  specPath: string | null;
  /**
   * In the editor: data paths may not leave this folder (the workspace folder, or the
   * spec's own folder). Null on the command line, which reads whatever it is pointed at.
   */
  allowedRoot: string | null;
  /**
   * What the messages call allowedRoot: "the workspace folder" (the default), or "the spec's
   * folder" when no workspace folder holds the spec (a file opened on its own).
   */
  allowedRootName?: string;
  /** How to read CSV files; null means "reading files is not allowed" (untrusted workspace). */
  readFile: ReadFile | null;
  /**
   * How to read weights files, under the same rules as `readFile` (which also says whether files
   * may be read at all: when it is null, no weights file is read either). Absent: this caller reads
   * no weights files, and a `weights … from` says so.
   */
  readBytes?: ReadBytes | null;
  /** A network with more trainable parameters than this is refused before any allocation. */
  maxParameters: number;
  /** A data set with more rows × columns than this is refused before it is materialized. */
  maxDataCells: number;
  /**
   * What earlier checks loaded and may be reused (data/store.ts): the editor passes its
   * workspace's store, the command line one per process. Absent: this check keeps nothing.
   */
  store?: DataStore;
  /**
   * How data sets are loaded (data/load.ts): the editor loads large ones off its thread and
   * the check waits for none of them. Absent: each is loaded at once and kept in the store.
   */
  data?: DataLoader;
}

export const DEFAULT_MAX_PARAMETERS = 5_000_000;
export const DEFAULT_MAX_DATA_CELLS = 50_000_000;

export interface CheckResult extends ParseResult {
  /** Syntax and meaning problems together, sorted by position. */
  problems: Problem[];
  /** Networks that are well-formed, by name. */
  networks: Map<string, NetworkSpec>;
  /** Data sets that loaded, by name. */
  datasets: Map<string, Dataset>;
  /** `weights` declarations that are free of errors, by name (docs/language.md §7.1). */
  weights: Map<string, WeightsSpec>;
  /** Every `train` block whose network, data and settings are free of errors, in file order. */
  runs: RunSpec[];
  /** Every use and declaration of a network or data name. */
  references: NameReference[];
  /** Number of error-severity problems (a file with errors is not trained). */
  errorCount: number;
  /**
   * Data sets still loading (the editor's data worker): their declarations are not checked
   * yet, and the runs on them wait (they are not in `runs`, and no problem is reported for them).
   */
  pending: PendingData[];
}

/** A data set whose load is under way elsewhere: its declaration, and what the load is doing. */
export interface PendingData {
  name: string;
  /** The `data d from "file.csv"` or `data d = spiral(…)` part of the declaration. */
  span: Span;
  /** `reading digits.csv`, `drawing spiral(samples 16000000)`. */
  activity: string;
  /** The share done, when known. */
  fraction: number | null;
}

export { parse } from './parser';
export { check } from './checker';
export { DataStore } from '../data/store';
