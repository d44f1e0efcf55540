/**
 * Nested stacks: an `AWS::CloudFormation::Stack` (or SAM's `AWS::Serverless::Application`) whose template is a local
 * file, as `aws cloudformation package`, `sam build` and `cdk synth` (its `aws:asset:path` metadata) leave it. The
 * parent's `Parameters` override the nested template's Defaults, so its task definitions are read again through the
 * parent, with the values the parent passes, resolved in the parent and written there (a fix edits the parent).
 *
 * Only a task definition that reads a value the parent passes differently from the template's own Default is given
 * (named `App/TaskDefinition`, the nested stack's logical id first): the others are what the template scanned on its
 * own gives. A template that cannot be found or is not a local file is a warning, as a Terraform module the scan did
 * not follow is; one that cannot be read is an error (its task definitions get no verdict with these values).
 */
import path from 'node:path';
import { type ObjectNode, type ValueNode, field, scalarText } from '../../model/value.js';
import { type SourceOutput, fileError } from '../source.js';
import type { ResolveContext } from './resolve-context.js';
import { unresolvedAt } from './resolve-context.js';
import { resolveValue } from './resolve.js';
import { spanRange } from './span.js';
import { type StackInstance, type TemplateText, extractTaskDefinitions } from './task-definitions.js';
import type { PassedParameter, TemplateInfo } from './template.js';
import { readTemplateRoots } from './template-roots.js';

/** Deeper nesting is not followed (CloudFormation's own nested stacks rarely go past a few levels). */
const MAX_NESTING_DEPTH = 8;

/** A URL (https://, s3://, file://): a template uploaded already, or somewhere this scan does not read. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The template that holds nested stacks, and how it was itself read. */
export interface ParentTemplate extends TemplateText {
  template: TemplateInfo;
  /** Set when the parent is itself a nested template read through its own parent. */
  instance?: StackInstance;
  /** Absolute paths of the templates from the scanned one down to this one: a template never nests itself. */
  chain: readonly string[];
}

/** Reads a file's text as the scan read it (a file of the same batch), else from disk; undefined when unreadable. */
export type ReadText = (file: string) => string | undefined;

/** Reads each nested stack's template through its parent and adds the definitions that read what the parent passes. */
export async function readNestedStacks(
  stacks: ReadonlyArray<{ id: string; resource: ObjectNode }>,
  parent: ParentTemplate,
  output: SourceOutput,
  readText: ReadText,
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
    const warn = (message: string, at: ValueNode | undefined) =>
      (output.warnings ??= []).push(fileError(parent.file, `nested stack ${named}: ${message}`, at?.range ?? resource.range, id));
    const located = templateOf(resource, ctx);
    if ('skip' in located) {
      warn(located.skip, located.at);
      continue;
    }
    const display = path.isAbsolute(located.file) ? located.file : path.join(path.dirname(parent.file), located.file);
    const absolute = path.resolve(display);
    if (parent.chain.includes(absolute)) {
      warn(`its template ${display} is one of the templates that nest it; not read again`, located.at);
      continue;
    }
    if (parent.chain.length > MAX_NESTING_DEPTH) {
      warn(`nested more than ${MAX_NESTING_DEPTH} stacks deep; its template ${display} is not read`, located.at);
      continue;
    }
    const text = readText(display);
    if (text === undefined) {
      warn(`its template ${display} cannot be read; scan it to check its task definitions`, located.at);
      continue;
    }
    const read = await readTemplateRoots(text, display);
    const [first] = read.errors;
    if (first) {
      const where = first.line === undefined ? display : `${display}:${first.line}:${first.column}`;
      output.errors.push(
        fileError(
          parent.file,
          `nested stack ${named}: its template cannot be read (${where}: ${first.message}); its task definitions are not ` +
            'checked with the parameters this stack passes',
          located.at?.range ?? resource.range,
          id,
        ),
      );
      continue;
    }
    const instance = stackInstance(named, resource, parent, ctx);
    const before = output.definitions.length;
    const source: TemplateText = { file: display, text, syntax: read.syntax };
    for (const root of read.roots) {
      const child = extractTaskDefinitions(root, source, output, instance);
      if (child.template && child.nestedStacks.length) {
        const chain = [...parent.chain, absolute];
        await readNestedStacks(child.nestedStacks, { ...source, template: child.template, instance, chain }, output, readText);
      }
    }
    // The parent's problems in what it passes matter only where a definition reads it.
    if (ctx.warnings.length) (output.warnings ??= []).push(...ctx.warnings);
    if (output.definitions.length > before) output.errors.push(...ctx.errors);
  }
}

/** Where a nested stack's template is: a local file, or why it is not read (a message, or nothing to say). */
function templateOf(resource: ObjectNode, ctx: ResolveContext): { file: string; at?: ValueNode } | { skip: string; at?: ValueNode } {
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
  if (isApplication && written.kind === 'object') {
    return { skip: 'its template is an application of the Serverless Application Repository, which is not read', at: written };
  }
  const location = resolveValue(written, ctx);
  if (location.kind !== 'string') {
    const what = location.kind === 'unresolved' ? location.expression : `a ${location.kind}`;
    return { skip: `${key} ${what} is not a local file; scan its template on its own to check it`, at: written };
  }
  if (URL_SCHEME.test(location.value) && !location.value.toLowerCase().startsWith('file://')) {
    return { skip: `its template ${location.value} is not a local file; scan it on its own to check it`, at: written };
  }
  const file = location.value.replace(/^file:\/\//i, '');
  return file === '' ? { skip: `${key} is empty`, at: written } : { file, at: written };
}

/** The parent's parameter values (resolved in the parent) and conditions, as the nested template sees them. */
function stackInstance(named: string, resource: ObjectNode, parent: ParentTemplate, ctx: ResolveContext): StackInstance {
  const by = `nested stack ${named} in ${parent.file}`;
  const conditions = [...(parent.instance?.conditions ?? [])];
  const condition = field(resource, 'Condition');
  // The parent's conditions are not the nested template's, though they may share names.
  const rename = (name: string) => `${name} in ${path.basename(parent.file)}`;
  if (condition?.kind === 'string') conditions.push(rename(condition.value));
  const instance: StackInstance = { path: named, passed: new Map(), conditions };
  const parameters = field(field(resource, 'Properties'), 'Parameters');
  if (parameters === undefined || parameters.kind === 'null') return instance;
  if (parameters.kind !== 'object') {
    // `Parameters: !If [...]`, say: every parameter is whatever the parent passes, unknown here.
    const value = unresolvedAt(parameters, ctx, 'the parameters it passes cannot be read offline');
    instance.allPassed = { value, by, ...(parameters.range ? { declaredAt: parameters.range } : {}) };
    return instance;
  }
  const passed = new Map<string, Omit<PassedParameter, 'differs'>>();
  for (const entry of parameters.entries) {
    const value = renameConditions(resolveValue(entry.value, ctx), rename);
    // `!Ref AWS::NoValue`: not passed, the Default holds.
    if (value.kind === 'null') continue;
    const declaredAt = entry.keyRange && entry.value.range ? spanRange(entry.keyRange, entry.value.range) : entry.keyRange;
    passed.set(entry.key, { value, by, ...(declaredAt ? { declaredAt } : {}) });
  }
  instance.passed = passed;
  return instance;
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
