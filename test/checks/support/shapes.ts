import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCheck } from '../../../src/checks/catalogue.js';
import { scan } from '../../../src/engine/scan.js';
import { cloudFormationTemplate, terraformResource } from '../../../src/report/check-pages.js';

/**
 * Writes one ECS task definition (API camelCase shape) in every source shape a
 * user has: register input JSON, describe output (the live API's shape),
 * CloudFormation YAML, Terraform HCL and a Terraform plan, and scans each
 * through the real sources.
 */
export type Shape = 'json' | 'describe' | 'cloudformation' | 'terraform' | 'plan';
export const SHAPES: Shape[] = ['json', 'describe', 'cloudformation', 'terraform', 'plan'];

export interface Seen {
  status: string;
  field?: string;
  container?: string;
  message: string;
  severity: string;
}

type Body = Record<string, unknown>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A Terraform volume/runtime_platform object in plan form: nested blocks are lists. */
function planBlock(value: Body): Body {
  const out: Body = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'host') out['host_path'] = (v as Body)['sourcePath'];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out[snake(key)] = [planBlock(v as Body)];
    else out[snake(key)] = v;
  }
  return out;
}

export function render(body: Body, shape: Shape): { name: string; text: string } {
  const { containerDefinitions, volumes, runtimePlatform, ...task } = body;
  switch (shape) {
    case 'json':
      return { name: 'task-definition.json', text: JSON.stringify(body, null, 2) };
    case 'describe':
      return {
        name: 'describe.json',
        text: JSON.stringify({ taskDefinition: { taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${String(body['family'])}:3`, revision: 3, status: 'ACTIVE', ...body } }, null, 2),
      };
    case 'cloudformation':
      return { name: 'template.yaml', text: cloudFormationTemplate(body) };
    case 'terraform':
      return { name: 'main.tf', text: terraformResource(body) };
    case 'plan': {
      const values: Body = { pid_mode: null, ipc_mode: null, network_mode: null, volume: [], runtime_platform: [] };
      for (const [key, v] of Object.entries(task)) values[snake(key)] = v;
      values['container_definitions'] = JSON.stringify(containerDefinitions);
      values['volume'] = ((volumes as Body[] | undefined) ?? []).map(planBlock);
      if (runtimePlatform) values['runtime_platform'] = [planBlock(runtimePlatform as Body)];
      const resource = { address: 'aws_ecs_task_definition.this', mode: 'managed', type: 'aws_ecs_task_definition', name: 'this', provider_name: 'registry.terraform.io/hashicorp/aws', schema_version: 1, values };
      return {
        name: 'plan.json',
        text: JSON.stringify({ format_version: '1.2', terraform_version: '1.9.8', planned_values: { root_module: { resources: [resource] } } }, null, 2),
      };
    }
  }
}

/** The check's findings (without PASS) for the body written in one shape. */
export async function findingsIn(checkId: string, body: Body, shape: Shape): Promise<Seen[]> {
  const check = findCheck(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const dir = mkdtempSync(join(tmpdir(), 'ecsguard-shape-'));
  const { name, text } = render(body, shape);
  writeFileSync(join(dir, name), text);
  const result = await scan({ paths: [dir], checks: [check] });
  if (result.errors.length) throw new Error(`${shape}: ${result.errors.map((e) => e.message).join('; ')}`);
  if (result.summary.taskDefinitions !== 1) throw new Error(`${shape}: ${result.summary.taskDefinitions} task definitions read`);
  return result.findings.map((f) => ({
    status: f.status,
    ...(f.field ? { field: f.field } : {}),
    ...(f.container ? { container: f.container } : {}),
    message: f.message,
    severity: f.severity,
  }));
}
