import type { ValueNode } from '../../model/value.js';
import { field, scalarText } from '../../model/value.js';

export interface ParameterInfo {
  name: string;
  type?: string;
  /** The Default's value node, where it is written. */
  defaultValue?: ValueNode;
  /** The AllowedValues list, when it is a literal list. */
  allowedValues?: ValueNode[];
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
      parameters.set(e.key, {
        name: e.key,
        ...(type !== undefined ? { type } : {}),
        ...(allowed?.kind === 'array' ? { allowedValues: allowed.items } : {}),
        ...(defaultValue !== undefined && defaultValue.kind !== 'null' ? { defaultValue } : {}),
      });
    }
  }
  const conditions = field(root, 'Conditions');
  const resources = field(root, 'Resources');
  return {
    parameters,
    mappings: field(root, 'Mappings'),
    conditions: new Set(conditions?.kind === 'object' ? conditions.entries.map((e) => e.key) : []),
    resources: new Set(resources?.kind === 'object' ? resources.entries.map((e) => e.key) : []),
  };
}
