import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS, CHECKS, selectChecks } from '../../src/checks/catalogue.js';
import { FRAMEWORKS, controlsOf, frameworkChecks } from '../../src/checks/frameworks.js';
import { runCli } from '../support/cli.js';

const ids = (checks: ReadonlyArray<{ meta: { id: string } }>) => checks.map((c) => c.meta.id);

describe('check selection', () => {
  it('a plain scan runs the five host-breach checks; hardening and all are groups', () => {
    assert.deepEqual(ids(selectChecks(undefined, undefined)), [
      'no-privileged-containers',
      'no-root-user',
      'host-network-nonroot-user',
      'host-network-no-privilege',
      'no-host-network',
    ]);
    assert.deepEqual(ids(selectChecks(['all'], undefined)), ids(ALL_CHECKS));
    assert.deepEqual(
      ids(selectChecks(['hardening'], undefined)),
      ids(ALL_CHECKS).filter((id) => !ids(CHECKS).includes(id)),
    );
    assert.deepEqual(ids(selectChecks(['default', 'no-host-pid-namespace'], ['no-host-network'])), [
      'no-privileged-containers',
      'no-root-user',
      'host-network-nonroot-user',
      'host-network-no-privilege',
      'no-host-pid-namespace',
    ]);
    assert.throws(() => selectChecks(['hardned'], undefined), /unknown check id: hardned .*groups: default, host-breach, hardening, all/);
    assert.deepEqual(ids(selectChecks(['host-breach'], undefined)), [
      'no-privileged-containers',
      'no-root-user',
      'host-network-nonroot-user',
      'host-network-no-privilege',
      'no-host-network',
      'no-host-pid-namespace',
      'no-host-ipc-namespace',
      'no-dangerous-capabilities',
      'no-sensitive-host-mounts',
    ]);
  });
});

describe('frameworks', () => {
  it('every control names checks that exist', () => {
    for (const f of FRAMEWORKS)
      for (const c of f.controls) for (const id of c.checks) assert.ok(ids(ALL_CHECKS).includes(id), `${f.id} ${c.control}: ${id}`);
  });

  it('aws-fsbp covers ECS.3, 4, 5, 8, 9, 17, 18, 20, 21 and says ECS.1 is retired', () => {
    const fsbp = FRAMEWORKS.find((f) => f.id === 'aws-fsbp');
    assert.deepEqual(
      fsbp?.controls.map((c) => c.control),
      ['ECS.3', 'ECS.4', 'ECS.5', 'ECS.8', 'ECS.9', 'ECS.17', 'ECS.18', 'ECS.20', 'ECS.21'],
    );
    assert.match(fsbp?.notes.join(' ') ?? '', /ECS\.1 .*retired in March 2026/);
    assert.deepEqual(controlsOf('no-root-user', ['aws-fsbp']), ['aws-fsbp:ECS.20', 'aws-fsbp:ECS.21']);
  });

  it('selects the framework checks, opt-in ones included', () => {
    assert.deepEqual(ids(frameworkChecks(['cis-aws-compute-1.1'])), [
      'no-privileged-containers',
      'host-network-no-privilege',
      'no-secrets-in-environment',
      'logging-configured',
    ]);
    assert.deepEqual(controlsOf('no-privileged-containers', ['aws-fsbp', 'cis-aws-compute-1.1']), [
      'aws-fsbp:ECS.4',
      'cis-aws-compute-1.1:3.4',
    ]);
    assert.deepEqual(controlsOf('no-privileged-containers', ['prowler']), ['prowler:ecs_task_definitions_no_privileged_containers']);
  });
});

describe('--framework on the CLI (built)', () => {
  it('scan --framework labels JSON and SARIF findings with controls', async () => {
    const json = await runCli(['scan', 'examples/json/batch-worker-hardening-gaps.json', '--framework', 'aws-fsbp', '--format', 'json']);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { findings: Array<{ checkId: string; controls?: string[] }> };
    assert.deepEqual(
      report.findings.map((f) => [f.checkId, f.controls]),
      [
        ['no-host-pid-namespace', ['aws-fsbp:ECS.3']],
        ['readonly-root-filesystem', ['aws-fsbp:ECS.5']],
        ['logging-configured', ['aws-fsbp:ECS.9']],
        ['no-secrets-in-environment', ['aws-fsbp:ECS.8']],
        ['efs-transit-encryption', ['aws-fsbp:ECS.18']],
      ],
    );
    const sarif = await runCli(['scan', 'examples/json/batch-worker-hardening-gaps.json', '--framework', 'aws-fsbp', '--format', 'sarif']);
    const results = JSON.parse(sarif.stdout).runs[0].results as Array<{ ruleId: string; properties: { controls?: string[] } }>;
    assert.deepEqual(results.find((r) => r.ruleId === 'no-host-pid-namespace')?.properties.controls, ['aws-fsbp:ECS.3']);
  });

  it('checks --framework prints the mapping; an unknown framework is a usage error', async () => {
    const run = await runCli(['checks', '--framework', 'aws-fsbp']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^aws-fsbp: AWS Foundational Security Best Practices/);
    assert.match(
      run.stdout,
      /\n {2}ECS\.3 +no-host-pid-namespace {2}\(ECS task definitions should not share the host's process namespace\)\n/,
    );
    assert.match(run.stdout, /Note: ECS\.1 /);
    const bad = await runCli(['checks', '--framework', 'nist']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown framework: nist/);
  });
});

describe('nist-800-53-r5 and pci-dss-4.0 (Security Hub "Related requirements")', () => {
  it('map each requirement through the Security Hub control that lists it', () => {
    const nist = FRAMEWORKS.find((f) => f.id === 'nist-800-53-r5');
    const control = (id: string) => nist?.controls.find((c) => c.control === id);
    assert.deepEqual(control('AC-6')?.checks, [
      'host-network-nonroot-user',
      'no-privileged-containers',
      'readonly-root-filesystem',
      'no-host-network',
    ]);
    assert.equal(control('AC-6')?.basis, 'Security Hub ECS.1 (retired), ECS.4, ECS.5, ECS.17 "Related requirements"');
    assert.deepEqual(control('CM-2')?.checks, ['no-host-pid-namespace', 'no-secrets-in-environment']);
    assert.deepEqual(control('AU-12')?.checks, ['logging-configured']);
    assert.ok(nist?.controls.every((c) => c.basis?.startsWith('Security Hub ECS.')));
    assert.deepEqual(controlsOf('efs-transit-encryption', ['nist-800-53-r5']), []);
    assert.deepEqual(controlsOf('no-secrets-in-environment', ['pci-dss-4.0']), ['pci-dss-4.0:8.6.2']);
    assert.deepEqual(ids(frameworkChecks(['pci-dss-4.0'])), ['no-secrets-in-environment']);
  });

  it('checks --framework prints each mapping with its basis', async () => {
    const run = await runCli(['checks', '--framework', 'pci-dss-4.0']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\n {2}8\.6\.2 +no-secrets-in-environment {2}\(.*\)\n +from Security Hub ECS\.8 "Related requirements"\n/);
  });
});
