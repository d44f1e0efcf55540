import { type SourceRange, endOffsetOf, startOffsetOf } from '../../model/location.js';
import type { ValueNode } from '../../model/value.js';
import { describeJsonError } from '../json/json-tree.js';
import { buildJsonValue } from '../json/json-values.js';
import { MAX_NESTING, tooDeepAt } from '../nesting.js';
import { HOLE_MARKER, type PartialText, type TemplatePlaceholder, type TextOrigin } from './values.js';

export type DecodedJson = { root: ValueNode } | { error: string; range?: SourceRange };

/**
 * Decodes JSON held in a string value (heredoc, quoted string, file(), a plan's
 * `container_definitions`). With the string's origin, every node and key points
 * at the characters in the file that wrote it; without one, at `fallback`.
 */
export function decodeEmbeddedJson(text: string, origin: TextOrigin | undefined, fallback: SourceRange | undefined): DecodedJson {
  // Offsets only: line and column are computed for the few ranges a finding or an error shows.
  const ranges = origin?.lines.lazyRanges(origin.path);
  const rangeOf = (offset: number, length: number): SourceRange | undefined => {
    if (!origin || !ranges) return fallback;
    return ranges.range(origin.offsetAt(offset), origin.offsetAt(offset + length));
  };
  // The file's own check skips strings: JSON in one nested past the limit is refused here, at its bracket, before the
  // parser recurses that deep (a stack overflow would stop the whole file, and at a depth that depends on the thread).
  const tooDeep = tooDeepAt(text);
  if (tooDeep !== undefined) {
    const range = rangeOf(tooDeep, 1);
    return { error: `nested more than ${MAX_NESTING} levels deep ([ and {); not read`, ...(range ? { range } : {}) };
  }
  const built = buildJsonValue(text, rangeOf, origin !== undefined || fallback !== undefined);
  if ('error' in built) {
    const range = rangeOf(built.error.offset, built.error.length);
    return { error: `invalid JSON: ${describeJsonError(built.error.code)}`, ...(range ? { range } : {}) };
  }
  if ('empty' in built) {
    const range = rangeOf(0, text.length);
    return { error: 'invalid JSON: the string is empty', ...(range ? { range } : {}) };
  }
  const root = built.root;
  return { root: origin?.placeholders?.length ? markPlaceholders(root, origin.placeholders) : root };
}

/**
 * A value written by a placeholder gets the placeholder as its origin, so a fix does not edit the `${…}` as if it
 * were the value. A substituted character sits at the offset of its `${`. A templatefile() placeholder marks every
 * scalar it writes even partly (its text in the template is `${user}`, shared by every caller); any other
 * interpolation marks a value, object or list whose first or last character it wrote (one it wrote only the inside
 * of, `"${var.image}:1"`, stays the template's, whose fix reads the interpolation there).
 */
export function markPlaceholders(node: ValueNode, placeholders: TemplatePlaceholder[]): ValueNode {
  const range = node.range;
  const substituted = range
    ? placeholders.find((p) => {
        if (p.range.file !== range.file) return false;
        const at = startOffsetOf(p.range);
        if (at === startOffsetOf(range) || at === endOffsetOf(range) - 1) return true;
        return (
          p.argument !== undefined &&
          node.kind !== 'object' &&
          node.kind !== 'array' &&
          startOffsetOf(range) <= at &&
          at < endOffsetOf(range)
        );
      })
    : undefined;
  const origin = substituted && {
    expression: substituted.expression,
    range: substituted.range,
    ...(substituted.argument ? { templateArgument: substituted.argument } : {}),
  };
  switch (node.kind) {
    case 'object': {
      const entries = node.entries.map((e) => ({ ...e, value: markPlaceholders(e.value, placeholders) }));
      return origin ? { ...node, entries, origin } : { ...node, entries };
    }
    case 'array': {
      const items = node.items.map((item) => markPlaceholders(item, placeholders));
      return origin ? { ...node, items, origin } : { ...node, items };
    }
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return origin ? { ...node, origin } : node;
    default:
      return node;
  }
}

/** The identity origin of a whole file's text. */
export function wholeTextOrigin(path: string, lines: TextOrigin['lines']): TextOrigin {
  return { path, lines, offsetAt: (index) => Math.min(index, lines.text.length) };
}

/**
 * JSON in a template some of whose interpolations are unresolved: each hole
 * becomes an unresolved value at its place (a string that is only the hole is
 * the hole's expression; a string with text around it is unresolved as a
 * whole), so literal values beside it are still judged. Undefined when the
 * holes make the JSON itself undecidable (they write structure, not values).
 */
export function decodePartialJson(partial: PartialText, fallback: SourceRange | undefined): ValueNode | undefined {
  const decoded = decodeEmbeddedJson(partial.text, partial.origin, fallback);
  if (!('root' in decoded)) return undefined;
  return fillHoles(decoded.root, partial);
}

function fillHoles(node: ValueNode, partial: PartialText): ValueNode {
  switch (node.kind) {
    case 'object': {
      const hidden = node.entries.find((e) => e.sourceKey.match(HOLE_MARKER));
      if (hidden) {
        const hole = partial.holes.get(hidden.sourceKey.match(HOLE_MARKER)?.[0] ?? '');
        const reason = hole?.value.kind === 'unresolved' ? hole.value.reason : undefined;
        return {
          kind: 'unresolved',
          expression: restore(hidden.sourceKey, partial),
          reason: `object key ${restore(hidden.sourceKey, partial)} cannot be resolved${reason ? `: ${reason}` : ''}`,
          ...(node.range ? { range: node.range } : {}),
          syntax: 'json',
        };
      }
      return { ...node, entries: node.entries.map((e) => ({ ...e, value: fillHoles(e.value, partial) })) };
    }
    case 'array':
      return { ...node, items: node.items.map((item) => fillHoles(item, partial)) };
    case 'string': {
      const markers = node.value.match(HOLE_MARKER);
      if (!markers) return node;
      const first = partial.holes.get(markers[0]);
      if (node.value === markers[0] && first) return first.value;
      const reason = first?.value.kind === 'unresolved' ? first.value.reason : undefined;
      return {
        kind: 'unresolved',
        expression: restore(node.value, partial),
        ...(reason ? { reason } : {}),
        ...(node.range ? { range: node.range } : {}),
        syntax: 'json',
      };
    }
    default:
      return node;
  }
}

/** The text with each marker replaced by the interpolation as written. */
function restore(text: string, partial: PartialText): string {
  return text.replace(HOLE_MARKER, (marker) => partial.holes.get(marker)?.text ?? marker);
}
