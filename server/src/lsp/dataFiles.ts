// How the editor finds a spec's data files for the checker: confined to the workspace folder (links followed), refused past a size; the workspace's loader reads them (off the LSP thread when large).

import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { ReadFile } from '../language';
import { formatBytes } from '../data/fileErrors';
import { dataFileAt, nearbyFiles } from '../loading/fileSource';
import { fileError } from '../textFiles';

/** The largest data file the editor reads (the nn command line has no such limit). */
export const MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024;

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

/**
 * The checker tests data paths as written; a symbolic link inside the workspace can still
 * lead out of it. Every link is followed (realpath) before reading, and a file that really
 * lies outside `root` is refused with a message that says where it leads.
 */
export function confinedReader(read: ReadFile, root: string, rootName: string): ReadFile {
  return (path) => {
    let real: string;
    let realRoot: string;
    try {
      real = realpathSync(path);
      realRoot = realpathSync(root);
    } catch {
      return read(path); // missing or unreadable: the reader says which
    }
    const inside = relative(realRoot, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return { error: `it is a link to ${real}, outside ${rootName}; the editor only reads data files inside it (the nn command line reads any path)` };
    }
    return read(real);
  };
}
