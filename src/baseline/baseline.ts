import type { Finding, Status } from '../model/finding.js';
import { IdentityCounts, findingIdentity } from './identity.js';
import type { ReportedFinding } from './report-file.js';

/** Findings a baseline can hide: known problems. ERROR (unread), NOTE and PASS always stay. */
const KNOWN: ReadonlySet<Status> = new Set(['FAIL', 'UNKNOWN', 'MUTED']);

/** Keeps only the findings the baseline does not already have (matched by identity, one for one). */
export function filterByBaseline(findings: readonly Finding[], baseline: readonly ReportedFinding[]): { kept: Finding[]; hidden: number } {
  const known = new IdentityCounts();
  for (const f of baseline) if (KNOWN.has(f.status)) known.add(findingIdentity(f));
  const kept: Finding[] = [];
  let hidden = 0;
  for (const f of findings) {
    if (KNOWN.has(f.status) && known.take(findingIdentity(f))) hidden++;
    else kept.push(f);
  }
  return { kept, hidden };
}
