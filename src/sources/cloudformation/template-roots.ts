import type { ScanError } from '../../model/finding.js';
import { LineIndex } from '../../model/location.js';
import type { ObjectEntry, Syntax, ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import { readYamlDocuments } from './yaml-documents.js';

/** A template file's documents, as value trees with positions, and what reading it found. */
export interface TemplateRoots {
  roots: ValueNode[];
  /** What fixes write back into it. */
  syntax: Syntax;
  errors: ScanError[];
  warnings: ScanError[];
}

/**
 * Reads a template's text: JSON when it starts with `{` (jsonc-parser's errors and positions), else YAML. A template
 * file, and a nested stack's template read by its parent (nested-stacks.ts), are read the same way.
 */
export async function readTemplateRoots(text: string, file: string): Promise<TemplateRoots> {
  const lines = new LineIndex(text);
  const errors: ScanError[] = [];
  const warnings: ScanError[] = [];
  // JSON is valid YAML, but jsonc-parser gives JSON-accurate errors and positions.
  if (!text.trimStart().startsWith('{')) {
    const parsed = await readYamlDocuments(text, file, lines);
    return { roots: parsed.documents, syntax: 'yaml', errors: parsed.errors, warnings };
  }
  const parsed = parseJsonWithPositions(text, file, 0, lines);
  if (parsed.errors.length === 0) return { roots: parsed.root ? [markJson(parsed.root)] : [], syntax: 'json', errors, warnings };
  const withCommas = parseJsonWithPositions(text, file, 0, lines, true);
  const [first] = parsed.errors;
  if (withCommas.root && withCommas.errors.length === 0) {
    // JSON but for a comma before `]` or `}` (JSON with comments too, which YAML would misread): read as meant.
    if (first) warnings.push({ ...first, message: `${first.message}: a trailing comma, which JSON does not allow (read past it)` });
    return { roots: [markJson(withCommas.root)], syntax: 'json', errors, warnings };
  }
  // A YAML template written as one flow mapping (`{Resources: {…}}`) starts as JSON does. The AWS CLI reads a
  // template that is not JSON as YAML (`aws cloudformation package` and `deploy`): so does this, and the JSON errors
  // stand when it is not YAML either.
  const asYaml = await readYamlDocuments(text, file, lines);
  if (asYaml.errors.length === 0 && asYaml.documents.length > 0) {
    if (first && /\.json$/i.test(file)) {
      // Named .json, it was meant as JSON (a trailing comma, say): said, though it deploys; fixes write JSON.
      warnings.push({ ...first, message: `${first.message}; read as YAML, as the AWS CLI reads a template that is not JSON` });
      return { roots: asYaml.documents.map(markJson), syntax: 'json', errors, warnings };
    }
    return { roots: asYaml.documents, syntax: 'yaml', errors, warnings };
  }
  return { roots: parsed.root ? [markJson(parsed.root)] : [], syntax: 'json', errors: parsed.errors, warnings };
}

/**
 * The tree with every node marked as JSON. The JSON reader already marks each node it builds, so this copies only
 * where a mark is missing, and otherwise returns the tree itself (trees are never mutated): a CDK template's whole
 * tree is not copied for nothing.
 */
function markJson(node: ValueNode): ValueNode {
  switch (node.kind) {
    case 'object': {
      let entries: ObjectEntry[] | undefined;
      for (let i = 0; i < node.entries.length; i++) {
        const e = node.entries[i] as ObjectEntry;
        const value = markJson(e.value);
        if (value === e.value) continue;
        entries ??= node.entries.slice();
        entries[i] = { ...e, value };
      }
      if (entries === undefined && node.syntax === 'json') return node;
      return { ...node, syntax: 'json', entries: entries ?? node.entries.slice() };
    }
    case 'array': {
      let items: ValueNode[] | undefined;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i] as ValueNode;
        const value = markJson(item);
        if (value === item) continue;
        items ??= node.items.slice();
        items[i] = value;
      }
      if (items === undefined && node.syntax === 'json') return node;
      return { ...node, syntax: 'json', items: items ?? node.items.slice() };
    }
    default:
      return node.syntax === 'json' ? node : { ...node, syntax: 'json' };
  }
}
