import type { ScanError } from '../../model/finding.js';
import { endOffsetOf, startOffsetOf } from '../../model/location.js';
import type { Origin, Syntax, UnresolvedNode, ValueNode } from '../../model/value.js';
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
  /** Problems that leave some verdict impossible (resources or values hidden by a transform or loop). */
  errors: ScanError[];
  /** Template mistakes whose value is kept unresolved in place, so every verdict is still produced. */
  warnings: ScanError[];
  /**
   * Set for a resource of a nested stack's template read through its parent: `differs` becomes true once a value the
   * parent passes, and the template read on its own does not take, is read (the resource is then reported apart).
   * Copies of the context share it.
   */
  nesting?: { differs: boolean };
}

/** The expression exactly as written at `site`, on one line and shortened for messages. */
export function expressionAt(site: ValueNode, ctx: ResolveContext): string {
  const range = site.range;
  if (!range) return '(expression)';
  // By offsets: a lazy range (OffsetRange) then computes no line or column.
  const written = ctx.text.slice(startOffsetOf(range), endOffsetOf(range));
  const text = (isOneLine(written) ? written : written.replace(/\s+/g, ' ')).trim();
  return text.length > MAX_EXPRESSION_LENGTH ? `${text.slice(0, MAX_EXPRESSION_LENGTH - 1)}…` : text;
}

/**
 * Whether `text` has no white space but single spaces (`!GetAtt Role.Arn`, the usual expression), which the
 * collapsing replace would return unchanged: it is then skipped.
 */
function isOneLine(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (text.charCodeAt(i + 1) === 32) return false;
    } else if (c < 32 || c === 0x7f || c > 0x7e) {
      // Control characters include tabs and line breaks; beyond ASCII, \s also matches Unicode spaces.
      if (c < 32 || /\s/.test(text[i] as string)) return false;
    }
  }
  return true;
}

export function unresolvedAt(site: ValueNode, ctx: ResolveContext, reason: string): UnresolvedNode {
  // Literals rather than a conditional spread (a generic copy): the same keys in the same order.
  const expression = expressionAt(site, ctx);
  const range = site.range;
  return range
    ? { kind: 'unresolved', expression, reason, range, syntax: ctx.syntax }
    : { kind: 'unresolved', expression, reason, syntax: ctx.syntax };
}

/**
 * A template mistake CloudFormation itself would reject: a warning, and the
 * value is unresolved at its place, so only checks that read it are UNKNOWN.
 */
export function invalidAt(site: ValueNode, ctx: ResolveContext, message: string): UnresolvedNode {
  ctx.warnings.push(problemAt(site, ctx, message));
  return unresolvedAt(site, ctx, message);
}

/**
 * Something evaluated only at deployment (`Fn::Transform`): its result can be
 * anything, not just the value at its place, so it is an error.
 */
export function unsupportedAt(site: ValueNode, ctx: ResolveContext, message: string): UnresolvedNode {
  ctx.errors.push(problemAt(site, ctx, message));
  return unresolvedAt(site, ctx, message);
}

function problemAt(site: ValueNode, ctx: ResolveContext, message: string): ScanError {
  // Outside a resource (a loop's collection in Resources) there is no logical id to name.
  const text = ctx.resourceId ? `resource ${ctx.resourceId}: ${message}` : message;
  return fileError(ctx.file, text, site.range, ctx.resourceId || undefined);
}

/** Marks a value as reached through the expression at `site`; the value keeps its own range. */
export function withOrigin<T extends ValueNode>(
  value: T,
  site: ValueNode,
  ctx: ResolveContext,
  definitionTakesStrings = false,
  definition?: Origin['definition'],
): T {
  // Fields added in the order the spreads gave them, without a conditional spread's generic copy.
  const origin: Origin = { expression: expressionAt(site, ctx) };
  if (site.range) origin.range = site.range;
  if (definitionTakesStrings) origin.definitionTakesStrings = definitionTakesStrings;
  if (definition) origin.definition = definition;
  return { ...value, origin };
}

/** A value computed by a function (`Fn::Sub`, `Fn::Join`): it lives where the call is written. */
export function computedString(value: string, site: ValueNode, ctx: ResolveContext): ValueNode {
  const range = site.range;
  const node: ValueNode = range ? { kind: 'string', value, range, syntax: ctx.syntax } : { kind: 'string', value, syntax: ctx.syntax };
  return withOrigin(node, site, ctx);
}
