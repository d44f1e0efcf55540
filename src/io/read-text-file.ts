import {
  type Stats,
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { decodeText, withoutByteOrderMark } from './decode-text.js';

/** What a scan reads of one file at most, unless `--max-file-size` says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

/** O_NONBLOCK where the platform has it (not on Windows, where opening a pipe does not wait for a writer). */
const nonBlocking = (fsConstants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

/**
 * The memory files are read into, file after file, up to this size: fresh memory for each file's bytes costs a page
 * fault per 4 KB touched (about 15 us each in a VM, more than reading the file), and the bytes are only decoded.
 */
const READ_BUFFER_KEPT = 1024 * 1024;
let readBuffer: Buffer | undefined;

/** A buffer of at least `size` bytes to read into: the kept one when it is large enough. */
function bufferToRead(size: number): Buffer {
  if (readBuffer !== undefined && readBuffer.length >= size) return readBuffer;
  const buffer = Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  if (buffer.length <= READ_BUFFER_KEPT) readBuffer = buffer;
  return buffer;
}

/**
 * Reads a file the walk saw as a regular file: open (non-blocking, so a file swapped for a pipe since cannot hang
 * the scan), fstat, read, close. Returns its size when over the limit, undefined when it is no longer a regular file
 * (the caller then reads it as a file named on the command line). The bytes are valid until the next call: decode
 * them at once.
 */
export function readRegularFileSync(
  absolute: string,
  maxBytes: number,
  onStat?: (info: Stats, read: boolean) => boolean | undefined,
): Buffer | number | undefined {
  const fd = openSync(absolute, fsConstants.O_RDONLY | nonBlocking);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    // True: called again once the bytes are read, to learn whether the file changed while it was read.
    const again = onStat?.(info, false) === true;
    const bytes = readOpenFile(fd, info.size, maxBytes);
    if (again && typeof bytes !== 'number') onStat?.(fstatSync(fd), true);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of an open regular file of `size` bytes at its fstat, or how many there are when over `maxBytes`. */
function readOpenFile(fd: number, size: number, maxBytes: number): Buffer | number {
  if (size > maxBytes) return size;
  // One byte more than its size: a read that fills it means the file grew since fstat (read on to its end then).
  let buffer = bufferToRead(size + 1);
  let length = 0;
  for (;;) {
    const asked = buffer.length - length;
    const n = readSync(fd, buffer, length, asked, null);
    if (n === 0) break;
    length += n;
    if (length > maxBytes) return length;
    // A regular file reads short only at its end: no second call to learn what this one said.
    if (n < asked) break;
    if (length === buffer.length) {
      const grown = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
  }
  return buffer.subarray(0, length);
}

/** Files from this size on get a FileIdentity when read (InputFile.identity): only a large file is read twice. */
export const IDENTIFIED_MIN_BYTES = 1024 * 1024;

/**
 * How long a file must have been left unchanged before it is read for its identity to vouch for its bytes: file
 * times advance in steps of the kernel's clock tick (a few ms), so a write in the same tick as the first read could
 * leave size and times unchanged. Git treats its index entries the same way ("racy" entries).
 */
const SETTLED_MS = 2000;

/**
 * What names a file's bytes as read (device, inode, size, modification and change times), or undefined when they
 * cannot be vouched for that way: a small file, or one changed too recently. A second read of the file whose identity
 * is the same read the same bytes; any write changes the change time, which no user can set.
 */
export function fileIdentity(info: Stats, now = Date.now()): string | undefined {
  if (info.size < IDENTIFIED_MIN_BYTES || now - info.ctimeMs < SETTLED_MS || now - info.mtimeMs < SETTLED_MS) return undefined;
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

/**
 * The text of a file read before, read again (by a worker thread: shared-file.ts), decoded the same way; undefined
 * when the file is no longer the one read (its identity changed, before or while it was read again, or it went away).
 */
export function rereadText(absolute: string, identity: string): string | undefined {
  const probe = new IdentityProbe();
  try {
    const bytes = readRegularFileSync(absolute, Number.MAX_SAFE_INTEGER, probe.onStat);
    if (bytes === undefined || typeof bytes === 'number' || probe.of(bytes) !== identity) return undefined;
    const decoded = decodeText(bytes, absolute);
    return 'error' in decoded ? undefined : decoded.text;
  } catch {
    return undefined;
  }
}

/**
 * Follows a file's identity through one readRegularFileSync (pass `onStat`), for the bytes it read: the identity at
 * the open, if the file had one and still has it once read (a write while it was read, even one that kept its size,
 * changes its change time) and the bytes are as many as its size said.
 */
export class IdentityProbe {
  private before: string | undefined;
  private after: string | undefined;
  private size = 0;

  readonly onStat = (info: Stats, read: boolean): boolean => {
    if (read) this.after = fileIdentity(info);
    else {
      this.before = fileIdentity(info);
      this.size = info.size;
    }
    return this.before !== undefined;
  };

  of(bytes: Buffer): string | undefined {
    return this.before !== undefined && this.before === this.after && bytes.length === this.size ? this.before : undefined;
  }
}

export type TextFileRead = { text: string } | { error: string; missing: boolean };

/**
 * A file another input names (a nested stack's template), read as the scan reads the files it is given: a regular
 * file, at most `maxBytes`, UTF-8 (without its byte order mark) or UTF-16 with one. Synchronous: a source reads
 * it while it reads the file that names it. `missing`: there is no such file (as opposed to one that is not text).
 */
export function readTextFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): TextFileRead {
  let bytes: Buffer | number | undefined;
  try {
    bytes = readRegularFileSync(file, maxBytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'not found' : describe(error), missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
  if (typeof bytes === 'number') return { error: `larger than ${maxBytes / (1024 * 1024)} MB`, missing: false };
  if (bytes === undefined) return { error: isFolder(file) ? 'a folder, not a file' : 'not a regular file', missing: false };
  const decoded = decodeText(bytes, file);
  return 'error' in decoded ? { error: decoded.error.message, missing: false } : { text: decoded.text };
}

/**
 * A file's UTF-8 text without its byte order mark, as the scan decodes the files it is given: what a source that
 * reads more files of a folder (Terraform's modules) reads, so offsets agree with fixers' texts (cached-text.ts).
 */
export const readUtf8Text = (file: string): string => withoutByteOrderMark(readFileSync(file, 'utf8'));

/** The file's real path; its absolute path when it has none (it does not exist). */
export function realPathOrAbsolute(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

const isFolder = (file: string) => {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
};

const describe = (error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES') return 'permission denied';
  return e.code ?? String(error);
};
