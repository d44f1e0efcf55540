import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A front door for the local registry that records every request and, per
 * mode, demands what real registries demand:
 * - `open`: nothing (and still counts requests);
 * - `bearer`: Docker Hub style: 401 with `WWW-Authenticate: Bearer realm=…/token`;
 *   the token endpoint hands out tokens, anonymously except for `privateRepositories`,
 *   which need Basic credentials `username`/`password`;
 * - `basic`: ECR style: 401 with `WWW-Authenticate: Basic`, Basic credentials required.
 */
export interface GateOptions {
  upstream: string;
  mode: 'open' | 'bearer' | 'basic';
  username?: string;
  password?: string;
  privateRepositories?: string[];
  /** Delay before forwarding a registry request (to observe concurrency). */
  delayMs?: number;
  /** Serve blobs with one byte changed (a corrupting cache or a malicious mirror). */
  tamperBlobs?: boolean;
  /** Answer blob requests with a 307 to this other origin (as ECR and Docker Hub redirect to S3 or a CDN). */
  redirectBlobsTo?: string;
}

export interface Gate {
  host: string;
  url: string;
  /** Every request: `GET /v2/…`, `GET /token?…`. */
  requests: string[];
  /** Authorization headers the registry routes received. */
  authorizations: string[];
  /** Most registry requests that were being answered at the same time. */
  peakInFlight: number;
  stop(): Promise<void>;
}

export async function startGate(options: GateOptions): Promise<Gate> {
  const requests: string[] = [];
  const authorizations: string[] = [];
  const tokens = new Map<string, string>(); // token → repository it grants
  const basic = `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;
  let self = '';
  let inFlight = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502).end(String(error));
    });
  });
  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', self);
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const authorization = request.headers.authorization;
    if (url.pathname === '/token') {
      const scope = url.searchParams.get('scope') ?? '';
      const repository = /^repository:([^:]+):/.exec(scope)?.[1] ?? '';
      if (options.privateRepositories?.includes(repository) && authorization !== basic) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const token = randomBytes(12).toString('hex');
      tokens.set(token, repository);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (authorization) authorizations.push(authorization);
    const repository = /^\/v2\/(.+)\/(?:manifests|blobs)\//.exec(url.pathname)?.[1] ?? '';
    if (options.mode === 'bearer') {
      const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
      if (!token || tokens.get(token) !== repository) {
        response
          .writeHead(401, {
            'content-type': 'application/json',
            'www-authenticate': `Bearer realm="${self}/token",service="ecsguard-test-registry",scope="repository:${repository}:pull"`,
          })
          .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
    } else if (options.mode === 'basic' && authorization !== basic) {
      response
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Basic realm="${self}/",service="ecr.amazonaws.com"` })
        .end('{"errors":[{"code":"DENIED","message":"Your authorization token has expired. Reauthenticate and try again."}]}');
      return;
    }
    if (options.redirectBlobsTo && url.pathname.includes('/blobs/')) {
      response.writeHead(307, { location: `${options.redirectBlobsTo}${url.pathname}?X-Amz-Signature=presigned` }).end();
      return;
    }
    inFlight++;
    gate.peakInFlight = Math.max(gate.peakInFlight, inFlight);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    inFlight--;
    const upstream = await fetch(`${options.upstream}${url.pathname}${url.search}`, {
      method: request.method ?? 'GET',
      headers: { accept: request.headers.accept ?? '*/*' },
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (options.tamperBlobs && url.pathname.includes('/blobs/') && body.length > 0)
      body[body.length - 2] = (body[body.length - 2] ?? 0) ^ 1;
    const headers: Record<string, string> = { 'content-length': String(body.length) };
    for (const name of ['content-type', 'docker-content-digest', 'location']) {
      const value = upstream.headers.get(name);
      if (value) headers[name] = value;
    }
    response.writeHead(upstream.status, headers).end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;
  const gate: Gate = {
    host: `127.0.0.1:${port}`,
    url: self,
    requests,
    authorizations,
    peakInFlight: 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  return gate;
}

/** A blob store on another origin (S3 behind ECR's redirects): serves blobs from the registry, records Authorization headers. */
export async function startBlobStore(
  upstream: string,
): Promise<{ url: string; authorizations: Array<string | null>; stop(): Promise<void> }> {
  const authorizations: Array<string | null> = [];
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization ?? null);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    fetch(`${upstream}${path}`)
      .then(async (answer) => response.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer())))
      .catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // `localhost` is another origin than the gate's `127.0.0.1`.
    url: `http://localhost:${port}`,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
