import { temporaryName as temporaryNameBeside } from '../io/temporary-name.js';
import { chmod, chown, lstat, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError, isWithinRoots } from '../engine/discover.js';
import type { ScanError } from '../model/finding.js';
import type { FileChange } from './fix-files.js';

/** The byte form a text file was read in, so it is written back the same way. */
type Encoding = { bom: boolean; codec: 'utf8' | 'utf16le' | 'utf16be' };

function encodingOf(bytes: Buffer): Encoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { bom: true, codec: 'utf8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { bom: true, codec: 'utf16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { bom: true, codec: 'utf16be' };
  return { bom: false, codec: 'utf8' };
}

function decode(bytes: Buffer, encoding: Encoding): string {
  const label = encoding.codec === 'utf8' ? 'utf-8' : encoding.codec === 'utf16le' ? 'utf-16le' : 'utf-16be';
  // TextDecoder drops the BOM (ignoreBOM false), as the scan did.
  return new TextDecoder(label).decode(bytes);
}

function encode(text: string, encoding: Encoding): Buffer {
  const body = encoding.bom ? `\ufeff${text}` : text;
  if (encoding.codec === 'utf8') return Buffer.from(body, 'utf8');
  const le = Buffer.from(body, 'utf16le');
  return encoding.codec === 'utf16le' ? le : le.swap16();
}

/** The real paths of the folders and files the user gave; `-` (standard input) is never written. */
export async function realRoots(paths: string[]): Promise<string[]> {
  const roots: string[] = [];
  for (const given of paths) {
    if (given === '-') continue;
    roots.push(await realpath(path.resolve(given)).catch(() => path.resolve(given)));
  }
  return roots;
}

/**
 * The real path `file` is written at, or why it is not: it cannot be resolved, or it is outside every root (a file a
 * module call or a symlink reached from the trees given). A dry run asks the same, so it shows what --write does.
 */
export async function placeToWrite(file: string, roots: string[]): Promise<{ real: string } | { refused: string }> {
  const given = path.resolve(file);
  let real: string;
  try {
    real = await realpath(given);
  } catch (error) {
    return { refused: describeFsError(error) };
  }
  if (isWithinRoots(real, roots)) return { real };
  const outside = `outside the folders and files given (${roots.join(', ')})`;
  if ((await lstat(given)).isSymbolicLink())
    return { refused: `it is a symlink to ${real}, ${outside}; ecsguard fix never writes outside them` };
  return { refused: `it is ${outside}; to fix it, name it or its folder as well` };
}

/**
 * Writes one fixed file safely:
 * - only inside the trees given: a file whose real path (after symlinks) is
 *   outside every root is refused;
 * - only if it still holds the text that was scanned (no lost edits);
 * - in its own encoding, BOM kept;
 * - atomically: a temporary file in the same folder, flushed, given the
 *   original's mode and owner, then renamed over the real file (a symlink
 *   inside the tree stays a symlink).
 * Returns an error entry instead of throwing, so the other files are written.
 */
export async function writeFixedFile(change: FileChange, roots: string[]): Promise<ScanError | undefined> {
  const notWritten = (reason: string): ScanError => ({ file: change.file, message: `not written: ${reason}` });
  const place = await placeToWrite(change.file, roots);
  if ('refused' in place) return notWritten(place.refused);
  const real = place.real;

  let bytes: Buffer;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    [bytes, info] = await Promise.all([readFile(real), stat(real)]);
  } catch (error) {
    return notWritten(describeFsError(error));
  }
  const encoding = encodingOf(bytes);
  if (decode(bytes, encoding) !== change.before) return notWritten('the file changed since it was read; run fix again');

  const temporary = path.join(path.dirname(real), temporaryName(path.basename(real)));
  try {
    const handle = await open(temporary, 'wx', info.mode & 0o7777);
    try {
      await handle.writeFile(encode(change.after, encoding));
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() applies the umask; set the exact mode, and the owner when it differs from ours.
    await chmod(temporary, info.mode & 0o7777);
    const mine = await stat(temporary);
    if (mine.uid !== info.uid || mine.gid !== info.gid) {
      await chown(temporary, info.uid, info.gid).catch((error: unknown) => {
        throw new Error(`cannot keep the owner ${info.uid}:${info.gid} (${describeFsError(error)})`);
      });
    }
    await rename(temporary, real);
    return undefined;
  } catch (error) {
    // Never throws: the error to report is the one above (a name too long to create is too long to remove).
    await rm(temporary, { force: true }).catch(() => undefined);
    return notWritten(error instanceof Error && error.message.startsWith('cannot keep') ? error.message : describeFsError(error));
  }
}

/** The temporary file's name beside `name` (`.<name>.<pid>.<random>.ecsguard-tmp`, cut short when too long). */
export const temporaryName = (name: string): string => temporaryNameBeside(name, '.ecsguard-tmp');
