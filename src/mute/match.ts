import { createRequire } from 'node:module';
import path from 'node:path';
import type Picomatch from 'picomatch';
import type { Finding } from '../model/finding.js';
import type { ExceptionEntry } from './exceptions-file.js';
import type { Selector } from './exceptions-schema.js';

/** The fields of a finding an exception can select on; JSON reports carry the same, so `exceptions check` reuses this. */
export type MatchableFinding = Pick<Finding, 'checkId' | 'container'> & {
  resource: Pick<Finding['resource'], 'id' | 'file' | 'family' | 'arn' | 'region' | 'accountId'>;
};

// Loaded on the first pattern: a scan without exceptions never needs it (start-up cost).
let picomatch: typeof Picomatch | undefined;

const cache = new Map<string, (text: string) => boolean>();
function matcher(pattern: string, isPath: boolean): (text: string) => boolean {
  const key = `${isPath ? 'p' : 'i'}${pattern}`;
  let fn = cache.get(key);
  if (!fn) {
    // Ids and ARNs contain "/": there a single * matches across it (bash mode); paths keep glob semantics.
    picomatch ??= createRequire(import.meta.url)('picomatch') as typeof Picomatch;
    fn = picomatch(pattern, isPath ? { dot: true } : { bash: true, dot: true });
    cache.set(key, fn);
  }
  return fn;
}

const anyMatch = (patterns: string[], values: Array<string | undefined>, isPath = false) =>
  // An exact name always matches, even one with glob characters in it (`web(1)`, `[a]`).
  values.some((value) => value !== undefined && patterns.some((p) => p === value || matcher(p, isPath)(value)));

function selectorValues(selector: Selector, finding: MatchableFinding, baseDir: string): Array<string | undefined> {
  const r = finding.resource;
  switch (selector) {
    case 'accounts':
      return [r.accountId];
    case 'regions':
      return [r.region];
    case 'arns':
      // An ARN without its revision covers every revision of the family.
      return [r.arn, r.arn?.replace(/:\d+$/, '')];
    case 'families':
      return [r.family];
    case 'containers':
      return [finding.container];
    case 'resources':
      return [r.id];
    case 'paths':
      return r.file ? [path.relative(baseDir, path.resolve(r.file)).split(path.sep).join('/')] : [];
  }
}

/** Whether an entry covers a finding: its check is listed and every selector the entry gives matches. */
export function entryMatches(entry: ExceptionEntry, finding: MatchableFinding, baseDir: string): boolean {
  if (!entry.checks.includes(finding.checkId)) return false;
  return (Object.entries(entry.selectors) as Array<[Selector, string[]]>).every(([selector, patterns]) =>
    anyMatch(patterns, selectorValues(selector, finding, baseDir), selector === 'paths'),
  );
}
