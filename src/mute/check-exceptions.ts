import type { ReportedFinding } from '../baseline/report-file.js';
import { daysUntil, isExpired } from './dates.js';
import type { ExceptionEntry, ExceptionsFile } from './exceptions-file.js';
import { entryMatches } from './match.js';

export interface ExceptionStatus {
  entry: ExceptionEntry;
  state: 'expired' | 'expiring' | 'unused' | 'ok';
  daysLeft: number;
  matches?: number;
}

/** Sorts entries into expired, expiring within `withinDays`, unused in `report` (when given), and ok. */
export function reviewExceptions(
  file: ExceptionsFile,
  now: Date,
  withinDays: number,
  report?: readonly ReportedFinding[],
): ExceptionStatus[] {
  const open = report?.filter((f) => f.status === 'FAIL' || f.status === 'UNKNOWN' || f.status === 'MUTED');
  return file.entries.map((entry) => {
    const daysLeft = daysUntil(entry.expires, now);
    // A finding the scan muted with this entry matches it, wherever the scan ran (its paths were relative to there).
    const mutedBy = `:${entry.line} (exception ${entry.id})`;
    const matches = open?.filter((f) => f.suppressionSource?.endsWith(mutedBy) || entryMatches(entry, f, file.baseDir)).length;
    // Unused says more than expiring: an entry that matches nothing is to be removed, not renewed.
    const state = isExpired(entry.expires, now) ? 'expired' : matches === 0 ? 'unused' : daysLeft <= withinDays ? 'expiring' : 'ok';
    return { entry, state, daysLeft, ...(matches !== undefined ? { matches } : {}) };
  });
}

export function formatReview(file: string, statuses: ExceptionStatus[], withinDays: number, withReport: boolean): string {
  const lines: string[] = [];
  const describe = (s: ExceptionStatus) => `${file}:${s.entry.line} ${s.entry.id} (${s.entry.checks.join(', ')}), owner ${s.entry.owner}`;
  for (const s of statuses) {
    if (s.state === 'expired') lines.push(`EXPIRED   ${describe(s)}: expired on ${s.entry.expires}; it no longer mutes anything`);
    else if (s.state === 'expiring')
      lines.push(`EXPIRING  ${describe(s)}: expires on ${s.entry.expires}, in ${s.daysLeft} day${s.daysLeft === 1 ? '' : 's'}`);
    else if (s.state === 'unused') lines.push(`UNUSED    ${describe(s)}: matches no finding in the report; remove it or fix its selectors`);
  }
  const count = (state: ExceptionStatus['state']) => statuses.filter((s) => s.state === state).length;
  lines.push(
    `${statuses.length} exception${statuses.length === 1 ? '' : 's'}: ${count('expired')} expired, ${count('expiring')} expiring ` +
      `within ${withinDays} days` +
      (withReport ? `, ${count('unused')} unused` : '') +
      `, ${count('ok')} ok`,
  );
  return lines.join('\n');
}
