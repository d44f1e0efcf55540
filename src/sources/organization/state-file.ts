import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { ScanError } from '../../model/finding.js';
import { UsageError } from '../../model/errors.js';
import type { ResourceRef, Usage } from '../../model/task-definition.js';
import { type ObjectNode, fromPlain, toPlain } from '../../model/value.js';
import type { SourceFailure, SourceOutput } from '../source.js';

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
 */
export class ScanState {
  private readonly finished = new Map<string, FinishedLine>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(path: string, key: ScanStateKey): Promise<ScanState> {
    const state = new ScanState(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new UsageError(`--state: cannot read ${path}: ${(error as Error).message}`);
    }
    const header: Header = { kind: KIND, version: 1, ...key };
    if (text === undefined || text.trim() === '') {
      await writeFile(path, `${JSON.stringify(header)}\n`, 'utf8').catch((error: Error) => {
        throw new UsageError(`--state: cannot write ${path}: ${error.message}`);
      });
      return state;
    }
    const lines = text.split('\n');
    let first: Partial<Header> | undefined;
    try {
      first = JSON.parse(lines[0] ?? '') as Partial<Header>;
    } catch {
      first = undefined;
    }
    if (first?.kind !== KIND || first.version !== 1)
      throw new UsageError(`--state: ${path} is not an ecsguard organization scan state file`);
    const differs = (['scope', 'role', 'ou'] as const).filter((k) => first[k] !== header[k]);
    if (JSON.stringify(first.regions) !== JSON.stringify(header.regions)) differs.push('regions' as never);
    if (differs.length) {
      throw new UsageError(
        `--state: ${path} was written for another scan (different ${differs.join(', ')}); delete it or name another file`,
      );
    }
    for (const line of lines.slice(1)) {
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as FinishedLine;
        if (parsed.account && parsed.region) state.finished.set(pairKey(parsed.account, parsed.region), parsed);
      } catch {
        // A line torn by a crash: that pair is scanned again.
      }
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

  /** The recorded output of a finished pair, rebuilt as the live source would produce it. */
  recorded(account: string, region: string): SourceOutput | undefined {
    const key = pairKey(account, region);
    const line = this.finished.get(key);
    if (!line) return undefined;
    this.finished.delete(key); // read once per run: do not keep every body in memory
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

  record(account: string, region: string, output: SourceOutput): Promise<void> {
    const line: FinishedLine = {
      account,
      region,
      definitions: output.definitions.map((d) => ({ resource: d.resource, body: toPlain(d.body), ...(d.usage ? { usage: d.usage } : {}) })),
      failures: output.failures,
      errors: output.errors,
    };
    this.writes = this.writes.then(() => appendFile(this.path, `${JSON.stringify(line)}\n`, 'utf8'));
    return this.writes;
  }

  /** Waits for every pending append. */
  flush(): Promise<void> {
    return this.writes;
  }
}

function pairKey(account: string, region: string): string {
  return `${account}/${region}`;
}
