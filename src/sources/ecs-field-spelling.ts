import type { ScanError } from '../model/finding.js';
import type { SourceRange } from '../model/location.js';
import { READ_ONLY_FIELDS } from '../model/task-definition.js';
import type { ObjectEntry, ObjectNode, ValueNode } from '../model/value.js';
import { JUDGED_FIELDS, PROPERTY_NAMES, USER_MAPS, ecsKeyName, nearJudgedProperty, unreadFieldEntry } from './cloudformation/ecs-keys.js';
import { fileError } from './source.js';

/** What DescribeTaskDefinition adds around the fields one registers; all ECS names. */
const DESCRIBE_ONLY = [...READ_ONLY_FIELDS, 'taskDefinition', 'tags', 'name', 'targetType', 'targetId', 'value'];

/** Lowercased ECS API field name → its spelling. EFS's CloudFormation `FilesystemId` is `fileSystemId` in the API. */
const ECS_FIELDS = new Map<string, string>();
for (const name of [...PROPERTY_NAMES.map(ecsKeyName), ...DESCRIBE_ONLY]) {
  const lower = name.toLowerCase();
  if (lower === 'filesystemid') ECS_FIELDS.set(lower, 'fileSystemId');
  else if (!ECS_FIELDS.has(lower)) ECS_FIELDS.set(lower, name);
}
const USER_MAP_FIELDS = new Set([...USER_MAPS].map(ecsKeyName));

/** The ECS field a key names in another case, or undefined when it is spelt right or names no field. */
export function otherCaseOf(key: string): string | undefined {
  const field = ECS_FIELDS.get(key.toLowerCase());
  return field !== undefined && field !== key ? field : undefined;
}

/** The judged ECS field an unknown key most likely misspells (`priviledged`, `Privileged'`), if any. */
export function misspeltJudgedField(key: string): string | undefined {
  if (ECS_FIELDS.has(key.toLowerCase())) return undefined;
  const property = nearJudgedProperty(key);
  return property === undefined ? undefined : ecsKeyName(property);
}

export interface KeyProblem {
  message: string;
  range?: SourceRange;
}

export const isJudgedField = (field: string): boolean => JUDGED_FIELDS.has(field);

export interface SpellingReport {
  file: string;
  resource?: string;
  errors: ScanError[];
  warnings: ScanError[];
}

/**
 * Task-definition JSON as `aws ecs register-task-definition --cli-input-json` reads it: field names are
 * case-sensitive and an unknown one is rejected. A judged field in another case or misspelt hides the value a
 * verdict needs (other consumers, such as Go tools that decode case-insensitively, would read `Privileged` as
 * privileged), so it is an error; another field in the wrong case is a warning. Nothing is renamed.
 */
export function reportStrictSpelling(node: ValueNode, report: SpellingReport): void {
  walkKeys(node, (entry) => {
    const { other, intended } = keySpelling(entry.key);
    if (other !== undefined) {
      const message = `unknown field "${entry.key}": ECS field names are case-sensitive (did you mean ${other}?); the AWS CLI rejects it`;
      (isJudgedField(other) ? report.errors : report.warnings).push(fileError(report.file, message, entry.keyRange, report.resource));
      return;
    }
    if (intended !== undefined) {
      const message =
        `unknown field "${entry.key}": not an ECS field (did you mean ${intended}?); reading it as "not set" could ` +
        'pass what was meant';
      report.errors.push(fileError(report.file, message, entry.keyRange, report.resource));
    }
  });
}

/**
 * A task-definition body read as the AWS CLI reads it: its spelling problems reported into `output`, and the body the
 * checks should read (withMisspeltJudgedFields, when a judged field is miswritten).
 */
export function withStrictSpelling(
  body: ObjectNode,
  file: string,
  resource: string,
  output: { errors: ScanError[]; warnings?: ScanError[] },
): ObjectNode {
  const before = output.errors.length;
  reportStrictSpelling(body, { file, resource, errors: output.errors, warnings: (output.warnings ??= []) });
  return output.errors.length > before ? (withMisspeltJudgedFields(body) as ObjectNode) : body;
}

/**
 * `node` with each judged field written in another case or misspelt (`"Privileged": true`, `"privilege": true`) also
 * under its ECS name, as an unresolved value: the checks that read it are UNKNOWN, never PASS on a "not set" the
 * author did not mean (the input error reportStrictSpelling gives says why). The same tree when there is none.
 */
export function withMisspeltJudgedFields(node: ValueNode): ValueNode {
  switch (node.kind) {
    case 'object': {
      let entries: ObjectEntry[] | undefined;
      node.entries.forEach((entry, i) => {
        if (USER_MAP_FIELDS.has(entry.key)) return;
        const value = withMisspeltJudgedFields(entry.value);
        if (value === entry.value) return;
        entries ??= node.entries.slice();
        entries[i] = { ...entry, value };
      });
      for (const entry of node.entries) {
        const { other, intended } = keySpelling(entry.key);
        const meant = other !== undefined && isJudgedField(other) ? other : intended;
        if (meant === undefined || node.entries.some((e) => e.key === meant) || entries?.some((e) => e.key === meant)) continue;
        (entries ??= node.entries.slice()).push(
          unreadFieldEntry(entry, meant, {
            expression: `${JSON.stringify(entry.key)} (a field the AWS CLI rejects)`,
            reason: `"${entry.key}" is not the ECS field ${meant}: the value is not read`,
          }),
        );
      }
      return entries ? { ...node, entries } : node;
    }
    case 'array': {
      let items: ValueNode[] | undefined;
      node.items.forEach((item, i) => {
        const value = withMisspeltJudgedFields(item);
        if (value !== item) (items ??= node.items.slice())[i] = value;
      });
      return items ? { ...node, items } : node;
    }
    default:
      return node;
  }
}

/** What a key is: a field in another case, a misspelt judged field, or neither (most keys, asked for in every file). */
const spellings = new Map<string, { other?: string; intended?: string }>();
const SPELT_RIGHT = Object.freeze({});

function keySpelling(key: string): { other?: string; intended?: string } {
  let known = spellings.get(key);
  if (known === undefined) {
    const other = otherCaseOf(key);
    const intended = other === undefined ? misspeltJudgedField(key) : undefined;
    known = other !== undefined ? { other } : intended !== undefined ? { intended } : SPELT_RIGHT;
    if (spellings.size > 10_000) spellings.clear();
    spellings.set(key, known);
  }
  return known;
}

/** Calls `visit` for every key below `node`, except the user's own keys inside maps such as dockerLabels. */
function walkKeys(node: ValueNode, visit: (entry: ObjectEntry) => void): void {
  switch (node.kind) {
    case 'object':
      for (const entry of node.entries) {
        visit(entry);
        if (!USER_MAP_FIELDS.has(entry.key)) walkKeys(entry.value, visit);
      }
      return;
    case 'array':
      for (const item of node.items) walkKeys(item, visit);
      return;
    case 'conditional':
      walkKeys(node.whenTrue, visit);
      walkKeys(node.whenFalse, visit);
      return;
    default:
  }
}

/** Whether one of the first `end` entries has this key. */
function keyBefore(entries: readonly ObjectEntry[], end: number, key: string): boolean {
  for (let j = 0; j < end; j++) if ((entries[j] as ObjectEntry).key === key) return true;
  return false;
}

/**
 * Container definitions as the Terraform AWS provider reads them: it decodes the JSON with Go's encoding/json,
 * which matches field names case-insensitively (an exact match first; the last of several keys naming one field
 * wins) and ignores unknown ones. Keys are renamed to the field they set, so `Privileged = true` is judged as
 * privileged; a misspelt judged field, which the provider ignores, is returned as a problem.
 */
export function foldProviderKeys(node: ValueNode, problems: KeyProblem[]): ValueNode {
  switch (node.kind) {
    case 'object': {
      // The node itself when no key is renamed or repeated and no value changes (most of a plan's thousands).
      let entries: ObjectEntry[] | undefined;
      for (let i = 0; i < node.entries.length; i++) {
        const entry = node.entries[i] as ObjectEntry;
        const { other, intended } = keySpelling(entry.key);
        const key = other ?? entry.key;
        if (intended !== undefined) {
          problems.push({
            message: `unknown field "${entry.key}" in container_definitions: the AWS provider ignores it (did you mean ${intended}?)`,
            ...(entry.keyRange ? { range: entry.keyRange } : {}),
          });
        }
        const value = USER_MAP_FIELDS.has(key) ? entry.value : foldProviderKeys(entry.value, problems);
        const same = key === entry.key && value === entry.value;
        if (same && entries === undefined && !keyBefore(node.entries, i, key)) continue;
        entries ??= node.entries.slice(0, i);
        const renamed: ObjectEntry = same ? entry : { ...entry, key, value };
        const earlier = entries.findIndex((e) => e.key === key);
        if (earlier >= 0) entries.splice(earlier, 1);
        entries.push(renamed);
      }
      return entries === undefined ? node : { ...node, entries };
    }
    case 'array': {
      let items: ValueNode[] | undefined;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i] as ValueNode;
        const folded = foldProviderKeys(item, problems);
        if (folded !== item) (items ??= node.items.slice())[i] = folded;
      }
      return items === undefined ? node : { ...node, items };
    }
    case 'conditional':
      return { ...node, whenTrue: foldProviderKeys(node.whenTrue, problems), whenFalse: foldProviderKeys(node.whenFalse, problems) };
    default:
      return node;
  }
}
