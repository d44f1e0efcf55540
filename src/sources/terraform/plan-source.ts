import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { LineIndex } from '../../model/location.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { field, scalarText } from '../../model/value.js';
import { type FileSource, type InputFile, type SourceOutput, emptyOutput, fileError } from '../source.js';
import { ConfigurationIndex } from './plan-configuration.js';
import { type PlanText, child, planBody } from './plan-values.js';

const FORMAT_VERSION = /"format_version"\s*:/;
const PLAN_SECTIONS = /"(planned_values|resource_changes)"\s*:/;

/** `terraform show -json plan.out`: recognized by its content, whatever the file name. */
export const terraformPlan: FileSource = {
  kind: 'terraform-plan',
  detect: (file) => file.text.trimStart().startsWith('{') && FORMAT_VERSION.test(file.text) && PLAN_SECTIONS.test(file.text),
  load: async (files) => {
    const output = emptyOutput();
    for (const file of files) loadPlan(file, output);
    return output;
  },
};

interface PlannedResource {
  address: string;
  values: JsonNode;
}

const isTaskDefinition = (resource: JsonNode): boolean =>
  child(resource, 'type')?.value === 'aws_ecs_task_definition' && child(resource, 'mode')?.value !== 'data';

/** planned_values.root_module and its child_modules, depth first. */
function plannedResources(module: JsonNode | undefined, into: PlannedResource[]): void {
  for (const resource of child(module, 'resources')?.children ?? []) {
    const address = child(resource, 'address')?.value;
    const values = child(resource, 'values');
    if (isTaskDefinition(resource) && typeof address === 'string' && values?.type === 'object') into.push({ address, values });
  }
  for (const nested of child(module, 'child_modules')?.children ?? []) plannedResources(nested, into);
}

function loadPlan(file: InputFile, output: SourceOutput): void {
  const errors: ParseError[] = [];
  const root = parseTree(file.text, errors, { disallowComments: true });
  const lines = new LineIndex(file.text);
  const first = errors[0];
  if (first || !root) {
    const at = lines.position(first?.offset ?? 0);
    const code = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty file';
    output.errors.push({ file: file.path, line: at.line, column: at.column, message: `invalid plan JSON: ${code}` });
    return;
  }
  const plan: PlanText = { path: file.path, lines };

  const unknownByAddress = new Map<string, JsonNode>();
  const changed: PlannedResource[] = [];
  for (const change of child(root, 'resource_changes')?.children ?? []) {
    const address = child(change, 'address')?.value;
    if (!isTaskDefinition(change) || typeof address !== 'string') continue;
    const unknown = child(child(change, 'change'), 'after_unknown');
    if (unknown) unknownByAddress.set(address, unknown);
    const after = child(child(change, 'change'), 'after');
    if (after?.type === 'object') changed.push({ address, values: after });
  }
  const resources: PlannedResource[] = [];
  plannedResources(child(child(root, 'planned_values'), 'root_module'), resources);
  // resource_changes adds what planned_values lacks (it holds the same values for the rest).
  const seen = new Set(resources.map((r) => r.address));
  resources.push(...changed.filter((r) => !seen.has(r.address)));

  const configuration = new ConfigurationIndex(file, root);
  for (const { address, values } of resources) {
    const declaredAt = configuration.declaration(address);
    const resource: ResourceRef = { kind: 'file', source: 'terraform-plan', id: address, file: file.path, ...(declaredAt ? { declaredAt } : {}) };
    const result = planBody(values, unknownByAddress.get(address), plan, address);
    if ('error' in result) {
      output.failures.push({ resource, error: fileError(file.path, result.error, result.range, address) });
      continue;
    }
    const familyNode = field(result.body, 'family');
    const family = familyNode?.kind === 'string' ? scalarText(familyNode) : undefined;
    output.definitions.push({ resource: { ...resource, ...(family ? { family } : {}) }, body: result.body, ...(result.body.range ? { range: result.body.range } : {}) });
  }
}
