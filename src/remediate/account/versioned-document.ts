import { UsageError } from '../../model/errors.js';

/**
 * Parses a JSON document ecsguard wrote (plan, journal) and checks its kind and
 * version; anything else is a usage error naming the file.
 */
export function parseVersionedDocument<T extends { kind?: unknown; version?: unknown }>(
  text: string,
  file: string,
  expected: { kind: string; version: number; noun: string; notKind: string },
): Partial<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const document = (parsed ?? {}) as Partial<T>;
  if (typeof parsed !== 'object' || document.kind !== expected.kind) throw new UsageError(`${file} ${expected.notKind}`);
  if (document.version !== expected.version) {
    throw new UsageError(
      `${file} is ${expected.noun} version ${String(document.version)}; this ecsguard reads version ${expected.version}`,
    );
  }
  return document;
}
