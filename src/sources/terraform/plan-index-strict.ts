import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  NOT_STRICT,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  afterMember,
  lastStringEscaped,
  skipArray,
  skipObject,
  skipSpace,
  skipString,
  skipValue,
  stringValue,
} from '../json/strict-json-scan.js';
import { type IndexedResource, type PlanIndex, changeValues, isChange, isPlannedResource } from './plan-index.js';

/**
 * The plan index of a text that is strict JSON, by a scanner that builds no string it does not keep
 * (src/sources/json/strict-json-scan.ts). jsonc-parser's visitor builds every string value it meets, and most of a
 * plan is its resources' values, their container_definitions above all, whose escaped JSON it rebuilt character by
 * character: 5,000 resources (18 MB) took about a sixth of a scan's time.
 *
 * Undefined for any other text: the visitor then reads it and says where it is wrong. For strict JSON the index is
 * the visitor's, record for record (test/sources/terraform/plan-index.test.ts compares them).
 */
export function indexStrictPlan(text: string): PlanIndex | undefined {
  const index: PlanIndex = { planned: [], changes: [] };
  try {
    return skipSpace(text, walk(text, skipSpace(text, 0), [], index)) === text.length ? index : undefined;
  } catch (error) {
    // Out of stack: the visitor, which uses less stack a level, may read it.
    if (error === NOT_STRICT || error instanceof RangeError) return undefined;
    throw error;
  }
}

type Path = Array<string | number>;

/** Nothing the index records lies below other paths: outside planned_values, or below a change's `change` member. */
const mayHoldIndexed = (path: Path): boolean =>
  path.length === 0 || path[0] === 'planned_values' || (path[0] === 'resource_changes' && path.length <= 3);

/** Reads the value at `i`, whose path is `path`, into the index; returns the offset after it. */
function walk(text: string, i: number, path: Path, index: PlanIndex): number {
  const c = text.charCodeAt(i);
  if (c === OPEN_BRACE) return walkObject(text, i, path, index);
  if (c === OPEN_BRACKET) {
    if (!mayHoldIndexed(path)) return skipArray(text, i);
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
    for (let n = 0; ; n++) {
      path.push(n);
      i = skipSpace(text, walk(text, i, path, index));
      path.pop();
      i = afterMember(text, i, CLOSE_BRACKET);
      if (i < 0) return -i;
    }
  }
  if (c !== QUOTE) return skipValue(text, i);
  const end = skipString(text, i);
  const key = path[path.length - 1];
  if (key === 'address' || key === 'type' || key === 'mode') {
    const resource = isPlannedResource(path, path.length - 1)
      ? index.planned[index.planned.length - 1]
      : isChange(path, path.length - 1)
        ? index.changes[index.changes.length - 1]
        : undefined;
    if (resource) resource[key] = stringValue(text, i, end);
  }
  return end;
}

function walkObject(text: string, open: number, path: Path, index: PlanIndex): number {
  const last = path[path.length - 1];
  if (isPlannedResource(path)) index.planned.push({});
  else if (isChange(path)) index.changes.push({});
  else if (last === 'values' && isPlannedResource(path, path.length - 1)) {
    const resource = index.planned[index.planned.length - 1];
    if (resource) delete resource.definitionsText;
    const end = skipPlannedValues(text, open, resource);
    if (resource) resource.values = { start: open, end };
    return end;
  } else if (changeValues(path)) {
    const resource = index.changes[index.changes.length - 1];
    const end = skipObject(text, open);
    if (resource && last === 'after') resource.values = { start: open, end };
    else if (resource) resource.unknown = { start: open, end };
    return end;
  } else if (path.length === 1 && last === 'configuration') {
    const end = skipObject(text, open);
    index.configuration = { start: open, end };
    return end;
  }
  if (!mayHoldIndexed(path)) return skipObject(text, open);

  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw NOT_STRICT;
    const keyEnd = skipString(text, i);
    path.push(stringValue(text, i, keyEnd));
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) throw NOT_STRICT;
    i = skipSpace(text, walk(text, skipSpace(text, i + 1), path, index));
    path.pop();
    i = afterMember(text, i, CLOSE_BRACE);
    if (i < 0) return -i;
  }
}

const DEFINITIONS_KEY = '"container_definitions"';

/** A planned resource's `values`, validated, with the span of a container_definitions string among its members. */
function skipPlannedValues(text: string, open: number, resource: IndexedResource | undefined): number {
  let i = skipSpace(text, open + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw NOT_STRICT;
    const keyEnd = skipString(text, i);
    const isDefinitions = lastStringEscaped()
      ? stringValue(text, i, keyEnd) === 'container_definitions'
      : keyEnd - i === DEFINITIONS_KEY.length && text.startsWith(DEFINITIONS_KEY, i);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) throw NOT_STRICT;
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (isDefinitions && resource && text.charCodeAt(valueStart) === QUOTE) resource.definitionsText = { start: valueStart, end: valueEnd };
    i = afterMember(text, skipSpace(text, valueEnd), CLOSE_BRACE);
    if (i < 0) return -i;
  }
}
