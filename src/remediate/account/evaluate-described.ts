import type { Check } from '../../checks/types.js';
import { scan } from '../../engine/scan.js';
import { type ObjectNode, fromPlain } from '../../model/value.js';
import { parseTaskDefinitionArn } from '../../sources/aws/arn.js';
import type { SourceDefinition } from '../../sources/source.js';
import type { RevisionToPlan } from './build-plan.js';
import type { Tag } from './register-input.js';

export interface DescribedRevision {
  region: string;
  arn: string;
  taskDefinition: Record<string, unknown>;
  tags: Tag[];
}

/** Runs the checks over revisions described outside the scan (a family's newest revision), through the same engine. */
export async function evaluateDescribed(revisions: readonly DescribedRevision[], checks: readonly Check[]): Promise<RevisionToPlan[]> {
  const byArn = new Map(revisions.map((r) => [r.arn, r]));
  const out: RevisionToPlan[] = [];
  await scan({
    paths: [],
    checks,
    liveSources: [
      {
        async load() {
          const definitions: SourceDefinition[] = revisions.map(({ region, arn, taskDefinition, tags }) => {
            const parsed = parseTaskDefinitionArn(arn);
            return {
              resource: {
                kind: 'aws',
                source: 'aws',
                id: arn,
                arn,
                region,
                ...(parsed ? { family: parsed.family, revision: parsed.revision, accountId: parsed.accountId } : {}),
              },
              body: fromPlain({ ...taskDefinition, tags }) as ObjectNode,
            };
          });
          return { definitions, failures: [], errors: [] };
        },
      },
    ],
    includePassed: true,
    onEvaluated: ({ taskDefinition, findings }) => {
      const described = byArn.get(taskDefinition.resource.arn ?? '');
      if (described) out.push({ taskDefinition, findings, described: described.taskDefinition, tags: described.tags });
    },
  });
  return out;
}
