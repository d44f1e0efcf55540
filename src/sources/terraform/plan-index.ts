import { type JSONPath, type ParseErrorCode, printParseErrorCode, visit } from 'jsonc-parser';
import { indexStrictPlan } from './plan-index-strict.js';

export interface Span {
  start: number;
  end: number;
}

/** What one resource in a plan is, and where its values are, without parsing them. */
export interface IndexedResource {
  address?: string;
  type?: string;
  mode?: string;
  /** `values` in planned_values, `change.after` in resource_changes. */
  values?: Span;
  /** `change.after_unknown` in resource_changes. */
  unknown?: Span;
  /**
   * The string literal of `container_definitions` in `values` (planned_values), when it is one (the last, if the key
   * is written twice): the values are read without its text, which is most of theirs, and the string decoded apart.
   */
  definitionsText?: Span;
}

export interface PlanIndex {
  planned: IndexedResource[];
  changes: IndexedResource[];
  configuration?: Span;
  error?: { message: string; offset: number };
}

/*
 * Where the index finds what it records, by the path of a value (both readers use these); `length` reads the path as
 * if cut to that length.
 */
export const isPlannedResource = (path: JSONPath, length = path.length): boolean =>
  path[0] === 'planned_values' && path[length - 2] === 'resources' && typeof path[length - 1] === 'number';
export const isChange = (path: JSONPath, length = path.length): boolean => length === 2 && path[0] === 'resource_changes';
/** A change's `after` or `after_unknown` object: its name, else undefined. */
export const changeValues = (path: JSONPath): 'after' | 'after_unknown' | undefined => {
  const last = path[3];
  return path.length === 4 && path[0] === 'resource_changes' && path[2] === 'change' && (last === 'after' || last === 'after_unknown')
    ? last
    : undefined;
};

type Open = { span: Span; set: (span: Span) => void } | undefined;

/**
 * One streaming pass over a plan (tens of MB for big estates) that records each
 * resource's address, type and the spans of its values. Only the values of
 * task definitions are then parsed into position trees: a full tree of the
 * whole plan, twice over for planned_values and resource_changes, cost ~4×.
 */
export function indexPlan(text: string): PlanIndex {
  return indexStrictPlan(text) ?? indexPlanByVisitor(text);
}

/** The index by jsonc-parser's visitor, which reads any text and reports its first syntax error. */
export function indexPlanByVisitor(text: string): PlanIndex {
  const index: PlanIndex = { planned: [], changes: [] };
  const open: Open[] = [];
  let inside = 0; // depth inside a values object: nothing there needs a path
  /** The planned resource whose values are being read, if they are. */
  let valuesOf: IndexedResource | undefined;
  const track = (offset: number, set: (span: Span) => void): void => {
    open.push({ span: { start: offset, end: offset }, set });
    inside++;
  };
  visit(
    text,
    {
      onObjectBegin(offset, _length, _line, _column, pathSupplier) {
        if (inside > 0) {
          open.push(undefined);
          inside++;
          return;
        }
        const path = pathSupplier();
        const last = path[path.length - 1];
        if (isPlannedResource(path)) index.planned.push({});
        else if (isChange(path)) index.changes.push({});
        else if (last === 'values' && isPlannedResource(path, path.length - 1)) {
          const resource = index.planned[index.planned.length - 1];
          track(offset, (span) => resource && (resource.values = span));
          valuesOf = resource;
          if (resource) delete resource.definitionsText;
          return;
        } else if (changeValues(path)) {
          const resource = index.changes[index.changes.length - 1];
          track(offset, (span) => resource && (last === 'after' ? (resource.values = span) : (resource.unknown = span)));
          return;
        } else if (path.length === 1 && last === 'configuration') {
          track(offset, (span) => (index.configuration = span));
          return;
        }
        open.push(undefined);
      },
      onObjectEnd(offset, length) {
        const entry = open.pop();
        if (inside > 0) inside--;
        if (inside === 0) valuesOf = undefined;
        if (!entry) return;
        entry.span.end = offset + length;
        entry.set(entry.span);
      },
      onArrayBegin() {
        if (inside > 0) inside++;
        open.push(undefined);
      },
      onArrayEnd() {
        if (inside > 0) inside--;
        open.pop();
      },
      onLiteralValue(value, offset, length, _line, _column, pathSupplier) {
        if (inside === 1 && valuesOf) {
          if (typeof value !== 'string') return; // no path copied for the values' numbers, booleans and nulls
          const path = pathSupplier();
          if (path[path.length - 1] === 'container_definitions') valuesOf.definitionsText = { start: offset, end: offset + length };
          return;
        }
        if (inside > 0 || typeof value !== 'string') return;
        const path = pathSupplier();
        const key = path[path.length - 1];
        if (key !== 'address' && key !== 'type' && key !== 'mode') return;
        const parent = path.slice(0, -1);
        const resource = isPlannedResource(parent)
          ? index.planned[index.planned.length - 1]
          : isChange(parent)
            ? index.changes[index.changes.length - 1]
            : undefined;
        if (resource) resource[key] = value;
      },
      onError(error: ParseErrorCode, offset) {
        index.error ??= {
          message: printParseErrorCode(error)
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toLowerCase(),
          offset,
        };
      },
    },
    { disallowComments: true },
  );
  return index;
}
