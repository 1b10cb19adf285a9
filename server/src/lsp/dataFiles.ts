// How the editor finds a spec's data files for the checker: confined to the workspace folder (links followed), refused past a size; the workspace's loader reads them (off the LSP thread when large). Weights files are read here, kept in the workspace's DataStore by (path, size, mtime).

import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { ReadBytes, ReadFile } from '../language';
import type { DataStore } from '../data/store';
import { formatBytes } from '../data/fileErrors';
import { dataFileAt, nearbyFiles, statDataFile } from '../loading/fileSource';
import { fileError, readRegularBytes } from '../textFiles';

/** The largest data file the editor reads (the nn command line has no such limit). */
export const MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024;

/** The largest weights file the editor reads: it is read on the LSP thread, whole (the nn command line reads up to 512 MB). */
export const MAX_WEIGHTS_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Finds a data file for the checker: its version (path, size, modification time), which is
 * what the workspace's loader keys its loads by, so an unchanged file is not read again.
 */
export function dataFileReader(): ReadFile {
  return (path) => {
    try {
      const found = dataFileAt(path);
      // A file's numbers can take several times its size; past this it is refused by its size, unread.
      if ('file' in found && found.file.size > MAX_DATA_FILE_BYTES) {
        return { error: `it is ${formatBytes(found.file.size)}, more than the ${formatBytes(MAX_DATA_FILE_BYTES)} the editor reads; use a sample of the data (the nn command line reads any size)` };
      }
      return found;
    } catch (error) {
      // Worded as the command line words it (textFiles.ts), so both say the same.
      const why = fileError(error);
      return why.missing === true ? { ...why, nearby: nearbyFiles(path) } : why;
    }
  };
}

/** Reads a weights file (`weights … from`, docs/language.md §7.1) as bytes, with the rules of data files; an unchanged file comes from the store, unread. */
export function weightsFileReader(store: DataStore): ReadBytes {
  return (path) => {
    try {
      const version = statDataFile(path);
      if (version.size > MAX_WEIGHTS_FILE_BYTES) {
        return { error: `it is ${formatBytes(version.size)}, more than the ${formatBytes(MAX_WEIGHTS_FILE_BYTES)} the editor reads; the nn command line reads files up to 512 MB` };
      }
      return { bytes: store.fileBytes(version, () => readRegularBytes(path)) };
    } catch (error) {
      return fileError(error);
    }
  };
}

/**
 * The checker tests data paths as written; a symbolic link inside the workspace can still
 * lead out of it. Every link is followed (realpath) before reading, and a file that really
 * lies outside `root` is refused with a message that says where it leads. Only the real
 * path is ever read: a path that cannot be resolved is not read at all (a missing data file
 * is still asked for the names beside it, for "did you mean").
 */
export function confinedReader<R>(
  read: (path: string) => R | { error: string; missing?: boolean },
  root: string,
  rootName: string,
  files = 'data files',
): (path: string) => R | { error: string; missing?: boolean; nearby?: string[] } {
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
      const why = fileError(error);
      return why.missing === true && files === 'data files' ? { ...why, nearby: nearbyFiles(path) } : why;
    }
    const inside = relative(realRoot, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return { error: `it is a link to ${real}, outside ${rootName}; the editor only reads ${files} inside it (the nn command line reads any path)` };
    }
    return read(real);
  };
}
