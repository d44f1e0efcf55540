/**
 * Scans a synthetic corpus of task-definition JSON and CloudFormation templates
 * with the real CLI process and prints files/s and peak memory.
 * Targets (issue 2): at least 1,000 files/s end to end, peak memory under 300 MB.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { generateTaskDefinition, seededRandom } from './support/corpus.js';
import { measureProcess, median } from './support/measure.js';

const JSON_FILES = Number(process.env.BENCH_JSON_FILES ?? 2000);
const CFN_FILES = Number(process.env.BENCH_CFN_FILES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0]?.toUpperCase() + k.slice(1), pascal(v)]));
  }
  return value;
}

function writeCorpus(root: string): void {
  const random = seededRandom(42);
  mkdirSync(path.join(root, 'json'), { recursive: true });
  mkdirSync(path.join(root, 'cloudformation'), { recursive: true });
  for (let i = 0; i < JSON_FILES; i++) {
    writeFileSync(path.join(root, 'json', `td-${i}.json`), JSON.stringify(generateTaskDefinition(random, i), null, 2));
  }
  for (let i = 0; i < CFN_FILES; i++) {
    const td = generateTaskDefinition(random, JSON_FILES + i);
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `Service ${i}`,
      Parameters: { ImageTag: { Type: 'String', Default: '1.0.0' } },
      Resources: { TaskDefinition: { Type: 'AWS::ECS::TaskDefinition', Properties: pascal(td) } },
      Outputs: { TaskDefinitionArn: { Value: { Ref: 'TaskDefinition' } } },
    };
    writeFileSync(path.join(root, 'cloudformation', `stack-${i}.yaml`), stringify(template));
  }
}

async function main(): Promise<void> {
  const root = path.join(tmpdir(), `ecsguard-bench-files-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  writeCorpus(root);
  const files = JSON_FILES + CFN_FILES;
  const bin = path.resolve('bin/ecsguard.js');
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const m = await measureProcess(process.execPath, [bin, 'scan', root, '--format', 'json', '--output', path.join(root, 'report.json')]);
    if (m.exitCode !== 1) throw new Error(`unexpected exit code ${m.exitCode}: ${m.stderr}`);
    runs.push(m);
  }
  rmSync(root, { recursive: true, force: true });
  const wall = median(runs.map((r) => r.wallMs));
  const peak = Math.max(...runs.map((r) => r.peakRssMb));
  const rate = files / (wall / 1000);
  console.log(`corpus: ${JSON_FILES} task-definition JSON + ${CFN_FILES} CloudFormation YAML (1-5 containers each)`);
  console.log(`wall time (median of ${RUNS}, whole CLI process): ${wall.toFixed(0)} ms`);
  console.log(`throughput: ${rate.toFixed(0)} files/s (target >= 1000) ${rate >= 1000 ? 'OK' : 'MISSED'}`);
  console.log(`peak RSS: ${peak.toFixed(0)} MB (target < 300) ${peak < 300 ? 'OK' : 'MISSED'}`);
}

await main();
