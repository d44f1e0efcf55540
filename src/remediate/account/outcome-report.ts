import { shortArn } from './apply-runner.js';
import type { Journal } from './journal-format.js';

/**
 * Exactly what an apply changed in the account and what it did not, from the
 * journal: the part of the report a person needs after a failure.
 */
export function describeChanges(journal: Journal): { changed: string[]; unchanged: string[]; uncertain: string[] } {
  const changed: string[] = [];
  const unchanged: string[] = [];
  const uncertain: string[] = [];
  for (const r of journal.revisions) {
    const what = `${r.region} ${shortArn(r.oldArn)}`;
    if (r.register.status === 'done')
      changed.push(`registered ${shortArn(r.newArn)} (fixed copy of ${what}; ${shortArn(r.oldArn)} is still registered)`);
    else if (r.register.status === 'in-progress')
      uncertain.push(`${what}: registration was interrupted; a new revision may exist (resume checks before registering again)`);
    else unchanged.push(`${what}: no new revision registered${r.register.error ? ` (${r.register.error})` : ''}`);
  }
  for (const s of journal.services) {
    const what = `${s.region} ${s.cluster}/${s.service}`;
    const rolledBack = s.rollback?.status === 'done';
    if (s.update.status === 'done' && !rolledBack)
      changed.push(`${what}: ${shortArn(s.previousArn ?? s.plannedFrom)} → ${shortArn(s.newArn)}`);
    else if (s.update.status === 'done' && rolledBack)
      changed.push(`${what}: moved to ${shortArn(s.newArn)}, then rolled back to ${shortArn(s.previousArn)}`);
    else if (s.update.status === 'in-progress')
      uncertain.push(`${what}: the update to ${shortArn(s.newArn)} was interrupted; it may or may not have been made`);
    // Say only what was observed: a refused service is on another revision, a failed call leaves it where it was last read.
    else if (s.update.refused)
      unchanged.push(`${what}: not updated: ${s.update.error?.replace(`${what}: `, '') ?? 'moved since the plan'}`);
    else if (s.update.status === 'failed')
      unchanged.push(`${what}: not updated, was on ${shortArn(s.previousArn ?? s.plannedFrom)} when last read (${s.update.error})`);
    else unchanged.push(`${what}: not reached (on ${shortArn(s.plannedFrom)} when planned)`);
  }
  return { changed, unchanged, uncertain };
}

/** After a rollback: the services it could not put back, each with the reason. */
export function notRestored(journal: Journal): string[] {
  return journal.services
    .filter((s) => s.rollback?.status === 'failed' || s.rollback?.status === 'in-progress')
    .map((s) => {
      const what = `${s.region} ${s.cluster}/${s.service}`;
      const reason =
        s.rollback?.status === 'in-progress'
          ? 'the rollback call was interrupted; check the service'
          : (s.rollback?.error ?? 'unknown').replace(new RegExp(`^${escape(what)}:? `), '');
      return `${what}: ${reason}${s.previousArn ? ` (should be on ${shortArn(s.previousArn)})` : ''}`;
    });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function formatChanges(journal: Journal, journalPath: string): string {
  const { changed, unchanged, uncertain } = describeChanges(journal);
  const lines = [`Changed in the account (${changed.length}):`, ...listOrNone(changed)];
  lines.push(`Not changed (${unchanged.length}):`, ...listOrNone(unchanged));
  if (uncertain.length) lines.push(`Uncertain (${uncertain.length}):`, ...listOrNone(uncertain));
  const lost = notRestored(journal);
  if (journal.rollback || lost.length) lines.push(`Not restored (${lost.length}):`, ...listOrNone(lost));
  lines.push(`Journal: ${journalPath}`);
  return lines.join('\n');
}

function listOrNone(items: string[]): string[] {
  return items.length ? items.map((i) => `  - ${i}`) : ['  (none)'];
}
