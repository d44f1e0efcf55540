import type { Finding } from './finding.js';
import type { SourceRange } from './location.js';
import type { ContainerDefinition, TaskDefinition } from './task-definition.js';
import { type ObjectEntry, type ValueNode, entry } from './value.js';

/**
 * Where a finding is anchored: a line of its resource's file (a number, the common case), or a line of another file
 * (`file` + NUL + line: a Terraform variable's default, a module's file, a template), so a directive is only ever
 * matched against a line of the file it is written in.
 */
export type FindingAnchor = number | string;

/** The file and line of an anchor; `resourceFile` for a bare line. */
export function anchorPlace(anchor: FindingAnchor, resourceFile: string): { file: string; line: number } {
  if (typeof anchor === 'number') return { file: resourceFile, line: anchor };
  const cut = anchor.lastIndexOf('\0');
  return { file: anchor.slice(0, cut), line: Number(anchor.slice(cut + 1)) };
}

/**
 * The lines each finding of one task definition is anchored at, where an inline suppression may sit: its resource
 * (and the body's first line when the definition starts earlier: YAML describe output starts at `taskDefinition:`),
 * its container, its field's key, and its value (which may be elsewhere: a parameter's default, a variable, a YAML
 * anchor).
 */
export function findingLines(taskDefinition: TaskDefinition, findings: readonly Finding[]): FindingAnchor[][] {
  // Containers by name, once per definition: a generated definition of 30,000 containers took seconds per lookup.
  const byName = new Map<string, ContainerDefinition>();
  for (const c of taskDefinition.containers) if (!byName.has(c.name)) byName.set(c.name, c);
  const resourceFile = taskDefinition.resource.file ?? taskDefinition.range?.file;
  const anchor = (range: SourceRange | undefined): FindingAnchor | undefined =>
    range === undefined ? undefined : range.file === resourceFile ? range.start.line : `${range.file}\0${range.start.line}`;
  const resource = anchor(taskDefinition.range);
  const body = anchor(taskDefinition.body.range);
  const own = [resource, body === resource ? undefined : body];
  return findings.map((finding) => {
    const container = finding.container === undefined ? undefined : byName.get(finding.container);
    const key =
      finding.fieldPath === undefined
        ? undefined
        : container
          ? keyRange(container.node, finding.fieldPath.slice(2))
          : keyRange(taskDefinition.body, finding.fieldPath);
    return [...own, anchor(container?.node.range), anchor(key), anchor(finding.location)].filter(
      (n): n is FindingAnchor => n !== undefined,
    );
  });
}

/** The range of the last key on `path` from `node`, when the path ends at a key. */
function keyRange(node: ValueNode, path: readonly string[]): SourceRange | undefined {
  let current: ValueNode | undefined = node;
  let found: ObjectEntry | undefined;
  for (const step of path) {
    if (current?.kind === 'object') {
      found = entry(current, step);
      current = found?.value;
    } else if (current?.kind === 'array') {
      found = undefined;
      current = current.items[Number(step)];
    } else return undefined;
  }
  return found?.keyRange;
}
