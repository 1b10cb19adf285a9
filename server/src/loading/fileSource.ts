// A data file as a ByteSource: read as it streams, only if it is a regular file, and only while it stays the file that was checked.

import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ByteSource } from '../data/csv';
import type { DataFile, FileVersion } from '../data/load';
import { UnreadableFile } from '../textFiles';

/** The file at `path` if it is a regular file, with its size and modification time; throws the system's error or UnreadableFile (textFiles.ts). */
export function statDataFile(path: string): FileVersion {
  const stat = statSync(path);
  if (!stat.isFile()) throw new UnreadableFile(stat.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file');
  return { path, size: stat.size, mtimeMs: stat.mtimeMs };
}

/** The data file at `path`, to be streamed when it is loaded (throws as statDataFile). */
export function dataFileAt(path: string): DataFile {
  const file = statDataFile(path);
  return { file, open: () => openFileSource(path) };
}

/** The names of the files in the folder of `path` (at most 1,000), for "did you mean" when `path` does not exist. */
export function nearbyFiles(path: string): string[] {
  try {
    return readdirSync(dirname(path), { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .slice(0, 1000)
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * Opens a data file for streaming. A FIFO would block forever and a device may never end,
 * so the file is opened without blocking and must still be a regular file once opened (it
 * may have been swapped since it was looked at). Reading stops at the size it had then, so a
 * file that grows while it is read cannot grow the load without end.
 */
export function openFileSource(path: string): ByteSource {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let open = true;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnreadableFile(stat.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file');
    const size = stat.size;
    let position = 0;
    return {
      size,
      read(into, offset, length) {
        if (!open || position >= size) return 0;
        const count = readSync(fd, into, offset, Math.min(length, size - position), position);
        position += count;
        return count;
      },
      close() {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
