import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { decodeText } from './decode-text.js';

/** What a scan reads of one file at most (as `--max-file-size`'s default). */
export const MAX_TEXT_FILE_BYTES = 32 * 1024 * 1024;

/** Opening a FIFO for reading would wait for a writer: non-blocking, it opens at once (and is no regular file). */
const NON_BLOCKING = (fsConstants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

export type TextFileRead = { text: string } | { error: string; missing: boolean };

/**
 * A file another input names (a nested stack's template), read as the scan reads the files it is given: a regular
 * file, at most `maxBytes`, UTF-8 (without its byte order mark) or UTF-16 with one. Synchronous: a source reads
 * it while it reads the file that names it. `missing`: there is no such file (as opposed to one that is not text).
 */
export function readTextFile(file: string, maxBytes = MAX_TEXT_FILE_BYTES): TextFileRead {
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | NON_BLOCKING);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'not found' : describe(error), missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { error: info.isDirectory() ? 'a folder, not a file' : 'not a regular file', missing: false };
    if (info.size > maxBytes) return { error: `larger than ${maxBytes / (1024 * 1024)} MB`, missing: false };
    const buffer = Buffer.allocUnsafe(info.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    const decoded = decodeText(buffer.subarray(0, length), file);
    return 'error' in decoded ? { error: decoded.error.message, missing: false } : { text: decoded.text };
  } catch (error) {
    return { error: describe(error), missing: false };
  } finally {
    closeSync(fd);
  }
}

const describe = (error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES') return 'permission denied';
  return e.code ?? String(error);
};
