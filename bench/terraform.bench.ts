/**
 * Scans a synthetic Terraform corpus with the real CLI process and prints the figures.
 * Targets (issue 3): at least 500 .tf files/s end to end; a 5,000-resource plan JSON in under 1.5 s and 300 MB (issue 10).
 * With --jobs 3 or more the plan is read in two lanes (this thread and one worker, src/engine/shared-file.ts); the
 * default --jobs of a two-core machine reads it in one.
 * Needs `npm run build` first (`npm run bench` does it).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateTaskDefinition, seededRandom } from './support/corpus.js';
import { coresUsed, extraCaCertsNote, loadNote, machineNote, mark, measureProcess, median, pageFaultNote } from './support/measure.js';

const MODULE_DIRS = Number(process.env.BENCH_TF_DIRS ?? 250); // 4 .tf files each
const PLAN_RESOURCES = Number(process.env.BENCH_PLAN_RESOURCES ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** HCL object syntax for jsonencode(...), as people write it. */
function hcl(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${indent}  ${hcl(v, `${indent}  `)}`).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{\n${entries.map(([k, v]) => `${indent}  ${k} = ${hcl(v, `${indent}  `)}`).join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function writeHclCorpus(root: string): number {
  const random = seededRandom(7);
  let taskDefinitions = 0;
  for (let d = 0; d < MODULE_DIRS; d++) {
    const dir = path.join(root, `service-${d}`);
    mkdirSync(dir, { recursive: true });
    const a = generateTaskDefinition(random, d * 2);
    const b = generateTaskDefinition(random, d * 2 + 1);
    const [first, ...rest] = a.containerDefinitions;
    const firstWithRefs = { ...first, image: '${local.registry}/service-${var.index}:${var.image_tag}', user: 'var.user' };
    const objects = hcl([firstWithRefs, ...rest], '  ').replace('"var.user"', 'var.user');
    writeFileSync(
      path.join(dir, 'main.tf'),
      `resource "aws_ecs_task_definition" "main" {
  family                   = "${a.family}"
  network_mode             = var.network_mode
  requires_compatibilities = ["EC2"]
  tags = {
    team = "team-${d % 17}"
  }
  container_definitions = jsonencode(${objects})
}
`,
    );
    writeFileSync(
      path.join(dir, 'sidecar.tf'),
      `resource "aws_ecs_task_definition" "sidecar" {
  family       = "${b.family}"
  network_mode = "${b.networkMode ?? 'bridge'}"
  container_definitions = <<-EOT
    ${JSON.stringify(b.containerDefinitions, null, 2).split('\n').join('\n    ')}
  EOT
}
`,
    );
    writeFileSync(
      path.join(dir, 'variables.tf'),
      `variable "index" {
  default = ${d}
}

variable "image_tag" {
  type    = string
  default = "1.0.${d % 50}"
}

variable "user" {
  type    = string
  default = ${JSON.stringify(first?.user ?? '')}
}

variable "network_mode" {
  type    = string
  default = "awsvpc"
}
`,
    );
    writeFileSync(
      path.join(dir, 'locals.tf'),
      `locals {
  registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  common_tags = merge({ service = "service-${d}" }, { stage = "prod" })
}
`,
    );
    writeFileSync(path.join(dir, 'terraform.tfvars'), `network_mode = "${a.networkMode ?? 'bridge'}"\n`);
    taskDefinitions += 2;
  }
  return taskDefinitions;
}

function writePlan(file: string): void {
  const random = seededRandom(11);
  const planned = (address: string, name: string, index: number | string | undefined, td: ReturnType<typeof generateTaskDefinition>) => ({
    address,
    mode: 'managed',
    type: 'aws_ecs_task_definition',
    name,
    ...(index !== undefined ? { index } : {}),
    provider_name: 'registry.terraform.io/hashicorp/aws',
    schema_version: 1,
    values: {
      container_definitions: JSON.stringify(td.containerDefinitions),
      cpu: null,
      family: td.family,
      ipc_mode: null,
      memory: null,
      network_mode: td.networkMode ?? null,
      pid_mode: null,
      requires_compatibilities: td.requiresCompatibilities,
      runtime_platform: [],
      tags: { team: td.tags[0]?.value },
      volume: [],
    },
    sensitive_values: {},
  });
  const rootResources = [];
  const children: Array<{ address: string; resources: unknown[] }> = [];
  const changes = [];
  for (let i = 0; i < PLAN_RESOURCES; i++) {
    const td = generateTaskDefinition(random, i);
    const inModule = i % 5 !== 0;
    const moduleName = `svc_${i % 40}`;
    const address = inModule ? `module.${moduleName}.aws_ecs_task_definition.this["task-${i}"]` : `aws_ecs_task_definition.batch[${i}]`;
    const resource = planned(address, inModule ? 'this' : 'batch', inModule ? `task-${i}` : i, td);
    if (inModule) {
      let child = children.find((c) => c.address === `module.${moduleName}`);
      if (!child) children.push((child = { address: `module.${moduleName}`, resources: [] }));
      child.resources.push(resource);
    } else rootResources.push(resource);
    changes.push({
      address,
      ...(inModule ? { module_address: `module.${moduleName}` } : {}),
      mode: 'managed',
      type: 'aws_ecs_task_definition',
      name: resource.name,
      change: { actions: ['create'], before: null, after: resource.values, after_unknown: { arn: true, id: true, revision: true } },
    });
  }
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: { root_module: { resources: rootResources, child_modules: children } },
    resource_changes: changes,
  };
  writeFileSync(file, JSON.stringify(plan, null, 2));
}

async function runCli(target: string, outputFile: string, expectedTaskDefinitions: number) {
  const bin = path.resolve('bin/ecsguard.js');
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const m = await measureProcess(process.execPath, [bin, 'scan', target, '--format', 'json', '--output', outputFile]);
    if (m.exitCode !== 1) throw new Error(`unexpected exit code ${m.exitCode}: ${m.stderr}`);
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as { summary: { taskDefinitions: number; errors: number } };
    if (report.summary.taskDefinitions !== expectedTaskDefinitions || report.summary.errors !== 0) {
      throw new Error(
        `scanned ${report.summary.taskDefinitions} task definitions with ${report.summary.errors} errors, ` +
          `expected ${expectedTaskDefinitions} and 0`,
      );
    }
    runs.push(m);
  }
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    loadAverage: Math.max(...runs.map((r) => r.loadAverage)),
    minorFaults: median(runs.map((r) => r.minorFaults)),
  };
}

async function main(): Promise<void> {
  console.log(await machineNote());
  const caNote = await extraCaCertsNote();
  if (caNote) console.log(caNote);
  const root = path.join(tmpdir(), `ecsguard-bench-terraform-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const hclRoot = path.join(root, 'hcl');
  const taskDefinitions = writeHclCorpus(hclRoot);
  const planFile = path.join(root, 'plan.json');
  writePlan(planFile);
  const planMb = readFileSync(planFile).length / 1024 / 1024;
  try {
    const tfFiles = MODULE_DIRS * 4;
    const hcl = await runCli(hclRoot, path.join(root, 'hcl-report.json'), taskDefinitions);
    const rate = tfFiles / (hcl.wallMs / 1000);
    console.log(
      `HCL corpus: ${tfFiles} .tf files + ${MODULE_DIRS} terraform.tfvars in ${MODULE_DIRS} module directories, ${taskDefinitions} task ` +
        `definitions (jsonencode with var/local/interpolation, heredoc)`,
    );
    console.log(`  wall time (median of ${RUNS}, whole CLI process): ${hcl.wallMs.toFixed(0)} ms (${loadNote(hcl.loadAverage)})`);
    console.log(`  CPU time (user+sys, median): ${hcl.cpuMs.toFixed(0)} ms, ${coresUsed(hcl)}`);
    console.log(`  throughput: ${rate.toFixed(0)} .tf files/s (target >= 500) ${mark(rate >= 500)}`);
    console.log(`  peak RSS: ${hcl.peakRssMb.toFixed(0)} MB`);
    const plan = await runCli(planFile, path.join(root, 'plan-report.json'), PLAN_RESOURCES);
    console.log(
      `plan JSON: ${PLAN_RESOURCES} aws_ecs_task_definition resources (root count + 40 child modules with ` +
        `for_each), ${planMb.toFixed(1)} MB`,
    );
    console.log(
      `  wall time (median of ${RUNS}, whole CLI process): ${(plan.wallMs / 1000).toFixed(2)} s (target < 1.5 ` +
        `s) ${mark(plan.wallMs < 1500)} (${loadNote(plan.loadAverage)})`,
    );
    console.log(`  CPU time (user+sys, median): ${(plan.cpuMs / 1000).toFixed(2)} s, ${coresUsed(plan)} (one lane: see the header)`);
    console.log(`  peak RSS: ${plan.peakRssMb.toFixed(0)} MB (target < 300) ${mark(plan.peakRssMb < 300)}`);
    console.log(`  fresh memory: ${await pageFaultNote(plan.minorFaults)}`);
  } finally {
    if (process.env.BENCH_KEEP) console.log(`corpus kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

await main();
