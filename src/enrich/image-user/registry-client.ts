import { type Limiter, createLimiter } from '../../sources/aws/limiter.js';
import type { BasicCredentials } from './docker-config.js';
import { registryBaseUrl } from './reference.js';

/** A registry answer the resolver cannot use; its message goes into the finding. */
export class RegistryError extends Error {}

/** How a registry's credentials are found; called only when the registry asks (or up front for ECR). */
export interface CredentialSource {
  /** Send Basic credentials without waiting for a challenge (ECR answers 401 otherwise). */
  preemptive: boolean;
  credentials(): Promise<BasicCredentials | undefined>;
  /** Why there are none, for the message (credential helpers not run, …). */
  missingHint: string;
}

export interface RegistryHttpOptions {
  /** Per request, including the token request. */
  timeoutMs: number;
  /** Requests in flight per registry. */
  concurrency: number;
  /** Called for every HTTP request made (tests count them; `--verbose` style tracing). */
  onRequest?: (url: string) => void;
  signal?: AbortSignal;
}

export interface RegistryResponse {
  status: number;
  contentType: string;
  digestHeader: string | undefined;
  body: Buffer;
}

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * One registry host: bounded concurrency, time-outs, size limits, and the
 * Docker token flow (a 401 with `WWW-Authenticate: Bearer realm=…` is answered
 * by fetching a token from the realm, with Basic credentials when there are any).
 */
export class RegistryClient {
  readonly baseUrl: string;
  private readonly limiter: Limiter;
  private readonly tokens = new Map<string, Token>();

  constructor(
    readonly host: string,
    private readonly auth: CredentialSource,
    private readonly options: RegistryHttpOptions,
    baseUrl?: string,
  ) {
    this.baseUrl = (baseUrl ?? registryBaseUrl(host)).replace(/\/+$/, '');
    this.limiter = createLimiter(options.concurrency);
  }

  /** GET `/v2/<repository>/<path>`; 2xx and 404 come back, anything else throws a RegistryError. */
  get(repository: string, path: string, accept: string, maxBytes: number): Promise<RegistryResponse> {
    return this.limiter.run(() => this.getWithAuth(repository, path, accept, maxBytes));
  }

  private async getWithAuth(repository: string, path: string, accept: string, maxBytes: number): Promise<RegistryResponse> {
    const url = `${this.baseUrl}/v2/${repository}/${path}`;
    const token = this.tokens.get(repository);
    let authorization: string | undefined;
    if (token && token.expiresAt > Date.now()) authorization = `Bearer ${token.value}`;
    else if (this.auth.preemptive) authorization = basicHeader(await this.requireCredentials());

    let response = await this.request(url, accept, authorization);
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      await response.body?.cancel().catch(() => undefined);
      if (challenge?.scheme === 'bearer') {
        const fresh = await this.fetchToken(challenge.params, repository);
        this.tokens.set(repository, fresh);
        authorization = `Bearer ${fresh.value}`;
      } else if (challenge?.scheme === 'basic' && !this.auth.preemptive) {
        authorization = basicHeader(await this.requireCredentials());
      } else {
        throw new RegistryError(
          `${this.host} refused the request (401 ` +
            `Unauthorized)${authorization ? ' with the credentials given' : `; ${this.auth.missingHint}`}`,
        );
      }
      response = await this.request(url, accept, authorization);
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel().catch(() => undefined);
        throw new RegistryError(`${this.host} denied access to ${repository} (${response.status}) after authenticating`);
      }
    }
    if (response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw new RegistryError(`${this.host} denied access to ${repository} (403 Forbidden)`);
    }
    const body = await readLimited(response, maxBytes, url);
    if (response.status !== 404 && (response.status < 200 || response.status >= 300)) {
      throw new RegistryError(`${this.host} answered ${response.status} for ${repository}/${path}${registryErrorText(body)}`);
    }
    return {
      status: response.status,
      contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
      digestHeader: response.headers.get('docker-content-digest') ?? undefined,
      body,
    };
  }

  private async requireCredentials(): Promise<BasicCredentials> {
    const credentials = await this.auth.credentials();
    if (!credentials) throw new RegistryError(`${this.host} requires credentials; ${this.auth.missingHint}`);
    return credentials;
  }

  private async fetchToken(params: Record<string, string>, repository: string): Promise<Token> {
    const realm = params['realm'];
    if (!realm || !/^https?:\/\//.test(realm)) throw new RegistryError(`${this.host} sent a token challenge without a usable realm`);
    const url = new URL(realm);
    if (params['service']) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', params['scope'] ?? `repository:${repository}:pull`);
    const credentials = await this.auth.credentials();
    // Credentials never travel in clear text to a remote token service.
    const safe = url.protocol === 'https:' || registryBaseUrl(url.host).startsWith('http:');
    const authorization = credentials && safe ? basicHeader(credentials) : undefined;
    const response = await this.request(url.toString(), 'application/json', authorization);
    const body = await readLimited(response, 1024 * 1024, url.toString());
    if (response.status < 200 || response.status >= 300) {
      const hint = credentials ? '' : `; ${this.auth.missingHint}`;
      throw new RegistryError(`the token service of ${this.host} answered ${response.status} for ${repository}${hint}`);
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError(`the token service of ${this.host} did not answer JSON`);
    }
    const value =
      typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
    if (!value) throw new RegistryError(`the token service of ${this.host} answered no token`);
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    return { value, expiresAt: Date.now() + Math.max(seconds - 10, 5) * 1000 };
  }

  private async request(url: string, accept: string, authorization: string | undefined): Promise<Response> {
    this.options.onRequest?.(url);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    try {
      return await fetch(url, {
        headers: { accept, 'user-agent': 'ecsguard', ...(authorization ? { authorization } : {}) },
        redirect: 'follow',
        signal,
      });
    } catch (error) {
      if (timeout.aborted) throw new RegistryError(`${new URL(url).host} did not answer within ${this.options.timeoutMs} ms`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`cannot reach ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}

function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const pair of match[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[pair[1]!.toLowerCase()] = (pair[2] ?? pair[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

/** Reads a body, refusing more than `maxBytes` (announced or actual) without buffering the excess. */
async function readLimited(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new RegistryError(`${shortUrl(url)} is ${announced} bytes, over the ${maxBytes}-byte limit`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new RegistryError(`${shortUrl(url)} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function shortUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

function registryErrorText(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    if (first) return `: ${[first.code, first.message].filter(Boolean).join(' ')}`;
  } catch {
    // not a registry error document
  }
  return '';
}
