import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Credentials for one registry from a Docker config.json `auths` entry. */
export interface BasicCredentials {
  username: string;
  password: string;
}

export interface DockerConfig {
  /** Where it was read from, for messages. */
  path: string;
  auths: Map<string, BasicCredentials>;
  /** Registries whose credentials live in a helper (credHelpers, credsStore) ecsguard does not run. */
  helpers: Map<string, string>;
  credsStore?: string;
  /** Hosts with only an `identitytoken` (OAuth refresh token), which ecsguard does not exchange. */
  identityTokens: Set<string>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const folder = env['DOCKER_CONFIG'] && env['DOCKER_CONFIG'] !== '' ? env['DOCKER_CONFIG'] : join(homedir(), '.docker');
  return join(folder, 'config.json');
}

/** `https://index.docker.io/v1/`, `http://host:5000`, `host/` → the host as image references name it. */
export function normalizeAuthKey(key: string): string {
  let host = key.replace(/^[a-z]+:\/\//i, '');
  host = host.split('/')[0] ?? host;
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'docker.io') return 'docker.io';
  return host.toLowerCase();
}

/**
 * Reads config.json. A missing file means anonymous access; an unreadable or
 * malformed one is an error the caller reports (its registries then go anonymous).
 */
export async function readDockerConfig(path: string): Promise<DockerConfig | { error: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { error: `cannot read the Docker config ${path}: ${(error as Error).message}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `the Docker config ${path} is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: `the Docker config ${path} is not a JSON object` };
  }
  const root = parsed as Record<string, unknown>;
  const config: DockerConfig = { path, auths: new Map(), helpers: new Map(), identityTokens: new Set() };
  if (typeof root['credsStore'] === 'string') config.credsStore = root['credsStore'];
  if (isRecord(root['credHelpers'])) {
    for (const [key, helper] of Object.entries(root['credHelpers'])) {
      if (typeof helper === 'string') config.helpers.set(normalizeAuthKey(key), helper);
    }
  }
  if (isRecord(root['auths'])) {
    for (const [key, value] of Object.entries(root['auths'])) {
      if (!isRecord(value)) continue;
      const host = normalizeAuthKey(key);
      const credentials = basicFrom(value);
      if (credentials) config.auths.set(host, credentials);
      else if (typeof value['identitytoken'] === 'string') config.identityTokens.add(host);
    }
  }
  return config;
}

function basicFrom(entry: Record<string, unknown>): BasicCredentials | undefined {
  if (typeof entry['username'] === 'string' && typeof entry['password'] === 'string' && entry['username'] !== '') {
    return { username: entry['username'], password: entry['password'] };
  }
  if (typeof entry['auth'] === 'string' && entry['auth'] !== '') {
    const decoded = Buffer.from(entry['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a registry that asked for credentials got none: said in the finding. */
export function missingCredentialsHint(config: DockerConfig | undefined, host: string): string {
  const helper = config?.helpers.get(host);
  if (helper) return `its credentials are in the credential helper docker-credential-${helper}, which ecsguard does not run`;
  if (config?.identityTokens.has(host)) return `config.json has only an identity token for it, which ecsguard does not exchange`;
  if (config?.credsStore && !config.auths.has(host)) {
    return `config.json delegates to the credential store docker-credential-${config.credsStore}, which ecsguard does not run`;
  }
  return config ? `no credentials for it in ${config.path} (auths)` : 'no Docker config.json with credentials for it';
}
