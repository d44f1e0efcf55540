/**
 * Image references as Docker and ECS read them:
 * `[host[:port]/]path[:tag][@sha256:…]`. A first component with a dot, a colon
 * or `localhost` is the registry; otherwise it is Docker Hub, where one-part
 * names live under `library/`.
 */
export interface ImageReference {
  /** As written in the task definition. */
  original: string;
  /** Registry host (and port) as written, `docker.io` for Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseImageReference(text: string): ImageReference | { error: string } {
  const original = text;
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'the image reference is empty' };
  if (trimmed !== text) return { error: `image ${JSON.stringify(text)} has surrounding spaces` };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `image ${JSON.stringify(text)}: ${JSON.stringify(digest)} is not a sha256 digest` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `image ${JSON.stringify(text)}: ${JSON.stringify(tag)} is not a valid tag` };
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    return { error: `image ${JSON.stringify(text)} is not a valid image reference` };
  }
  return {
    original,
    registry,
    repository: parts.join('/'),
    ...(tag !== undefined || digest === undefined ? { tag: tag ?? 'latest' } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The host requests go to (Docker Hub's API lives on registry-1.docker.io). */
export function registryHost(reference: Pick<ImageReference, 'registry'>): string {
  return reference.registry === DOCKER_HUB ? 'registry-1.docker.io' : reference.registry;
}

/** Loopback registries are spoken to over plain HTTP, as Docker does; every other one over HTTPS. */
export function registryBaseUrl(host: string): string {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? host);
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` → account and region. */
export function ecrRegistry(host: string): { accountId: string; region: string } | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return match ? { accountId: match[1]!, region: match[2]! } : undefined;
}
