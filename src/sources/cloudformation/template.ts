import type { SourceRange } from '../../model/location.js';
import type { ObjectEntry, ValueNode } from '../../model/value.js';
import { field, scalarText } from '../../model/value.js';
import { spanRange } from './span.js';

export interface ParameterInfo {
  name: string;
  type?: string;
  /** The Default's value node, where it is written. */
  defaultValue?: ValueNode;
  /** The AllowedValues list, when it is a literal list. */
  allowedValues?: ValueNode[];
  allowedPattern?: string;
  /** MinLength, MaxLength (String) and MinValue, MaxValue (Number), when they are numbers. */
  bounds?: ParameterBounds;
  /** How many `Ref`s and `Fn::Sub` `${Name}`s in the template name it. */
  references: number;
  /** The declaration under Parameters. */
  declaredAt?: SourceRange;
  /** The value a parent stack passes it (a nested stack's template read through its parent: nested-stacks.ts). */
  passed?: PassedParameter;
}

/** A parameter value a parent stack's `Parameters` pass to its nested stack, resolved in the parent. */
export interface PassedParameter {
  value: ValueNode;
  /** Who passes it, for messages: `nested stack App in infra/parent.yaml`. */
  by: string;
  /** The entry under the parent's Parameters, from its key to its value. */
  declaredAt?: SourceRange;
  /** It is not what the template read on its own takes (its Default, or nothing known): see ResolveContext.nesting. */
  differs: boolean;
}

export interface ParameterBounds {
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
}

const BOUND_KEYS = [
  ['MinLength', 'minLength'],
  ['MaxLength', 'maxLength'],
  ['MinValue', 'minValue'],
  ['MaxValue', 'maxValue'],
] as const;

function boundsOf(parameter: ValueNode): ParameterBounds | undefined {
  let bounds: ParameterBounds | undefined;
  for (const [key, name] of BOUND_KEYS) {
    const text = scalarText(field(parameter, key));
    const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
    if (Number.isFinite(value)) (bounds ??= {})[name] = value;
  }
  return bounds;
}

/** What intrinsic functions need to know about the template they sit in. */
export interface TemplateInfo {
  parameters: Map<string, ParameterInfo>;
  mappings: ValueNode | undefined;
  conditions: Set<string>;
  resources: Set<string>;
}

export function readTemplateInfo(root: ValueNode): TemplateInfo {
  const parameters = new Map<string, ParameterInfo>();
  const section = field(root, 'Parameters');
  if (section?.kind === 'object') {
    for (const e of section.entries) {
      const type = scalarText(field(e.value, 'Type'));
      const defaultValue = field(e.value, 'Default');
      const allowed = field(e.value, 'AllowedValues');
      const pattern = scalarText(field(e.value, 'AllowedPattern'));
      const declaredAt = e.keyRange && e.value.range ? spanRange(e.keyRange, e.value.range) : e.keyRange;
      // Fields added key by key in the order the spreads gave them (no conditional spread's generic copy).
      const parameter: ParameterInfo = { name: e.key, references: 0 };
      if (declaredAt) parameter.declaredAt = declaredAt;
      if (type !== undefined) parameter.type = type;
      if (allowed?.kind === 'array') parameter.allowedValues = allowed.items;
      if (pattern !== undefined) parameter.allowedPattern = pattern;
      const bounds = boundsOf(e.value);
      if (bounds) parameter.bounds = bounds;
      if (defaultValue !== undefined && defaultValue.kind !== 'null') parameter.defaultValue = defaultValue;
      parameters.set(e.key, parameter);
    }
  }
  countReferences(root, parameters);
  const conditions = field(root, 'Conditions');
  const resources = field(root, 'Resources');
  return {
    parameters,
    mappings: field(root, 'Mappings'),
    conditions: new Set(conditions?.kind === 'object' ? conditions.entries.map((e) => e.key) : []),
    resources: new Set(resources?.kind === 'object' ? resources.entries.map((e) => e.key) : []),
  };
}

/** `${Name}` in an `Fn::Sub` string, not `${!Literal}`, not `${Resource.Attribute}`. */
const SUB_VARIABLE = /\$\{([^}!][^}]*)\}/g;

/**
 * The one-entry mappings named `Ref` or `Fn::Sub` of a tree, in any order, recorded by whoever built the tree (the
 * YAML fast path, while building): {@link countReferences} then reads them instead of walking the whole template.
 * A tree not recorded here is walked.
 */
export const REFERENCE_SITES = new WeakMap<ValueNode, readonly ValueNode[]>();

/**
 * Counts the references to every parameter in the whole template, as
 * CloudFormation reads them: `Ref` (long or short form) and the variables of
 * `Fn::Sub` that its own variable map does not define.
 */
function countReferences(root: ValueNode, parameters: Map<string, ParameterInfo>): void {
  if (parameters.size === 0) return; // nothing to count
  const sites = REFERENCE_SITES.get(root);
  if (sites) {
    for (let i = 0; i < sites.length; i++) countCall(sites[i] as ValueNode, parameters);
    return;
  }
  const visit = (node: ValueNode): void => {
    switch (node.kind) {
      case 'object': {
        const entries = node.entries;
        if (entries.length === 1) countCall(node, parameters);
        for (let i = 0; i < entries.length; i++) visit((entries[i] as ObjectEntry).value);
        return;
      }
      case 'array':
        for (let i = 0; i < node.items.length; i++) visit(node.items[i] as ValueNode);
        return;
      case 'conditional':
        visit(node.whenTrue);
        visit(node.whenFalse);
        return;
      default:
    }
  };
  visit(root);
}

/** The references a one-entry mapping makes, when it is a `Ref` or an `Fn::Sub` (no closure or call record per site). */
function countCall(node: ValueNode, parameters: Map<string, ParameterInfo>): void {
  if (node.kind !== 'object' || node.entries.length !== 1) return;
  const entry = node.entries[0] as ObjectEntry;
  const argument = entry.value;
  if (entry.key === 'Ref') {
    if (argument.kind === 'string') countReference(argument.value, parameters);
  } else if (entry.key === 'Fn::Sub') {
    const [template, variables] = argument.kind === 'array' ? argument.items : [argument];
    if (template?.kind === 'string') {
      for (const match of template.value.matchAll(SUB_VARIABLE)) {
        const name = (match[1] ?? '').trim();
        if (!name.includes('.') && field(variables, name) === undefined) countReference(name, parameters);
      }
    }
  }
}

function countReference(name: string, parameters: Map<string, ParameterInfo>): void {
  const parameter = parameters.get(name);
  if (parameter) parameter.references++;
}
