/**
 * Bytes appended once and read back by offset: rendered report pieces of a streamed report (spill-report.ts). They
 * stay in memory up to a limit (a small scan never touches the disk), then go to a file in a private temporary folder
 * that is removed when the store is disposed, and also when the process exits without disposing it (a second Ctrl-C).
 *
 * Blocks go to the file with positional writes in libuv's thread pool, off the thread that renders (the main thread,
 * the lane that decides when a scan ends), up to MAX_IN_FLIGHT; beyond it (a report rendered without yielding, as a
 * plan's is) a block is written synchronously and filled again at once: the 52 MB report of the bench's plan spends
 * about 30 ms in such writes, where a fresh block for each would cost 64 page faults (about 1 ms in a VM). Each
 * block is written where it belongs whatever order the writes finish in; `settled()` waits for them before reading,
 * and a read that does not wait writes the blocks still in flight again itself (the same bytes at the same place).
 * A write that fails leaves the store failed: every later write, wait and read throws its error.
 * Reads give bytes (`readBytes`: a report file gets them as they are, never decoded and encoded again).
 */
import { close, closeSync, mkdtempSync, openSync, readSync, rmSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Bytes kept in memory before the store moves to a file. */
export const SPILL_MEMORY_LIMIT = 4 * 1024 * 1024;

/**
 * Bytes being written to the file in the background at most; beyond it, a block is written synchronously and filled
 * again at once. Small: every block in flight is memory a later block cannot reuse, and fresh memory costs more than
 * the write (in a VM, 64 page faults of about 15 us for a block, against about 50 us to write it to the page cache).
 */
const MAX_IN_FLIGHT = 1024 * 1024;

/** `write` encodes into blocks of this size (a longer text gets a block of its own). */
const BLOCK = 256 * 1024;

/** Reads from the file give buffers of at most this size. */
const READ_BLOCK = 1024 * 1024;

/** Written blocks kept for `write` to fill again, at most (the memory held before the move to a file, and more). */
const MAX_SPARE_BLOCKS = 24;

/**
 * Set on each buffer `readBytes` reads from the file: a function for the consumer to call once it is done with the
 * bytes (a report file's stream has written them, src/cli/output.ts). The buffer's memory is then filled by a later
 * read instead of fresh memory, whose pages are faulted in one by one (about 15 us each in a VM: about 70 ms for an
 * 18 MB report). A consumer that keeps the bytes never calls it.
 */
export const RELEASE_BYTES = Symbol.for('ecsguard.releaseBytes');

/** Read buffers released by their consumers, for `readBytes` to fill again (shared by every store), at most: */
const MAX_FREE_READ_BUFFERS = 2;
const freeReadBuffers: Buffer[] = [];
/** The memory of buffers handed out by `readBytes` and not released yet. */
const lentReadBuffers = new WeakSet<ArrayBufferLike>();

/** A read buffer of READ_BLOCK bytes: a released one, or fresh memory. */
function readBuffer(): Buffer {
  const buffer = freeReadBuffers.pop() ?? Buffer.allocUnsafe(READ_BLOCK);
  lentReadBuffers.add(buffer.buffer);
  return buffer;
}

/** The first `length` bytes of a read buffer, with the function that releases it (RELEASE_BYTES). */
function lent(buffer: Buffer, length: number): Buffer {
  const bytes: Buffer & { [RELEASE_BYTES]?: () => void } = buffer.subarray(0, length);
  bytes[RELEASE_BYTES] = () => {
    releaseReadBuffer(bytes);
  };
  return bytes;
}

/** `bytes` (a view of a read buffer) are no longer used: their buffer may be filled again; a second call does nothing. */
function releaseReadBuffer(bytes: Uint8Array): void {
  if (!lentReadBuffers.delete(bytes.buffer) || freeReadBuffers.length >= MAX_FREE_READ_BUFFERS) return;
  freeReadBuffers.push(Buffer.from(bytes.buffer, 0, READ_BLOCK));
}

export class SpillStore {
  /** Bytes appended so far: the offset of the next append. */
  size = 0;
  /** In memory (before the move to a file): the blocks, in order, and where each starts. */
  private memory: Buffer[] = [];
  private memoryStarts: number[] = [];
  private memoryBytes = 0;
  /** The block `write` fills: text is encoded straight into it, never joined into a larger string first. */
  private block: Buffer | undefined;
  private blockUsed = 0;
  /**
   * Blocks whose bytes are in the file, for `write` to fill again: a fresh block's pages are faulted in one by one
   * (about 15 us each in a VM), which cost more than encoding the text into them. Every block of BLOCK bytes is
   * reusable once its bytes are in the file, except those held in memory when `readBytes` handed out views of them
   * (readers get buffers read from the file once it exists).
   */
  private spare: Buffer[] = [];
  private readonly reusable = new WeakSet<ArrayBufferLike>();
  /** Where the bytes kept so far end (in memory or in the file). */
  private kept = 0;
  private file: { dir: string; fd: number } | undefined;
  /** Blocks being written to the file in the background, by the offset they go to. */
  private readonly inFlight = new Map<number, Buffer>();
  private inFlightBytes = 0;
  private waiting: Array<() => void> = [];
  private failure: Error | undefined;
  /** The file is closed once its last background write ends (after dispose). */
  private closeWhenIdle = false;
  private readonly removeOnExit = () => this.dispose();
  private disposed = false;

  constructor(private readonly memoryLimit = SPILL_MEMORY_LIMIT) {}

  /** The temporary folder, once the store has moved to a file (tests check it is removed). */
  get folder(): string | undefined {
    return this.file?.dir;
  }

  /** Appends `text` as UTF-8 to the current block; returns the byte offset after it. */
  write(text: string): number {
    this.usable();
    if (!text) return this.size;
    let block = this.block;
    // A UTF-16 code unit takes at most 3 bytes: only a text that might not fit is measured.
    if (block === undefined || block.length - this.blockUsed < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (block === undefined || block.length - this.blockUsed < bytes) {
        this.seal();
        block = bytes <= BLOCK ? (this.spare.pop() ?? this.newBlock()) : Buffer.allocUnsafe(bytes);
        this.block = block;
      }
    }
    const written = block.write(text, this.blockUsed, 'utf8');
    this.blockUsed += written;
    this.size += written;
    if (!this.file && this.memoryBytes + this.blockUsed > this.memoryLimit) this.seal();
    return this.size;
  }

  /** Resolves when every block is in the file (rejects if a write failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure !== undefined) throw this.failure;
  }

  private newBlock(): Buffer {
    const block = Buffer.allocUnsafe(BLOCK);
    this.reusable.add(block.buffer);
    return block;
  }

  /** A written block's bytes: its block may be filled again (see spare). */
  private release(bytes: Buffer): void {
    if (this.disposed || this.spare.length >= MAX_SPARE_BLOCKS || !this.reusable.has(bytes.buffer)) return;
    this.spare.push(Buffer.from(bytes.buffer, 0, BLOCK));
  }

  private usable(): void {
    if (this.disposed) throw new Error('the report store was already disposed');
    if (this.failure !== undefined) throw this.failure;
  }

  /** Moves the current block's bytes to memory or to the file. */
  private seal(): void {
    const block = this.block;
    if (block === undefined || this.blockUsed === 0) return;
    const bytes = block.subarray(0, this.blockUsed);
    this.block = undefined;
    this.blockUsed = 0;
    this.keep(bytes);
  }

  /** Keeps appended bytes in memory, or writes them to the file. */
  private keep(bytes: Buffer): void {
    const at = this.kept;
    this.kept += bytes.length;
    if (!this.file) {
      this.memory.push(bytes);
      this.memoryStarts.push(at);
      this.memoryBytes += bytes.length;
      if (this.memoryBytes > this.memoryLimit) this.moveToFile();
      return;
    }
    this.writeAt(bytes, at);
  }

  /** Writes a block at its offset: in the background, or here when too much is being written already. */
  private writeAt(bytes: Buffer, at: number): void {
    const file = this.file as { fd: number };
    if (this.inFlightBytes + bytes.length > MAX_IN_FLIGHT) {
      try {
        writeFully(file.fd, bytes, at);
      } catch (error) {
        // The bytes are lost (and those still held by a move to the file): the store must never be read as whole.
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        throw error;
      }
      this.release(bytes);
      return;
    }
    this.inFlight.set(at, bytes);
    this.inFlightBytes += bytes.length;
    const written = (error: Error | null) => {
      this.inFlight.delete(at);
      this.inFlightBytes -= bytes.length;
      if (error && this.failure === undefined) this.failure = error;
      if (this.inFlight.size === 0) {
        if (this.closeWhenIdle) {
          this.closeWhenIdle = false;
          close(file.fd, () => undefined);
        }
        for (const resolve of this.waiting.splice(0)) resolve();
      }
    };
    const rest = (done: number): void => {
      write(file.fd, bytes, done, bytes.length - done, at + done, (error, n) => {
        if (error) written(error);
        else if (done + n < bytes.length) rest(done + n);
        else {
          written(null);
          this.release(bytes);
        }
      });
    };
    rest(0);
  }

  /**
   * The bytes of ranges [start, end), in order, as buffers of at most about 1 MB that the caller may keep (views of
   * the store's memory, or buffers read from the file). A buffer read from the file carries RELEASE_BYTES: a caller
   * done with its bytes calls it, and a later read fills the same memory.
   */
  *readBytes(ranges: Iterable<readonly [number, number]>): Generator<Buffer> {
    this.seal();
    if (this.failure !== undefined) throw this.failure;
    if (!this.file) {
      // A reader may keep these views: their blocks are never filled again.
      for (const block of this.memory) this.reusable.delete(block.buffer);
      const starts = this.memoryStarts;
      for (const [start, end] of ranges) {
        // The block holding `start`: the last that starts at or before it.
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((starts[mid] as number) <= start) lo = mid;
          else hi = mid - 1;
        }
        for (let b = lo, at = start; at < end; b++) {
          const block = this.memory[b] as Buffer;
          const from = at - (starts[b] as number);
          const to = Math.min(block.length, end - (starts[b] as number));
          if (to > from) yield block.subarray(from, to);
          at += Math.max(0, to - from);
        }
      }
      return;
    }
    const { fd } = this.file;
    // A caller that did not wait for settled(): what is still being written is written again here, where it belongs.
    for (const [at, bytes] of this.inFlight) writeFully(fd, bytes, at);
    // Ranges follow one another in a buffer until it is full: a buffer holds the bytes of many short ranges (a
    // report's pieces, sorted, are many ranges of a few KB), and the consumer gets buffers of READ_BLOCK bytes.
    let buffer: Buffer | undefined;
    let used = 0;
    for (const [start, end] of ranges) {
      for (let at = start; at < end; ) {
        buffer ??= readBuffer();
        const length = Math.min(buffer.length - used, end - at);
        for (let filled = 0; filled < length; ) {
          const read = readSync(fd, buffer, used + filled, length - filled, at + filled);
          if (read === 0) throw new Error(`the report store ended at byte ${at + filled}, before ${end}`);
          filled += read;
        }
        at += length;
        used += length;
        if (used === buffer.length) {
          yield lent(buffer, used);
          buffer = undefined;
          used = 0;
        }
      }
    }
    if (buffer) yield lent(buffer, used);
  }

  /** Closes and removes the file and its folder; idempotent. A file still being written is closed when that ends. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.removeOnExit);
    this.memory = [];
    this.memoryStarts = [];
    this.block = undefined;
    this.spare = [];
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    try {
      // Closing now could let a new file take the descriptor while a background write still targets it.
      if (this.inFlight.size) this.closeWhenIdle = true;
      else closeSync(file.fd);
    } finally {
      rmSync(file.dir, { recursive: true, force: true });
    }
  }

  private moveToFile(): void {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-report-'));
    process.on('exit', this.removeOnExit);
    let fd: number;
    try {
      fd = openSync(path.join(dir, 'pieces'), 'w+', 0o600);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', this.removeOnExit);
      throw error;
    }
    this.file = { dir, fd };
    // Each buffer where it belongs: no copy of the whole.
    const memory = this.memory;
    const starts = this.memoryStarts;
    this.memory = [];
    this.memoryStarts = [];
    this.memoryBytes = 0;
    for (let i = 0; i < memory.length; i++) this.writeAt(memory[i] as Buffer, starts[i] as number);
  }
}

function writeFully(fd: number, bytes: Buffer, at: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
}
