import { PROPERTY_NAMES } from './ecs-keys.js';
import { SHORT_FORM_TAGS, longFormName } from './intrinsics.js';

/**
 * Keys and tags templates are made of, so that the YAML fast path takes a key it reads from these strings instead of
 * copying it out of the text: a string literal is interned, with its hash computed once, so the Map and Set lookups
 * and comparisons that follow (renaming properties, finding sections and intrinsic functions) neither hash a fresh
 * copy of every key nor compare it character by character. Which names are here changes only speed, never a result.
 */
const TEMPLATE_KEYS = [
  // Template sections and resource attributes
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Type',
  'Properties',
  'Condition',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
  // Parameters and outputs
  'Default',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
  'Value',
  'Export',
  // Resources a service template usually holds next to its task definitions
  'Version',
  'Statement',
  'Effect',
  'Principal',
  'Action',
  'Service',
  'AssumeRolePolicyDocument',
  'ManagedPolicyArns',
  'Policies',
  'PolicyName',
  'PolicyDocument',
  'LogGroupName',
  'RetentionInDays',
  'Cluster',
  'TaskDefinition',
  'DesiredCount',
  'LaunchType',
  'DeploymentConfiguration',
  'MaximumPercent',
  'MinimumHealthyPercent',
  'NetworkConfiguration',
  'AwsvpcConfiguration',
  'Subnets',
  'SecurityGroups',
  'LoadBalancers',
  'TargetGroupArn',
  // Intrinsic functions, long form
  'Ref',
  ...SHORT_FORM_TAGS.map(longFormName),
];

/** Known names by length and first character (ASCII, under 64 characters); each bucket holds one or a few. */
const BUCKETS: Array<string[] | undefined> = [];

function bucketIndex(length: number, first: number): number {
  return length < 64 && first < 128 ? length * 128 + first : -1;
}

for (const name of new Set([...TEMPLATE_KEYS, ...PROPERTY_NAMES, ...SHORT_FORM_TAGS.map((tag) => `!${tag}`)])) {
  const index = bucketIndex(name.length, name.charCodeAt(0));
  if (index !== -1) (BUCKETS[index] ??= []).push(name);
}

/** The known name written at `start` to `end` of `text`, or undefined (then the caller copies the text). */
export function knownKey(text: string, start: number, end: number): string | undefined {
  const index = bucketIndex(end - start, text.charCodeAt(start));
  if (index === -1) return undefined;
  const bucket = BUCKETS[index];
  if (bucket === undefined) return undefined;
  for (let i = 0; i < bucket.length; i++) {
    const name = bucket[i] as string;
    if (text.startsWith(name, start)) return name;
  }
  return undefined;
}
