import type { ValueNode } from '../../model/value.js';
import { type ResolveContext, invalidAt, unresolvedAt, withOrigin } from './resolve-context.js';

const LIST_PARAMETER = /^(CommaDelimitedList|List<.*>)$/;

/**
 * `Ref`: a parameter with a Default becomes that Default (the node where it is
 * written, with the Ref as its origin); anything only known at deployment is
 * unresolved; `AWS::NoValue` means the property is absent.
 */
export function resolveRef(name: string, site: ValueNode, ctx: ResolveContext): ValueNode {
  if (name === 'AWS::NoValue') return { kind: 'null', ...(site.range ? { range: site.range } : {}), syntax: ctx.syntax };
  if (name.startsWith('AWS::')) return unresolvedAt(site, ctx, `pseudo parameter ${name} depends on the deployment`);
  const parameter = ctx.template.parameters.get(name);
  if (parameter) {
    const value = parameter.defaultValue;
    if (value === undefined) return unresolvedAt(site, ctx, `parameter ${name} has no Default`);
    if (value.kind === 'string' && parameter.type !== undefined && LIST_PARAMETER.test(parameter.type)) {
      const items: ValueNode[] = value.value.split(',').map((item) => ({ ...value, value: item }));
      return withOrigin({ kind: 'array', items, ...(value.range ? { range: value.range } : {}), syntax: ctx.syntax }, site, ctx);
    }
    // Parameter values are strings to CloudFormation; only a Number parameter's Default is a number.
    return withOrigin(value, site, ctx, parameter.type !== 'Number');
  }
  if (ctx.template.resources.has(name)) return unresolvedAt(site, ctx, `resource ${name} is known only after deployment`);
  return invalidAt(site, ctx, `Ref to ${name}, which is not a parameter or resource of this template`);
}
