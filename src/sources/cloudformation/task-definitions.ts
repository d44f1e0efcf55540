import { type ObjectNode, type Syntax, type ValueNode, field, scalarText } from '../../model/value.js';
import type { ResourceRef } from '../../model/task-definition.js';
import { type SourceOutput, fileError } from '../source.js';
import { toEcsKeys } from './ecs-keys.js';
import type { ResolveContext } from './resolve-context.js';
import { resolveValue } from './resolve.js';
import { readTemplateInfo } from './template.js';

export const TASK_DEFINITION_TYPE = 'AWS::ECS::TaskDefinition';

export interface TemplateText {
  file: string;
  text: string;
  syntax: Syntax;
}

/**
 * Every `AWS::ECS::TaskDefinition` of one template document becomes a
 * definition whose body has ECS API keys and resolved intrinsics. Shape
 * problems inside Properties (a container list that is not a list, a container
 * without a name) are left to `normalizeTaskDefinition`, which reports them.
 */
export function extractTaskDefinitions(root: ValueNode, source: TemplateText, output: SourceOutput): void {
  const { file } = source;
  if (root.kind !== 'object') {
    output.errors.push(fileError(file, `a CloudFormation template must be a mapping, found ${root.kind}`, root.range));
    return;
  }
  const resources = field(root, 'Resources');
  if (resources === undefined) return;
  if (resources.kind !== 'object') {
    output.errors.push(fileError(file, `Resources must be a mapping, found ${resources.kind}`, resources.range));
    return;
  }
  const template = readTemplateInfo(root);
  for (const { key: id, keyRange, value: resource } of resources.entries) {
    if (resource.kind !== 'object') {
      output.errors.push(fileError(file, `resource ${id} must be a mapping, found ${resource.kind}`, resource.range, id));
      continue;
    }
    if (scalarText(field(resource, 'Type')) !== TASK_DEFINITION_TYPE) continue;

    const range =
      keyRange && resource.range ? { file, start: keyRange.start, end: resource.range.end } : (resource.range ?? keyRange);
    const ref: ResourceRef = { kind: 'file', source: 'cloudformation', id, file };
    const ctx: ResolveContext = { template, text: source.text, file, syntax: source.syntax, resourceId: id, errors: [] };
    const properties = field(resource, 'Properties');
    const body: ValueNode =
      properties === undefined || properties.kind === 'null'
        ? { kind: 'object', entries: [], ...(range ? { range } : {}), syntax: source.syntax }
        : toEcsKeys(resolveValue(properties, ctx), ctx);
    output.errors.push(...ctx.errors);
    if (body.kind !== 'object') {
      const found = body.kind === 'unresolved' ? body.expression : `a ${body.kind}`;
      const error = fileError(file, `resource ${id}: Properties must be a mapping, found ${found}`, properties?.range, id);
      output.failures.push({ resource: ref, error, ...(range ? { range } : {}) });
      continue;
    }
    const family = field(body, 'family');
    if (family?.kind === 'string') ref.family = family.value;
    output.definitions.push({ resource: ref, body: body satisfies ObjectNode, ...(range ? { range } : {}) });
  }
}
