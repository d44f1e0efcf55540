import type { Parser } from 'web-tree-sitter';
import { LineIndex } from '../../model/location.js';
import type { ScanError } from '../../model/finding.js';
import type { ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import { fileError } from '../source.js';
import { evaluate } from './evaluate.js';
import { syntaxProblems } from './parser.js';
import type { EvalContext, Scope } from './scope.js';
import { readBody } from './structure.js';

export interface VarFile {
  path: string;
  text: string;
}

/** `terraform.tfvars`, then `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in name order; -var-file last. */
export function isAutoLoadedVarFile(name: string): boolean {
  return name === 'terraform.tfvars' || name === 'terraform.tfvars.json' || /\.auto\.tfvars(\.json)?$/.test(name);
}

export function autoLoadOrder(a: string, b: string): number {
  const rank = (name: string): number => (name === 'terraform.tfvars' ? 0 : name === 'terraform.tfvars.json' ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Tfvars values may not refer to anything: only literals are read. */
const literalScope = (parser: Parser): Scope => ({
  pathModule: '.',
  parser,
  variable: () => undefined,
  local: () => undefined,
  readFile: () => ({ error: 'functions that read files are not allowed in variable files' }),
});

/** Reads one variable file; later files override earlier ones in `into`. */
export function readVarFile(file: VarFile, parser: Parser, into: Map<string, ValueNode>, errors: ScanError[]): void {
  if (file.path.endsWith('.json')) {
    const parsed = parseJsonWithPositions(file.text, file.path);
    errors.push(...parsed.errors);
    if (!parsed.root) return;
    if (parsed.root.kind !== 'object') {
      errors.push(fileError(file.path, 'a .tfvars.json file must hold an object', parsed.root.range));
      return;
    }
    for (const e of parsed.root.entries) into.set(e.key, e.value);
    return;
  }
  const lines = new LineIndex(file.text);
  const source = { path: file.path, lines, delta: 0 };
  const tree = parser.parse(file.text);
  if (!tree) return;
  try {
    for (const problem of syntaxProblems(tree.rootNode)) {
      errors.push(fileError(file.path, problem.message, lines.range(file.path, problem.startIndex, problem.startIndex)));
    }
    const { attributes } = readBody(tree.rootNode.namedChildren.find((c) => c.type === 'body') ?? null, source);
    const ctx: EvalContext = { scope: literalScope(parser), source, names: new Map(), problems: [] };
    for (const attribute of attributes) {
      if (attribute.expr.kind === 'hcl') into.set(attribute.name, evaluate(attribute.expr.node, ctx));
    }
  } finally {
    tree.delete();
  }
}
