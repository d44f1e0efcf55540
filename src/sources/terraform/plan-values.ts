import { type LazyRanges, type LineIndex, type SourceRange, endOffsetOf, startOffsetOf } from '../../model/location.js';
import type { ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';
import { buildJsonValue } from '../json/json-values.js';
import { camelCase, tagsToList } from './body.js';
import { normalizeVolumes } from './volumes.js';
import { decodeContainerDefinitions } from './container-definitions.js';
import type { KeyProblem } from '../ecs-field-spelling.js';
import { jsonStringOrigin } from './json-string.js';
import type { Span } from './plan-index.js';

export interface PlanText {
  path: string;
  lines: LineIndex;
  /** The plan's offset-only ranges (line and column are computed for what findings show). */
  ranges: LazyRanges;
  /** Offset of the parsed fragment in the plan file (resources are parsed one at a time). */
  base: number;
}

/** The value of the first entry of an object value named `key`. */
function member(node: ValueNode | undefined, key: string): ValueNode | undefined {
  if (node?.kind !== 'object') return undefined;
  for (const entry of node.entries) if (entry.key === key) return entry.value;
  return undefined;
}

/** A string literal shorter than this is read with the rest of its object. */
const CUT_MIN_LENGTH = 256;

/**
 * Reads one object of the plan (a resource's values) with positions in the plan file. `cut`: a long string literal
 * in it (container_definitions), read apart with JSON.parse: the plan's index has read its text once already, and
 * jsonc-parser's scanner builds the value of a string with escapes piece by piece (a tenth of what reading a
 * 5,000-resource plan allocated). The tree is the same.
 */
export function planObject(plan: PlanText, end: number, cut?: Span): ValueNode | undefined {
  const { base, ranges } = plan;
  const text = plan.lines.text;
  const value = cut && cut.start > base && cut.end < end && cut.end - cut.start >= CUT_MIN_LENGTH ? stringAt(text, cut) : undefined;
  // Ranges as data (the file's lazy ranges and the fragment's offset): no call through a closure per node.
  const built =
    cut && value !== undefined
      ? buildJsonValue(text.slice(base, cut.start + 1) + text.slice(cut.end - 1, end), {
          ranges,
          base,
          gap: { at: cut.start - base, width: cut.end - cut.start - 2, value },
        })
      : buildJsonValue(text.slice(base, end), { ranges, base });
  return 'root' in built ? built.root : undefined;
}

/** The value of the JSON string literal at `span` (undefined if it is none: then it is read with its object). */
function stringAt(text: string, span: Span): string | undefined {
  try {
    const value: unknown = JSON.parse(text.slice(span.start, span.end));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A plan value where after_unknown says what is known only after apply (`unknown` mirrors the value's shape). */
export function withUnknown(node: ValueNode, unknown: ValueNode | undefined, expression: string): ValueNode {
  if (unknown?.kind === 'boolean' && unknown.value) {
    return {
      kind: 'unresolved',
      expression,
      reason: 'known only after apply',
      ...(node.range ? { range: node.range } : {}),
      syntax: 'json',
    };
  }
  if (node.kind === 'object' && unknown?.kind === 'object')
    return {
      ...node,
      entries: node.entries.map((entry) => ({
        ...entry,
        value: withUnknown(entry.value, member(unknown, entry.key), `${expression}.${entry.key}`),
      })),
    };
  if (node.kind === 'array' && unknown?.kind === 'array')
    return { ...node, items: node.items.map((item, i) => withUnknown(item, unknown.items[i], `${expression}[${i}]`)) };
  return node;
}

/** Snake-case keys become ECS keys at every level of the provider's nested blocks. */
function camelKeys(node: ValueNode): ValueNode {
  if (node.kind === 'object')
    return { ...node, entries: node.entries.map((e) => ({ ...e, key: camelCase(e.key), value: camelKeys(e.value) })) };
  if (node.kind === 'array') return { ...node, items: node.items.map(camelKeys) };
  return node;
}

const LIST_BLOCKS: Record<string, string> = {
  volume: 'volumes',
  placement_constraints: 'placementConstraints',
  inference_accelerator: 'inferenceAccelerators',
};
const SINGLE_BLOCKS = new Set(['runtime_platform', 'ephemeral_storage', 'proxy_configuration']);
/** Provider bookkeeping, not part of the task definition. */
const SKIPPED = new Set(['tags_all', 'skip_destroy', 'track_latest', 'id']);

/** `problems`: mistakes that leave every other value readable (a misspelt judged field in container_definitions). */
export type PlanBody = { body: ObjectNode; problems: KeyProblem[] } | { error: string; range?: SourceRange };

/** The provider's attribute values of one aws_ecs_task_definition, with ECS API keys. */
export function planBody(
  values: ObjectNode,
  /** `after_unknown`'s tree, with positions in the plan. */
  unknown: ValueNode | undefined,
  plan: PlanText,
  address: string,
): PlanBody {
  const entries: ObjectEntry[] = [];
  const problems: KeyProblem[] = [];
  const present = new Set<string>();
  for (const entry of values.entries) {
    const { key, keyRange } = entry;
    present.add(key);
    if (SKIPPED.has(key)) continue;
    // The expression is built only for a value after_unknown marks (most have none).
    const unknownOfKey = member(unknown, key);
    const node = unknownOfKey ? withUnknown(entry.value, unknownOfKey, `${address}.${key}`) : entry.value;
    if (key === 'container_definitions') {
      // Decoded with positions mapped through the string's escapes (handed over, not kept in a side table: the string
      // node is dropped once decoded).
      const range = node.kind === 'string' ? node.range : undefined;
      const origin = range && jsonStringOrigin(plan.path, plan.lines, startOffsetOf(range), endOffsetOf(range) - startOffsetOf(range));
      const decoded = decodeContainerDefinitions(node, origin);
      if ('error' in decoded) return decoded;
      problems.push(...decoded.problems);
      entries.push({ key: 'containerDefinitions', sourceKey: key, keyRange, value: decoded.value });
    } else if (key === 'tags') {
      entries.push({ key: 'tags', sourceKey: key, keyRange, value: tagsToList(node) });
    } else if (LIST_BLOCKS[key]) {
      const value = camelKeys(node);
      entries.push({ key: LIST_BLOCKS[key], sourceKey: key, keyRange, value: key === 'volume' ? normalizeVolumes(value) : value });
    } else if (SINGLE_BLOCKS.has(key)) {
      const first = node.kind === 'array' ? node.items[0] : node;
      if (first) entries.push({ key: camelCase(key), sourceKey: key, keyRange, value: camelKeys(first) });
    } else {
      entries.push({ key: camelCase(key), sourceKey: key, keyRange, value: camelKeys(node) });
    }
  }
  // Unknown values are left out of planned_values: they are only in after_unknown.
  for (const { key, keyRange: range, value } of unknown?.kind === 'object' ? unknown.entries : []) {
    if (present.has(key) || SKIPPED.has(key) || value.kind !== 'boolean' || !value.value || !range) continue;
    entries.push({
      key: key === 'container_definitions' ? 'containerDefinitions' : camelCase(key),
      sourceKey: key,
      keyRange: range,
      value: { kind: 'unresolved', expression: `${address}.${key}`, reason: 'known only after apply', range, syntax: 'json' },
    });
  }
  return { body: { kind: 'object', entries, ...(values.range ? { range: values.range } : {}), syntax: 'json' }, problems };
}
