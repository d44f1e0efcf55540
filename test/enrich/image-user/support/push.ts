import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Builds images in a registry the way `docker push` does, through the
 * distribution API: blobs (layer, config) by monolithic upload, then manifests.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

export const sha256 = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function pushBlob(registryUrl: string, repository: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const start = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start for ${repository}: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location') ?? '', registryUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob upload for ${repository}: ${put.status} ${await put.text()}`);
  return { digest, size: bytes.length };
}

export async function pushManifest(
  registryUrl: string,
  repository: string,
  reference: string,
  mediaType: string,
  body: string,
): Promise<string> {
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': mediaType },
  });
  if (response.status !== 201) throw new Error(`manifest ${repository}:${reference}: ${response.status} ${await response.text()}`);
  return sha256(body);
}

export interface ImageSpec {
  /** config.User; undefined leaves it out (the image sets no USER). */
  user?: string;
  os?: string;
  architecture?: string;
  /** Docker schema 2 media types instead of OCI. */
  docker?: boolean;
  /** Bytes of padding in the configuration (an oversized config). */
  padding?: number;
}

/** One layer (an empty tar), one configuration, one manifest; returns the manifest digest. */
export async function pushImage(
  registryUrl: string,
  repository: string,
  tag: string | undefined,
  spec: ImageSpec = {},
): Promise<{ digest: string; configDigest: string }> {
  const tar = Buffer.alloc(1024);
  const layer = await pushBlob(registryUrl, repository, gzipSync(tar));
  const config = {
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    config: {
      ...(spec.user !== undefined ? { User: spec.user } : {}),
      Env: [
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ...(spec.padding ? [`PADDING=${'x'.repeat(spec.padding)}`] : []),
      ],
      Cmd: ['/bin/app'],
    },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created: '2026-01-01T00:00:00Z', created_by: 'ADD rootfs /' }],
  };
  const configBlob = await pushBlob(registryUrl, repository, Buffer.from(JSON.stringify(config)));
  const mediaType = spec.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: spec.docker ? DOCKER_CONFIG : OCI_CONFIG, digest: configBlob.digest, size: configBlob.size },
    layers: [
      {
        mediaType: spec.docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: layer.digest,
        size: layer.size,
      },
    ],
  });
  const manifestDigest = sha256(manifest);
  await pushManifest(registryUrl, repository, tag ?? manifestDigest, mediaType, manifest);
  return { digest: manifestDigest, configDigest: configBlob.digest };
}

/** A multi-platform index over images pushed by digest; returns the index digest and each platform's digest. */
export async function pushIndex(
  registryUrl: string,
  repository: string,
  tag: string,
  platforms: Array<ImageSpec & { os: string; architecture: string; variant?: string }>,
): Promise<{ digest: string; platforms: Record<string, string> }> {
  const entries = [];
  const digests: Record<string, string> = {};
  for (const platform of platforms) {
    const image = await pushImage(registryUrl, repository, undefined, platform);
    const body = await (
      await fetch(`${registryUrl}/v2/${repository}/manifests/${image.digest}`, { headers: { accept: OCI_MANIFEST } })
    ).text();
    entries.push({
      mediaType: OCI_MANIFEST,
      digest: image.digest,
      size: Buffer.byteLength(body),
      platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
    });
    digests[`${platform.os}/${platform.architecture}`] = image.digest;
  }
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
  const digest = await pushManifest(registryUrl, repository, tag, OCI_INDEX, index);
  return { digest, platforms: digests };
}
