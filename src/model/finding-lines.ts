import type { Finding } from './finding.js';
import type { ContainerDefinition, TaskDefinition } from './task-definition.js';
import { type ValueNode, entry } from './value.js';

/**
 * The lines each finding of one task definition is anchored at, where an inline suppression may sit: its resource
 * (and the body's first line when the definition starts earlier: YAML describe output starts at `taskDefinition:`),
 * its container, its field's key, and its value (which may be elsewhere: a parameter's default, a variable, a YAML
 * anchor).
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
    const key =
      finding.fieldPath === undefined
        ? undefined
        : container
          ? keyLine(container.node, finding.fieldPath.slice(2))
          : keyLine(taskDefinition.body, finding.fieldPath);
    return [...own, container?.node.range?.start.line, key, finding.location?.start.line].filter((n): n is number => n !== undefined);
  });
}

/** The line of the last key on `path` from `node`, when the path ends at a key. */
function keyLine(node: ValueNode, path: readonly string[]): number | undefined {
  let current: ValueNode | undefined = node;
  let line: number | undefined;
  for (const step of path) {
    if (current?.kind === 'object') {
      const found = entry(current, step);
      line = found?.keyRange?.start.line;
      current = found?.value;
    } else if (current?.kind === 'array') {
      line = undefined;
      current = current.items[Number(step)];
    } else return undefined;
  }
  return line;
}
