// Why a file cannot be read or written, in words rather than errno codes: the command line and the editor's data reader say the same.

import { constants } from 'node:buffer';
import { echo } from '../language/wording';

/** The longest text Node.js can hold in one string (about 512 MB): a larger file cannot be read as text. */
export const MAX_TEXT_BYTES = constants.MAX_STRING_LENGTH;

/** `300 MB`, `1.5 GB`. */
export function formatBytes(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  if (megabytes >= 1024) return `${Number((megabytes / 1024).toPrecision(2))} GB`;
  return `${megabytes < 10 ? megabytes.toFixed(1) : Math.round(megabytes)} MB`;
}

const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'the path goes round a loop of symbolic links',
  ENAMETOOLONG: 'the path is longer than the file system allows',
  EMFILE: 'too many files are open in this process; close some and try again',
  ENFILE: 'too many files are open on this system; close some programs and try again',
  ENOSPC: 'there is no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EIO: 'the device reported an input/output error',
  EBUSY: 'the file is busy (in use by another program)',
  ETXTBSY: 'the file is busy (in use by another program)',
  ENXIO: 'it is a device or pipe that nothing is connected to',
  EAGAIN: 'it is a pipe or device with nothing to read yet',
  ENODEV: 'it is a device that cannot be read as a file',
  EFBIG: 'the file is larger than the file system allows',
  ERR_FS_FILE_TOO_LARGE: `it is larger than the ${formatBytes(MAX_TEXT_BYTES)} that can be read as text`,
  ERR_STRING_TOO_LONG: `it is larger than the ${formatBytes(MAX_TEXT_BYTES)} that can be read as text`,
};

/**
 * Why reading or writing failed, as a phrase for "cannot read 'x': …"; `missing` when the
 * file does not exist. Errors without words keep the system's message, shortened.
 */
export function describeFileError(error: unknown): { message: string; missing: boolean } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const words = code !== undefined ? WORDS[code] : undefined;
  if (words !== undefined) return { message: words, missing: code === 'ENOENT' };
  const message = error instanceof Error ? error.message : String(error);
  return { message: echo(message, 120), missing: false };
}
