import type { Finding } from './finding.js';
import type { ContainerDefinition, TaskDefinition } from './task-definition.js';

/**
 * The lines each finding of one task definition is anchored at, where an inline suppression may sit: its resource
 * (and the body's first line when the definition starts earlier: YAML describe output starts at `taskDefinition:`),
 * its container, its field.
 */
export function findingLines(taskDefinition: TaskDefinition, findings: readonly Finding[]): number[][] {
  // Containers by name, once per definition: a generated definition of 30,000 containers took seconds per lookup.
  const byName = new Map<string, ContainerDefinition>();
  for (const c of taskDefinition.containers) if (!byName.has(c.name)) byName.set(c.name, c);
  const resource = taskDefinition.range?.start.line;
  const body = taskDefinition.body.range?.start.line;
  const own = [resource, body === resource ? undefined : body];
  return findings.map((finding) => {
    const container = finding.container === undefined ? undefined : byName.get(finding.container);
    return [...own, container?.node.range?.start.line, finding.location?.start.line].filter((n): n is number => n !== undefined);
  });
}
