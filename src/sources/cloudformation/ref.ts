import type { SourceRange } from '../../model/location.js';
import { type DefinitionConstraint, type Origin, type ValueNode, scalarText } from '../../model/value.js';
import type { ParameterInfo } from './template.js';
import { type ResolveContext, invalidAt, unresolvedAt, withOrigin } from './resolve-context.js';

const LIST_PARAMETER = /^(CommaDelimitedList|List<.*>)$/;
/** Its Default is a Parameter Store key; CloudFormation reads the value behind it at deployment. */
const SSM_VALUE_PARAMETER = /^AWS::SSM::Parameter::Value</;

/**
 * `Ref`: a parameter with a Default becomes that Default (the node where it is
 * written, with the Ref as its origin); anything only known at deployment is
 * unresolved; `AWS::NoValue` means the property is absent.
 */
export function resolveRef(name: string, site: ValueNode, ctx: ResolveContext): ValueNode {
  if (name === 'AWS::NoValue') {
    return site.range ? { kind: 'null', range: site.range, syntax: ctx.syntax } : { kind: 'null', syntax: ctx.syntax };
  }
  if (name.startsWith('AWS::')) return unresolvedAt(site, ctx, `pseudo parameter ${name} depends on the deployment`);
  if (name.trim() === '') return invalidAt(site, ctx, 'Ref needs the name of a parameter or resource');
  const parameter = ctx.template.parameters.get(name);
  if (parameter) {
    const value = parameter.defaultValue;
    if (value === undefined) return unresolvedAt(site, ctx, `parameter ${name} has no Default`);
    if (parameter.type !== undefined && SSM_VALUE_PARAMETER.test(parameter.type)) {
      const key = scalarText(value);
      return unresolvedAt(
        site,
        ctx,
        `parameter ${name} is read from Systems Manager Parameter Store${key === undefined ? '' : ` (${key})`} at deployment`,
      );
    }
    const declaredAt = parameter.declaredAt;
    const definition: NonNullable<Origin['definition']> = declaredAt
      ? { name: `parameter ${name}`, references: parameter.references, range: declaredAt }
      : { name: `parameter ${name}`, references: parameter.references };
    const constraint = parameterConstraint(parameter);
    if (constraint) definition.constraint = constraint;
    if (value.kind === 'string' && parameter.type !== undefined && LIST_PARAMETER.test(parameter.type)) {
      // "Each member string is space trimmed" (AWS CloudFormation User Guide, Parameters).
      const items: ValueNode[] = value.value.split(',').map((item) => ({ ...value, value: item.trim() }));
      return withOrigin(
        { kind: 'array', items, ...(value.range ? { range: value.range } : {}), syntax: ctx.syntax },
        site,
        ctx,
        false,
        definition,
      );
    }
    // Parameter values are strings to CloudFormation; only a Number parameter's Default is a number.
    const resolved = withOrigin(value, site, ctx, parameter.type !== 'Number', definition);
    const alternatives = otherAllowedValues(value, parameter.allowedValues, parameter.type, ctx);
    if (!alternatives.length || !resolved.origin) return resolved;
    return {
      ...resolved,
      origin: { ...resolved.origin, alternatives: { values: alternatives, source: `parameter ${name}, AllowedValues` } },
    };
  }
  if (ctx.template.resources.has(name)) return unresolvedAt(site, ctx, `resource ${name} is known only after deployment`);
  return invalidAt(site, ctx, `Ref to ${name}, which is not a parameter or resource of this template`);
}

/**
 * The AllowedValues a deployment could pass instead of the Default, as the
 * values CloudFormation would substitute: strings, except for a Number
 * parameter. Values that are not literals are left out.
 */
function otherAllowedValues(
  defaultValue: ValueNode,
  allowed: ValueNode[] | undefined,
  type: string | undefined,
  ctx: ResolveContext,
): ValueNode[] {
  const chosen = scalarText(defaultValue);
  const out: ValueNode[] = [];
  for (const item of allowed ?? []) {
    const text = scalarText(item);
    if (text === undefined || text === chosen) continue;
    const base = { ...(item.range ? { range: item.range } : {}), syntax: ctx.syntax };
    out.push(type === 'Number' && item.kind === 'number' ? { ...item, ...base } : { kind: 'string', value: text, ...base });
  }
  return out;
}

/** What the parameter's Type, AllowedValues, AllowedPattern and bounds let a Default be. */
function parameterConstraint(parameter: ParameterInfo): DefinitionConstraint | undefined {
  const constraint: DefinitionConstraint = {};
  if (parameter.type === 'Number') constraint.number = true;
  const allowed = parameter.allowedValues?.map(scalarText);
  if (allowed && allowed.every((v) => v !== undefined)) constraint.allowedValues = allowed as string[];
  if (parameter.allowedPattern !== undefined) constraint.allowedPattern = parameter.allowedPattern;
  if (parameter.bounds) constraint.bounds = parameter.bounds;
  return Object.keys(constraint).length ? constraint : undefined;
}
