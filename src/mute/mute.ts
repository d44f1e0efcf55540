import type { ScanResult } from '../engine/scan.js';
import { type Finding, type Status, type Suppression, countStatuses } from '../model/finding.js';
import { isExpired } from './dates.js';
import type { ExceptionEntry, ExceptionsFile } from './exceptions-file.js';
import type { InlineDirective, InlineSuppressions } from './inline.js';
import { entryMatches } from './match.js';

export interface MuteOptions {
  exceptions?: ExceptionsFile;
  /** Absent with --no-inline-suppressions. */
  inline?: InlineSuppressions;
  now: Date;
}

export interface MuteOutcome {
  result: ScanResult;
  /** How many findings each exception entry matched (muted or expired), by entry index. */
  entryUse: number[];
}

/** Only verdicts that would fail a run can be muted; ERROR (unread) never is: nothing unread is ever silenced. */
const MUTABLE: ReadonlySet<Status> = new Set(['FAIL', 'UNKNOWN']);

// Suppressions and muted copies are built key by key, in the order reports print them: a literal of conditional
// spreads, or a spread followed by more keys, costs microseconds per finding in V8 11.

function fromEntry(file: ExceptionsFile, entry: ExceptionEntry, now: Date): Suppression {
  const s: Suppression = {
    kind: 'exception',
    source: `${file.file}:${entry.line} (exception ${entry.id})`,
    reason: entry.reason,
    owner: entry.owner,
    expires: entry.expires,
  };
  if (entry.ticket) s.ticket = entry.ticket;
  if (isExpired(entry.expires, now)) s.expired = true;
  return s;
}

function fromDirective(directive: InlineDirective, now: Date): Suppression {
  const s: Suppression = { kind: 'inline', source: `${directive.file}:${directive.line}`, reason: directive.reason };
  if (directive.owner) s.owner = directive.owner;
  if (directive.expires) s.expires = directive.expires;
  if (directive.expires && isExpired(directive.expires, now)) s.expired = true;
  return s;
}

/** `{ ...finding, status, suppression }`: the finding's own keys in their order (status keeps its place), then suppression. */
function withSuppression(finding: Finding, suppression: Suppression, status: Status): Finding {
  const out: Record<string, unknown> = {};
  const record = finding as unknown as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key)) out[key] = record[key];
  out['status'] = status;
  out['suppression'] = suppression;
  return out as unknown as Finding;
}

/**
 * The muting stage, between checks and reporters: a FAIL or UNKNOWN finding that an inline
 * suppression or an exception covers becomes MUTED and carries it; one covered only by expired
 * ones keeps its status and carries the expired one, so reports say when it expired and who owns it.
 */
export function applySuppressions(result: ScanResult, options: MuteOptions): MuteOutcome {
  const muter = createMuter(options);
  const findings = result.findings.map(muter.mute);
  return {
    result: { ...result, findings, summary: { ...result.summary, findings: countStatuses(findings) } },
    entryUse: muter.entryUse,
  };
}

/** The muting stage one finding at a time (a streamed report mutes findings as they arrive). */
export function createMuter(options: MuteOptions): { mute: (finding: Finding) => Finding; entryUse: number[] } {
  const entryUse = (options.exceptions?.entries ?? []).map(() => 0);
  const mute = (finding: Finding): Finding => {
    if (!MUTABLE.has(finding.status)) return finding;
    const candidates: Suppression[] = [];
    for (const directive of options.inline?.for(finding) ?? []) candidates.push(fromDirective(directive, options.now));
    const file = options.exceptions;
    for (const entry of file?.entries ?? []) {
      if (file && entryMatches(entry, finding, file.baseDir)) {
        entryUse[entry.index] = (entryUse[entry.index] ?? 0) + 1;
        candidates.push(fromEntry(file, entry, options.now));
      }
    }
    const active = candidates.find((s) => !s.expired);
    if (active) return withSuppression(finding, active, 'MUTED');
    const expired = candidates[0];
    return expired ? withSuppression(finding, expired, finding.status) : finding;
  };
  return { mute, entryUse };
}

/** One line saying why a finding is muted, or that its exception expired. */
export function describeSuppression(s: Suppression): string {
  const by = s.kind === 'exception' ? 'exception' : 'inline suppression';
  const owner = s.owner ? `, owner ${s.owner}` : '';
  const ticket = s.ticket ? `, ticket ${s.ticket}` : '';
  if (s.expired) return `${by} at ${s.source} expired on ${s.expires}${owner}: no longer muted (reason was: ${s.reason})`;
  const until = s.expires ? `, until ${s.expires}` : '';
  return `muted by ${by} at ${s.source}: ${s.reason}${owner}${until}${ticket}`;
}
