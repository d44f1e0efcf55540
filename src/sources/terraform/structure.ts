import type { Node, Tree } from 'web-tree-sitter';
import type { LineIndex, SourceRange } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { type SourceText, rangeIn } from './values.js';

/**
 * An expression still to evaluate: HCL syntax; a value already read (tfvars.json, a literal in .tf.json); or a .tf.json
 * value whose strings are templates (`"${jsonencode([…])}"`), evaluated where it is used (src/sources/terraform/tf-json-template.ts).
 */
export type Expr =
  | { kind: 'hcl'; node: Node; source: SourceText }
  | { kind: 'value'; value: ValueNode }
  | { kind: 'json-template'; value: ValueNode; path: string; lines: LineIndex };

export interface Attribute {
  name: string;
  nameRange: SourceRange;
  expr: Expr;
  range: SourceRange;
}

/** A block with its attributes and nested blocks, independent of the file syntax. */
export interface Block {
  type: string;
  labels: string[];
  range: SourceRange;
  attributes: Attribute[];
  blocks: Block[];
  /** The parser had to recover inside this block: it is not judged. */
  hasError: boolean;
  source: SourceText;
}

export interface HclFile {
  source: SourceText;
  blocks: Block[];
  attributes: Attribute[];
  tree?: Tree;
}

function labelText(node: Node): string {
  if (node.type === 'string_lit') return node.namedChildren.find((c) => c.type === 'template_literal')?.text ?? '';
  return node.text;
}

export function readBody(body: Node | null, source: SourceText): { attributes: Attribute[]; blocks: Block[] } {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  for (const child of body?.namedChildren ?? []) {
    if (child.type === 'attribute') {
      const name = child.firstNamedChild;
      const expression = child.namedChildren.find((c) => c.type === 'expression');
      if (!name || !expression) continue;
      attributes.push({
        name: name.text,
        nameRange: rangeIn(source, name.startIndex, name.endIndex),
        expr: { kind: 'hcl', node: expression, source },
        range: rangeIn(source, child.startIndex, child.endIndex),
      });
    } else if (child.type === 'block') {
      blocks.push(readBlock(child, source));
    }
  }
  return { attributes, blocks };
}

function readBlock(node: Node, source: SourceText): Block {
  const named = node.namedChildren;
  const type = named[0]?.text ?? '';
  const labels = named
    .slice(1)
    .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
    .map(labelText);
  const { attributes, blocks } = readBody(named.find((c) => c.type === 'body') ?? null, source);
  return {
    type,
    labels,
    range: rangeIn(source, node.startIndex, node.endIndex),
    attributes,
    blocks,
    hasError: node.hasError,
    source,
  };
}

/**
 * The top-level blocks of a parsed file. When recovery from a syntax error
 * swallowed later blocks into a broken one, those nested top-level blocks are
 * lifted out so the rest of the file is still scanned.
 */
export function readHclFile(tree: Tree, source: SourceText): HclFile {
  const { attributes, blocks } = readBody(tree.rootNode.namedChildren.find((c) => c.type === 'body') ?? null, source);
  const lifted: Block[] = [];
  const lift = (block: Block): void => {
    lifted.push(block);
    if (!block.hasError) return;
    for (const inner of block.blocks) if (TOP_LEVEL.has(inner.type) && (inner.labels.length || inner.type === 'locals')) lift(inner);
  };
  blocks.forEach(lift);
  return { source, blocks: lifted, attributes, tree };
}

const TOP_LEVEL = new Set(['resource', 'variable', 'locals', 'module', 'data', 'output']);
