import { type DefinitionConstraint, type Origin, type ValueNode, scalarText } from '../../model/value.js';
import type { ParameterInfo, PassedParameter } from './template.js';
import { type ResolveContext, invalidAt, unresolvedAt, withOrigin } from './resolve-context.js';

const LIST_PARAMETER = /^(CommaDelimitedList|List<.*>)$/;
/** Its Default is a Parameter Store key; CloudFormation reads the value behind it at deployment. */
export const SSM_VALUE_PARAMETER = /^AWS::SSM::Parameter::Value</;

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
    const passed = parameter.passed;
    if (passed?.differs && ctx.nesting) ctx.nesting.differs = true;
    const value = passed ? passed.value : parameter.defaultValue;
    if (value === undefined) return unresolvedAt(site, ctx, `parameter ${name} has no Default`);
    if (parameter.type !== undefined && SSM_VALUE_PARAMETER.test(parameter.type)) {
      const key = scalarText(value);
      return unresolvedAt(
        site,
        ctx,
        `parameter ${name} is read from Systems Manager Parameter Store${key === undefined ? '' : ` (${key})`} at deployment`,
      );
    }
    if (passed) return passedValue(name, parameter, passed, value, site, ctx);
    return defaultValueOf(name, parameter, value, site, ctx);
  }
  if (ctx.template.resources.has(name)) return unresolvedAt(site, ctx, `resource ${name} is known only after deployment`);
  return invalidAt(site, ctx, `Ref to ${name}, which is not a parameter or resource of this template`);
}

/** The parameter's Default, where it is written. */
function defaultValueOf(name: string, parameter: ParameterInfo, value: ValueNode, site: ValueNode, ctx: ResolveContext): ValueNode {
  const definition = declaredDefinition(name, parameter);
  const list = asList(value, parameter, ctx.syntax);
  if (list) return withOrigin(list, site, ctx, false, definition);
  // Parameter values are strings to CloudFormation; only a Number parameter's Default is a number.
  const resolved = withOrigin(value, site, ctx, parameter.type !== 'Number', definition);
  const alternatives = otherAllowedValues(value, parameter.allowedValues, parameter.type, ctx);
  if (!alternatives.length || !resolved.origin) return resolved;
  return {
    ...resolved,
    origin: { ...resolved.origin, alternatives: { values: alternatives, source: `parameter ${name}, AllowedValues` } },
  };
}

/**
 * A value the parent stack passes (resolved in the parent, at its place there): unresolved there, unresolved here;
 * computed there (Fn::Sub), kept with its own origin; each branch of an `Fn::If` there, marked as passed.
 */
function passedValue(
  name: string,
  parameter: ParameterInfo,
  passed: PassedParameter,
  value: ValueNode,
  site: ValueNode,
  ctx: ResolveContext,
): ValueNode {
  if (value.kind === 'unresolved') {
    return unresolvedAt(site, ctx, `parameter ${name} is passed by ${passed.by} as ${value.expression}: ${value.reason}`);
  }
  if (value.kind === 'conditional') {
    return {
      ...value,
      whenTrue: passedValue(name, parameter, passed, value.whenTrue, site, ctx),
      whenFalse: passedValue(name, parameter, passed, value.whenFalse, site, ctx),
    };
  }
  if (value.kind === 'null') {
    // `!Ref AWS::NoValue` there: the parameter is not passed, and takes its Default.
    const fallback = parameter.defaultValue;
    return fallback === undefined
      ? unresolvedAt(site, ctx, `parameter ${name} has no Default`)
      : defaultValueOf(name, parameter, fallback, site, ctx);
  }
  if (value.origin && !value.origin.definition) return value;
  const definition = passedDefinition(name, parameter, passed, value);
  const list = asList(value, parameter, value.syntax ?? ctx.syntax);
  if (list) return withOrigin(list, site, ctx, false, definition);
  const resolved = withOrigin(value, site, ctx, parameter.type !== 'Number', definition);
  const alternatives = value.origin?.alternatives;
  return alternatives && resolved.origin ? { ...resolved, origin: { ...resolved.origin, alternatives } } : resolved;
}

/**
 * A list parameter's value as the list CloudFormation makes of it: "Each member string is space trimmed" (AWS
 * CloudFormation User Guide, Parameters). Undefined for any other parameter or value.
 */
function asList(value: ValueNode, parameter: ParameterInfo, syntax: ValueNode['syntax']): ValueNode | undefined {
  if (value.kind !== 'string' || parameter.type === undefined || !LIST_PARAMETER.test(parameter.type)) return undefined;
  const items: ValueNode[] = value.value.split(',').map((item) => ({ ...value, value: item.trim() }));
  return { kind: 'array', items, ...(value.range ? { range: value.range } : {}), ...(syntax ? { syntax } : {}) };
}

/** The parameter as its template declares it: where a fixer writes its Default. */
function declaredDefinition(name: string, parameter: ParameterInfo): NonNullable<Origin['definition']> {
  const declaredAt = parameter.declaredAt;
  const definition: NonNullable<Origin['definition']> = declaredAt
    ? { name: `parameter ${name}`, references: parameter.references, range: declaredAt }
    : { name: `parameter ${name}`, references: parameter.references };
  const constraint = parameterConstraint(parameter);
  if (constraint) definition.constraint = constraint;
  return definition;
}

/**
 * A value a parent stack passes: written in the parent's Parameters (or, through the parent's own parameter, at its
 * Default). It is used by every reference to the parameter here, and when it came through a parameter of the parent,
 * by every reference to that one too: a fixer changes it only when that makes one use in all.
 */
function passedDefinition(
  name: string,
  parameter: ParameterInfo,
  passed: PassedParameter,
  value: ValueNode,
): NonNullable<Origin['definition']> {
  const upstream = value.origin?.definition;
  const references = upstream ? upstream.references + parameter.references - 1 : parameter.references;
  const at = upstream?.range ?? passed.declaredAt;
  const named = upstream ? `${upstream.name} (passed by ${passed.by} as parameter ${name})` : `parameter ${name} as ${passed.by} passes it`;
  const definition: NonNullable<Origin['definition']> = at ? { name: named, references, range: at } : { name: named, references };
  // A value written there must fit what both declarations allow.
  const constraint = bothConstraints(upstream?.constraint, parameterConstraint(parameter));
  if (constraint) definition.constraint = constraint;
  return definition;
}

/** What a value must be to fit two declarations (a parent's parameter passed to a nested template's). */
function bothConstraints(a: DefinitionConstraint | undefined, b: DefinitionConstraint | undefined): DefinitionConstraint | undefined {
  if (!a || !b) return a ?? b;
  const both: DefinitionConstraint = {};
  if (a.number || b.number) both.number = true;
  if (a.allowedValues && b.allowedValues) both.allowedValues = a.allowedValues.filter((v) => b.allowedValues?.includes(v));
  else if (a.allowedValues || b.allowedValues) both.allowedValues = a.allowedValues ?? b.allowedValues;
  const patterns = [a.allowedPattern, b.allowedPattern].filter((p): p is string => p !== undefined);
  // Each anchored as the fixer anchors one (plan-edits.ts): the first as a lookahead.
  if (patterns.length === 2 && patterns[0] !== patterns[1]) both.allowedPattern = `(?=(?:${patterns[0]})$)(?:${patterns[1]})`;
  else if (patterns[0] !== undefined) both.allowedPattern = patterns[0];
  const bounds = { ...a.bounds };
  for (const [key, value] of Object.entries(b.bounds ?? {}) as Array<[keyof NonNullable<DefinitionConstraint['bounds']>, number]>) {
    const other = bounds[key];
    bounds[key] = other === undefined ? value : key.startsWith('min') ? Math.max(other, value) : Math.min(other, value);
  }
  if (Object.keys(bounds).length) both.bounds = bounds;
  if (a.validated || b.validated) both.validated = true;
  return both;
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
