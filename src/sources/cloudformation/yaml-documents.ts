import type { ScanError } from '../../model/finding.js';
import type { LineIndex } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { buildYamlFromEvents } from './yaml-events.js';

let composing: Promise<typeof import('./yaml-tree.js')> | undefined;

/**
 * Every document of a YAML file as value trees with positions, read as CloudFormation reads YAML (1.1 booleans, short
 * intrinsic tags). Most files take the fast path; the rest, and every error, are read by the composing path, whose
 * `yaml` package loads only then.
 */
export async function readYamlDocuments(
  text: string,
  file: string,
  lines: LineIndex,
  of: 'template' | 'task definition' = 'template',
): Promise<{ documents: ValueNode[]; errors: ScanError[] }> {
  const fast = buildYamlFromEvents(text, file, lines);
  if (fast) return { documents: fast, errors: [] };
  const composer = await (composing ??= import('./yaml-tree.js'));
  return composer.parseYamlTemplate(text, file, lines, {
    composeOnly: true,
    ...(of === 'task definition' ? { expandMerges: true } : {}),
  });
}
