import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathGet, type ValueNode } from '../../../src/model/value.js';
import { cloudFormationSource } from '../../../src/sources/cloudformation/cloudformation-source.js';
import type { SourceDefinition, SourceOutput } from '../../../src/sources/source.js';
import { REPO_ROOT } from '../../support/paths.js';

export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/cloudformation');

/** Loads template text as the engine would, under a display path. */
export function loadText(text: string, file = 'template.yaml'): Promise<SourceOutput> {
  return cloudFormationSource.load([{ path: file, text }], {});
}

/** Loads a fixture under its display path `cloudformation/<name>`. */
export function loadFixture(name: string): Promise<SourceOutput> {
  return loadText(readFileSync(path.join(FIXTURES, name), 'utf8'), `cloudformation/${name}`);
}

export function definition(output: SourceOutput, id: string): SourceDefinition {
  const found = output.definitions.find((d) => d.resource.id === id);
  if (!found) throw new Error(`no definition ${id}; have ${output.definitions.map((d) => d.resource.id).join(', ')}`);
  return found;
}

export function at(def: SourceDefinition, ...steps: Array<string | number>): ValueNode {
  const node = pathGet(def.body, steps);
  if (!node) throw new Error(`nothing at ${steps.join('.')}`);
  return node;
}

/** `line:column-line:column` of a node's range, for compact exact assertions. */
export function span(
  node: { range?: { start: { line: number; column: number }; end: { line: number; column: number } } } | undefined,
): string {
  const r = node?.range;
  return r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : 'none';
}
