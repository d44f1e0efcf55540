import { READ_ONLY_FIELDS } from '../../model/task-definition.js';
import type { Tag } from '../../sources/aws/ecs-api.js';

export { READ_ONLY_FIELDS };

export type { Tag };

/**
 * RegisterTaskDefinition input from a described definition: every field kept
 * except the read-only ones, and the tags (from `include: ['TAGS']`) carried over,
 * which the usual `jq del(...)` recipe loses.
 */
export function registerInputFrom(described: Record<string, unknown>, tags?: readonly Tag[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(described)) {
    if (!READ_ONLY_FIELDS.includes(key)) input[key] = structuredClone(value);
  }
  const carried = tags ?? (Array.isArray(input['tags']) ? (input['tags'] as Tag[]) : []);
  // Tags on register need ecs:TagResource: send them only when there are some.
  if (carried.length > 0) input['tags'] = carried.map((t) => ({ key: t.key, value: t.value }));
  else delete input['tags'];
  return input;
}
