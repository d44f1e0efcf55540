import { readdirSync, realpathSync } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { type DecodedText, decodeText } from '../io/decode-text.js';
import { DEFAULT_MAX_FILE_BYTES, IdentityProbe, readRegularFileSync } from '../io/read-text-file.js';
import type { ScanError } from '../model/finding.js';
import type { InputFile } from '../sources/source.js';

export { DEFAULT_MAX_FILE_BYTES } from '../io/read-text-file.js';

/** Folders that never hold the user's own definitions. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform']);

/** In a directory walk only these endings are read; a file named on the command line is always read. */
const CANDIDATE_ENDINGS = ['.json', '.yaml', '.yml', '.template', '.tf', '.tfvars'];

export interface DiscoveredFile {
  file: InputFile;
  /** Named on the command line (or stdin): an unrecognized one is an error, not a skip. */
  explicit: boolean;
}

/** A file in a walked folder that was not read, and why (listed with --verbose). */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DiscoveryResult {
  files: DiscoveredFile[];
  errors: ScanError[];
  /** Symlinks in walked folders that were not followed (dangling, loops, outside the roots, not a regular file). */
  skipped: SkippedFile[];
  /**
   * The real paths of the paths given (folders and files): nothing outside them
   * is read unless followSymlinks, and a fixer must not write outside them.
   */
  roots: string[];
}

export interface DiscoveryOptions {
  maxFileBytes?: number;
  readStdin?: () => Promise<Buffer | undefined>;
  /** Ctrl-C: the walk and the reads stop at the next file (the signal's reason is thrown). */
  signal?: AbortSignal;
  /** Follow symlinks in walked folders that lead outside the paths given (off by default). */
  followSymlinks?: boolean;
  /**
   * Texts already in memory (the library's `scanText` and `fixText`), taken after `paths` as files named on the
   * command line: `path` names them in findings and picks the source by its ending; they are never read from disk.
   */
  texts?: ReadonlyArray<{ path: string; text: string }>;
}

/** True when `real` is one of `roots` or inside one of them. */
export function isWithinRoots(real: string, roots: readonly string[]): boolean {
  return roots.some((root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

function skipDirectory(name: string, parentName: string): boolean {
  if (SKIPPED_DIRECTORIES.has(name)) return true;
  // CDK copies assets (often whole projects) into cdk.out/asset.<hash>.
  return parentName === 'cdk.out' && name.startsWith('asset.');
}

function displayPath(base: string, relative: string): string {
  return base === '.' ? relative : path.join(base, relative);
}

/** MB with one decimal; sizes under 0.1 MB in KB or bytes, so a small limit and a small file do not both read 0.0 MB. */
function describeSize(bytes: number): string {
  if (bytes >= 0.1 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}

export { type DecodedText, type TextEncoding, decodeText } from '../io/decode-text.js';

/**
 * A file the walk found, not read yet (or standard input, read already: it can be read only once). The walk's list
 * is held for the whole scan: a file found in a folder is a WalkedFile, which holds its name and its folder's paths
 * (held once per folder) and builds its own paths when read, so the list costs a few dozen bytes per file.
 */
export interface PendingFile {
  readonly display: string;
  readonly absolute?: string;
  readonly explicit: boolean;
  /** Standard input's decoded text. */
  stdin?: DecodedText;
  /**
   * Set by the walk for what readdir (or a followed link) said is a regular file: its real path, known without a
   * realpath call. Such a file is read with one open, fstat, read and close in this thread (cheaper than the
   * promise API's several round trips through the thread pool); a file named on the command line (maybe a pipe or
   * a device) is read as before.
   */
  readonly real?: string;
}

/** A folder the walk entered: its display, absolute and real paths, held once for all its files. */
interface WalkedFolder {
  display: string;
  absolute: string;
  real: string;
}

/**
 * A regular file readdir listed in a walked folder (not a link): its paths are its folder's joined with its name,
 * built when asked for (the file is read once), not held per file.
 */
class WalkedFile implements PendingFile {
  constructor(
    private readonly folder: WalkedFolder,
    readonly name: string,
  ) {}

  get display(): string {
    return displayPath(this.folder.display, this.name);
  }

  get absolute(): string {
    return path.join(this.folder.absolute, this.name);
  }

  get explicit(): boolean {
    return false;
  }

  /** Not a link, in a folder whose real path is known: so is the file's. */
  get real(): string {
    return path.join(this.folder.real, this.name);
  }

  /** The key of its real path in a RealPathSet, without building the path. */
  realKey(): readonly [string, string] {
    return [this.folder.real, this.name];
  }
}

/** A pending file's name, or the path it is shown by (what its extension is read from), without building a path. */
export function pendingName(p: PendingFile): string {
  return p instanceof WalkedFile ? p.name : p.display;
}

/**
 * The real paths of the files read so far (a file reached twice, through a link or two overlapping paths, is read
 * once), held as names per folder: a folder's real path once, then each file's name, which the walk holds anyway.
 */
class RealPathSet {
  private readonly folders = new Map<string, Set<string>>();

  /** Adds the real path given as its folder and name; false when it was there already. */
  add(folder: string, name: string): boolean {
    let names = this.folders.get(folder);
    if (!names) this.folders.set(folder, (names = new Set()));
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }

  /** addPath for a whole path (a file named on the command line, a followed link, a pipe). */
  addPath(real: string): boolean {
    return this.add(path.dirname(real), path.basename(real));
  }
}

/** What the walk found: the files to read in order, and no file texts (a scan reads them as it goes). */
export interface WalkResult {
  pending: PendingFile[];
  errors: ScanError[];
  skipped: SkippedFile[];
  roots: string[];
}

/**
 * Expands the command-line paths into files: directories are walked
 * recursively (symlink loops reported, not followed), `-` reads standard input.
 */
export async function discoverFiles(paths: string[], options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const walked = await walkPaths(paths, options);
  const reader = fileReader(options);
  const files: DiscoveredFile[] = [];
  const errors = walked.errors;
  for await (const outcome of reader.read(walked.pending)) {
    if (outcome === undefined) continue;
    if ('message' in outcome) errors.push(outcome);
    else files.push(outcome);
  }
  return { files, errors, skipped: walked.skipped, roots: walked.roots };
}

/**
 * Reads pending files in walk order, a window at a time (reading is I/O-bound: several reads are in flight), so a
 * caller that drops each text once used holds only a window of texts. Yields undefined for a file already read
 * through another path (same real path).
 */
export function fileReader(options: DiscoveryOptions = {}) {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const seen = new RealPathSet();
  async function readOne(p: PendingFile): Promise<DiscoveredFile | ScanError | undefined> {
    if (p.stdin) return { file: inputFile(p.display, p.stdin), explicit: true };
    const { display, explicit } = p;
    const absolute = p.absolute as string;
    try {
      const known = p instanceof WalkedFile || p.real !== undefined;
      if (p instanceof WalkedFile) {
        const [folder, name] = p.realKey();
        if (!seen.add(folder, name)) return undefined;
      } else {
        // Pipes and /dev/fd/N have no real path; they are read once anyway.
        const real = p.real ?? (await realpath(absolute).catch(() => absolute));
        if (!seen.addPath(real)) return undefined;
      }
      let bytes: Buffer | undefined;
      const identity = new IdentityProbe();
      if (known) {
        const read = readRegularFileSync(absolute, maxBytes, identity.onStat);
        if (typeof read === 'number') return tooLarge(display, read, maxBytes);
        bytes = read;
      }
      if (bytes === undefined) {
        const info = await stat(absolute);
        if (info.isFile() && info.size > maxBytes) return tooLarge(display, info.size, maxBytes);
        // A regular file is read at once in this thread: the promise API reads it in 512 KB round trips through the
        // thread pool, each leaving this thread idle (70 ms for a 19 MB plan). Only pipes and devices need the
        // bounded stream (and a file swapped for one since the stat).
        const read = info.isFile() ? readRegularFileSync(absolute, maxBytes, identity.onStat) : undefined;
        if (typeof read === 'number') return tooLarge(display, read, maxBytes);
        bytes = read ?? (await readBounded(absolute, maxBytes));
        if (bytes === undefined) return tooLarge(display, undefined, maxBytes);
      }
      const decoded = decodeText(bytes, display);
      if ('error' in decoded) return decoded.error;
      const file = inputFile(display, decoded, absolute);
      const identified = identity.of(bytes);
      if (identified !== undefined) file.identity = identified;
      return { file, explicit };
    } catch (error) {
      return { file: display, message: describeFsError(error) };
    }
  }
  return {
    async *read(pending: readonly PendingFile[]): AsyncGenerator<DiscoveredFile | ScanError | undefined> {
      for (let at = 0; at < pending.length; at += READ_WINDOW) {
        options.signal?.throwIfAborted();
        const window = pending.slice(at, at + READ_WINDOW);
        const outcomes = await mapWithConcurrency(window, READ_CONCURRENCY, (p) => {
          options.signal?.throwIfAborted();
          return readOne(p);
        });
        yield* outcomes;
      }
    },
  };
}

/** Folders the walk lists between two turns of the event loop. */
const WALK_YIELD_EVERY = 32;

/** Walks the paths given, in order; reads only standard input. */
export async function walkPaths(paths: string[], options: DiscoveryOptions = {}): Promise<WalkResult> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const errors: ScanError[] = [];
  const skipped: SkippedFile[] = [];
  /** Standard input first (as it always came first), then files to read, in walk order. */
  const stdin: PendingFile[] = [];
  const pending: PendingFile[] = [];
  let foldersRead = 0;
  async function walk(displayDir: string, absoluteDir: string, realDir: string, ancestors: Set<string>): Promise<void> {
    // Folders are listed with synchronous calls: the walk has nothing to do while it waits, and each promise call is a
    // round trip through the thread pool (a tree of 250 module folders left this thread idle for about 50 ms). Every
    // few folders the walk lets other callbacks run, so Ctrl-C still stops a walk of a large tree.
    if (++foldersRead % WALK_YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    options.signal?.throwIfAborted();
    const folder: WalkedFolder = { display: displayDir, absolute: absoluteDir, real: realDir };
    let entries;
    try {
      entries = readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      errors.push({ file: displayDir, message: describeFsError(error) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Most entries are regular files: their paths are built only when read (WalkedFile).
      if (entry.isFile()) {
        if (isCandidate(entry.name)) pending.push(new WalkedFile(folder, entry.name));
        continue;
      }
      const display = displayPath(displayDir, entry.name);
      const absolute = path.join(absoluteDir, entry.name);
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // A link that cannot be followed is not an input that could not be read: skipped, counted, listed with --verbose.
        const followed = await followLink(absolute);
        if ('skip' in followed) {
          skipped.push({ file: display, reason: followed.skip });
          continue;
        }
        if (!followed.directory && !followed.file) {
          skipped.push({ file: display, reason: 'symlink to something that is not a regular file or folder' });
          continue;
        }
        if (followed.file && !isCandidate(entry.name) && !isCandidate(followed.real)) {
          skipped.push({ file: display, reason: 'symlink to a file type that is not scanned' });
          continue;
        }
        if (!options.followSymlinks && !isWithinRoots(followed.real, roots)) {
          skipped.push({
            file: display,
            reason: `symlink to ${followed.real}, outside the scanned paths; not followed (use --follow-symlinks)`,
          });
          continue;
        }
        isDirectory = followed.directory;
        if (followed.file) {
          pending.push({ display, absolute, explicit: false, real: followed.real });
          continue;
        }
      }
      if (isDirectory) {
        if (skipDirectory(entry.name, path.basename(absoluteDir))) continue;
        let real: string;
        try {
          real = realpathSync.native(absolute);
        } catch (error) {
          errors.push({ file: display, message: describeFsError(error) });
          continue;
        }
        if (ancestors.has(real)) {
          skipped.push({ file: display, reason: `symlink loop: ${display} leads back to a folder above it; not followed` });
          continue;
        }
        await walk(display, absolute, real, new Set([...ancestors, real]));
      }
    }
  }

  const roots: string[] = [];
  for (const given of paths) {
    if (given === '-') continue;
    const real = await realpath(path.resolve(given)).catch(() => undefined);
    if (real !== undefined) roots.push(real);
  }

  for (const given of paths) {
    if (given === '-') {
      const bytes = await (options.readStdin ?? (() => readStreamBounded(process.stdin, maxBytes)))();
      if (bytes === undefined || bytes.length > maxBytes) {
        errors.push(tooLarge('<stdin>', undefined, maxBytes));
        continue;
      }
      const decoded = decodeText(bytes, '<stdin>');
      if ('error' in decoded) errors.push(decoded.error);
      else stdin.push({ display: '<stdin>', explicit: true, stdin: decoded });
      continue;
    }
    const absolute = path.resolve(given);
    try {
      await lstat(absolute);
      const info = await stat(absolute);
      if (info.isDirectory()) {
        const real = await realpath(absolute);
        await walk(given, absolute, real, new Set([real]));
      } else pending.push({ display: given, absolute, explicit: true });
    } catch (error) {
      errors.push({ file: given, message: describeFsError(error) });
    }
  }
  // In-memory texts (the library's scanText and fixText) are read like standard input; a BOM is not part of the text.
  for (const { path: display, text } of options.texts ?? []) {
    const bom = text.startsWith('\uFEFF');
    stdin.push({ display, explicit: true, stdin: { text: bom ? text.slice(1) : text, encoding: 'utf-8', bom } });
  }
  return { pending: [...stdin, ...pending], errors, skipped, roots };
}

/**
 * JSON, YAML and template names in any case (`TD.JSON`, as the AWS CLI reads any `file://`); Terraform's exactly, as
 * Terraform loads `.tf` and `.tfvars` and nothing else.
 */
const isCandidate = (name: string) => {
  const lower = name.toLowerCase();
  return CANDIDATE_ENDINGS.some((ending) => (ending.startsWith('.tf') ? name.endsWith(ending) : lower.endsWith(ending)));
};

function inputFile(display: string, decoded: DecodedText, absolute?: string): InputFile {
  return {
    path: display,
    ...(absolute ? { absolutePath: absolute } : {}),
    text: decoded.text,
    ...(decoded.encoding !== 'utf-8' ? { encoding: decoded.encoding } : {}),
    ...(decoded.bom ? { bom: true } : {}),
  };
}

/** Where a symlink leads, or why it is not followed. */
async function followLink(absolute: string): Promise<{ real: string; file: boolean; directory: boolean } | { skip: string }> {
  try {
    const target = await stat(absolute);
    const real = await realpath(absolute);
    return { real, file: target.isFile(), directory: target.isDirectory() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return { skip: 'dangling symlink: its target does not exist' };
    if (code === 'ELOOP') return { skip: 'symlink loop: the link leads back to itself' };
    return { skip: `symlink not followed: ${describeFsError(error)}` };
  }
}

const READ_CONCURRENCY = 32;
/** Files read ahead of the scan at most (their texts are held until their batch is parsed). */
const READ_WINDOW = 128;

async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function tooLarge(file: string, size: number | undefined, maxBytes: number): ScanError {
  const actual = size === undefined ? 'more than' : `${describeSize(size)}, larger than`;
  return { file, message: `file is ${actual} the ${describeSize(maxBytes)} limit (raise it with --max-file-size)` };
}

/** Reads at most `maxBytes` (devices and pipes have no size to check first); undefined when there is more. */
async function readBounded(file: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(file, 'r');
  try {
    return await readStreamBounded(handle.createReadStream({ autoClose: false }), maxBytes);
  } finally {
    await handle.close();
  }
}

export async function readStreamBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symlink loop: the link points back to itself';
    case 'EISDIR':
      return 'is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
