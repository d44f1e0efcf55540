import { isAbsolute, join, normalize, relative, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { ResourceRef } from '../../model/task-definition.js';
import { type ObjectEntry, type ValueNode, field, scalarText } from '../../model/value.js';
import type { ScanError } from '../../model/finding.js';
import { type SourceOutput, fileError } from '../source.js';
import { taskDefinitionBody } from './body.js';
import { isLocalModuleSource } from './directories.js';
import type { ConfigurationLoader } from './configuration.js';
import { readDataSource } from './data-sources.js';
import { instancesOf } from './expansion.js';
import { type ModuleConfig, evaluateExpr, moduleScope } from './module-scope.js';
import type { Binding, EvalProblem, Scope } from './scope.js';
import type { Block } from './structure.js';

/** Arguments of a module block that are not the module's input variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
const MAX_MODULE_DEPTH = 16;

export interface InstanceRun {
  /**
   * Set when one scan evaluates several root modules: a resource of a module
   * directory outside its root (shared by the roots) is named with its root,
   * `module.svc.aws_ecs_task_definition.this (root envs/prod)`, so each root's
   * findings stay apart.
   */
  rootLabel?: string;
  /** `.terraform/modules/modules.json` of the root: module key (`svc`, `svc.inner`) → directory relative to the root. */
  installedModules?: ReadonlyMap<string, string>;
  loader: ConfigurationLoader;
  parser: Parser;
  rootAbsDir: string;
  rootDisplayDir: string;
  output: SourceOutput;
}

/** The local directory a module block calls, when its source is a literal local path. */
export function localModuleSource(call: ModuleConfig['calls'][number]): string | undefined {
  const attribute = call.attributes.find((a) => a.name === 'source');
  if (!attribute) return undefined;
  const value = attribute.expr.kind === 'value' ? attribute.expr.value : undefined;
  const text =
    value?.kind === 'string' ? value.value : attribute.expr.kind === 'hcl' ? attribute.expr.node.text.replace(/^"|"$/g, '') : undefined;
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

/** Where a module call's source is on disk, or why it is not followed. */
type CallTarget = { absDir: string; displayDir: string; child: ModuleConfig } | { skipped: string } | { error: string };

function callTarget(call: Block, config: ModuleConfig, prefix: string, stack: string[], run: InstanceRun): CallTarget {
  const name = call.labels[0] ?? '';
  const local = localModuleSource(call);
  let absDir: string;
  let displayDir: string;
  if (local !== undefined) {
    absDir = resolve(config.absDir, local);
    displayDir = normalize(join(config.displayDir, local));
  } else {
    // After `terraform init`, .terraform/modules/modules.json says where each call's source was downloaded.
    const installed = run.installedModules?.get([...modulePath(prefix), name].join('.'));
    if (!installed) return { skipped: moduleSourceText(call) };
    absDir = resolve(run.rootAbsDir, installed);
    displayDir = normalize(join(run.rootDisplayDir, installed));
  }
  if (stack.includes(absDir) || stack.length >= MAX_MODULE_DEPTH) {
    return { error: `module "${name}" calls ${local ?? displayDir}, which is already being evaluated (a cycle)` };
  }
  const child = run.loader.load(absDir, displayDir);
  if (!child) return { error: `module "${name}": cannot read ${displayDir}` };
  return { absDir, displayDir, child };
}

/** The call names from the root to this instance (`module.a[0].module.b.` → a, b), as modules.json keys them. */
function modulePath(prefix: string): string[] {
  return [...prefix.replace(/\["(?:[^"\\]|\\.)*"\]|\[\d+\]/g, '').matchAll(/module\.([^.]+)\./g)].map((m) => m[1] as string);
}

function moduleSourceText(call: Block): string {
  const attribute = call.attributes.find((a) => a.name === 'source');
  if (!attribute) return 'no source';
  if (attribute.expr.kind !== 'hcl') return attribute.expr.value.kind === 'string' ? attribute.expr.value.value : 'source';
  return attribute.expr.node.text.replace(/^"|"$/g, '');
}

function callInputs(call: Block, scope: Scope, problems: EvalProblem[]): Map<string, ValueNode> {
  const inputs = new Map<string, ValueNode>();
  for (const attribute of call.attributes) {
    if (MODULE_META.has(attribute.name)) continue;
    inputs.set(attribute.name, evaluateExpr(attribute.expr, scope, problems));
  }
  return inputs;
}

/** The scope of one module instance, with `module.<name>` outputs and offline data sources. */
function instanceScope(
  config: ModuleConfig,
  inputs: ReadonlyMap<string, ValueNode>,
  prefix: string,
  stack: string[],
  run: InstanceRun,
  problems: EvalProblem[],
): Scope {
  const scope = moduleScope({
    config,
    inputs,
    rootAbsDir: run.rootAbsDir,
    rootDisplayDir: run.rootDisplayDir,
    pathModule: relative(run.rootAbsDir, config.absDir).split('\\').join('/') || '.',
    parser: run.parser,
    problems,
  });
  const outputs = new Map<string, Binding>();
  const data = new Map<string, Binding | undefined>();
  scope.module = (name) => {
    const known = outputs.get(name);
    if (known) return known;
    const call = config.calls.find((c) => c.labels[0] === name);
    if (!call) return undefined;
    outputs.set(name, { reason: `module "${name}" refers to itself through its outputs` });
    const binding = moduleOutputs(call, config, scope, prefix, stack, run, problems);
    outputs.set(name, binding);
    return binding;
  };
  scope.data = (type, name) => {
    const key = `${type}.${name}`;
    if (data.has(key)) return data.get(key);
    const block = config.data.get(key);
    const binding = block ? readDataSource(block, scope, problems) : undefined;
    data.set(key, binding);
    return binding;
  };
  return scope;
}

/** `module.<name>`: an object of the call's outputs; a list of them with count, a map with for_each. */
function moduleOutputs(
  call: Block,
  config: ModuleConfig,
  scope: Scope,
  prefix: string,
  stack: string[],
  run: InstanceRun,
  problems: EvalProblem[],
): Binding {
  const name = call.labels[0] ?? '';
  const target = callTarget(call, config, prefix, stack, run);
  if ('skipped' in target) return { reason: `module "${name}" (${target.skipped}) is not followed: its outputs are not known offline` };
  if ('error' in target) return { reason: target.error };
  const instances = instancesOf(call, scope, problems);
  const counted = call.attributes.some((a) => a.name === 'count');
  const expanded = counted || call.attributes.some((a) => a.name === 'for_each');
  if (expanded && instances.length === 1 && instances[0]?.suffix === '') {
    return { reason: `the ${counted ? 'count' : 'for_each'} of module "${name}" cannot be resolved` };
  }
  const objects = instances.map((instance) => {
    const inputs = callInputs(call, instance.expansion ? { ...scope, expansion: instance.expansion } : scope, problems);
    const childPrefix = `${prefix}module.${name}${instance.suffix}.`;
    const childScope = instanceScope(target.child, inputs, childPrefix, [...stack, target.absDir], run, problems);
    const entries: ObjectEntry[] = [];
    for (const [output, block] of target.child.outputs) {
      const value = block.attributes.find((a) => a.name === 'value');
      if (value) entries.push({ key: output, sourceKey: output, value: evaluateExpr(value.expr, childScope, problems) });
    }
    return { instance, value: { kind: 'object', entries, range: call.range, syntax: 'hcl' } as ValueNode };
  });
  if (!expanded) return { value: (objects[0] as { value: ValueNode }).value };
  if (counted) return { value: { kind: 'array', items: objects.map((o) => o.value), range: call.range, syntax: 'hcl' } };
  return {
    value: {
      kind: 'object',
      entries: objects.map((o) => {
        const key =
          o.instance.expansion && 'key' in o.instance.expansion && o.instance.expansion.key.kind === 'string'
            ? o.instance.expansion.key.value
            : o.instance.suffix;
        return { key, sourceKey: key, value: o.value };
      }),
      range: call.range,
      syntax: 'hcl',
    },
  };
}

/**
 * Evaluates one instance of a module (the root, or one module call): its
 * aws_ecs_task_definition resources, each instance of their count/for_each,
 * then the modules it calls with their variables bound from the call's arguments.
 */
export function evaluateInstance(
  config: ModuleConfig,
  inputs: ReadonlyMap<string, ValueNode>,
  prefix: string,
  stack: string[],
  run: InstanceRun,
): void {
  const problems: EvalProblem[] = [];
  const scope = instanceScope(config, inputs, prefix, stack, run, problems);

  for (const block of config.resources) {
    for (const instance of instancesOf(block, scope, problems)) {
      const resourceScope = instance.expansion ? { ...scope, expansion: instance.expansion } : scope;
      const address = `${prefix}aws_ecs_task_definition.${block.labels[1] ?? ''}${instance.suffix}`;
      const shared = run.rootLabel !== undefined && !isInside(config.absDir, run.rootAbsDir);
      evaluateResource(block, shared ? `${address} (root ${run.rootLabel})` : address, resourceScope, run);
    }
  }

  for (const call of config.calls) {
    const name = call.labels[0] ?? '';
    const instances = instancesOf(call, scope, problems);
    if (instances.length === 0) continue; // count = 0 or an empty for_each: nothing is created
    const target = callTarget(call, config, prefix, stack, run);
    if ('skipped' in target) {
      const containers = call.attributes.find((a) => CONTAINER_INPUT.test(a.name));
      // Given containers, the module makes a task definition this scan cannot see: a verdict is missing.
      if (containers) run.output.errors.push(unfollowedNotice(call, target.skipped, prefix, containers.name));
      else (run.output.warnings ??= []).push(unfollowedNotice(call, target.skipped, prefix));
      continue;
    }
    if ('error' in target) {
      const sourceAttribute = call.attributes.find((a) => a.name === 'source');
      const where = target.error.includes('cannot read') ? (sourceAttribute?.range ?? call.range) : call.range;
      run.output.errors.push(fileError(call.range.file, target.error, where));
      continue;
    }
    for (const instance of instances) {
      const childInputs = callInputs(call, instance.expansion ? { ...scope, expansion: instance.expansion } : scope, problems);
      evaluateInstance(target.child, childInputs, `${prefix}module.${name}${instance.suffix}.`, [...stack, target.absDir], run);
    }
  }
  reportProblems(problems, prefix.replace(/\.$/, '') || config.displayDir, config.displayDir, run);
}

/** Arguments that hand a module containers to define (terraform-aws-modules/ecs's `container_definitions`). */
const CONTAINER_INPUT = /^(containers?|container_definitions?|task_definitions?)$/;

/**
 * A module call whose source is not on disk: a warning, so the scan says it did not look inside; an error when the
 * call hands it containers (`containersInput`), since the task definitions it makes got no verdict.
 */
function unfollowedNotice(call: Block, source: string, prefix: string, containersInput?: string): ScanError {
  const address = `${prefix}module.${call.labels[0] ?? ''}`;
  const unchecked = containersInput ? `, and it is given ${containersInput}: the task definitions it makes were not checked;` : ':';
  return {
    file: call.range.file,
    line: call.range.start.line,
    column: call.range.start.column,
    resource: address,
    message: `${address} (${source}) not followed${unchecked} run terraform init, or scan a plan`,
  };
}

function evaluateResource(block: Block, address: string, scope: Scope, run: InstanceRun): void {
  const file = block.range.file;
  const resource: ResourceRef = { kind: 'file', source: 'terraform', id: address, file };
  if (block.hasError) {
    run.output.failures.push({
      resource,
      error: fileError(file, `resource ${address} has a syntax error, so it was not read`, block.range, address),
      range: block.range,
    });
    return;
  }
  const result = taskDefinitionBody(block, scope);
  reportProblems(result.problems, address, file, run);
  if (result.failure) {
    const where = result.failure.range;
    run.output.failures.push({
      resource,
      error: fileError(where?.file ?? file, result.failure.message, where ?? block.range, address),
      range: where ?? block.range,
    });
    return;
  }
  const familyNode = field(result.body, 'family');
  const family = familyNode?.kind === 'string' ? scalarText(familyNode) : undefined;
  run.output.definitions.push({
    resource: { ...resource, ...(family ? { family } : {}) },
    body: result.body,
    range: block.range,
  });
}

const isInside = (dir: string, root: string): boolean => {
  const path = relative(root, dir);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};
