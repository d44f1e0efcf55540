import { LineIndex } from '../../model/location.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { type ValueNode, field, scalarText } from '../../model/value.js';
import { type FileShare, type FileSource, type InputFile, type SourceOutput, emptyOutput, fileError } from '../source.js';
import { looksLikeTerraformPlan } from './detect.js';
import { ConfigurationIndex } from './plan-configuration.js';
import { type IndexedResource, type PlanIndex, type Span, indexPlan } from './plan-index.js';
import { type PlanText, planBody, planObject } from './plan-values.js';

/** `terraform show -json plan.out`: recognized by its content, whatever the file name. */
export const terraformPlan: FileSource = {
  kind: 'terraform-plan',
  shareable: true,
  // Each share would otherwise index the whole plan again (a fifth of a one-lane run's CPU).
  prepareShares: (file) => Promise.resolve(indexPlan(file.text)),
  detect: (file) => looksLikeTerraformPlan(file.text),
  load: async (files, options) => {
    const output = emptyOutput();
    for (const file of files)
      for (const part of planParts(file, options.share)) {
        output.errors.push(...part.errors);
        output.failures.push(...part.failures);
        output.definitions.push(...part.definitions);
      }
    return output;
  },
  // A big plan's value trees are checked and dropped a part at a time (5,000 resources' trees at once take ~150 MB).
  loadInParts: async (files, options, onPart) => {
    for (const file of files) for (const part of planParts(file, options.share)) await onPart(part);
  },
};

/**
 * Resources per part of {@link terraformPlan.loadInParts}. Small, so a part's trees die young: parts of 50 outlived
 * two scavenges and were promoted, and the old generation grew to 210 MB of dead trees before a full collection
 * (5,000-resource plan: 155 MB with parts of 10, peak RSS about 270 MB instead of 280 to 350 MB).
 */
const PART_SIZE = 10;

/** A task definition's values, parsed only when it is converted (5,000 position trees at once would not fit). */
interface PlannedResource {
  address: string;
  values: Span;
  /** container_definitions' string literal in them (IndexedResource.definitionsText). */
  definitionsText?: Span;
}

const isTaskDefinition = (resource: IndexedResource): resource is IndexedResource & { address: string } =>
  resource.type === 'aws_ecs_task_definition' && resource.mode !== 'data' && resource.address !== undefined;

/**
 * Reads one object of the plan (after_unknown) into a value tree with positions in the plan: with the reader of the
 * values, whose code is warm (jsonc-parser's parseTree, used for nothing else, ran cold for 5,000 small objects).
 */
function spanTree(plan: Omit<PlanText, 'base'>, span: Span): ValueNode | undefined {
  return planObject({ path: plan.path, lines: plan.lines, ranges: plan.ranges, base: span.start }, span.end);
}

/** The value of a JSON text the plan index has read without error (module calls: no positions needed), or undefined. */
function plainJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The indexes [start, end) of the share of `count` resources (every thread computes the same boundaries). */
export function shareRange(share: FileShare | undefined, count: number): { start: number; end: number } {
  if (!share) return { start: 0, end: count };
  const at = (fraction: number) => Math.max(0, Math.min(count, Math.round(fraction * count)));
  return { start: at(share.from), end: share.to >= 1 ? count : at(share.to) };
}

/**
 * The plan's task definitions in the order load() lists them, a part at a time; with a share, only its resources
 * (errors about the plan as a whole belong to the share that starts at 0).
 */
function* planParts(file: InputFile, share?: FileShare): Generator<SourceOutput> {
  let output = emptyOutput();
  const lines = new LineIndex(file.text);
  const ranges = lines.lazyRanges(file.path);
  const index = (share?.prepared as PlanIndex | undefined) ?? indexPlan(file.text);
  const first = !share || share.from <= 0;
  if (index.error) {
    if (!first) return;
    const at = lines.position(index.error.offset);
    output.errors.push({ file: file.path, line: at.line, column: at.column, message: `invalid plan JSON: ${index.error.message}` });
    yield output;
    return;
  }

  const resources: PlannedResource[] = [];
  for (const indexed of index.planned) {
    if (!isTaskDefinition(indexed) || !indexed.values || file.text[indexed.values.start] !== '{') continue;
    const { address, values, definitionsText } = indexed;
    // Literals, not conditional spreads: these run per resource, and spreads are slow in V8 11.
    resources.push(definitionsText ? { address, values, definitionsText } : { address, values });
  }
  // resource_changes adds what planned_values lacks (it holds the same values for the rest)
  // and says which values are unknown until apply.
  const seen = new Set(resources.map((r) => r.address));
  // Parsed when its resource is converted, like the values.
  const unknownByAddress = new Map<string, Span>();
  for (const indexed of index.changes) {
    if (!isTaskDefinition(indexed)) continue;
    if (indexed.unknown) unknownByAddress.set(indexed.address, indexed.unknown);
    if (seen.has(indexed.address) || !indexed.values || file.text[indexed.values.start] !== '{') continue;
    resources.push({ address: indexed.address, values: indexed.values });
  }

  const configuration = new ConfigurationIndex(
    file,
    index.configuration && plainJson(file.text.slice(index.configuration.start, index.configuration.end)),
  );
  const { start, end } = shareRange(share, resources.length);
  for (const { address, values: span, definitionsText } of resources.slice(start, end)) {
    if (output.definitions.length + output.failures.length >= PART_SIZE) {
      yield output;
      output = emptyOutput();
    }
    const plan: PlanText = { path: file.path, lines, ranges, base: span.start };
    const values = planObject(plan, span.end, definitionsText);
    if (values?.kind !== 'object') continue;
    const declaredAt = configuration.declaration(address);
    const resource: ResourceRef = declaredAt
      ? { kind: 'file', source: 'terraform-plan', id: address, file: file.path, declaredAt }
      : { kind: 'file', source: 'terraform-plan', id: address, file: file.path };
    const unknownSpan = unknownByAddress.get(address);
    const unknown = unknownSpan && spanTree(plan, unknownSpan);
    const result = planBody(values, unknown, plan, address);
    if ('error' in result) {
      const range = result.range ?? plan.lines.range(file.path, plan.base, plan.base);
      output.failures.push({ resource, error: fileError(file.path, result.error, range, address), range });
      continue;
    }
    for (const problem of result.problems)
      output.errors.push(fileError(problem.range?.file ?? file.path, problem.message, problem.range, address));
    const familyNode = field(result.body, 'family');
    const family = familyNode?.kind === 'string' ? scalarText(familyNode) : undefined;
    if (family) resource.family = family;
    const range = result.body.range;
    output.definitions.push(range ? { resource, body: result.body, range } : { resource, body: result.body });
  }
  yield output;
}
