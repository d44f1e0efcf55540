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
import type { PeerOutcome, PeerRule } from './types.js';

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
 * shared objects shared). Readers never change a list. A list is found by the ids of its conclusions (each distinct
 * conclusion gets a number once), one step of a tree per id: no key is built from them, nor from its reasons.
 */
interface SharedLists {
  /** The lists whose ids go on with this one. */
  next?: Map<number, SharedLists>;
  /** The list whose ids end here. */
  list?: PeerConclusion[];
}
let sharedLists: SharedLists = {};
/** Steps of the tree; it starts afresh above MAX_SHARED_STEPS (it never grows with the corpus). */
let sharedSteps = 0;
const MAX_SHARED_STEPS = 100_000;

/** The step of `from` for `id`, made when missing. */
function sharedStep(from: SharedLists, id: number): SharedLists {
  let next = from.next;
  if (!next) from.next = next = new Map<number, SharedLists>();
  let step = next.get(id);
  if (!step) {
    next.set(id, (step = {}));
    sharedSteps++;
  }
  return step;
}
/**
 * Each distinct conclusion once, with its id, by rule (tool, rule id and control) or tool, then verdict, then reason:
 * a conclusion drawn again (most are: the same reasons recur across definitions) is the same record, never rebuilt.
 */
const knownConclusions = new Map<PeerRule | PeerTool, Map<string, Map<string, Concluded>>>();
let conclusionCount = 0;
let nextConclusionId = 0;
/** A conclusion with fields beyond a verdict and a reason: its list is kept as it is, unshared. */
const UNSHARED = -1;

interface Concluded {
  conclusion: PeerConclusion;
  id: number;
}

/** `{ tool, rule, control?, ...outcome }`, key by key (a record spread first and then given keys is slow in V8 11). */
function conclusionOf(by: PeerRule | PeerTool, outcome: PeerOutcome): PeerConclusion {
  const conclusion = (
    typeof by === 'string'
      ? { tool: by }
      : by.control
        ? { tool: by.tool, rule: by.id, control: by.control }
        : { tool: by.tool, rule: by.id }
  ) as Record<string, unknown>;
  for (const key in outcome) if (Object.hasOwn(outcome, key)) conclusion[key] = outcome[key as keyof PeerOutcome];
  return conclusion as unknown as PeerConclusion;
}

/** The conclusion `by` draws with `outcome`, the known record when it was drawn before. */
function conclude(by: PeerRule | PeerTool, outcome: PeerOutcome): Concluded {
  let keys = 0;
  for (const key in outcome) if (Object.hasOwn(outcome, key)) keys++;
  if (keys !== 2) return { conclusion: conclusionOf(by, outcome), id: UNSHARED };
  let byVerdict = knownConclusions.get(by);
  if (!byVerdict) knownConclusions.set(by, (byVerdict = new Map<string, Map<string, Concluded>>()));
  let byReason = byVerdict.get(outcome.verdict);
  if (!byReason) byVerdict.set(outcome.verdict, (byReason = new Map<string, Concluded>()));
  const known = byReason.get(outcome.why);
  if (known) return known;
  // The table never grows with the corpus. Ids only grow: a list key made before a reset matches nothing after it.
  if (conclusionCount >= 10_000) {
    knownConclusions.clear();
    conclusionCount = 0;
    return conclude(by, outcome);
  }
  const concluded = { conclusion: conclusionOf(by, outcome), id: nextConclusionId++ };
  byReason.set(outcome.why, concluded);
  conclusionCount++;
  return concluded;
}

/**
 * Conclusions already drawn on one task definition, by rule and container (undefined for a task-level verdict).
 * Several checks ask the same rule (and every container of a task-level rule gets the same verdict): each is drawn
 * once per evaluation. Made per evaluation of a definition (an empty Map), never kept across them.
 */
export type PeerMemo = Map<PeerRule, Map<ContainerDefinition | undefined, Concluded>>;

/** The NOT_COVERED entry of each tool without a rule for a check: the same for every finding. */
const noRule = new Map<PeerTool, Concluded>();

function notCovered(tool: PeerTool): Concluded {
  let known = noRule.get(tool);
  if (!known) noRule.set(tool, (known = conclude(tool, { verdict: 'NOT_COVERED', why: `${TOOL_NAMES[tool]} has no rule for this check` })));
  return known;
}

function concluded(rule: PeerRule, td: TaskDefinition, container: ContainerDefinition | undefined, memo: PeerMemo | undefined): Concluded {
  const on = container && rule.container ? container : undefined;
  let byContainer = memo?.get(rule);
  const known = byContainer?.get(on);
  if (known) return known;
  const notRead = rule.reads?.(td.resource.source);
  const outcome: PeerOutcome = notRead
    ? { verdict: 'NOT_COVERED', why: notRead }
    : on && rule.container
      ? rule.container(td, on)
      : rule.task(td);
  const result = conclude(rule, outcome);
  if (memo) {
    if (!byContainer) memo.set(rule, (byContainer = new Map<ContainerDefinition | undefined, Concluded>()));
    byContainer.set(on, result);
  }
  return result;
}

/**
 * Every tool's verdict for one finding: each rule that asks the check's
 * question, on the finding's container when the rule looks at containers one
 * by one; a tool with no such rule is one NOT_COVERED entry. `memo` (one per
 * evaluation of `td`) lets the findings of one definition share the rules' work.
 */
export function peersFor(checkId: string, td: TaskDefinition, container?: ContainerDefinition, memo?: PeerMemo): PeerConclusion[] {
  const byTool = toolRules(checkId);
  const list: PeerConclusion[] = [];
  if (sharedSteps > MAX_SHARED_STEPS) {
    sharedLists = {};
    sharedSteps = 0;
  }
  // Where the ids so far lead; undefined once a conclusion is unshared (the list is then kept as it is).
  let shared: SharedLists | undefined = sharedLists;
  for (let i = 0; i < PEER_TOOLS.length; i++) {
    const rules = byTool[i] as readonly PeerRule[];
    if (rules.length === 0) {
      const { conclusion: c, id } = notCovered(PEER_TOOLS[i] as PeerTool);
      list.push(c);
      if (shared) shared = sharedStep(shared, id);
      continue;
    }
    for (const rule of rules) {
      const { conclusion: c, id } = concluded(rule, td, container, memo);
      list.push(c);
      shared = id === UNSHARED || !shared ? undefined : sharedStep(shared, id);
    }
  }
  if (!shared) return list;
  return (shared.list ??= list);
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
                why:
                  'Prowler releases report PASS for a revision whose describe call failed: it is checked as an empty definition ' +
                  '(prowler issue #12132; master skips it since PR #12217)',
              }
            : {
                verdict: 'NOT_EVALUATED' as const,
                why: 'ecsguard could not read this definition, so what the rule concludes cannot be told',
              }),
      };
    });
  });
}
