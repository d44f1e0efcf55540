/**
 * Cross-tool verdicts: what AWS Config / Security Hub, Prowler, CIS, Checkov
 * and Trivy conclude on the definition a finding is about, from small
 * re-implementations of their published rules (one file per tool). Findings
 * carry them as `peers` (JSON, SARIF properties; text with --explain).
 */
import { PEER_TOOLS, type PeerConclusion, type PeerTool } from '../model/finding.js';
import type { ContainerDefinition, ResourceRef, TaskDefinition } from '../model/task-definition.js';
import { AWS_CONFIG_RULES } from './aws-config.js';
import { CHECKOV_RULES } from './checkov.js';
import { CIS_RULES } from './cis.js';
import { PROWLER_RULES } from './prowler.js';
import { TRIVY_RULES } from './trivy.js';
import { TOOL_NAMES } from './tool-names.js';
import type { PeerRule } from './types.js';

export type { PeerRule, PeerOutcome } from './types.js';

export const PEER_RULES: readonly PeerRule[] = [...AWS_CONFIG_RULES, ...PROWLER_RULES, ...CIS_RULES, ...CHECKOV_RULES, ...TRIVY_RULES];

export { TOOL_NAMES };

export function rulesFor(checkId: string, tool?: PeerTool): PeerRule[] {
  return PEER_RULES.filter((r) => r.checks.includes(checkId) && (tool === undefined || r.tool === tool));
}

/** rulesFor per check and tool, asked for every finding: computed once. */
const rulesByCheck = new Map<string, ReadonlyArray<readonly PeerRule[]>>();

function toolRules(checkId: string): ReadonlyArray<readonly PeerRule[]> {
  let rules = rulesByCheck.get(checkId);
  if (!rules) rulesByCheck.set(checkId, (rules = PEER_TOOLS.map((tool) => rulesFor(checkId, tool))));
  return rules;
}

/**
 * Most findings' peer lists are one of a few (the same verdicts and reasons per check): each distinct list is kept
 * once, so findings share it, and a batch's results carry it once across a worker boundary (structured cloning keeps
 * shared objects shared). Readers never change a list.
 */
const sharedLists = new Map<string, PeerConclusion[]>();

function shared(list: PeerConclusion[]): PeerConclusion[] {
  let key = '';
  for (const c of list) {
    // Only the fields a conclusion has; anything else is kept as it is, unshared.
    if (Object.keys(c).length !== 3 + (c.rule === undefined ? 0 : 1) + (c.control === undefined ? 0 : 1)) return list;
    key += `${c.tool}\u0000${c.rule ?? ''}\u0000${c.control ?? ''}\u0000${c.verdict}\u0000${c.why}\u0001`;
  }
  const known = sharedLists.get(key);
  if (known) return known;
  if (sharedLists.size > 10_000) sharedLists.clear();
  sharedLists.set(key, list);
  return list;
}

function conclusion(rule: PeerRule, td: TaskDefinition, container: ContainerDefinition | undefined): PeerConclusion {
  const base = { tool: rule.tool, rule: rule.id, ...(rule.control ? { control: rule.control } : {}) };
  const notRead = rule.reads?.(td.resource.source);
  if (notRead) return { ...base, verdict: 'NOT_COVERED', why: notRead };
  const outcome = container && rule.container ? rule.container(td, container) : rule.task(td);
  return { ...base, ...outcome };
}

/**
 * Every tool's verdict for one finding: each rule that asks the check's
 * question, on the finding's container when the rule looks at containers one
 * by one; a tool with no such rule is one NOT_COVERED entry.
 */
export function peersFor(checkId: string, td: TaskDefinition, container?: ContainerDefinition): PeerConclusion[] {
  const byTool = toolRules(checkId);
  const list: PeerConclusion[] = [];
  PEER_TOOLS.forEach((tool, i) => {
    const rules = byTool[i] as readonly PeerRule[];
    if (rules.length === 0) list.push({ tool, verdict: 'NOT_COVERED', why: `${TOOL_NAMES[tool]} has no rule for this check` });
    else for (const rule of rules) list.push(conclusion(rule, td, container));
  });
  return shared(list);
}

/**
 * A resource ecsguard could not read: no peer verdict can be told either,
 * except where a peer is known to report one anyway. Prowler releases fill a
 * revision whose DescribeTaskDefinition failed with defaults (no containers,
 * no pidMode, networkMode absent) and so PASS it (prowler issue #12132; fixed
 * on master by PR #12217, to skip it).
 */
export function peersForUnread(checkId: string, resource: ResourceRef): PeerConclusion[] {
  return PEER_TOOLS.flatMap((tool): PeerConclusion[] => {
    const rules = rulesFor(checkId, tool);
    if (rules.length === 0) return [{ tool, verdict: 'NOT_COVERED', why: `${TOOL_NAMES[tool]} has no rule for this check` }];
    return rules.map((rule) => {
      const notRead = rule.reads?.(resource.source);
      return {
        tool,
        rule: rule.id,
        ...(rule.control ? { control: rule.control } : {}),
        ...(notRead
          ? { verdict: 'NOT_COVERED' as const, why: notRead }
          : tool === 'prowler' && resource.kind === 'aws'
            ? {
                verdict: 'PASS' as const,
                why: 'Prowler releases report PASS for a revision whose describe call failed: it is checked as an empty definition (prowler issue #12132; master skips it since PR #12217)',
              }
            : {
                verdict: 'NOT_EVALUATED' as const,
                why: 'ecsguard could not read this definition, so what the rule concludes cannot be told',
              }),
      };
    });
  });
}
