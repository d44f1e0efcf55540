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

function fromEntry(file: ExceptionsFile, entry: ExceptionEntry, now: Date): Suppression {
  return {
    kind: 'exception',
    source: `${file.file}:${entry.line} (exception ${entry.id})`,
    reason: entry.reason,
    owner: entry.owner,
    expires: entry.expires,
    ...(entry.ticket ? { ticket: entry.ticket } : {}),
    ...(isExpired(entry.expires, now) ? { expired: true } : {}),
  };
}

function fromDirective(directive: InlineDirective, now: Date): Suppression {
  return {
    kind: 'inline',
    source: `${directive.file}:${directive.line}`,
    reason: directive.reason,
    ...(directive.owner ? { owner: directive.owner } : {}),
    ...(directive.expires ? { expires: directive.expires } : {}),
    ...(directive.expires && isExpired(directive.expires, now) ? { expired: true } : {}),
  };
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
    if (active) return { ...finding, status: 'MUTED', suppression: active };
    const expired = candidates[0];
    return expired ? { ...finding, suppression: expired } : finding;
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
