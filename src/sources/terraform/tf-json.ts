import type { ScanError } from '../../model/finding.js';
import type { ObjectNode, ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import type { InputFile } from '../source.js';
import { LineIndex } from '../../model/location.js';
import type { Attribute, Block } from './structure.js';
import { containsJsonTemplate, jsonLiteral } from './tf-json-template.js';

/** Nested blocks of aws_ecs_task_definition: in JSON syntax they look like attributes. */
const RESOURCE_BLOCKS = new Set([
  'runtime_platform',
  'volume',
  'placement_constraints',
  'inference_accelerator',
  'ephemeral_storage',
  'proxy_configuration',
]);

/** Blocks nested in those blocks (the provider's schema), by the block they are in. */
const NESTED_BLOCKS: Readonly<Record<string, ReadonlySet<string>>> = {
  volume: new Set(['efs_volume_configuration', 'docker_volume_configuration', 'fsx_windows_file_server_volume_configuration']),
  efs_volume_configuration: new Set(['authorization_config']),
  fsx_windows_file_server_volume_configuration: new Set(['authorization_config']),
};
const NO_BLOCKS: ReadonlySet<string> = new Set();

const objects = (node: ValueNode): ObjectNode[] =>
  node.kind === 'object' ? [node] : node.kind === 'array' ? node.items.filter((i): i is ObjectNode => i.kind === 'object') : [];

/** How a block's arguments are read: as expressions (strings are templates), or literally. */
type Arguments = { literal: 'all' } | { literal: ReadonlySet<string> };

const EXPRESSIONS: Arguments = { literal: new Set() };
/** A variable's default and type are literal JSON; a module call's source and version are literal strings. */
const VARIABLE_ARGUMENTS: Arguments = { literal: 'all' };
const MODULE_ARGUMENTS: Arguments = { literal: new Set(['source', 'version']) };

function toBlock(
  type: string,
  labels: string[],
  object: ObjectNode,
  file: InputFile,
  lines: LineIndex,
  nested: ReadonlySet<string>,
  read: Arguments = EXPRESSIONS,
): Block {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  const range = object.range ?? lines.range(file.path, 0, 0);
  for (const e of object.entries) {
    // A comment: Terraform ignores the property "//" in a block's body.
    if (e.key === '//') continue;
    if (nested.has(e.key)) {
      for (const inner of objects(e.value)) blocks.push(toBlock(e.key, [], inner, file, lines, NESTED_BLOCKS[e.key] ?? NO_BLOCKS));
      continue;
    }
    const literal = read.literal === 'all' || read.literal.has(e.key) || !containsJsonTemplate(e.value);
    attributes.push({
      name: e.key,
      nameRange: e.keyRange ?? range,
      expr: literal
        ? { kind: 'value', value: jsonLiteral(e.value, file.path, lines) }
        : { kind: 'json-template', value: e.value, path: file.path, lines },
      range: e.keyRange ?? range,
    });
  }
  return { type, labels, range, attributes, blocks, hasError: false, source: { path: file.path, lines, delta: 0 } };
}

/** Terraform's JSON configuration syntax: resources, data sources, variables, locals, module calls and outputs. */
export function readTfJson(file: InputFile, errors: ScanError[]): Block[] {
  const parsed = parseJsonWithPositions(file.text, file.path);
  errors.push(...parsed.errors);
  const root = parsed.root;
  if (root?.kind !== 'object') return [];
  const lines = parsed.lines;
  const blocks: Block[] = [];
  const section = (name: string): ObjectNode[] => root.entries.filter((e) => e.key === name).flatMap((e) => objects(e.value));
  // `data "template_file"` is read as in a .tf file (its `.rendered`); other data sources stay unresolved there.
  for (const kind of ['resource', 'data'] as const) {
    for (const resources of section(kind)) {
      for (const byType of resources.entries) {
        for (const byName of objects(byType.value)) {
          for (const named of byName.entries) {
            for (const body of objects(named.value)) {
              const nested = kind === 'resource' && byType.key === 'aws_ecs_task_definition' ? RESOURCE_BLOCKS : new Set<string>();
              blocks.push(toBlock(kind, [byType.key, named.key], body, file, lines, nested));
            }
          }
        }
      }
    }
  }
  for (const kind of ['variable', 'module', 'output'] as const) {
    for (const group of section(kind)) {
      for (const named of group.entries) {
        for (const body of objects(named.value))
          blocks.push(
            toBlock(kind, [named.key], body, file, lines, new Set(), kind === 'variable' ? VARIABLE_ARGUMENTS : MODULE_ARGUMENTS),
          );
      }
    }
  }
  for (const locals of section('locals')) blocks.push(toBlock('locals', [], locals, file, lines, new Set()));
  return blocks;
}
