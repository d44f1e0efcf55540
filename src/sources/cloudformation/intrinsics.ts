import type { ObjectEntry, ObjectNode, ValueNode } from '../../model/value.js';

/** Short-form YAML tags CloudFormation accepts, without the `!`. */
export const SHORT_FORM_TAGS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'Cidr',
  'ImportValue',
  'GetAZs',
  'Equals',
  'Not',
  'And',
  'Or',
  'Transform',
  'ToJsonString',
  'Length',
  'GetStackOutput',
  // Rules functions (the Rules section); CloudFormation reads their short forms too.
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
] as const;

/** Functions that only the Rules section evaluates (AWS: *Rules functions*). */
export const RULES_FUNCTIONS = new Set([
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn',
  'Fn::RefAll',
  'Fn::ValueOf',
  'Fn::ValueOfAll',
]);

/** `Fn::ForEach::LoopName` keys (AWS::LanguageExtensions). */
export const FOR_EACH_PREFIX = 'Fn::ForEach::';

/** `!If` → `Fn::If`; `!Ref` and `!Condition` keep their name. */
export function longFormName(shortName: string): string {
  return shortName === 'Ref' || shortName === 'Condition' ? shortName : `Fn::${shortName}`;
}

/**
 * A one-key mapping `{Ref: …}` or `{"Fn::X": …}` is a function call. `Condition`
 * is left out on purpose: `{Condition: …}` is a real property shape in ECS
 * (`DependsOn`), and the long-form condition reference only matters inside
 * the Conditions section, which is never evaluated here.
 */
export function intrinsicCall(node: ValueNode): { name: string; argument: ValueNode; call: ObjectNode; entry: ObjectEntry } | undefined {
  if (node.kind !== 'object' || node.entries.length !== 1) return undefined;
  const entry = node.entries[0];
  if (!entry) return undefined;
  const isShortCondition = entry.key === 'Condition' && entry.sourceKey === '!Condition';
  if (entry.key !== 'Ref' && !entry.key.startsWith('Fn::') && !isShortCondition) return undefined;
  return { name: entry.key, argument: entry.value, call: node, entry };
}
