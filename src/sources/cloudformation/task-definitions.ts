import { type ObjectNode, type Syntax, type ValueNode, field, scalarText } from '../../model/value.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { type SourceOutput, fileError } from '../source.js';
import { toEcsKeys } from './ecs-keys.js';
import type { ResolveContext } from './resolve-context.js';
import { SSM_VALUE_PARAMETER } from './ref.js';
import type { ScanError } from '../../model/finding.js';
import { expandLoops, notSupportedOffline } from './for-each.js';
import { resolveValue } from './resolve.js';
import { spanRange } from './span.js';
import { type PassedParameter, type TemplateInfo, readTemplateInfo } from './template.js';

export const TASK_DEFINITION_TYPE = 'AWS::ECS::TaskDefinition';

/** Resources whose template is another file: AWS::CloudFormation::Stack (TemplateURL), SAM's Location. */
export const NESTED_STACK_TYPES: ReadonlySet<string> = new Set(['AWS::CloudFormation::Stack', 'AWS::Serverless::Application']);

export interface TemplateText {
  file: string;
  text: string;
  syntax: Syntax;
}

/** A template read through the parent stack that nests it, with what the parent passes it (nested-stacks.ts). */
export interface StackInstance {
  /** The nested stack resources' logical ids from the scanned template down: `App`, `App/Db`. */
  path: string;
  /** Parameter values the parent passes, resolved in the parent (its Parameters). */
  passed: ReadonlyMap<string, Omit<PassedParameter, 'differs'>>;
  /** What a parameter no known map names is, when some of the parent's Parameters are not known offline (a `!GetAtt`). */
  allPassed?: Omit<PassedParameter, 'differs'>;
  /** The nested stack resources' Conditions, outermost first, each named with its template (`IsProd in parent.yaml`). */
  conditions: string[];
  /**
   * The template is also scanned on its own: only the definitions that read what the parent passes differently from
   * their Defaults are given (the others are the same as its own), and its template-level problems are its own.
   */
  onlyDiffering: boolean;
}

/** What a template holds besides its task definitions, for its nested stacks (nested-stacks.ts). */
export interface ExtractedTemplate {
  template?: TemplateInfo;
  nestedStacks: Array<{ id: string; resource: ObjectNode }>;
  /** Task definitions given (an instance gives only those that read what the parent passes). */
  definitions: number;
}

/**
 * Every `AWS::ECS::TaskDefinition` of one template document becomes a
 * definition whose body has ECS API keys and resolved intrinsics. Shape
 * problems inside Properties (a container list that is not a list, a container
 * without a name) are left to `normalizeTaskDefinition`, which reports them.
 */
export function extractTaskDefinitions(
  root: ValueNode,
  source: TemplateText,
  output: SourceOutput,
  /** Set when the template is read through a parent stack: only definitions that read what it passes are given. */
  instance?: StackInstance,
): ExtractedTemplate {
  const { file } = source;
  const extracted: ExtractedTemplate = { nestedStacks: [], definitions: 0 };
  if (root.kind !== 'object') {
    output.errors.push(fileError(file, `a CloudFormation template must be a mapping, found ${root.kind}`, root.range));
    return extracted;
  }
  const resources = field(root, 'Resources');
  if (resources === undefined) return extracted;
  if (resources.kind !== 'object') {
    output.errors.push(fileError(file, `Resources must be a mapping, found ${resources.kind}`, resources.range));
    return extracted;
  }
  const template = readTemplateInfo(root);
  extracted.template = template;
  if (instance) passParameters(template, instance);
  // Read through a parent, the template's own problems are reported only with a definition that reads what the
  // parent passes (the template scanned on its own reports them too).
  const templateErrors: ScanError[] = instance?.onlyDiffering ? [] : output.errors;
  checkTransforms(root, file, templateErrors);
  // Fn::ForEach loops in Resources (AWS::LanguageExtensions) become the resources they generate.
  const loopContext: ResolveContext = {
    template,
    text: source.text,
    file,
    syntax: source.syntax,
    resourceId: '',
    errors: templateErrors,
    warnings: [],
  };
  // A loop over a collection the parent passes makes resources the template alone does not have.
  if (instance) loopContext.nesting = { differs: false };
  const expanded = expandLoops(resources, loopContext, (node) => resolveValue(node, loopContext));
  if (loopContext.warnings.length && !instance?.onlyDiffering) (output.warnings ??= []).push(...loopContext.warnings);
  const loopsDiffer = loopContext.nesting?.differs === true;
  for (const e of expanded.entries) template.resources.add(e.key);
  // A logical id written twice is deployed once, as its last occurrence (CloudFormation reads duplicate keys last-wins).
  const last = new Map(expanded.entries.map((e, index) => [e.key, index]));
  for (const [index, { key: id, keyRange, value: resource }] of expanded.entries.entries()) {
    if (last.get(id) !== index) continue;
    if (resource.kind !== 'object') {
      output.errors.push(fileError(file, `resource ${id} must be a mapping, found ${resource.kind}`, resource.range, id));
      continue;
    }
    const type = field(resource, 'Type');
    if (type !== undefined && type.kind !== 'string') {
      // CloudFormation rejects the template; a task definition written so would otherwise pass unread.
      const found = type.kind === 'unresolved' ? type.expression : withArticle(type.kind);
      output.errors.push(fileError(file, `resource ${id}: Type must be a resource type name, found ${found}`, type.range, id));
      continue;
    }
    const typeName = scalarText(type);
    if (typeName !== undefined && NESTED_STACK_TYPES.has(typeName)) extracted.nestedStacks.push({ id, resource });
    if (typeName !== TASK_DEFINITION_TYPE) continue;

    const range = keyRange && resource.range ? spanRange(keyRange, resource.range) : (resource.range ?? keyRange);
    const ref: ResourceRef = { kind: 'file', source: 'cloudformation', id: instance ? `${instance.path}/${id}` : id, file };
    const ctx: ResolveContext = { template, text: source.text, file, syntax: source.syntax, resourceId: id, errors: [], warnings: [] };
    if (instance) ctx.nesting = { differs: false };
    const properties = field(resource, 'Properties');
    const body: ValueNode =
      properties === undefined || properties.kind === 'null'
        ? { kind: 'object', entries: [], ...(range ? { range } : {}), syntax: source.syntax }
        : toEcsKeys(resolveValue(properties, ctx), ctx);
    // The same definition as the template on its own gives: reported there.
    if (instance?.onlyDiffering && !ctx.nesting?.differs && !loopsDiffer) continue;
    extracted.definitions++;
    output.errors.push(...ctx.errors);
    if (ctx.warnings.length) (output.warnings ??= []).push(...ctx.warnings);
    if (body.kind !== 'object') {
      const found = body.kind === 'unresolved' ? body.expression : withArticle(body.kind);
      const error = fileError(file, `resource ${id}: Properties must be a mapping, found ${found}`, properties?.range, id);
      output.failures.push({ resource: ref, error, ...(range ? { range } : {}) });
      continue;
    }
    const family = field(body, 'family');
    if (family?.kind === 'string') ref.family = family.value;
    const condition = field(resource, 'Condition');
    let conditioned = condition?.kind === 'string' ? underCondition(body, condition.value, source.syntax) : body;
    // The parents' conditions hold outside this one's: the outermost is applied last.
    for (const parentCondition of [...(instance?.conditions ?? [])].reverse()) {
      conditioned = underCondition(conditioned, parentCondition, source.syntax);
    }
    if (condition?.kind === 'string' && !template.conditions.has(condition.value)) {
      // Every check still runs (the resource is read as existing under that name): a warning, not a read failure.
      (output.warnings ??= []).push(
        fileError(file, `resource ${id}: Condition ${condition.value} is not defined in Conditions`, condition.range, id),
      );
    }
    output.definitions.push({ resource: ref, body: conditioned satisfies ObjectNode, ...(range ? { range } : {}) });
  }
  if (extracted.definitions > 0 && templateErrors !== output.errors) output.errors.push(...templateErrors);
  return extracted;
}

/**
 * Gives each parameter what the parent passes it, and whether that is not what the template read on its own takes:
 * a Default the parent overrides, or a value where there is no Default. Both unknown (a parent's `!GetAtt`, no
 * Default) is no difference; nor is a Parameter Store key (read at deployment either way).
 */
function passParameters(template: TemplateInfo, instance: StackInstance): void {
  for (const [name, parameter] of template.parameters) {
    const passed = instance.passed.get(name) ?? instance.allPassed;
    if (passed === undefined) continue;
    const ssm = parameter.type !== undefined && SSM_VALUE_PARAMETER.test(parameter.type);
    const standaloneUnknown = parameter.defaultValue === undefined || ssm;
    const value = passed.value;
    const text = scalarText(value);
    // A parent's parameter with other AllowedValues can pass those too (a NOTE the template alone cannot give).
    const differs =
      !ssm &&
      (value.kind === 'unresolved'
        ? !standaloneUnknown
        : standaloneUnknown ||
          text === undefined ||
          text !== scalarText(parameter.defaultValue) ||
          (value.origin?.alternatives?.values.length ?? 0) > 0);
    parameter.passed = { ...passed, differs };
  }
}

/**
 * Template-level transforms that never rewrite an `AWS::ECS::TaskDefinition`:
 * the language extensions (whose functions are evaluated here), SAM (only
 * `AWS::Serverless::*` resources), Secrets Manager rotation and the CodeDeploy
 * blue/green hook. Any other macro (`AWS::Include`, an account's own) can
 * change the template arbitrarily, so the result as written is not the result.
 */
const HARMLESS_TRANSFORMS = new Set([
  'AWS::LanguageExtensions',
  'AWS::Serverless-2016-10-31',
  'AWS::SecretsManager-2020-07-23',
  'AWS::CodeDeployBlueGreen',
]);

function checkTransforms(root: ValueNode, file: string, errors: ScanError[]): void {
  const transform = field(root, 'Transform');
  if (transform === undefined || transform.kind === 'null') return;
  const items = transform.kind === 'array' ? transform.items : [transform];
  for (const item of items) {
    // A macro with parameters is written `{Name: X, Parameters: {...}}`.
    const name = scalarText(item) ?? scalarText(field(item, 'Name'));
    if (name !== undefined && HARMLESS_TRANSFORMS.has(name)) continue;
    const what = name === undefined ? 'a Transform' : `Transform ${name}`;
    errors.push(
      fileError(
        file,
        notSupportedOffline(
          `${what} rewrites the template at deployment; the task definitions are checked as written, ` +
            'scan the processed template for the deployed result',
        ),
        item.range,
      ),
    );
  }
}

/** The fields the checks judge, which a resource-level `Condition:` decides exist at all. */
const CONDITIONED_FIELDS = new Set(['containerDefinitions', 'networkMode']);

/**
 * A resource with `Condition: C` exists only when C is true: its containers and
 * network mode become values under C (absent otherwise), so every finding says
 * `when condition C is true`, and an `Fn::If` on C inside it keeps only the
 * branch that can coexist with the resource.
 */
function underCondition(body: ObjectNode, condition: string, syntax: Syntax): ObjectNode {
  return {
    ...body,
    entries: body.entries.map((e) =>
      CONDITIONED_FIELDS.has(e.key)
        ? {
            ...e,
            value: {
              kind: 'conditional',
              condition,
              whenTrue: e.value,
              whenFalse: { kind: 'null', syntax },
              ...(e.value.range ? { range: e.value.range } : {}),
              syntax,
            },
          }
        : e,
    ),
  };
}

/** `an array`, `a string`: a value's kind in a sentence. */
const withArticle = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
