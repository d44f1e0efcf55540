import { statSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { type DefinitionConstraint, type ValueNode, scalarText } from '../../model/value.js';
import { evaluate } from './evaluate.js';
import { evaluateJsonValue, isJsonTemplate, withJsonTypeExpression } from './tf-json-template.js';
import { applyTypeDefaults } from './type-defaults.js';
import type { Binding, EvalContext, EvalProblem, Scope } from './scope.js';
import type { Attribute, Block, Expr } from './structure.js';
import type { SourceText } from './values.js';
import { readUtf8Text } from '../../io/read-text-file.js';

/** The parts of a module directory the evaluator needs, from all its .tf files. */
export interface ModuleConfig {
  absDir: string;
  displayDir: string;
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  resources: Block[];
  calls: Block[];
  outputs: Map<string, Block>;
  /** `data` blocks by `type.name`. */
  data: Map<string, Block>;
  /** How many times each `var.NAME` and `local.NAME` is referenced in the module's files, by that text. */
  references: Map<string, number>;
}

/** `counted`: the blocks whose references count (all the directory's files), `blocks` and more. */
export function buildModuleConfig(absDir: string, displayDir: string, blocks: Block[], counted: Block[] = blocks): ModuleConfig {
  const config: ModuleConfig = {
    absDir,
    displayDir,
    variables: new Map(),
    locals: new Map(),
    resources: [],
    calls: [],
    outputs: new Map(),
    data: new Map(),
    references: countReferences(counted),
  };
  for (const block of blocks) {
    const name = block.labels[0];
    if (block.type === 'variable' && name !== undefined) config.variables.set(name, block);
    else if (block.type === 'locals') for (const attribute of block.attributes) config.locals.set(attribute.name, attribute);
    else if (block.type === 'module' && name !== undefined) config.calls.push(block);
    else if (block.type === 'output' && name !== undefined) config.outputs.set(name, block);
    else if (block.type === 'data' && name !== undefined && block.labels[1] !== undefined)
      config.data.set(`${name}.${block.labels[1]}`, block);
    else if (block.type === 'resource' && block.labels[0] === 'aws_ecs_task_definition' && block.labels[1] !== undefined) {
      config.resources.push(block);
    }
  }
  return config;
}

/**
 * `var.x` / `local.x` in a .tf.json template string, every one of them (`${format("%s-%s", var.env, var.user)}`): the
 * text is not parsed, so a name written outside `${…}` counts too. Counting too many only makes a fixer leave a shared
 * value to the user; too few would let it change a value something else reads.
 */
const JSON_REFERENCE = /\b((?:var|local)\.[A-Za-z_][A-Za-z0-9_-]*)/g;

/**
 * Counts every `var.NAME` and `local.NAME` traversal in the module's blocks,
 * from the syntax trees the parser already built (templates and heredocs
 * included), so a fixer knows whether a variable's value is used elsewhere.
 */
function countReferences(blocks: Block[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const visitValue = (value: ValueNode): void => {
    if (value.kind === 'string') {
      if (isJsonTemplate(value.value)) for (const match of value.value.matchAll(JSON_REFERENCE)) add(match[1] ?? '');
    } else if (value.kind === 'object') for (const e of value.entries) visitValue(e.value);
    else if (value.kind === 'array') for (const item of value.items) visitValue(item);
  };
  const visitExpr = (expr: Expr): void => {
    if (expr.kind !== 'hcl') {
      visitValue(expr.value);
      return;
    }
    const found = expr.node.descendantsOfType('variable_expr');
    const all = expr.node.type === 'variable_expr' && !found.some((n) => n?.id === expr.node.id) ? [expr.node, ...found] : found;
    for (const variable of all) {
      if (!variable || (variable.text !== 'var' && variable.text !== 'local')) continue;
      const step = variable.nextNamedSibling;
      const name = step?.type === 'get_attr' ? step.namedChildren[0]?.text : undefined;
      if (name) add(`${variable.text}.${name}`);
    }
  };
  const visitBlock = (block: Block): void => {
    for (const attribute of block.attributes) visitExpr(attribute.expr);
    for (const inner of block.blocks) visitBlock(inner);
  };
  blocks.forEach(visitBlock);
  return counts;
}

export function evaluateExpr(expr: Expr, scope: Scope, problems: EvalProblem[]): ValueNode {
  if (expr.kind === 'value') return expr.value;
  if (expr.kind === 'json-template') return evaluateJsonValue(expr.value, expr.path, expr.lines, scope, problems);
  const ctx: EvalContext = { scope, source: expr.source, names: new Map(), problems };
  return evaluate(expr.node, ctx);
}

export interface InstanceOptions {
  config: ModuleConfig;
  /** Values given by the caller (module arguments) or, for a root module, by tfvars files. */
  inputs: ReadonlyMap<string, ValueNode>;
  rootAbsDir: string;
  rootDisplayDir: string;
  pathModule: string;
  parser: Parser;
  problems: EvalProblem[];
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** `var.*`, `local.*` and file reads for one instance of a module (the root, or one module call). */
export function moduleScope(options: InstanceOptions): Scope {
  const { config, inputs, problems } = options;
  const locals = new Map<string, Binding>();
  const evaluating = new Set<string>();
  const scope: Scope = {
    pathModule: options.pathModule,
    parser: options.parser,
    variable(name) {
      const block = config.variables.get(name);
      if (!block) return undefined;
      const given = inputs.get(name);
      // `nullable = false`: Terraform uses the default when the caller passes null.
      if (given && !(given.kind === 'null' && notNullable(block, scope, problems))) return { value: typed(block, given, scope, problems) };
      const fallback = block.attributes.find((a) => a.name === 'default');
      if (!fallback) return { reason: `variable "${name}" has no default and no value is set` };
      return { value: typed(block, evaluateExpr(fallback.expr, scope, problems), scope, problems) };
    },
    local(name) {
      const attribute = config.locals.get(name);
      if (!attribute) return undefined;
      const known = locals.get(name);
      if (known) return known;
      if (evaluating.has(name)) {
        // Terraform rejects the configuration ("Cycle"): an error, not only an unknown value.
        const message = `local value "${name}" refers to itself through a cycle of locals, which Terraform rejects`;
        problems.push(attribute.range ? { message, range: attribute.range } : { message });
        return { reason: `local value "${name}" refers to itself` };
      }
      evaluating.add(name);
      const binding: Binding = { value: evaluateExpr(attribute.expr, scope, problems) };
      evaluating.delete(name);
      locals.set(name, binding);
      return binding;
    },
    definition(kind, name) {
      const variable = kind === 'var' ? config.variables.get(name) : undefined;
      const declared = kind === 'var' ? variable?.range : config.locals.get(name)?.range;
      const constraint = variable && variableConstraint(variable);
      return {
        references: config.references.get(`${kind}.${name}`) ?? 0,
        ...(declared ? { range: declared } : {}),
        ...(constraint ? { constraint } : {}),
      };
    },
    readFile(path) {
      const absolute = resolve(options.rootAbsDir, path);
      // An absolute path is the file itself, wherever the scan was started.
      const display = isAbsolute(path) ? normalize(path) : normalize(join(options.rootDisplayDir, path));
      try {
        if (statSync(absolute).size > MAX_FILE_BYTES) return { error: `${display} is larger than 20 MB` };
        return { path: display, text: readUtf8Text(absolute) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return { error: `cannot read ${display}${code === 'ENOENT' ? ': no such file' : `: ${String(error)}`}` };
      }
    },
  };
  return scope;
}

function notNullable(block: Block, scope: Scope, problems: EvalProblem[]): boolean {
  const nullable = block.attributes.find((a) => a.name === 'nullable');
  if (!nullable) return false;
  const value = evaluateExpr(nullable.expr, scope, problems);
  return value.kind === 'boolean' && !value.value;
}

/** The value with the defaults of `optional()` attributes in the variable's type filled in. */
function typed(block: Block, value: ValueNode, scope: Scope, problems: EvalProblem[]): ValueNode {
  const type = block.attributes.find((a) => a.name === 'type');
  if (type?.expr.kind === 'value' && type.expr.value.kind === 'string') {
    // .tf.json: the type expression is written in a string.
    const ctx = (source: SourceText): EvalContext => ({ scope, source, names: new Map(), problems });
    return (
      withJsonTypeExpression(type.expr.value, block.source, scope.parser, (node, source) => applyTypeDefaults(node, value, ctx(source))) ??
      value
    );
  }
  if (type?.expr.kind !== 'hcl') return value;
  return applyTypeDefaults(type.expr.node, value, { scope, source: type.expr.source, names: new Map(), problems });
}

/** What a variable block's `type` and `validation` blocks let its default be. */
function variableConstraint(block: Block): DefinitionConstraint | undefined {
  const type = block.attributes.find((a) => a.name === 'type')?.expr;
  const typeText = type?.kind === 'hcl' ? type.node.text.trim() : type?.kind === 'value' ? scalarText(type.value) : undefined;
  const constraint: DefinitionConstraint = {};
  if (typeText === 'number') constraint.number = true;
  if (block.blocks.some((b) => b.type === 'validation')) constraint.validated = true;
  return Object.keys(constraint).length ? constraint : undefined;
}
