import type { ScanError } from '../../model/finding.js';
import type { ObjectNode, ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import type { InputFile } from '../source.js';
import { LineIndex } from '../../model/location.js';
import { jsonStringOrigin } from './json-string.js';
import type { Attribute, Block } from './structure.js';
import { setTextOrigin } from './values.js';

/** Nested blocks of aws_ecs_task_definition: in JSON syntax they look like attributes. */
const RESOURCE_BLOCKS = new Set([
  'runtime_platform',
  'volume',
  'placement_constraints',
  'inference_accelerator',
  'ephemeral_storage',
  'proxy_configuration',
]);

/**
 * Strings with `${…}` are expressions; ecsguard reads literal values only in .tf.json.
 * Literal strings keep where each character is, for JSON decoded from them.
 */
function literalValue(node: ValueNode, file: InputFile, lines: LineIndex): ValueNode {
  switch (node.kind) {
    case 'string': {
      if (node.value.includes('${') || node.value.includes('%{')) {
        return {
          kind: 'unresolved',
          expression: node.value,
          reason: 'expressions in .tf.json files are not evaluated',
          ...(node.range ? { range: node.range } : {}),
          syntax: 'json',
        };
      }
      const range = node.range;
      return range
        ? setTextOrigin(node, jsonStringOrigin(file.path, lines, range.start.offset, range.end.offset - range.start.offset))
        : node;
    }
    case 'array':
      return { ...node, items: node.items.map((i) => literalValue(i, file, lines)) };
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: literalValue(e.value, file, lines) })) };
    default:
      return node;
  }
}

const objects = (node: ValueNode): ObjectNode[] =>
  node.kind === 'object' ? [node] : node.kind === 'array' ? node.items.filter((i): i is ObjectNode => i.kind === 'object') : [];

function toBlock(type: string, labels: string[], object: ObjectNode, file: InputFile, lines: LineIndex, nested: Set<string>): Block {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  const range = object.range ?? lines.range(file.path, 0, 0);
  for (const e of object.entries) {
    if (nested.has(e.key)) {
      for (const inner of objects(e.value)) blocks.push(toBlock(e.key, [], inner, file, lines, new Set()));
      continue;
    }
    attributes.push({
      name: e.key,
      nameRange: e.keyRange ?? range,
      expr: { kind: 'value', value: literalValue(e.value, file, lines) },
      range: e.keyRange ?? range,
    });
  }
  return { type, labels, range, attributes, blocks, hasError: false, source: { path: file.path, lines, delta: 0 } };
}

/** Terraform's JSON configuration syntax: resources, variables, locals and module calls. */
export function readTfJson(file: InputFile, errors: ScanError[]): Block[] {
  const parsed = parseJsonWithPositions(file.text, file.path);
  errors.push(...parsed.errors);
  const root = parsed.root;
  if (root?.kind !== 'object') return [];
  const lines = parsed.lines;
  const blocks: Block[] = [];
  const section = (name: string): ObjectNode[] => root.entries.filter((e) => e.key === name).flatMap((e) => objects(e.value));
  for (const resources of section('resource')) {
    for (const byType of resources.entries) {
      for (const byName of objects(byType.value)) {
        for (const named of byName.entries) {
          for (const body of objects(named.value)) {
            blocks.push(
              toBlock(
                'resource',
                [byType.key, named.key],
                body,
                file,
                lines,
                byType.key === 'aws_ecs_task_definition' ? RESOURCE_BLOCKS : new Set(),
              ),
            );
          }
        }
      }
    }
  }
  for (const kind of ['variable', 'module'] as const) {
    for (const group of section(kind)) {
      for (const named of group.entries) {
        for (const body of objects(named.value)) blocks.push(toBlock(kind, [named.key], body, file, lines, new Set()));
      }
    }
  }
  for (const locals of section('locals')) blocks.push(toBlock('locals', [], locals, file, lines, new Set()));
  return blocks;
}
