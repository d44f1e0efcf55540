/** Dates in exceptions and suppressions are calendar days in UTC (YYYY-MM-DD). */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** An entry expires on its `expires` day: from 00:00 UTC that day it no longer mutes (as Trivy's `exp:`). */
export function isExpired(expires: string, now: Date): boolean {
  return expires <= isoDay(now);
}

/** Whole days from today (UTC) to `expires`; 0 or less once expired. */
export function daysUntil(expires: string, now: Date): number {
  return Math.round((Date.parse(`${expires}T00:00:00Z`) - Date.parse(`${isoDay(now)}T00:00:00Z`)) / 86_400_000);
}

/** Parses `30d`, `2w` or a bare number of days. */
export function parseDays(text: string): number | undefined {
  const match = /^(\d+)\s*([dw]?)$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'w' ? 7 : 1);
}
