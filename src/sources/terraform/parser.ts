import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, type Node, Parser, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

const require = createRequire(import.meta.url);

let loading: Promise<Parser> | undefined;

/**
 * One tree-sitter parser for the process, with the grammar's prebuilt
 * Terraform dialect (it knows `provider::` functions and templates). Loading
 * takes ~40 ms, so it happens once and only when Terraform files are scanned.
 */
export function terraformParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = readFileSync(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'));
    const language = await Language.load(wasm);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}

export interface SyntaxProblem {
  message: string;
  startIndex: number;
}

/** The outermost ERROR and MISSING nodes: one problem each, in text order. */
export function syntaxProblems(root: Node, limit = 5): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const visit = (node: Node): void => {
    if (problems.length >= limit) return;
    if (node.isMissing) {
      problems.push({ message: `syntax error: missing ${JSON.stringify(node.type)}`, startIndex: node.startIndex });
      return;
    }
    if (node.isError) {
      const snippet = node.text.split('\n')[0]?.trim().slice(0, 40) ?? '';
      problems.push({
        message: snippet ? `syntax error: unexpected ${JSON.stringify(snippet)}` : 'syntax error',
        startIndex: node.startIndex,
      });
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(root);
  return problems;
}
