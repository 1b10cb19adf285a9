// How the editor reads a spec's data and weights files for the checker: confined to the workspace folder (links followed), refused past a size, kept in the workspace's DataStore by (path, size, mtime).

import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { DataStore, FileVersion } from '../data/store';
import type { ReadBytes, ReadFile } from '../language';
import { fileError, readRegularBytes, readRegularFile } from '../textFiles';

/** The largest data file the editor reads (the nn command line reads up to 512 MB, the longest text Node.js holds). */
const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/**
 * Reads a data file for the checker. check() runs on every keystroke, so an unchanged
 * file (same size and modification time) comes from the store, unread.
 */
export function dataFileReader(store: DataStore): ReadFile {
  // Parsing a CSV takes many times its size in memory, before its rows × columns can be
  // counted against the data limit: a huge file is refused by its size, unread.
  const advice = 'use a sample of the data (the nn command line reads files up to 512 MB)';
  return (path) => readStatted(path, advice, (version) => ({ text: store.fileText(version, () => readRegularFile(path)) }));
}

/** Reads a weights file (`weights … from`, docs/language.md §7.1) as bytes, with the rules and the store of data files. */
export function weightsFileReader(store: DataStore): ReadBytes {
  return (path) => readStatted(path, 'the nn command line reads files up to 512 MB', (version) => ({ bytes: store.fileBytes(version, () => readRegularBytes(path)) }));
}

/** A regular file of at most MAX_DATA_FILE_BYTES, by `read` with its version (path, size, mtime); else why not, in words. */
function readStatted<R>(path: string, advice: string, read: (version: FileVersion) => R): R | { error: string; missing?: boolean } {
  try {
    const stat = statSync(path);
    // Worded as the command line words it (textFiles.ts), so both say the same.
    if (!stat.isFile()) return { error: stat.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file' };
    if (stat.size > MAX_DATA_FILE_BYTES) {
      return { error: `it is ${megabytes(stat.size)}, more than the ${megabytes(MAX_DATA_FILE_BYTES)} the editor reads; ${advice}` };
    }
    return read({ path, size: stat.size, mtimeMs: stat.mtimeMs });
  } catch (error) {
    return fileError(error);
  }
}

/**
 * The checker tests data paths as written; a symbolic link inside the workspace can still
 * lead out of it. Every link is followed (realpath) before reading, and a file that really
 * lies outside `root` is refused with a message that says where it leads. Only the real
 * path is ever read: a path that cannot be resolved is not read at all.
 */
export function confinedReader<R>(
  read: (path: string) => R | { error: string; missing?: boolean },
  root: string,
  rootName: string,
  files = 'data files',
): (path: string) => R | { error: string; missing?: boolean } {
  return (path) => {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch (error) {
      return { error: `${rootName} (${root}) cannot be read: ${fileError(error).error}` };
    }
    let real: string;
    try {
      real = realpathSync(path);
    } catch (error) {
      return fileError(error);
    }
    const inside = relative(realRoot, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return { error: `it is a link to ${real}, outside ${rootName}; the editor only reads ${files} inside it (the nn command line reads any path)` };
    }
    return read(real);
  };
}
