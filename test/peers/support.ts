import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALL_CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import type { TaskDefinition } from '../../src/model/task-definition.js';

/**
 * The normalized models the real sources build from a file's text (the peers'
 * test cases are rewritten as such files), keyed by resource id: Terraform
 * address, CloudFormation logical id, JSON family.
 */
export async function modelsFrom(name: string, text: string, expectedErrors: RegExp[] = []): Promise<Map<string, TaskDefinition>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ecsguard-peers-'));
  try {
    await writeFile(path.join(dir, name), text);
    const models = new Map<string, TaskDefinition>();
    const result = await scan({
      paths: [dir],
      checks: ALL_CHECKS,
      onEvaluated: ({ taskDefinition }) => models.set(taskDefinition.resource.id, taskDefinition),
    });
    // Errors that leave the definition readable (a misspelt key) are expected by name; any other is a broken fixture.
    const unexpected = result.errors.filter((e) => !expectedErrors.some((pattern) => pattern.test(e.message)));
    if (unexpected.length) throw new Error(`fixture ${name} does not read: ${unexpected.map((e) => e.message).join('; ')}`);
    for (const pattern of expectedErrors) {
      if (!result.errors.some((e) => pattern.test(e.message)))
        throw new Error(`fixture ${name}: expected an error matching ${String(pattern)}`);
    }
    return models;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function model(models: Map<string, TaskDefinition>, id: string): TaskDefinition {
  const td = models.get(id);
  if (!td) throw new Error(`no task definition ${id} (have ${[...models.keys()].join(', ')})`);
  return td;
}
