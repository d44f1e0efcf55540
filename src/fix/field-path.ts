import type { TaskDefinition } from '../model/task-definition.js';
import { field } from '../model/value.js';
import type { FieldChange } from './plan.js';

/**
 * The index in the body's `containerDefinitions` of the model's container
 * `index`. They are the same for API-shaped bodies; matching by node identity
 * keeps it right even if a source ever skips items.
 */
export function bodyContainerIndex(taskDefinition: TaskDefinition, index: number): number {
  const container = taskDefinition.containers[index];
  const list = field(taskDefinition.body, 'containerDefinitions');
  if (!container || list?.kind !== 'array') return index;
  const found = list.items.indexOf(container.node);
  return found >= 0 ? found : index;
}

/** The full path of a change inside the register input, e.g. ['containerDefinitions', '0', 'user']. */
export function absolutePath(taskDefinition: TaskDefinition, change: FieldChange): string[] {
  if (change.container === undefined) return [...change.path];
  return ['containerDefinitions', String(bodyContainerIndex(taskDefinition, change.container)), ...change.path];
}

/** `containerDefinitions[0].linuxParameters.capabilities.drop` for messages and the plan. */
export function formatPath(path: readonly string[]): string {
  return path.reduce((text, step) => (/^\d+$/.test(step) ? `${text}[${step}]` : text ? `${text}.${step}` : step), '');
}
