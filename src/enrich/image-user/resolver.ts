import { createHash } from 'node:crypto';
import { ImageUserCache, type ResolvedImage } from './cache.js';
import { type DockerConfig, dockerConfigPath, missingCredentialsHint, readDockerConfig } from './docker-config.js';
import { EcrAuth, type EcrConnection } from './ecr-auth.js';
import type { Platform } from './platform.js';
import { type ImageReference, ecrRegistry, parseImageReference, registryHost } from './reference.js';
import { type CredentialSource, RegistryClient, RegistryError, type RegistryResponse } from './registry-client.js';

export interface ImageUserResolverOptions {
  /** Folder of the on-disk cache (the revision cache's folder); none: memory only. */
  cacheDir?: string;
  /** How long a tag → digest answer is trusted (default 15 minutes). */
  tagTtlMs?: number;
  /** Per HTTP request (default 15 s). */
  timeoutMs?: number;
  /** Largest manifest or index read (default 4 MiB, the registry's own limit). */
  maxManifestBytes?: number;
  /** Largest image configuration read (default 2 MiB). */
  maxConfigBytes?: number;
  /** Requests in flight per registry (default 4). */
  concurrencyPerRegistry?: number;
  /** Docker config.json for registry credentials (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json). */
  dockerConfigPath?: string;
  /** How ECR's GetAuthorizationToken is called. */
  ecr?: EcrConnection;
  onRequest?: (url: string) => void;
  signal?: AbortSignal;
}

export type ImageUserResult = ({ ok: true } & ResolvedImage) | { ok: false; reason: string };

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];
const ACCEPT = [...INDEX_TYPES, ...MANIFEST_TYPES].join(', ');
const CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

/**
 * Reads `config.User` of images over the OCI distribution API: reference →
 * manifest (index → the task's platform) → configuration blob. Every answer is
 * checked against its digest; results are cached by digest. Failures come back
 * as reasons, never as a user.
 */
export class ImageUserResolver {
  private readonly cache: ImageUserCache | undefined;
  private readonly clients = new Map<string, Promise<RegistryClient>>();
  private readonly pending = new Map<string, Promise<ImageUserResult>>();
  private readonly ecr: EcrAuth;
  private dockerConfig: Promise<DockerConfig | { error: string } | undefined> | undefined;
  private readonly limits: { timeoutMs: number; manifest: number; config: number; concurrency: number };
  /** Problems with the setup itself (an unreadable Docker config, an unwritable cache), reported once. */
  readonly problems: string[] = [];

  constructor(private readonly options: ImageUserResolverOptions = {}) {
    this.cache = options.cacheDir ? new ImageUserCache(options.cacheDir, options.tagTtlMs ?? 15 * 60_000) : undefined;
    this.ecr = new EcrAuth(options.ecr);
    this.limits = {
      timeoutMs: options.timeoutMs ?? 15_000,
      manifest: options.maxManifestBytes ?? 4 * 1024 * 1024,
      config: options.maxConfigBytes ?? 2 * 1024 * 1024,
      concurrency: options.concurrencyPerRegistry ?? 4,
    };
  }

  get cacheProblem(): string | undefined {
    return this.cache?.problem;
  }

  /** One lookup per image and platform, however many containers use it. */
  resolve(image: string, platform: Platform): Promise<ImageUserResult> {
    const key = `${image}|${platform.os}/${platform.architecture}|${platform.unresolved ?? ''}`;
    let result = this.pending.get(key);
    if (!result) {
      result = this.resolveOnce(image, platform).catch((error: unknown) => ({
        ok: false as const,
        reason: error instanceof RegistryError ? error.message : (error as Error).message,
      }));
      this.pending.set(key, result);
    }
    return result;
  }

  private async resolveOnce(image: string, platform: Platform): Promise<ImageUserResult> {
    const reference = parseImageReference(image);
    if ('error' in reference) return { ok: false, reason: reference.error };
    const host = registryHost(reference);
    const name = `${reference.registry}/${reference.repository}`;

    let topDigest = reference.digest;
    if (!topDigest && this.cache) topDigest = await this.cache.tagDigest(`${name}:${reference.tag}`);
    const platformKey = `${platform.os}/${platform.architecture}`;
    if (topDigest && this.cache) {
      const cached = await this.cache.image(`${name}@${topDigest}|${platformKey}`);
      if (cached) return { ok: true, ...cached };
    }

    const client = await this.client(host);
    const top = await this.manifest(client, reference, reference.digest ?? reference.tag ?? 'latest');
    if (!reference.digest && this.cache) {
      await this.cache.putTagDigest(`${name}:${reference.tag}`, top.digest);
      // The tag expired but still points at a digest already read: nothing more to fetch.
      const cached = await this.cache.image(`${name}@${top.digest}|${platformKey}`);
      if (cached) return { ok: true, ...cached };
    }

    let manifest = top;
    if (top.kind === 'index') {
      if (platform.unresolved) {
        throw new RegistryError(`${platform.unresolved}, which cannot be resolved, and ${reference.original} is a multi-platform image`);
      }
      const chosen = choosePlatform(top.json, platform);
      if (!chosen) {
        throw new RegistryError(`${reference.original} has no image for ${platformKey} (it has ${listPlatforms(top.json) || 'none'})`);
      }
      manifest = await this.manifest(client, reference, chosen);
      if (manifest.kind !== 'manifest')
        throw new RegistryError(`${reference.original}: the ${platformKey} entry of the index is not an image manifest`);
    }
    const user = await this.configUser(client, reference, manifest.json);
    const resolved: ResolvedImage = { digest: manifest.digest, user };
    if (this.cache) await this.cache.putImage(`${name}@${top.digest}|${platformKey}`, resolved);
    return { ok: true, ...resolved };
  }

  private async manifest(client: RegistryClient, reference: ImageReference, ref: string) {
    const response = await client.get(reference.repository, `manifests/${ref}`, ACCEPT, this.limits.manifest);
    if (response.status === 404) {
      throw new RegistryError(
        ref.startsWith('sha256:')
          ? `${reference.original}: manifest ${ref} not found in ${reference.registry}/${reference.repository}`
          : `${reference.original}: tag ${JSON.stringify(ref)} not found in ${reference.registry}/${reference.repository}`,
      );
    }
    const digest = sha256(response.body);
    if (ref.startsWith('sha256:') && digest !== ref) {
      throw new RegistryError(`${reference.original}: the manifest served for ${ref} has digest ${digest}`);
    }
    const json = parseJson(response, `${reference.original}: the manifest`);
    const mediaType = typeof json['mediaType'] === 'string' ? json['mediaType'] : response.contentType;
    const kind =
      INDEX_TYPES.includes(mediaType) || (!mediaType && Array.isArray(json['manifests']))
        ? 'index'
        : MANIFEST_TYPES.includes(mediaType) || (!mediaType && typeof json['config'] === 'object')
          ? 'manifest'
          : undefined;
    if (!kind) {
      const schema1 = mediaType.includes('manifest.v1') || json['schemaVersion'] === 1;
      throw new RegistryError(
        `${reference.original}: ${
          schema1 ? 'Docker schema 1 manifests are not supported' : `unsupported manifest ` + `type ${JSON.stringify(mediaType)}`
        }`,
      );
    }
    return { kind, digest, json } as const;
  }

  private async configUser(client: RegistryClient, reference: ImageReference, manifest: Record<string, unknown>): Promise<string> {
    const config = manifest['config'] as { digest?: unknown; size?: unknown; mediaType?: unknown } | undefined;
    if (typeof config?.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(config.digest)) {
      throw new RegistryError(`${reference.original}: the manifest has no sha256 config digest`);
    }
    if (typeof config.mediaType === 'string' && !CONFIG_TYPES.has(config.mediaType)) {
      throw new RegistryError(`${reference.original} is not a container image (config type ${config.mediaType})`);
    }
    if (typeof config.size === 'number' && config.size > this.limits.config) {
      throw new RegistryError(
        `${reference.original}: the image configuration is ${config.size} bytes, over the ${this.limits.config}-byte limit`,
      );
    }
    const response = await client.get(reference.repository, `blobs/${config.digest}`, '*/*', this.limits.config);
    if (response.status === 404) throw new RegistryError(`${reference.original}: configuration blob ${config.digest} not found`);
    if (sha256(response.body) !== config.digest) {
      throw new RegistryError(`${reference.original}: the configuration blob does not match its digest ${config.digest}`);
    }
    const json = parseJson(response, `${reference.original}: the image configuration`);
    const user = (json['config'] as { User?: unknown } | undefined)?.User;
    if (user !== undefined && user !== null && typeof user !== 'string') {
      throw new RegistryError(`${reference.original}: config.User is not a string`);
    }
    return user ?? '';
  }

  private client(host: string): Promise<RegistryClient> {
    let client = this.clients.get(host);
    if (!client) {
      client = this.createClient(host);
      this.clients.set(host, client);
      client.catch(() => this.clients.delete(host)); // an ECR login failure is not remembered across images
    }
    return client;
  }

  private async createClient(host: string): Promise<RegistryClient> {
    const http = {
      timeoutMs: this.limits.timeoutMs,
      concurrency: this.limits.concurrency,
      ...(this.options.onRequest ? { onRequest: this.options.onRequest } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
    const ecr = ecrRegistry(host);
    if (ecr) {
      const login = await this.ecr.login(ecr.accountId, ecr.region).catch((error: Error) => {
        throw new RegistryError(error.message);
      });
      const auth: CredentialSource = { preemptive: true, credentials: async () => login.credentials, missingHint: '' };
      return new RegistryClient(host, auth, http, login.proxyEndpoint);
    }
    const config = await this.readDockerConfig();
    const auth: CredentialSource = {
      preemptive: false,
      credentials: async () => config?.auths.get(host === 'registry-1.docker.io' ? 'docker.io' : host),
      missingHint: missingCredentialsHint(config, host === 'registry-1.docker.io' ? 'docker.io' : host),
    };
    return new RegistryClient(host, auth, http);
  }

  private async readDockerConfig(): Promise<DockerConfig | undefined> {
    this.dockerConfig ??= readDockerConfig(this.options.dockerConfigPath ?? dockerConfigPath());
    const config = await this.dockerConfig;
    if (config && 'error' in config) {
      if (!this.problems.includes(config.error)) this.problems.push(config.error);
      return undefined;
    }
    return config;
  }
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function parseJson(response: RegistryResponse, what: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(response.body.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RegistryError(`${what} is not a JSON object`);
}

interface IndexEntry {
  digest?: unknown;
  platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
}

/** The index entry for the platform; for arm64 a `v8` or variant-less entry. */
function choosePlatform(index: Record<string, unknown>, platform: Platform): string | undefined {
  const entries = (Array.isArray(index['manifests']) ? index['manifests'] : []) as IndexEntry[];
  const matching = entries.filter(
    (e) => typeof e.digest === 'string' && e.platform?.os === platform.os && e.platform?.architecture === platform.architecture,
  );
  const preferred = matching.find((e) => e.platform?.variant === undefined || e.platform?.variant === 'v8') ?? matching[0];
  return preferred?.digest as string | undefined;
}

function listPlatforms(index: Record<string, unknown>): string {
  const entries = (Array.isArray(index['manifests']) ? index['manifests'] : []) as IndexEntry[];
  return [
    ...new Set(
      entries
        .filter((e) => typeof e.platform?.os === 'string' && e.platform.os !== 'unknown')
        .map((e) => [e.platform?.os, e.platform?.architecture, e.platform?.variant].filter((p) => typeof p === 'string').join('/')),
    ),
  ].join(', ');
}
