import type { ScanError } from '../../model/finding.js';
import type { LineIndex } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { buildYamlFromEvents } from './yaml-events.js';

let composing: Promise<typeof import('./yaml-tree.js')> | undefined;
let composer: typeof import('./yaml-tree.js') | undefined;

/** Loads the composing path, for readYamlDocumentsNow (a caller that cannot wait: Terraform's yamldecode). */
export async function loadYamlComposer(): Promise<typeof import('./yaml-tree.js')> {
  composer = await (composing ??= import('./yaml-tree.js'));
  return composer;
}

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
  return compose(await loadYamlComposer(), text, file, lines, of);
}

/** readYamlDocuments without waiting: undefined when the text needs the composing path and it is not loaded yet. */
export function readYamlDocumentsNow(
  text: string,
  file: string,
  lines: LineIndex,
  of: 'template' | 'task definition' = 'template',
): { documents: ValueNode[]; errors: ScanError[] } | undefined {
  const fast = buildYamlFromEvents(text, file, lines);
  if (fast) return { documents: fast, errors: [] };
  return composer && compose(composer, text, file, lines, of);
}

function compose(
  loaded: typeof import('./yaml-tree.js'),
  text: string,
  file: string,
  lines: LineIndex,
  of: 'template' | 'task definition',
): { documents: ValueNode[]; errors: ScanError[] } {
  return loaded.parseYamlTemplate(text, file, lines, { composeOnly: true, ...(of === 'task definition' ? { expandMerges: true } : {}) });
}
