import { join, normalize, relative, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { ResourceRef } from '../../model/task-definition.js';
import { type ValueNode, field, scalarText } from '../../model/value.js';
import { type SourceOutput, fileError } from '../source.js';
import { taskDefinitionBody } from './body.js';
import type { ConfigurationLoader } from './configuration.js';
import { type ModuleConfig, evaluateExpr, moduleScope } from './module-scope.js';
import type { EvalProblem } from './scope.js';

/** Arguments of a module block that are not the module's input variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
const MAX_MODULE_DEPTH = 16;

export interface InstanceRun {
  loader: ConfigurationLoader;
  parser: Parser;
  rootAbsDir: string;
  rootDisplayDir: string;
  output: SourceOutput;
}

export const isLocalModuleSource = (source: string): boolean => source.startsWith('./') || source.startsWith('../');

/** The local directory a module block calls, when its source is a literal local path. */
export function localModuleSource(call: ModuleConfig['calls'][number]): string | undefined {
  const attribute = call.attributes.find((a) => a.name === 'source');
  if (!attribute) return undefined;
  const value =
    attribute.expr.kind === 'value' ? attribute.expr.value : undefined;
  const text =
    value?.kind === 'string'
      ? value.value
      : attribute.expr.kind === 'hcl'
        ? attribute.expr.node.text.replace(/^"|"$/g, '')
        : undefined;
  return text !== undefined && isLocalModuleSource(text) ? text : undefined;
}

function reportProblems(problems: EvalProblem[], address: string, file: string, run: InstanceRun): void {
  const seen = new Set<string>();
  for (const problem of problems) {
    const error = fileError(problem.range?.file ?? file, problem.message, problem.range, address);
    const key = `${error.file}:${error.line}:${error.column}:${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    run.output.errors.push(error);
  }
}

/**
 * Evaluates one instance of a module (the root, or one module call): its
 * aws_ecs_task_definition resources, then the local modules it calls with
 * their variables bound from the call's arguments.
 */
export function evaluateInstance(
  config: ModuleConfig,
  inputs: ReadonlyMap<string, ValueNode>,
  prefix: string,
  stack: string[],
  run: InstanceRun,
): void {
  const problems: EvalProblem[] = [];
  const pathModule = relative(run.rootAbsDir, config.absDir).split('\\').join('/') || '.';
  const scope = moduleScope({
    config,
    inputs,
    rootAbsDir: run.rootAbsDir,
    rootDisplayDir: run.rootDisplayDir,
    pathModule,
    parser: run.parser,
    problems,
  });

  for (const block of config.resources) {
    const address = `${prefix}aws_ecs_task_definition.${block.labels[1] ?? ''}`;
    const file = block.range.file;
    const resource: ResourceRef = { kind: 'file', source: 'terraform', id: address, file };
    if (block.hasError) {
      run.output.failures.push({
        resource,
        error: fileError(file, `resource ${address} has a syntax error, so it was not read`, block.range, address),
        range: block.range,
      });
      continue;
    }
    const own: EvalProblem[] = [];
    const result = taskDefinitionBody(block, scope);
    own.push(...result.problems);
    reportProblems(own, address, file, run);
    if (result.failure) {
      const where = result.failure.range;
      run.output.failures.push({
        resource,
        error: fileError(where?.file ?? file, result.failure.message, where ?? block.range, address),
        range: where ?? block.range,
      });
      continue;
    }
    const familyNode = field(result.body, 'family');
    const family = familyNode?.kind === 'string' ? scalarText(familyNode) : undefined;
    run.output.definitions.push({
      resource: { ...resource, ...(family ? { family } : {}) },
      body: result.body,
      range: block.range,
    });
  }

  for (const call of config.calls) {
    const name = call.labels[0] ?? '';
    const source = localModuleSource(call);
    if (source === undefined) continue; // registry and git modules are not fetched
    const sourceAttribute = call.attributes.find((a) => a.name === 'source');
    const absDir = resolve(config.absDir, source);
    const displayDir = normalize(join(config.displayDir, source));
    if (stack.includes(absDir) || stack.length >= MAX_MODULE_DEPTH) {
      run.output.errors.push(fileError(call.range.file, `module "${name}" calls ${source}, which is already being evaluated (a cycle)`, call.range));
      continue;
    }
    const child = run.loader.load(absDir, displayDir);
    if (!child) {
      run.output.errors.push(fileError(call.range.file, `module "${name}": cannot read ${displayDir}`, sourceAttribute?.range ?? call.range));
      continue;
    }
    const childInputs = new Map<string, ValueNode>();
    for (const attribute of call.attributes) {
      if (MODULE_META.has(attribute.name)) continue;
      childInputs.set(attribute.name, evaluateExpr(attribute.expr, scope, problems));
    }
    evaluateInstance(child, childInputs, `${prefix}module.${name}.`, [...stack, absDir], run);
  }
  reportProblems(problems, prefix.replace(/\.$/, '') || config.displayDir, config.displayDir, run);
}
