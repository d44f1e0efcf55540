import type { Enricher } from '../engine/scan.js';
import { UsageError } from '../model/errors.js';

/** `--resolve-image-users` / `--accept-image-user` → the image-user stage (none without the option). */
export async function imageUserEnrichers(
  opts: Record<string, unknown>,
  signal?: AbortSignal,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<Enricher[]> {
  if (opts['resolveImageUsers'] !== true) {
    if (opts['acceptImageUser'] === true) throw new UsageError('--accept-image-user needs --resolve-image-users');
    return [];
  }
  const { imageUserEnricher } = await import('../enrich/image-user/index.js');
  const live = opts['aws'] === true;
  // A live scan's connection options also reach ECR; a file scan uses the SDK's default chain (and AWS_ENDPOINT_URL_ECR).
  const ecr = live
    ? {
        ...(opts['profile'] ? { profile: String(opts['profile']) } : {}),
        ...(opts['roleArn'] ? { roleArn: String(opts['roleArn']) } : {}),
        ...(opts['externalId'] ? { externalId: String(opts['externalId']) } : {}),
        ...(opts['endpointUrl'] ? { endpointUrl: String(opts['endpointUrl']) } : {}),
      }
    : {};
  const cacheDir =
    live && opts['cache'] === false
      ? undefined
      : ((opts['cacheDir'] as string | undefined) ?? (await import('../sources/aws/cache.js')).defaultCacheDir());
  return [
    imageUserEnricher({
      acceptImageUser: opts['acceptImageUser'] === true,
      ecr,
      ...(cacheDir ? { cacheDir } : {}),
      ...(signal ? { signal } : {}),
      notice: (message) => stderr.write(`ecsguard: ${message}\n`),
    }),
  ];
}
