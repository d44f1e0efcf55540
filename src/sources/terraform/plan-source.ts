import { type Node as JsonNode, parseTree } from 'jsonc-parser';
import { LineIndex } from '../../model/location.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { field, scalarText } from '../../model/value.js';
import { type FileSource, type InputFile, type SourceOutput, emptyOutput, fileError } from '../source.js';
import { looksLikeTerraformPlan } from './detect.js';
import { ConfigurationIndex } from './plan-configuration.js';
import { type IndexedResource, type Span, indexPlan } from './plan-index.js';
import { type PlanText, planBody } from './plan-values.js';

/** `terraform show -json plan.out`: recognized by its content, whatever the file name. */
export const terraformPlan: FileSource = {
  kind: 'terraform-plan',
  detect: (file) => looksLikeTerraformPlan(file.text),
  load: async (files) => {
    const output = emptyOutput();
    for (const file of files) loadPlan(file, output);
    return output;
  },
};

/** A task definition's values, parsed only when it is converted (5,000 position trees at once would not fit). */
interface PlannedResource {
  address: string;
  values: Span;
}

const isTaskDefinition = (resource: IndexedResource): resource is IndexedResource & { address: string } =>
  resource.type === 'aws_ecs_task_definition' && resource.mode !== 'data' && resource.address !== undefined;

/** Parses one object of the plan into a position tree whose offsets are relative to `span.start`. */
function parseSpan(text: string, span: Span, path: string, lines: LineIndex): { node: JsonNode; plan: PlanText } | undefined {
  const node = parseTree(text.slice(span.start, span.end), [], { disallowComments: true });
  return node ? { node, plan: { path, lines, base: span.start } } : undefined;
}

function loadPlan(file: InputFile, output: SourceOutput): void {
  const lines = new LineIndex(file.text);
  const index = indexPlan(file.text);
  if (index.error) {
    const at = lines.position(index.error.offset);
    output.errors.push({ file: file.path, line: at.line, column: at.column, message: `invalid plan JSON: ${index.error.message}` });
    return;
  }

  const resources: PlannedResource[] = [];
  for (const indexed of index.planned) {
    if (!isTaskDefinition(indexed) || !indexed.values || file.text[indexed.values.start] !== '{') continue;
    resources.push({ address: indexed.address, values: indexed.values });
  }
  // resource_changes adds what planned_values lacks (it holds the same values for the rest)
  // and says which values are unknown until apply.
  const seen = new Set(resources.map((r) => r.address));
  const unknownByAddress = new Map<string, { node: JsonNode; plan: PlanText }>();
  for (const indexed of index.changes) {
    if (!isTaskDefinition(indexed)) continue;
    const unknown = indexed.unknown && parseSpan(file.text, indexed.unknown, file.path, lines);
    if (unknown) unknownByAddress.set(indexed.address, unknown);
    if (seen.has(indexed.address) || !indexed.values || file.text[indexed.values.start] !== '{') continue;
    resources.push({ address: indexed.address, values: indexed.values });
  }

  const configurationNode = index.configuration
    ? parseTree(file.text.slice(index.configuration.start, index.configuration.end), [])
    : undefined;
  const configuration = new ConfigurationIndex(file, configurationNode);
  for (const { address, values: span } of resources) {
    const parsed = parseSpan(file.text, span, file.path, lines);
    if (parsed?.node.type !== 'object') continue;
    const { node: values, plan } = parsed;
    const declaredAt = configuration.declaration(address);
    const resource: ResourceRef = {
      kind: 'file',
      source: 'terraform-plan',
      id: address,
      file: file.path,
      ...(declaredAt ? { declaredAt } : {}),
    };
    const result = planBody(values, unknownByAddress.get(address), plan, address);
    if ('error' in result) {
      const range = result.range ?? plan.lines.range(file.path, plan.base, plan.base);
      output.failures.push({ resource, error: fileError(file.path, result.error, range, address), range });
      continue;
    }
    for (const problem of result.problems)
      output.errors.push(fileError(problem.range?.file ?? file.path, problem.message, problem.range, address));
    const familyNode = field(result.body, 'family');
    const family = familyNode?.kind === 'string' ? scalarText(familyNode) : undefined;
    output.definitions.push({
      resource: { ...resource, ...(family ? { family } : {}) },
      body: result.body,
      ...(result.body.range ? { range: result.body.range } : {}),
    });
  }
}
