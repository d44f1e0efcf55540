import { type FileHandle, appendFile, open, rm, writeFile } from 'node:fs/promises';
import type { ScanError } from '../../model/finding.js';
import { UsageError } from '../../model/errors.js';
import type { ResourceRef, Usage } from '../../model/task-definition.js';
import { type ObjectNode, fromPlain, toPlain } from '../../model/value.js';
import type { SourceDefinition, SourceFailure, SourceOutput } from '../source.js';

/** What a state file was written for: a rerun must scan the same things to reuse it. */
export interface ScanStateKey {
  scope: string;
  regions: string[] | 'all';
  role: string;
  ou: string | null;
}

interface Header extends ScanStateKey {
  kind: 'ecsguard-organization-scan-state';
  version: 1;
}

/** One finished account-region: the described task definitions as plain JSON, so a rerun reports them without calling AWS. */
interface FinishedLine {
  account: string;
  region: string;
  definitions: Array<{ resource: ResourceRef; body: unknown; usage?: Usage }>;
  failures: SourceFailure[];
  errors: ScanError[];
}

const KIND = 'ecsguard-organization-scan-state';

/**
 * `--state FILE`: JSON lines, a header then one line per account-region that
 * finished without errors. Lines are appended as pairs finish, so a crash
 * loses at most the pairs in flight; a torn last line is ignored. Pairs that
 * failed are not recorded: a rerun scans them again.
 *
 * Memory does not grow with the organization: a rerun keeps where each finished
 * pair's line is in the file (not the line) and reads it when the pair is
 * replayed; a pair in flight spills its described definitions, as the JSON its
 * line will hold, to `FILE.pending` (see PendingPair), and is checked part by
 * part like a scan without a state file.
 */
export class ScanState {
  /** Where each finished pair's line is in the file (the last one wins), until it is replayed. */
  private readonly finished = new Map<string, { offset: number; length: number }>();
  private writes: Promise<void> = Promise.resolve();
  private spill: Promise<FileHandle> | undefined;
  private spillSize = 0;

  private constructor(readonly path: string) {}

  static async open(path: string, key: ScanStateKey): Promise<ScanState> {
    const state = new ScanState(path);
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new UsageError(`--state: cannot read ${path}: ${(error as Error).message}`);
    }
    const header: Header = { kind: KIND, version: 1, ...key };
    let first: Partial<Header> | undefined | 'empty' = 'empty';
    try {
      if (handle) {
        for await (const { line, offset } of lines(handle)) {
          if (first === 'empty') {
            if (line.trim() === '') continue;
            first = parseHeader(line);
            if (offset !== 0) first = undefined;
            if (first?.kind !== KIND || first.version !== 1)
              throw new UsageError(`--state: ${path} is not an ecsguard organization scan state file`);
            const differs = (['scope', 'role', 'ou'] as const).filter((k) => (first as Partial<Header>)[k] !== header[k]);
            if (JSON.stringify(first.regions) !== JSON.stringify(header.regions)) differs.push('regions' as never);
            if (differs.length) {
              throw new UsageError(
                `--state: ${path} was written for another scan (different ${differs.join(', ')}); delete it or name another file`,
              );
            }
            continue;
          }
          if (!line.trim()) continue;
          try {
            const parsed = JSON.parse(line) as Partial<FinishedLine>;
            if (parsed.account && parsed.region)
              state.finished.set(pairKey(parsed.account, parsed.region), { offset, length: Buffer.byteLength(line) });
          } catch {
            // A line torn by a crash: that pair is scanned again.
          }
        }
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--state: cannot read ${path}: ${(error as Error).message}`);
    } finally {
      await handle?.close();
    }
    // What an interrupted run had spilled for its pairs in flight: they were not recorded, so they are scanned again.
    await rm(`${path}.pending`, { force: true });
    if (first === 'empty') {
      await writeFile(path, `${JSON.stringify(header)}\n`, 'utf8').catch((error: Error) => {
        throw new UsageError(`--state: cannot write ${path}: ${error.message}`);
      });
    }
    return state;
  }

  /** Finished pairs read from the file and not yet replayed. */
  get size(): number {
    return this.finished.size;
  }

  has(account: string, region: string): boolean {
    return this.finished.has(pairKey(account, region));
  }

  /** The recorded output of a finished pair, rebuilt as the live source would produce it (read from the file). */
  async recorded(account: string, region: string): Promise<SourceOutput | undefined> {
    const key = pairKey(account, region);
    const at = this.finished.get(key);
    if (!at) return undefined;
    this.finished.delete(key); // read once per run
    const handle = await open(this.path, 'r');
    let line: FinishedLine;
    try {
      const bytes = Buffer.alloc(at.length);
      await handle.read(bytes, 0, at.length, at.offset);
      line = JSON.parse(bytes.toString('utf8')) as FinishedLine;
    } finally {
      await handle.close();
    }
    return {
      definitions: line.definitions.map((d) => ({
        resource: d.resource,
        body: fromPlain(d.body) as ObjectNode,
        ...(d.usage ? { usage: d.usage } : {}),
      })),
      failures: line.failures,
      errors: line.errors,
    };
  }

  /** A pair being scanned: its definitions are kept on disk until it is recorded (commit) or not. */
  pending(account: string, region: string): PendingPair {
    return new PendingPair(this, account, region);
  }

  /**
   * Writes definitions to the spill file; returns where. The JSON is made before this returns, so the caller may
   * hand the definitions on at once.
   */
  spillDefinitions(definitions: readonly SourceDefinition[]): { done: Promise<void>; offset: number; length: number } {
    const bytes = Buffer.from(definitions.map(definitionJson).join(','), 'utf8');
    const offset = this.spillSize;
    this.spillSize += bytes.length;
    this.spill ??= open(`${this.path}.pending`, 'w+');
    const done = this.spill.then(async (handle) => {
      await handle.write(bytes, 0, bytes.length, offset);
    });
    return { done, offset, length: bytes.length };
  }

  /** Appends a finished pair's line, its definitions read back from the spill file. */
  commit(account: string, region: string, pieces: ReadonlyArray<{ offset: number; length: number }>): Promise<void> {
    this.writes = this.writes.then(async () => {
      const parts: Buffer[] = [Buffer.from(`{"account":${JSON.stringify(account)},"region":${JSON.stringify(region)},"definitions":[`)];
      const handle = this.spill ? await this.spill : undefined;
      for (const [i, piece] of pieces.entries()) {
        if (i > 0) parts.push(Buffer.from(','));
        const bytes = Buffer.alloc(piece.length);
        if (piece.length) await handle?.read(bytes, 0, piece.length, piece.offset);
        parts.push(bytes);
      }
      parts.push(Buffer.from('],"failures":[],"errors":[]}\n'));
      await appendFile(this.path, Buffer.concat(parts));
    });
    return this.writes;
  }

  /** Waits for every pending append, then removes the spill file. */
  async flush(): Promise<void> {
    await this.writes;
    if (!this.spill) return;
    const spill = this.spill;
    this.spill = undefined;
    await (await spill).close();
    await rm(`${this.path}.pending`, { force: true });
  }
}

/**
 * One account-region being scanned with a state file: each part's definitions are written to the spill file as they
 * are handed on, and read back into the pair's line when it finishes without errors, in the order they came (the
 * line a whole-pair record would write, byte for byte).
 */
export class PendingPair {
  private readonly pieces: Array<{ offset: number; length: number }> = [];
  private readonly writing: Array<Promise<void>> = [];

  constructor(
    private readonly state: ScanState,
    private readonly account: string,
    private readonly region: string,
  ) {}

  /** Spills the definitions; resolves once they are on disk. */
  add(definitions: readonly SourceDefinition[]): Promise<void> {
    if (definitions.length === 0) return Promise.resolve();
    const { done, offset, length } = this.state.spillDefinitions(definitions);
    this.pieces.push({ offset, length });
    this.writing.push(done);
    return done;
  }

  /** Records the pair as finished. */
  async commit(): Promise<void> {
    await Promise.all(this.writing);
    await this.state.commit(this.account, this.region, this.pieces);
  }
}

function definitionJson(d: SourceDefinition): string {
  return JSON.stringify({ resource: d.resource, body: toPlain(d.body), ...(d.usage ? { usage: d.usage } : {}) });
}

function parseHeader(line: string): Partial<Header> | undefined {
  try {
    return JSON.parse(line) as Partial<Header>;
  } catch {
    return undefined;
  }
}

/** The file's lines with their byte offsets, read a chunk at a time (a long line is held whole, the file never). */
async function* lines(handle: FileHandle): AsyncGenerator<{ line: string; offset: number }> {
  const chunk = Buffer.alloc(1 << 20);
  let carry: Buffer[] = [];
  let carryStart = 0;
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    let from = 0;
    for (let nl = chunk.indexOf(10, 0); nl !== -1 && nl < bytesRead; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const bytes = carry.length ? Buffer.concat([...carry, piece]) : piece;
      yield { line: bytes.toString('utf8'), offset: carryStart };
      carry = [];
      from = nl + 1;
      carryStart = position + from;
    }
    if (from < bytesRead) carry.push(Buffer.from(chunk.subarray(from, bytesRead)));
    position += bytesRead;
  }
  if (carry.length) yield { line: Buffer.concat(carry).toString('utf8'), offset: carryStart };
}

function pairKey(account: string, region: string): string {
  return `${account}/${region}`;
}
