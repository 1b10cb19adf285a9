// Reading a spec's or data file's text (and a weights file's bytes), for the command line and the editor alike: only regular files, never a stream that blocks or never ends.

import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { describeFileError, formatBytes, MAX_TEXT_BYTES } from './data/fileErrors';

/** Why a file is not read, in words (not a system error): thrown by readRegularFile. */
export class UnreadableFile extends Error {}

function notRegular(stat: Stats): UnreadableFile {
  return new UnreadableFile(stat.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file');
}

/**
 * The text of a regular file. A FIFO would block forever and /dev/zero never ends, so the
 * type is checked before the file is opened, and again on what was opened (it may have been
 * swapped in between), which is opened without blocking: a FIFO put there in the meantime
 * cannot hang the thread. Throws UnreadableFile, or the system's error (see fileError()).
 */
export function readRegularFile(path: string): string {
  const bytes = readRegular(path, (size) => `it is ${formatBytes(size)}, more than the ${formatBytes(MAX_TEXT_BYTES)} that can be read as text; use a sample of it`);
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new UnreadableFile('it is saved as UTF-16; save it as UTF-8');
  }
  return bytes.toString('utf8');
}

/** The bytes of a regular file (a weights file, docs/language.md §7.1), with readRegularFile's checks and limit. */
export function readRegularBytes(path: string): Uint8Array {
  const bytes = readRegular(path, (size) => `it is ${formatBytes(size)}, more than the ${formatBytes(MAX_TEXT_BYTES)} that can be read here`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A regular file's bytes: its type checked before it is opened and on what was opened, without blocking; `tooLarge` words a size over MAX_TEXT_BYTES. */
function readRegular(path: string, tooLarge: (size: number) => string): Buffer {
  const before = statSync(path);
  if (!before.isFile()) throw notRegular(before);
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegular(stat);
    if (stat.size > MAX_TEXT_BYTES) throw new UnreadableFile(tooLarge(stat.size));
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What readRegularFile (or a stat) threw, as the checker's ReadFile says it: in words, `missing` for a file that does not exist. */
export function fileError(error: unknown): { error: string; missing?: boolean } {
  if (error instanceof UnreadableFile) return { error: error.message };
  const { message, missing } = describeFileError(error);
  return missing ? { error: message, missing } : { error: message };
}

/** readRegularBytes's bytes, or why the file cannot be read. */
export function readBytesFile(path: string): { bytes: Uint8Array } | { error: string; missing?: boolean } {
  try {
    return { bytes: readRegularBytes(path) };
  } catch (error) {
    return fileError(error);
  }
}

/** readRegularFile's text, or why the file cannot be read. */
export function readTextFile(path: string): { text: string } | { error: string; missing?: boolean } {
  try {
    return { text: readRegularFile(path) };
  } catch (error) {
    return fileError(error);
  }
}
