import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type ScanResult, scan } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/finding.js';
import type { SourceDefinition, SourceOutput } from '../../../src/sources/source.js';
import { terraformHcl } from '../../../src/sources/terraform/index.js';

export const FIXTURES = 'test/fixtures/terraform';

export function scanPaths(paths: string[], varFiles: string[] = []): Promise<ScanResult> {
  return scan({ paths, checks: CHECKS, includePassed: true, varFiles });
}

/** checkId → status for one resource. */
export function statuses(result: ScanResult, resourceId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of result.findings) if (f.resource.id === resourceId) out[f.checkId] = f.status;
  return out;
}

export function finding(result: ScanResult, resourceId: string, checkId: string): Finding {
  const found = result.findings.find((f) => f.resource.id === resourceId && f.checkId === checkId);
  if (!found) throw new Error(`no ${checkId} finding for ${resourceId}`);
  return found;
}

/** `file:line:column` of a finding's location. */
export function at(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.start.line}:${f.location.start.column}` : '(none)';
}

/** Loads one main.tf (plus extra files) written to a fresh temporary module directory. */
export async function loadModule(files: Record<string, string>, varFiles: string[] = []): Promise<{ output: SourceOutput; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-tf-'));
  const inputs = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return { path: join(dir, name), absolutePath: join(dir, name), text };
  });
  const output = await terraformHcl.load(
    inputs.filter((f) => !f.path.endsWith('.json') || f.path.endsWith('.tf.json')),
    { varFiles },
  );
  return { output, dir };
}

export function definition(output: SourceOutput, id: string): SourceDefinition {
  const found = output.definitions.find((d) => d.resource.id === id);
  if (!found) throw new Error(`no definition ${id}; have ${output.definitions.map((d) => d.resource.id).join(', ')}`);
  return found;
}

export const CHECK_IDS = CHECKS.map((c) => c.meta.id);

export function allStatuses(status: string): Record<string, string> {
  return Object.fromEntries(CHECK_IDS.map((id) => [id, status]));
}

/**
 * A plan of 130 task definitions, more than one part: every seventh has container_definitions that are not JSON
 * (a failure), every fifth a misspelt judged field (an error that stops no check), the others alternate root and
 * non-root users.
 */
export function bigPlan(): string {
  const resources = [];
  for (let i = 0; i < 130; i++) {
    const containers =
      i % 7 === 3
        ? '[{"name": 1,'
        : i % 5 === 1
          ? JSON.stringify([{ name: 'app', user: '1000', priviliged: true }])
          : JSON.stringify([{ name: 'app', image: 'nginx', user: i % 2 === 0 ? '1000' : '0' }]);
    resources.push({
      address: `aws_ecs_task_definition.svc[${i}]`,
      mode: 'managed',
      type: 'aws_ecs_task_definition',
      name: 'svc',
      index: i,
      values: { family: `svc-${i}`, network_mode: 'awsvpc', container_definitions: containers },
    });
  }
  return JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources } } }, null, 2);
}
