import type { ScanError } from '../../model/finding.js';
import type { Syntax, UnresolvedNode, ValueNode } from '../../model/value.js';
import { fileError } from '../source.js';
import type { TemplateInfo } from './template.js';

const MAX_EXPRESSION_LENGTH = 80;

/** Everything resolution needs about one resource in one template. */
export interface ResolveContext {
  template: TemplateInfo;
  text: string;
  file: string;
  syntax: Syntax;
  /** Logical id of the resource being resolved, for error reports. */
  resourceId: string;
  errors: ScanError[];
}

/** The expression exactly as written at `site`, on one line and shortened for messages. */
export function expressionAt(site: ValueNode, ctx: ResolveContext): string {
  const range = site.range;
  if (!range) return '(expression)';
  const text = ctx.text.slice(range.start.offset, range.end.offset).replace(/\s+/g, ' ').trim();
  return text.length > MAX_EXPRESSION_LENGTH ? `${text.slice(0, MAX_EXPRESSION_LENGTH - 1)}…` : text;
}

export function unresolvedAt(site: ValueNode, ctx: ResolveContext, reason: string): UnresolvedNode {
  return {
    kind: 'unresolved',
    expression: expressionAt(site, ctx),
    reason,
    ...(site.range ? { range: site.range } : {}),
    syntax: ctx.syntax,
  };
}

/** A template mistake CloudFormation itself would reject: reported, and the value is unknown. */
export function invalidAt(site: ValueNode, ctx: ResolveContext, message: string): UnresolvedNode {
  // Outside a resource (a loop's collection in Resources) there is no logical id to name.
  const text = ctx.resourceId ? `resource ${ctx.resourceId}: ${message}` : message;
  ctx.errors.push(fileError(ctx.file, text, site.range, ctx.resourceId || undefined));
  return unresolvedAt(site, ctx, message);
}

/** Marks a value as reached through the expression at `site`; the value keeps its own range. */
export function withOrigin<T extends ValueNode>(value: T, site: ValueNode, ctx: ResolveContext, definitionTakesStrings = false): T {
  return {
    ...value,
    origin: {
      expression: expressionAt(site, ctx),
      ...(site.range ? { range: site.range } : {}),
      ...(definitionTakesStrings ? { definitionTakesStrings } : {}),
    },
  };
}

/** A value computed by a function (`Fn::Sub`, `Fn::Join`): it lives where the call is written. */
export function computedString(value: string, site: ValueNode, ctx: ResolveContext): ValueNode {
  return withOrigin({ kind: 'string', value, ...(site.range ? { range: site.range } : {}), syntax: ctx.syntax }, site, ctx);
}
