import type { ScanError } from '../../model/finding.js';

/** Which IAM action prefix each API belongs to, for "missing permission" messages. */
export type AwsService = 'ecs' | 'sts' | 'account' | 'elasticloadbalancing' | 'organizations' | 'config';

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

export function isAbort(error: unknown): boolean {
  const name = (error as SdkErrorShape | undefined)?.name;
  return name === 'AbortError';
}

/** Connection errors that retrying in the next seconds does not heal: nothing listens, or the name does not resolve. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code in UNREACHABLE;
}

/** No credentials anywhere in the chain: one error says it, instead of one per call. */
export function isMissingCredentials(error: unknown): boolean {
  return (error as SdkErrorShape | undefined)?.name === 'CredentialsProviderError';
}

/** Turns an SDK error into a report entry that says what failed, where, and what to do. */
export function toScanError(
  error: unknown,
  context: { service: AwsService; operation: string; region?: string; resource?: string },
): ScanError {
  return {
    message: describeAwsError(error, context.service, context.operation),
    ...(context.region ? { region: context.region } : {}),
    operation: context.operation,
    ...(context.resource ? { resource: context.resource } : {}),
  };
}

export function describeAwsError(error: unknown, service: AwsService, operation: string): string {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const detail = (e.message ?? String(error)).trim();
  const attempts = e.$metadata?.attempts;
  const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  if (ACCESS_DENIED.has(name)) {
    return `access denied: ${operation} needs the IAM permission ${service}:${operation} (${detail})`;
  }
  if (THROTTLED.has(name)) return `${operation} was still throttled${afterAttempts}: ${detail}; retry later or lower --max-concurrency`;
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId') {
    return `${operation} failed: ${name}: ${detail} (the region may not be enabled for this account, or the credentials are not valid)`;
  }
  if (isMissingCredentials(error)) return `no AWS credentials: ${detail} (use --profile, environment variables or an instance role)`;
  const code = (e as { code?: string }).code;
  if (code && isUnreachable(error)) {
    const endpoint = (e as { endpoint?: string }).endpoint ?? 'the AWS endpoint';
    return (
      `${operation} failed: cannot reach ${endpoint} (${code}: ${UNREACHABLE[code]}); check the network, proxy settings ` +
      '(HTTPS_PROXY) or --endpoint-url'
    );
  }
  if (code && /^(ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code)) {
    return `${operation} failed${afterAttempts}: the endpoint could not be reached (${code})`;
  }
  if (name === 'TimeoutError') return `${operation} failed${afterAttempts}: the request timed out (${detail})`;
  return `${operation} failed${afterAttempts}: ${name}: ${detail}`;
}

/** Names the endpoint an unreachable-endpoint error was sent to (the SDK's error does not), once. */
export function nameUnreachableEndpoint(error: unknown, request: unknown): void {
  const sent = request as { protocol?: string; hostname?: string; port?: number } | undefined;
  if (isUnreachable(error) && sent?.hostname && (error as { endpoint?: string }).endpoint === undefined) {
    (error as { endpoint?: string }).endpoint = `${sent.protocol ?? 'https:'}//${sent.hostname}${sent.port ? `:${sent.port}` : ''}`;
  }
}
