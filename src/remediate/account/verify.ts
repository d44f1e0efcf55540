import type { Check } from '../../checks/types.js';
import { scan } from '../../engine/scan.js';
import { parseTaskDefinitionArn } from '../../sources/aws/arn.js';
import type { LiveSource, SourceDefinition, SourceFailure } from '../../sources/source.js';
import type { Finding } from '../../model/finding.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { type ObjectNode, fromPlain } from '../../model/value.js';
import { shortArn } from './apply-runner.js';
import { describedMatchesInput } from './described-matches.js';
import { EcsCallError, type EcsApi } from '../../sources/aws/ecs-api.js';
import type { BatchVerification, Journal } from './journal-format.js';
import type { RemediationPlan } from './plan-format.js';

/** A live source over exactly the revisions apply registered: the re-scan sees only what changed. */
function registeredRevisionsSource(
  api: EcsApi,
  revisions: Array<{ region: string; arn: string }>,
  tagsByArn: Map<string, unknown[]>,
): LiveSource {
  return {
    async load() {
      const definitions: SourceDefinition[] = [];
      const failures: SourceFailure[] = [];
      for (const { region, arn } of revisions) {
        const parsed = parseTaskDefinitionArn(arn);
        const resource: ResourceRef = {
          kind: 'aws',
          source: 'aws',
          id: arn,
          arn,
          region,
          ...(parsed ? { family: parsed.family, revision: parsed.revision, accountId: parsed.accountId } : {}),
        };
        let described: Awaited<ReturnType<EcsApi['describeTaskDefinition']>>;
        try {
          described = await api.describeTaskDefinition(region, arn);
        } catch (error) {
          if (!(error instanceof EcsCallError)) throw error;
          // Unread is ERROR for every check: the batch diff calls its findings "not verified", never "fixed".
          failures.push({
            resource,
            error: {
              message: `${shortArn(arn)}: not verified: ${error.message}`,
              region,
              operation: 'DescribeTaskDefinition',
              resource: arn,
            },
          });
          continue;
        }
        tagsByArn.set(arn, described.tags);
        definitions.push({ resource, body: fromPlain({ ...described.taskDefinition, tags: described.tags }) as ObjectNode });
      }
      return { definitions, failures, errors: [] };
    },
  };
}

/**
 * Re-scans what a batch changed: each new revision with the plan's checks (no
 * FAIL left), its tags against the plan's, and each updated service on its new revision.
 */
export async function verifyBatch(
  api: EcsApi,
  plan: RemediationPlan,
  journal: Journal,
  batch: number,
  checks: readonly Check[],
  at: string,
): Promise<{ verification: BatchVerification; findings: Finding[] }> {
  const registered = journal.revisions.filter((r) => r.batch === batch && r.newArn !== undefined);
  const tagsByArn = new Map<string, unknown[]>();
  const result = await scan({
    paths: [],
    checks,
    liveSources: [
      registeredRevisionsSource(
        api,
        registered.map((r) => ({ region: r.region, arn: r.newArn as string })),
        tagsByArn,
      ),
    ],
  });
  // A failure the plan fixed must be gone; one the plan left to a person (host mode kept, manual fixes) is only listed.
  const fixedChecks = new Map(plan.revisions.map((p) => [p.oldArn, new Set(p.changes.flatMap((c) => c.checkIds))] as const));
  const oldArnOf = new Map(registered.map((r) => [r.newArn as string, r.oldArn]));
  const failing: string[] = [];
  const remaining: string[] = [];
  const problems: string[] = result.errors.map((e) => e.message);
  const unread = new Set<string>();
  for (const f of result.findings) {
    if (f.status !== 'FAIL' && f.status !== 'ERROR') continue;
    const line = `${shortArn(f.resource.arn)}: ${f.checkId}: ${f.message}`;
    const fixed = fixedChecks.get(oldArnOf.get(f.resource.arn ?? '') ?? '');
    // A new revision that could not be read is not verified: a problem of the run, not a failing check.
    if (f.status === 'ERROR') {
      const arn = f.resource.arn ?? f.resource.id;
      // Said once per revision; the scan's own error for it (a failed describe) says it already.
      const said = unread.has(arn) || problems.some((p) => p.startsWith(`${shortArn(arn)}: `));
      if (!said) problems.push(`${shortArn(arn)}: not verified: ${f.message.replace(/^not evaluated: /, '')}`);
      unread.add(arn);
    } else if (fixed && !fixed.has(f.checkId)) remaining.push(line);
    else failing.push(line);
  }

  for (const revision of registered) {
    const planned = plan.revisions.find((p) => p.oldArn === revision.oldArn && p.batch === batch);
    const wanted = (planned?.registerInput['tags'] as unknown[] | undefined) ?? [];
    const tags = tagsByArn.get(revision.newArn as string) ?? [];
    if (!describedMatchesInput(tags, wanted)) {
      problems.push(`${shortArn(revision.newArn)}: tags ${JSON.stringify(tags)} differ from the plan's ${JSON.stringify(wanted)}`);
    }
  }

  const updated = journal.services.filter((s) => s.batch === batch && s.update.status === 'done');
  for (const s of updated) {
    let state: Awaited<ReturnType<EcsApi['describeServices']>>[number] | undefined;
    try {
      [state] = await api.describeServices(s.region, s.cluster, [s.service]);
    } catch (error) {
      if (!(error instanceof EcsCallError)) throw error;
      problems.push(`${s.region} ${s.cluster}/${s.service}: not verified: ${error.message}`);
      continue;
    }
    if (!state) problems.push(`${s.region} ${s.cluster}/${s.service}: not found`);
    else if (state.taskDefinition !== s.newArn) {
      problems.push(`${s.region} ${s.cluster}/${s.service} uses ${shortArn(state.taskDefinition)}, not ${shortArn(s.newArn)}`);
    }
  }
  return {
    verification: { batch, at, ok: failing.length === 0 && problems.length === 0, failing, problems, remaining },
    findings: result.findings,
  };
}
