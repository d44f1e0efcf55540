import type { SourceRange } from '../../model/location.js';
import type { ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';
import { decodeContainerDefinitions } from './container-definitions.js';
import type { EvalProblem, Scope } from './scope.js';
import { type Attribute, type Block } from './structure.js';
import { evaluateExpr } from './module-scope.js';
import { liftConditionals, rangeIn, unresolved } from './values.js';
import { normalizeVolumes } from './volumes.js';

/** Terraform-only arguments, not part of the task definition. */
const META_ARGUMENTS = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'skip_destroy', 'track_latest']);

/** Nested blocks that repeat map to ECS lists with plural names. */
const REPEATED_BLOCKS: Record<string, string> = {
  volume: 'volumes',
  placement_constraints: 'placementConstraints',
  inference_accelerator: 'inferenceAccelerators',
};

/** Attribute names repeat in every resource of a module or plan: each is converted once (a bounded table). */
const camelCased = new Map<string, string>();

export function camelCase(name: string): string {
  const known = camelCased.get(name);
  if (known !== undefined) return known;
  const converted = name.indexOf('_') === -1 ? name : name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camelCased.size < 10_000) camelCased.set(name, converted);
  return converted;
}

/** A Terraform tags map becomes the ECS `[{key, value}]` list; each key keeps its position. */
export function tagsToList(tags: ValueNode): ValueNode {
  return liftConditionals([tags], ([value]) => {
    if (value?.kind !== 'object') return value as ValueNode;
    const syntax = value.syntax ?? 'hcl';
    // Literals, not conditional spreads (slow in V8 11; a plan converts thousands of tag maps).
    const items: ValueNode[] = value.entries.map((e): ValueNode => {
      const range = e.keyRange;
      const entries: ObjectEntry[] = [
        {
          key: 'key',
          sourceKey: e.sourceKey,
          value: range ? { kind: 'string', value: e.key, range, syntax } : { kind: 'string', value: e.key, syntax },
        },
        { key: 'value', sourceKey: e.sourceKey, value: e.value },
      ];
      return range ? { kind: 'object', entries, range, syntax } : { kind: 'object', entries, syntax };
    });
    return { ...value, kind: 'array', items };
  });
}

export interface BodyResult {
  body: ObjectNode;
  /** Set when container_definitions cannot be decoded: the resource is an ERROR. */
  failure?: { message: string; range?: SourceRange };
  problems: EvalProblem[];
}

function attributeEntry(attribute: Attribute, scope: Scope, problems: EvalProblem[]): ObjectEntry {
  const expr = attribute.expr;
  // Where the argument's expression is written: a key added after it goes after all of it (`"${var.fs}"`).
  const written = expr.kind === 'hcl' ? rangeIn(expr.source, expr.node.startIndex, expr.node.endIndex) : expr.value.range;
  return {
    key: camelCase(attribute.name),
    sourceKey: attribute.name,
    keyRange: attribute.nameRange,
    value: evaluateExpr(expr, scope, problems),
    ...(written ? { valueWritten: written } : {}),
  };
}

function blockObject(block: Block, scope: Scope, problems: EvalProblem[]): ObjectNode {
  const entries = block.attributes.map((a) => attributeEntry(a, scope, problems));
  for (const group of groupBlocks(block.blocks)) entries.push(blockEntry(group, scope, problems));
  // A block in a .tf.json file is a JSON object: a fix writes JSON there.
  return { kind: 'object', entries, range: block.range, syntax: block.source.path.endsWith('.tf.json') ? 'json' : 'hcl' };
}

function groupBlocks(blocks: Block[]): Block[][] {
  const groups = new Map<string, Block[]>();
  for (const block of blocks) {
    const key = block.type === 'dynamic' ? `dynamic:${block.labels[0] ?? ''}` : block.type;
    groups.set(key, [...(groups.get(key) ?? []), block]);
  }
  return [...groups.values()];
}

function blockEntry(group: Block[], scope: Scope, problems: EvalProblem[]): ObjectEntry {
  const first = group[0] as Block;
  const keyRange = { file: first.range.file, start: first.range.start, end: first.range.start };
  if (first.type === 'dynamic') {
    const name = first.labels[0] ?? '';
    const key = REPEATED_BLOCKS[name] ?? camelCase(name);
    return { key, sourceKey: name, keyRange, value: unresolved(`dynamic "${name}"`, 'dynamic blocks are not evaluated', first.range) };
  }
  const repeated = REPEATED_BLOCKS[first.type];
  if (repeated) {
    const items = group.map((b) => blockObject(b, scope, problems));
    return { key: repeated, sourceKey: first.type, keyRange, value: { kind: 'array', items, range: first.range, syntax: 'hcl' } };
  }
  // A block that may appear once (runtime_platform, ephemeral_storage): the last one wins.
  return {
    key: camelCase(first.type),
    sourceKey: first.type,
    keyRange,
    value: blockObject(group[group.length - 1] as Block, scope, problems),
  };
}

/** The resource's arguments with ECS API keys; keys inside container definitions are already ECS keys. */
export function taskDefinitionBody(resource: Block, scope: Scope): BodyResult {
  const problems: EvalProblem[] = [];
  const entries: ObjectEntry[] = [];
  let failure: BodyResult['failure'];
  for (const attribute of resource.attributes) {
    if (META_ARGUMENTS.has(attribute.name)) continue;
    if (attribute.name === 'container_definitions') {
      const own: EvalProblem[] = [];
      const value = evaluateExpr(attribute.expr, scope, own);
      const decoded = decodeContainerDefinitions(value);
      // A mistake that leaves the value readable (a template variable not given) is reported, not fatal.
      problems.push(...own.filter((p) => p.keepsValue));
      const firstProblem = own.find((p) => !p.keepsValue);
      if (firstProblem)
        failure = {
          message: `container_definitions: ${firstProblem.message}`,
          ...(firstProblem.range ? { range: firstProblem.range } : {}),
        };
      else if ('error' in decoded) failure = { message: decoded.error, ...(decoded.range ? { range: decoded.range } : {}) };
      else {
        problems.push(...decoded.problems.map((p) => ({ ...p, keepsValue: true })));
        entries.push({ key: 'containerDefinitions', sourceKey: attribute.name, keyRange: attribute.nameRange, value: decoded.value });
      }
      continue;
    }
    const entry = attributeEntry(attribute, scope, problems);
    if (attribute.name === 'tags') entry.value = tagsToList(entry.value);
    entries.push(entry);
  }
  for (const group of groupBlocks(resource.blocks.filter((b) => !META_ARGUMENTS.has(b.type)))) {
    const entry = blockEntry(group, scope, problems);
    entries.push(entry.key === 'volumes' ? { ...entry, value: normalizeVolumes(entry.value) } : entry);
  }
  return { body: { kind: 'object', entries, range: resource.range, syntax: 'hcl' }, ...(failure ? { failure } : {}), problems };
}
