/**
 * Bytes appended once and read back by offset: rendered report pieces of a streamed report (spill-report.ts). They
 * stay in memory up to a limit (a small scan never touches the disk), then go to a file in a private temporary folder
 * that is removed when the store is disposed, and also when the process exits without disposing it (a second Ctrl-C).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Bytes kept in memory before the store moves to a file. */
export const SPILL_MEMORY_LIMIT = 4 * 1024 * 1024;

/** Appends are written in blocks of about this size. */
const WRITE_BLOCK = 1024 * 1024;

/** `write` encodes into blocks of this size (a longer text gets a block of its own). */
const BLOCK = 256 * 1024;

/** Reads go through a buffer of this size. */
const READ_BLOCK = 64 * 1024;

export class SpillStore {
  /** Bytes appended so far: the offset of the next append. */
  size = 0;
  private memory: Buffer[] = [];
  private memoryBytes = 0;
  /** The block `write` fills: text is encoded straight into it, never joined into a larger string first. */
  private block: Buffer | undefined;
  private blockUsed = 0;
  /** Appended, not yet written to the file. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private file: { dir: string; fd: number } | undefined;
  private whole: Buffer | undefined;
  private readonly removeOnExit = () => this.dispose();
  private disposed = false;

  constructor(private readonly memoryLimit = SPILL_MEMORY_LIMIT) {}

  /** The temporary folder, once the store has moved to a file (tests check it is removed). */
  get folder(): string | undefined {
    return this.file?.dir;
  }

  /** Appends `text` as UTF-8 in a buffer of its own; returns its byte offset. */
  append(text: string): number {
    if (this.disposed) throw new Error('the report store was already disposed');
    const start = this.size;
    if (!text) return start;
    this.seal();
    const bytes = Buffer.from(text, 'utf8');
    this.size += bytes.length;
    this.keep(bytes);
    return start;
  }

  /** Appends `text` as UTF-8 to the current block; returns the byte offset after it. */
  write(text: string): number {
    if (this.disposed) throw new Error('the report store was already disposed');
    if (!text) return this.size;
    let block = this.block;
    // A UTF-16 code unit takes at most 3 bytes: only a text that might not fit is measured.
    if (block === undefined || block.length - this.blockUsed < text.length * 3) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (block === undefined || block.length - this.blockUsed < bytes) {
        this.seal();
        block = Buffer.allocUnsafe(Math.max(BLOCK, bytes));
        this.block = block;
      }
    }
    const written = block.write(text, this.blockUsed, 'utf8');
    this.blockUsed += written;
    this.size += written;
    if (!this.file && this.memoryBytes + this.blockUsed > this.memoryLimit) this.seal();
    return this.size;
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

  /** Keeps appended bytes in memory, or queues them for the file. */
  private keep(bytes: Buffer): void {
    if (!this.file) {
      this.memory.push(bytes);
      this.memoryBytes += bytes.length;
      if (this.memoryBytes > this.memoryLimit) this.moveToFile();
      return;
    }
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= WRITE_BLOCK) this.flush();
  }

  /**
   * The text of byte ranges [start, end), in order, as strings of at most about 64 KB (ranges hold whole characters:
   * a character split between two reads is joined by the decoder). `skip` bytes of the first range are dropped.
   */
  *read(ranges: Iterable<readonly [number, number]>): Generator<string> {
    this.seal();
    const decoder = new StringDecoder('utf8');
    if (!this.file) {
      this.whole ??= Buffer.concat(this.memory, this.memoryBytes);
      this.memory = [this.whole];
      for (const [start, end] of ranges) {
        for (let at = start; at < end; at += READ_BLOCK) {
          const text = decoder.write(this.whole.subarray(at, Math.min(end, at + READ_BLOCK)));
          if (text) yield text;
        }
      }
    } else {
      this.flush();
      const buffer = Buffer.allocUnsafe(READ_BLOCK);
      const { fd } = this.file;
      for (const [start, end] of ranges) {
        let at = start;
        while (at < end) {
          const read = readSync(fd, buffer, 0, Math.min(READ_BLOCK, end - at), at);
          if (read === 0) throw new Error(`the report store ended at byte ${at}, before ${end}`);
          at += read;
          // A copy: the buffer is reused for the next read while the caller may still hold the text's source.
          const text = decoder.write(buffer.subarray(0, read));
          if (text) yield text;
        }
      }
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  /** Closes and removes the file and its folder; idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.removeOnExit);
    this.memory = [];
    this.pending = [];
    this.block = undefined;
    this.whole = undefined;
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    try {
      closeSync(file.fd);
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
    // Written a buffer at a time: no copy of the whole.
    for (const bytes of this.memory) for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    this.memory = [];
    this.memoryBytes = 0;
  }

  private flush(): void {
    if (!this.file || !this.pendingBytes) return;
    const block = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (let at = 0; at < block.length; ) at += writeSync(this.file.fd, block, at, block.length - at);
  }
}
