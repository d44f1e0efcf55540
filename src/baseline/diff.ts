import path from 'node:path';
import { printable } from '../report/printable.js';
import type { Status } from '../model/finding.js';
import { IdentityCounts, findingIdentity, resourceIdentity } from './identity.js';
import type { ReportScope, ReportedFinding, UnreadScope } from './report-file.js';
import { lookedAt, related } from './scope.js';

/** Problems a diff follows from one scan to the next. */
const OPEN: ReadonlySet<Status> = new Set(['FAIL', 'UNKNOWN', 'MUTED']);

export interface ScanDiff {
  /** In the after scan only. */
  added: ReportedFinding[];
  /** In the before scan only, and their resource was read in the after scan. */
  fixed: ReportedFinding[];
  /** In both (shown as they are after). */
  unchanged: ReportedFinding[];
  /** In the before scan only, but the after scan could not read their resource, or did not look there: not called fixed. */
  unverified: ReportedFinding[];
  /** How many of `unverified` lie where the after scan did not look (the others: where it could not read). */
  notScanned: number;
}

/**
 * `unreadAfter`: where the after scan's errors say it could not read (a file, a region, or everything live): a
 * finding of the before scan there that the after scan lacks is not verified, never fixed. `scopes`: what each scan
 * looked at (its paths, live accounts and regions); a finding the after scan did not look at is not verified either.
 */
export function diffScans(
  before: readonly ReportedFinding[],
  after: readonly ReportedFinding[],
  unreadAfter: readonly UnreadScope[] = [],
  scopes: { before?: ReportScope; after?: ReportScope } = {},
): ScanDiff {
  const beforeOpen = before.filter((f) => OPEN.has(f.status));
  const afterOpen = after.filter((f) => OPEN.has(f.status));
  const erroredAfter = new Set(after.filter((f) => f.status === 'ERROR').map((f) => `${resourceIdentity(f)}\u0000${f.checkId}`));

  // File names compare as files when both folders are known and related (see lookedAt), as written otherwise.
  const folders = related(scopes.before?.folder, scopes.after?.folder);
  const nameIn = (folder: string | undefined) => (name: string) =>
    folders && folder !== undefined && name !== '<stdin>' ? path.resolve(folder, name) : name;
  const beforeName = nameIn(scopes.before?.folder);
  const afterName = nameIn(scopes.after?.folder);
  const beforeFile = (f: ReportedFinding) => (f.resource.file === undefined ? '' : beforeName(f.resource.file));
  const afterFile = (f: ReportedFinding) => (f.resource.file === undefined ? '' : afterName(f.resource.file));
  const unreadFiles = unreadAfter.map((u) => (u.file === undefined ? u : { ...u, file: afterName(u.file) }));
  const inBefore = matchedIn(afterOpen, afterFile, beforeOpen, beforeFile);
  const added = afterOpen.filter((_, i) => !inBefore[i]);
  const unchanged = afterOpen.filter((_, i) => inBefore[i]);

  const inAfter = matchedIn(beforeOpen, beforeFile, afterOpen, afterFile);
  const fixed: ReportedFinding[] = [];
  const unverified: ReportedFinding[] = [];
  let notScanned = 0;
  for (const [i, f] of beforeOpen.entries()) {
    if (inAfter[i]) continue;
    const outside = scopes.after !== undefined && !lookedAt(f, scopes.after, scopes.before);
    if (outside) notScanned++;
    const unread = outside || erroredAfter.has(`${resourceIdentity(f)}\u0000${f.checkId}`) || inUnreadScope(f, unreadFiles, beforeName);
    (unread ? unverified : fixed).push(f);
  }
  return { added, fixed, unchanged, unverified, notScanned };
}

/**
 * Which of `items` have a finding of the same identity in `against`, each used once. A finding in the same file is
 * taken first, so two files declaring the same family (or logical id) are each matched with their own, and only what
 * is left is matched across files (a definition that moved).
 */
function matchedIn(
  items: readonly ReportedFinding[],
  itemFile: (f: ReportedFinding) => string,
  against: readonly ReportedFinding[],
  againstFile: (f: ReportedFinding) => string,
): boolean[] {
  const key = (f: ReportedFinding, file: string) => `${findingIdentity(f)}\u0000${file}`;
  const sameFile = new IdentityCounts();
  for (const f of against) sameFile.add(key(f, againstFile(f)));
  const matched = items.map((f) => sameFile.take(key(f, itemFile(f))));
  // What `against` has left after the same-file matches, by identity alone.
  const usedSameFile = new IdentityCounts();
  items.forEach((f, i) => {
    if (matched[i]) usedSameFile.add(key(f, itemFile(f)));
  });
  const elsewhere = new IdentityCounts();
  for (const f of against) if (!usedSameFile.take(key(f, againstFile(f)))) elsewhere.add(findingIdentity(f));
  return matched.map((m, i) => m || elsewhere.take(findingIdentity(items[i] as ReportedFinding)));
}

/** `scopes` name files as `name` does the finding's (both resolved against their folders, or both as written). */
function inUnreadScope(f: ReportedFinding, scopes: readonly UnreadScope[], name: (file: string) => string): boolean {
  const declaredIn = f.resource.file === undefined ? undefined : name(f.resource.file);
  const locatedIn = f.location?.file === undefined ? undefined : name(f.location.file);
  return scopes.some((scope) => {
    if (scope.file !== undefined) {
      return f.resource.kind === 'file' && (declaredIn === scope.file || (!scope.skipped && locatedIn === scope.file));
    }
    if (scope.region !== undefined) return f.resource.kind === 'aws' && f.resource.region === scope.region;
    return f.resource.kind === 'aws';
  });
}

export interface CheckCounts {
  checkId: string;
  added: number;
  fixed: number;
  unchanged: number;
  unverified: number;
}

export function countsByCheck(diff: ScanDiff): CheckCounts[] {
  const rows = new Map<string, CheckCounts>();
  const row = (checkId: string) => {
    let r = rows.get(checkId);
    if (!r) rows.set(checkId, (r = { checkId, added: 0, fixed: 0, unchanged: 0, unverified: 0 }));
    return r;
  };
  for (const f of diff.added) row(f.checkId).added++;
  for (const f of diff.fixed) row(f.checkId).fixed++;
  for (const f of diff.unchanged) row(f.checkId).unchanged++;
  for (const f of diff.unverified) row(f.checkId).unverified++;
  return [...rows.values()].sort((a, b) => a.checkId.localeCompare(b.checkId));
}

function where(f: ReportedFinding): string {
  const r = f.resource;
  const resource =
    r.kind === 'aws' ? `${r.arn ?? r.id}${r.region ? ` (${r.region})` : ''}` : `${r.file ?? ''}${r.file ? ' › ' : ''}${r.id}`;
  return `${resource}${f.container ? ` › ${f.container}` : ''}`;
}

function unverifiedReason(diff: ScanDiff): string {
  if (diff.notScanned === 0) return 'could not be read';
  return diff.notScanned === diff.unverified.length ? 'not scanned' : 'could not be read, or not scanned,';
}

/** The text `ecsguard diff` prints: totals, a table per check, then each finding by category. */
export function formatDiff(diff: ScanDiff, beforeName: string, afterName: string): string {
  const lines = [`ecsguard diff ${beforeName} → ${afterName}`];
  lines.push(
    `  new ${diff.added.length}, fixed ${diff.fixed.length}, unchanged ${diff.unchanged.length}` +
      (diff.unverified.length ? `, not verified ${diff.unverified.length} (${unverifiedReason(diff)} in ${afterName})` : ''),
  );
  const rows = countsByCheck(diff);
  if (rows.length) {
    const width = Math.max(5, ...rows.map((r) => r.checkId.length));
    lines.push('', `  ${'check'.padEnd(width)}  new  fixed  unchanged  not verified`);
    for (const r of rows) {
      lines.push(
        `  ${r.checkId.padEnd(width)}  ${String(r.added).padStart(3)}  ${String(r.fixed).padStart(5)} ` +
          ` ${String(r.unchanged).padStart(9)}  ${String(r.unverified).padStart(12)}`,
      );
    }
  }
  const section = (title: string, items: ReportedFinding[]) => {
    if (!items.length) return;
    lines.push('', `${title} (${items.length})`);
    for (const f of items) lines.push(`  ${f.status.padEnd(7)} ${f.checkId}  ${printable(`${where(f)}: ${f.message}`)}`);
  };
  section('New', diff.added);
  section('Fixed', diff.fixed);
  section('Not verified', diff.unverified);
  section('Unchanged', diff.unchanged);
  return lines.join('\n');
}
