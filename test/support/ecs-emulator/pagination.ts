import { invalidParameter } from './errors.js';

/**
 * ECS-style pagination: an opaque nextToken (here the base64 of the offset and
 * the operation, so a token from another call is rejected like ECS does) and a
 * maxResults that defaults to and may not exceed `limit`.
 */
export function paginate<T>(
  items: readonly T[],
  input: { nextToken?: unknown; maxResults?: unknown },
  operation: string,
  limit = 100,
): { page: T[]; nextToken?: string } {
  let size = limit;
  if (input.maxResults !== undefined && input.maxResults !== null) {
    const asked = Number(input.maxResults);
    if (!Number.isInteger(asked) || asked < 1 || asked > limit) {
      throw invalidParameter(`maxResults must be between 1 and ${limit}.`);
    }
    size = asked;
  }
  let offset = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    const decoded = decodeToken(String(input.nextToken));
    if (!decoded || decoded.operation !== operation) throw invalidParameter('Invalid nextToken.');
    offset = decoded.offset;
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { page, nextToken: encodeToken(operation, next) } : { page };
}

function encodeToken(operation: string, offset: number): string {
  return Buffer.from(JSON.stringify({ o: operation, n: offset })).toString('base64');
}

function decodeToken(token: string): { operation: string; offset: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; n?: unknown };
    if (typeof parsed.o !== 'string' || typeof parsed.n !== 'number') return undefined;
    return { operation: parsed.o, offset: parsed.n };
  } catch {
    return undefined;
  }
}
