import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/write-file-atomic.js';

/** What the resolver learned about one image for one platform; immutable, so it never expires. */
export interface ResolvedImage {
  /** Digest of the platform's image manifest. */
  digest: string;
  /** `config.User`; "" when the image sets none. */
  user: string;
}

interface Entry<T> {
  version: 1;
  key: string;
  storedAt: number;
  value: T;
}

/**
 * Image facts on disk, next to the revision cache: tag → digest for a short
 * time (tags move), digest + platform → user for ever (digests do not).
 * Unreadable or mismatched entries are ignored; writes are atomic.
 */
export class ImageUserCache {
  private readonly folder: string;
  private writeFailure: string | undefined;

  constructor(
    directory: string,
    private readonly tagTtlMs: number,
  ) {
    this.folder = join(directory, 'image-users-v1');
  }

  get problem(): string | undefined {
    return this.writeFailure;
  }

  async tagDigest(key: string): Promise<string | undefined> {
    const entry = await this.read<string>(`tag ${key}`);
    if (!entry || typeof entry.value !== 'string' || Date.now() - entry.storedAt > this.tagTtlMs) return undefined;
    return entry.value;
  }

  putTagDigest(key: string, digest: string): Promise<void> {
    return this.write(`tag ${key}`, digest);
  }

  async image(key: string): Promise<ResolvedImage | undefined> {
    const entry = await this.read<ResolvedImage>(`image ${key}`);
    const value = entry?.value;
    if (!value || typeof value.digest !== 'string' || typeof value.user !== 'string') return undefined;
    return { digest: value.digest, user: value.user };
  }

  putImage(key: string, value: ResolvedImage): Promise<void> {
    return this.write(`image ${key}`, value);
  }

  private async read<T>(key: string): Promise<Entry<T> | undefined> {
    try {
      const entry = JSON.parse(await readFile(this.pathFor(key), 'utf8')) as Partial<Entry<T>>;
      if (entry.version !== 1 || entry.key !== key || typeof entry.storedAt !== 'number') return undefined;
      return entry as Entry<T>;
    } catch {
      return undefined; // absent or corrupt: fetched again and overwritten
    }
  }

  private async write<T>(key: string, value: T): Promise<void> {
    if (this.writeFailure) return;
    const entry: Entry<T> = { version: 1, key, storedAt: Date.now(), value };
    const target = this.pathFor(key);
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFileAtomic(target, JSON.stringify(entry), { flush: false });
    } catch (error) {
      this.writeFailure = `cannot write the image cache in ${this.folder}: ${(error as Error).message}`;
    }
  }

  private pathFor(key: string): string {
    return join(this.folder, `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}
