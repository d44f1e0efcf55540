import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/write-file-atomic.js';

/** What DescribeTaskDefinition returned for one revision, as stored on disk. */
export interface DescribedRevision {
  taskDefinition: Record<string, unknown> & { taskDefinitionArn: string };
  /** Tags as of the first describe: the cache does not refresh them (see docs/aws.md). */
  tags: Array<{ key?: string; value?: string }>;
}

interface CacheEntry extends DescribedRevision {
  version: 1;
  arn: string;
  describedAt: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'ecsguard');
}

/**
 * DescribeTaskDefinition results keyed by revision ARN. A revision's content
 * never changes once registered, so an entry never goes stale (its status and
 * tags can: see docs/aws.md). Unreadable or mismatched entries are ignored,
 * and writes are atomic (temp file + rename) so a crash never leaves half a file.
 */
export class DescribeCache {
  private readonly folder: string;
  private writeFailure: string | undefined;

  constructor(directory: string) {
    this.folder = join(directory, 'task-definitions-v1');
  }

  /** Set after the first failed write; the scan goes on without caching. */
  get problem(): string | undefined {
    return this.writeFailure;
  }

  async get(arn: string): Promise<DescribedRevision | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathFor(arn), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as Partial<CacheEntry>;
      const definition = entry.taskDefinition;
      if (
        entry.version !== 1 ||
        entry.arn !== arn ||
        typeof definition !== 'object' ||
        definition === null ||
        definition.taskDefinitionArn !== arn ||
        !Array.isArray(entry.tags)
      ) {
        return undefined;
      }
      return { taskDefinition: definition, tags: entry.tags };
    } catch {
      return undefined; // corrupt: re-fetched and overwritten
    }
  }

  async put(arn: string, value: DescribedRevision): Promise<void> {
    if (this.writeFailure) return;
    const entry: CacheEntry = { version: 1, arn, describedAt: new Date().toISOString(), ...value };
    const target = this.pathFor(arn);
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFileAtomic(target, JSON.stringify(entry), { flush: false });
    } catch (error) {
      this.writeFailure = `cannot write the cache in ${this.folder}: ${(error as Error).message}`;
    }
  }

  pathFor(arn: string): string {
    return join(this.folder, `${createHash('sha256').update(arn).digest('hex')}.json`);
  }
}
