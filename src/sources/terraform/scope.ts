import type { Parser } from 'web-tree-sitter';
import type { SourceRange } from '../../model/location.js';
import type { DefinitionConstraint, ValueNode } from '../../model/value.js';
import type { SourceText } from './values.js';

/** A value, or why there is none (`var.x` without a default, a cycle among locals). */
export type Binding = { value: ValueNode } | { reason: string };

/** What `var.*`, `local.*`, `path.*` and file functions mean inside one module instance. */
export interface Scope {
  /** Undefined when the name is not declared in the module. */
  variable(name: string): Binding | undefined;
  local(name: string): Binding | undefined;
  /** How many references to `var.NAME` / `local.NAME` the module holds, and where it is declared. */
  definition?(kind: 'var' | 'local', name: string): { references: number; range?: SourceRange; constraint?: DefinitionConstraint };
  /** `path.module`: the module's directory relative to the root module, `.` for the root. */
  pathModule: string;
  /** Reads a file for file()/templatefile(); `path` is relative to the root module as in Terraform. */
  readFile(path: string): { path: string; text: string } | { error: string };
  parser: Parser;
  /** `count.index` or `each.key`/`each.value` inside one instance of a resource or module call. */
  expansion?: Expansion;
  /** `module.<name>`: the outputs of a local module call (an object; a list or map of them with count/for_each). */
  module?(name: string): Binding | undefined;
  /** `data.<type>.<name>`: data sources that can be read offline (template_file). */
  data?(type: string, name: string): Binding | undefined;
}

export type Expansion = { count: ValueNode } | { key: ValueNode; value: ValueNode };

export interface EvalProblem {
  message: string;
  range?: SourceRange;
  /** The configuration is wrong here, but the value is still read (with this part unresolved). */
  keepsValue?: boolean;
}

/** One evaluation: the module scope, the file being read and names bound by `for` or a template. */
export interface EvalContext {
  scope: Scope;
  source: SourceText;
  names: ReadonlyMap<string, ValueNode>;
  /** Errors (invalid JSON in jsondecode, unreadable file()): the caller decides what they mean. */
  problems: EvalProblem[];
  /** Inside a templatefile() template: its variables are the only names, and a missing one is a mistake. */
  template?: boolean;
}
