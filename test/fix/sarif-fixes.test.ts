import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { selectChecks } from '../../src/checks/catalogue.js';
import { runFileFix } from '../../src/cli/commands/fix.js';
import { scan } from '../../src/engine/scan.js';
import { jsonReporter } from '../../src/report/json.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { assertValidSarif } from '../support/sarif-schema.js';
import { workspace } from './helpers.js';

interface Replacement {
  deletedRegion: { charOffset: number; charLength: number };
  insertedContent: { text: string };
}

/** Applies every replacement of every result's fix to the file, from the end; identical ones once (as SARIF viewers do). */
function applySarif(
  log: {
    runs: Array<{
      results: Array<{ fixes?: Array<{ artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Replacement[] }> }> }>;
    }>;
  },
  file: string,
  text: string,
): string {
  const replacements: Replacement[] = [];
  for (const result of log.runs[0]?.results ?? []) {
    for (const fix of result.fixes ?? []) {
      for (const change of fix.artifactChanges) {
        if (decodeURI(change.artifactLocation.uri) !== file.replace(/\\/g, '/')) continue;
        for (const r of change.replacements) {
          if (!replacements.some((o) => JSON.stringify(o) === JSON.stringify(r))) replacements.push(r);
        }
      }
    }
  }
  let out = text;
  for (const r of [...replacements].sort((a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset)) {
    out =
      out.slice(0, r.deletedRegion.charOffset) +
      r.insertedContent.text +
      out.slice(r.deletedRegion.charOffset + r.deletedRegion.charLength);
  }
  return out;
}

/** `ecsguard scan --format sarif` and `ecsguard fix --write` on copies of the same file; both texts after. */
async function bothWays(name: string, text: string, checkIds?: string[]) {
  const checks = selectChecks(checkIds, undefined);
  const scanned = workspace({ [name]: text });
  const written = workspace({ [name]: text });
  try {
    const file = path.join(scanned, name);
    const result = await scan({ paths: [file], checks });
    const log = JSON.parse(sarifReporter({ result, exitCode: 1 }, { color: false }));
    assertValidSarif(log);
    const json = JSON.parse(jsonReporter({ result, exitCode: 1 }, { color: false }));
    const out = new PassThrough();
    const options = {
      write: true,
      user: '1000:1000',
      networkMode: 'keep',
      format: 'text',
      maxFileSize: 10 * 1024 * 1024,
      ...(checkIds ? { checks: checkIds } : {}),
    };
    await runFileFix([path.join(written, name)], options as Parameters<typeof runFileFix>[1], out);
    return { viaSarif: applySarif(log, file, text), viaFix: readFileSync(path.join(written, name), 'utf8'), log, json };
  } finally {
    rmSync(scanned, { recursive: true, force: true });
    rmSync(written, { recursive: true, force: true });
  }
}

const JSON_TD = `{
  "family": "agent",
  "networkMode": "host",
  "containerDefinitions": [
    {
      "name": "collector",
      "image": "public.ecr.aws/example/collector:3.1",
      "user": "root",
      "privileged": true
    },
    {
      "name": "shipper",
      "image": "public.ecr.aws/example/shipper:1.0",
      "user": "0:0"
    }
  ]
}
`;

const YAML_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AgentTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: agent
      NetworkMode: bridge
      ContainerDefinitions:
        - Name: agent
          Image: public.ecr.aws/example/agent:2
          User: root   # the vendor's default
          Privileged: 'true'
          Memory: 256
`;

const HCL_MODULE = `resource "aws_ecs_task_definition" "agent" {
  family       = "agent"
  network_mode = "bridge"
  pid_mode     = "host"
  container_definitions = jsonencode([
    {
      name                   = "agent"
      image                  = "public.ecr.aws/example/agent:2"
      user                   = "0"
      readonlyRootFilesystem = false
    }
  ])
}
`;

describe('SARIF fixes are the edits `ecsguard fix --write` makes', () => {
  it('task-definition JSON: every result fixed, the same text as --write', async () => {
    const { viaSarif, viaFix, log } = await bothWays('agent.json', JSON_TD);
    const expected = JSON_TD.replace('"user": "root"', '"user": "1000:1000"')
      .replace('"privileged": true', '"privileged": false')
      .replace('"user": "0:0"', '"user": "1000:1000"');
    assert.equal(viaFix, expected);
    assert.equal(viaSarif, expected);
    const fixed = log.runs[0].results.filter((r: { fixes?: unknown }) => r.fixes).map((r: { ruleId: string }) => r.ruleId);
    // In file order: the first container's user line, its privileged line, then the second container's user.
    assert.deepEqual(fixed, [
      'no-root-user',
      'host-network-nonroot-user',
      'no-privileged-containers',
      'host-network-no-privilege',
      'no-root-user',
      'host-network-nonroot-user',
      'host-network-no-privilege',
    ]);
  });

  it('CloudFormation YAML: privileged written false, the user quoted, the comment kept', async () => {
    const { viaSarif, viaFix } = await bothWays('template.yaml', YAML_TEMPLATE);
    const expected = YAML_TEMPLATE.replace('User: root   #', 'User: "1000:1000"   #').replace("Privileged: 'true'", 'Privileged: false');
    assert.equal(viaFix, expected);
    assert.equal(viaSarif, expected);
  });

  it('Terraform HCL: pid_mode removed, readonlyRootFilesystem set, user replaced', async () => {
    const { viaSarif, viaFix, json } = await bothWays('main.tf', HCL_MODULE, [
      'no-root-user',
      'no-host-pid-namespace',
      'readonly-root-filesystem',
    ]);
    const expected = HCL_MODULE.replace('  pid_mode     = "host"\n', '')
      .replace('user                   = "0"', 'user                   = "1000:1000"')
      .replace('readonlyRootFilesystem = false', 'readonlyRootFilesystem = true');
    assert.equal(viaFix, expected);
    assert.equal(viaSarif, expected);
    const pid = json.findings.find((f: { checkId: string }) => f.checkId === 'no-host-pid-namespace');
    assert.deepEqual(pid.fix.changes, [{ container: null, containerIndex: null, path: ['pidMode'], operation: 'remove' }]);
    assert.equal(pid.fix.edits.length, 1);
    assert.equal(pid.fix.edits[0].text, '');
    assert.equal(pid.fix.edits[0].startLine, 4);
    assert.equal(pid.fix.edits[0].endLine, 5);
  });
});
