/**
 * Nested stacks: an `AWS::CloudFormation::Stack` (or SAM's `AWS::Serverless::Application`) whose template is a local
 * file, as `aws cloudformation package`, `sam build` and `cdk synth` (its `aws:asset:path` metadata) leave it. The
 * parent's `Parameters` override the nested template's Defaults, so its task definitions are read again through the
 * parent, with the values the parent passes, resolved in the parent and written there (a fix edits the parent).
 *
 * When the nested template is itself among the files scanned (InputFile.scannedReferences), only the task
 * definitions that read a value the parent passes differently from the template's own Default are given (named
 * `App/TaskDefinition`, the nested stack's logical id first): the others are what the template scanned on its own
 * gives. When it is not, every one is. A template that cannot be found or is not a local file is a warning, as a
 * Terraform module the scan did not follow is; one that cannot be read is an error (its task definitions get no
 * verdict with these values).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTextFile, realPathOrAbsolute } from '../../io/read-text-file.js';
import { type ObjectNode, type ValueNode, field, scalarText } from '../../model/value.js';
import { MAX_NESTING, tooDeepAt } from '../nesting.js';
import { type InputFile, type SourceOutput, fileError } from '../source.js';
import type { ResolveContext } from './resolve-context.js';
import { unresolvedAt } from './resolve-context.js';
import { resolveValue } from './resolve.js';
import { localTemplateCandidates, looksLikeCloudFormation } from './detect.js';
import { recognizeNonTaskDefinition } from '../not-task-definition.js';
import { looksLikeTerraformPlan } from '../terraform/detect.js';
import { spanRange } from './span.js';
import { type StackInstance, type TemplateText, extractTaskDefinitions } from './task-definitions.js';
import type { PassedParameter, TemplateInfo } from './template.js';
import { readTemplateRoots } from './template-roots.js';

/** Deeper nesting is not followed (CloudFormation's own nested stacks rarely go past a few levels). */
const MAX_NESTING_DEPTH = 8;

/** Nested templates read through one scanned template at most: a template nested many times over (a link loop). */
export const MAX_TEMPLATES_READ = 200;

type Passed = Omit<PassedParameter, 'differs'>;

/** The template that holds nested stacks, and how it was itself read. */
export interface ParentTemplate extends TemplateText {
  template: TemplateInfo;
  /** Set when the parent is itself a nested template read through its own parent. */
  instance?: StackInstance;
  /** Real paths of the templates from the scanned one down to this one: a template never nests itself. */
  chain: readonly string[];
  /** Real paths of the files the scan reads that the scanned template names (InputFile.scannedReferences). */
  scanned?: readonly string[];
  /** Nested templates still to be read through the scanned template (MAX_TEMPLATES_READ). */
  budget: { left: number };
  /** The texts of named templates the scan was given in memory (InputFile.referencedTexts), by absolute path. */
  texts?: Readonly<Record<string, string>>;
}

/** Whether a scan routes this file to the CloudFormation source (src/engine/scan.ts routeFile, in its order). */
function checkedAsTemplate(file: InputFile): boolean {
  return looksLikeCloudFormation(file.text) && !looksLikeTerraformPlan(file.text) && recognizeNonTaskDefinition(file) === undefined;
}

/** Reads each nested stack's template through its parent and adds the definitions it gives with what the parent passes. */
export async function readNestedStacks(
  stacks: ReadonlyArray<{ id: string; resource: ObjectNode }>,
  parent: ParentTemplate,
  output: SourceOutput,
): Promise<void> {
  for (const { id, resource } of stacks) {
    const named = parent.instance ? `${parent.instance.path}/${id}` : id;
    const ctx: ResolveContext = {
      template: parent.template,
      text: parent.text,
      file: parent.file,
      syntax: parent.syntax,
      resourceId: id,
      errors: [],
      warnings: [],
    };
    const located = templateOf(resource, ctx, parent.file);
    const at = located.at?.range ?? resource.range;
    const problem = (message: string) => fileError(parent.file, `nested stack ${named}: ${message}`, at, id);
    const warn = (message: string) => (output.warnings ??= []).push(problem(message));
    if ('skip' in located) {
      warn(located.skip);
      continue;
    }
    const display = path.isAbsolute(located.file) ? located.file : path.join(path.dirname(parent.file), located.file);
    const given = parent.texts?.[path.resolve(display)];
    const read = given === undefined ? readTextFile(display) : { text: given };
    if (!('text' in read)) {
      if (read.missing) warn(`its template ${display} is not found; scan it to check its task definitions`);
      else output.errors.push(problem(`its template ${display} cannot be read (${read.error}); its task definitions are not checked`));
      continue;
    }
    const real = realPathOrAbsolute(display);
    if (parent.chain.includes(real)) {
      warn(`its template ${display} is one of the templates that nest it; not read again`);
      continue;
    }
    if (parent.chain.length > MAX_NESTING_DEPTH) {
      warn(`nested more than ${MAX_NESTING_DEPTH} stacks deep; its template ${display} is not read`);
      continue;
    }
    if (parent.budget.left <= 0) {
      warn(`more than ${MAX_TEMPLATES_READ} nested templates were read through one scanned template; ${display} is not`);
      continue;
    }
    parent.budget.left--;
    const tooDeep = tooDeepAt(read.text);
    const parsed = tooDeep === undefined ? await readTemplateRoots(read.text, display) : undefined;
    const first = parsed?.errors[0];
    if (parsed === undefined || first) {
      const why = first
        ? `${first.line === undefined ? display : `${display}:${first.line}:${first.column}`}: ${first.message}`
        : `${display}: nested more than ${MAX_NESTING} levels deep ([ and {)`;
      output.errors.push(
        problem(`its template cannot be read (${why}); its task definitions are not checked with the parameters this stack passes`),
      );
      continue;
    }
    // Read on its own too, it reports what does not depend on this parent; else everything is reported here. Found by
    // the scan is not enough: it must be read as a template there (not skipped as something else).
    const scannedAlone =
      parent.instance === undefined && (parent.scanned?.includes(real) ?? false) && checkedAsTemplate({ path: display, text: read.text });
    const instance = stackInstance(named, resource, parent, ctx, scannedAlone);
    const before = output.definitions.length;
    const source: TemplateText = { file: display, text: read.text, syntax: parsed.syntax };
    if (!scannedAlone && parsed.warnings.length) (output.warnings ??= []).push(...parsed.warnings);
    for (const root of parsed.roots) {
      const child = extractTaskDefinitions(root, source, output, instance);
      // CloudFormation refuses a stack that passes a parameter its template does not declare.
      for (const [name, passed] of instance.passed) {
        if (child.template && !child.template.parameters.has(name)) {
          (output.warnings ??= []).push(
            fileError(
              parent.file,
              `nested stack ${named}: passes ${name}, which its template ${display} does not declare (CloudFormation refuses this)`,
              passed.declaredAt,
              id,
            ),
          );
        }
      }
      if (child.template && child.nestedStacks.length) {
        const next: ParentTemplate = {
          ...source,
          template: child.template,
          instance,
          chain: [...parent.chain, real],
          budget: parent.budget,
        };
        await readNestedStacks(child.nestedStacks, next, output);
      }
    }
    // The parent's problems in what it passes matter where a definition reads it.
    if (ctx.warnings.length) (output.warnings ??= []).push(...ctx.warnings);
    if (output.definitions.length > before) output.errors.push(...ctx.errors);
  }
}

/** Where a nested stack's template is: a local file, or why it is not read. */
function templateOf(
  resource: ObjectNode,
  ctx: ResolveContext,
  parentFile: string,
): { file: string; at?: ValueNode } | { skip: string; at?: ValueNode } {
  const properties = field(resource, 'Properties');
  // cdk synth: the template is an asset in the cloud assembly, beside the parent's; TemplateURL names its upload.
  const metadata = field(resource, 'Metadata');
  const asset = field(metadata, 'aws:asset:path');
  const assetProperty = scalarText(field(metadata, 'aws:asset:property'));
  if (asset?.kind === 'string' && asset.value !== '' && (assetProperty === undefined || assetProperty === 'TemplateURL')) {
    return { file: asset.value, at: asset };
  }
  const isApplication = scalarText(field(resource, 'Type')) === 'AWS::Serverless::Application';
  const key = isApplication ? 'Location' : 'TemplateURL';
  const written = field(properties, key);
  if (written === undefined) return { skip: `${key} is missing; its template is not read` };
  if (isApplication && written.kind === 'object' && field(written, 'ApplicationId') !== undefined) {
    return { skip: 'its template is an application of the Serverless Application Repository, which is not read', at: written };
  }
  const location = resolveValue(written, ctx);
  if (location.kind === 'unresolved') {
    return { skip: `${key} ${location.expression} is known only at deployment; scan its template on its own`, at: written };
  }
  if (location.kind === 'conditional') {
    return { skip: `${key} is chosen by condition ${location.condition}; scan its templates on their own`, at: written };
  }
  if (location.kind !== 'string') return { skip: `${key} is not a path or URL; its template is not read`, at: written };
  if (location.value === '') return { skip: `${key} is empty`, at: written };
  // A URL is read as the local file its path ends with, when there is one (the repository the template came from).
  const folder = path.dirname(parentFile);
  const candidates = localTemplateCandidates(location.value);
  const isUrl = !/^file:\/\//i.test(location.value) && candidates[0] !== location.value;
  const local = isUrl ? candidates.find((candidate) => existsSync(path.resolve(folder, candidate))) : candidates[0];
  if (local === undefined) {
    return {
      skip: `its template ${location.value} is not a local file (none here ends with its path); scan it on its own to check it`,
      at: written,
    };
  }
  return { file: local, at: written };
}

/** The parent's parameter values (resolved in the parent) and conditions, as the nested template sees them. */
function stackInstance(
  named: string,
  resource: ObjectNode,
  parent: ParentTemplate,
  ctx: ResolveContext,
  onlyDiffering: boolean,
): StackInstance {
  const by = `nested stack ${named} in ${parent.file}`;
  const conditions = [...(parent.instance?.conditions ?? [])];
  // The parent's conditions are not the nested template's, though they may share names; one qualified already came
  // from further up (a condition's own name has no spaces).
  const rename = (name: string) => (name.includes(' ') ? name : `${name} in ${parent.file}`);
  const condition = field(resource, 'Condition');
  if (condition?.kind === 'string') conditions.push(rename(condition.value));
  const instance: StackInstance = { path: named, passed: new Map(), conditions, onlyDiffering };
  const written = field(field(resource, 'Properties'), 'Parameters');
  if (written === undefined || written.kind === 'null') return instance;
  const parameters = renameConditions(resolveValue(written, ctx), rename);
  const passed = new Map<string, Passed>();
  const names = new Set<string>();
  // A map, or maps chosen by `!If` (`AWS::NoValue` for none): the keys of every map. True if some map is not known.
  const collect = (node: ValueNode): boolean => {
    if (node.kind === 'object') {
      for (const e of node.entries) names.add(e.key);
      return false;
    }
    if (node.kind === 'conditional') {
      const whenTrue = collect(node.whenTrue);
      return collect(node.whenFalse) || whenTrue;
    }
    return node.kind !== 'null';
  };
  const unknown = collect(parameters);
  const declaredAt = (name: string) => {
    const entry = parameters.kind === 'object' ? parameters.entries.findLast((e) => e.key === name) : undefined;
    return entry?.keyRange && entry.value.range ? spanRange(entry.keyRange, entry.value.range) : (entry?.keyRange ?? parameters.range);
  };
  for (const name of names) {
    const value = valueFor(parameters, name, ctx);
    // `!Ref AWS::NoValue`, or absent from the map: not passed, the Default holds.
    if (value.kind === 'null') continue;
    const at = declaredAt(name);
    passed.set(name, { value, by, ...(at ? { declaredAt: at } : {}) });
  }
  instance.passed = passed;
  if (unknown) {
    const value = valueFor(parameters, undefined, ctx);
    instance.allPassed = { value, by, ...(parameters.range ? { declaredAt: parameters.range } : {}) };
  }
  return instance;
}

/**
 * What the resolved `Parameters` give one parameter: its entry in a map (null when absent), per branch of an `!If`,
 * unresolved where the map is not known offline. `name` undefined: a parameter no known map names.
 */
function valueFor(parameters: ValueNode, name: string | undefined, ctx: ResolveContext): ValueNode {
  switch (parameters.kind) {
    case 'object': {
      const value = name === undefined ? undefined : field(parameters, name);
      return value ?? { kind: 'null', ...(parameters.range ? { range: parameters.range } : {}), syntax: ctx.syntax };
    }
    case 'conditional': {
      const whenTrue = valueFor(parameters.whenTrue, name, ctx);
      const whenFalse = valueFor(parameters.whenFalse, name, ctx);
      if (whenTrue.kind === 'null' && whenFalse.kind === 'null') return whenTrue;
      return { ...parameters, whenTrue, whenFalse };
    }
    case 'null':
      return parameters;
    case 'unresolved':
      return parameters;
    default:
      return unresolvedAt(parameters, ctx, 'the parameters it passes are not a mapping');
  }
}

/** The value with the conditions of its `Fn::If`s renamed. */
function renameConditions(node: ValueNode, rename: (name: string) => string): ValueNode {
  switch (node.kind) {
    case 'conditional':
      return {
        ...node,
        condition: rename(node.condition),
        whenTrue: renameConditions(node.whenTrue, rename),
        whenFalse: renameConditions(node.whenFalse, rename),
      };
    case 'object':
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: renameConditions(e.value, rename) })) };
    case 'array':
      return { ...node, items: node.items.map((item) => renameConditions(item, rename)) };
    default:
      return node;
  }
}
