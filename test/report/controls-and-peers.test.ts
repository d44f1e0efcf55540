import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../../src/checks/catalogue.js';
import { controlsOf, frameworkChecks } from '../../src/checks/frameworks.js';
import { scan } from '../../src/engine/scan.js';
import { CSV_COLUMNS, csvReporter } from '../../src/report/csv.js';
import { htmlReporter } from '../../src/report/html.js';
import { jsonReporter } from '../../src/report/json.js';
import { textReporter } from '../../src/report/text.js';
import { fixture, runCli } from '../support/cli.js';

const FILE = fixture('peers', 'agent-host-mode.json');

async function scanned(frameworks: string[] = []) {
  const result = await scan({ paths: [FILE], checks: frameworks.length ? frameworkChecks(frameworks) : ALL_CHECKS });
  // What `scan --framework` does before reporting.
  if (frameworks.length) for (const f of result.findings) f.controls = controlsOf(f.checkId, frameworks);
  return result;
}

describe('cross-tool verdicts in reports', () => {
  it('JSON carries peers on every finding; uid 0 written "0:0" is where Prowler and ecsguard part', async () => {
    const report = JSON.parse(jsonReporter({ result: await scanned(), exitCode: 1 }, { color: false }));
    assert.ok(report.findings.every((f: { peers: unknown[] }) => Array.isArray(f.peers) && f.peers.length >= 5));
    const hostUser = report.findings.find((f: { checkId: string }) => f.checkId === 'host-network-nonroot-user');
    assert.equal(hostUser.status, 'FAIL');
    assert.deepEqual(
      hostUser.peers.filter((p: { verdict: string }) => p.verdict !== 'NOT_COVERED'),
      [
        {
          tool: 'aws-config',
          rule: 'ecs-task-definition-user-for-host-mode-check',
          control: 'ECS.1 (retired)',
          verdict: 'NOT_EVALUATED',
          why:
            'user "0:0" is not literally one of the documented root users ("root"); AWS does not document how the rule reads uid:gid, ' +
            'zero-padded or case-variant forms',
        },
        {
          tool: 'prowler',
          rule: 'ecs_task_definitions_host_networking_mode_users',
          verdict: 'PASS',
          why: 'it compares user with the literals "root" and "", and this user is "0:0"',
        },
        { tool: 'cis', rule: '3.1', verdict: 'NOT_EVALUATED', why: 'the audit text names only "root"; it does not say how "0:0" is read' },
      ],
    );
  });

  it('text shows them only with explain', async () => {
    const result = await scanned();
    const plain = textReporter({ result, exitCode: 1 }, { color: false });
    assert.doesNotMatch(plain, /Prowler/);
    const explained = textReporter({ result, exitCode: 1 }, { color: false, explain: true });
    assert.match(
      explained,
      new RegExp(
        /^ +Prowler ecs_task_definitions_host_networking_mode_users: PASS, it compares user with the literals "root"/.source +
          / and "", and this user is "0:0"$/.source,
        'm',
      ),
    );
    assert.match(explained, /^ +Checkov CKV_AWS_335: NOT COVERED, Checkov runs this check on Terraform \(aws_ecs_task_definition\) only$/m);
    assert.match(explained, /^ +no rule for this check in: Prowler, CIS AWS Compute v1\.1\.0, Checkov, Trivy$/m);
  });
});

describe('grouping by control when a framework is selected', () => {
  it('text: one heading per control, in the framework order, rows name the resource', async () => {
    const text = textReporter({ result: await scanned(['aws-fsbp']), exitCode: 1 }, { color: false });
    const headings = text.split('\n').filter((l) => /^aws-fsbp:/.test(l));
    assert.deepEqual(headings, [
      "aws-fsbp:ECS.3  ECS task definitions should not share the host's process namespace",
      'aws-fsbp:ECS.5  ECS task definitions should configure containers to be limited to read-only access to root filesystems',
      'aws-fsbp:ECS.17  ECS task definitions should not use host network mode',
      'aws-fsbp:ECS.20  ECS Task Definitions should configure non-root users in Linux container definitions',
      'aws-fsbp:ECS.21  ECS Task Definitions should configure non-administrator users in Windows container definitions',
    ]);
    assert.match(text, /FAIL +high +no-host-pid-namespace +test\/fixtures\/peers\/agent-host-mode\.json › node-agent: pidMode is "host"/);
  });

  it('CSV: control columns first, one row per finding and control', async () => {
    const csv = csvReporter({ result: await scanned(['aws-fsbp']), exitCode: 1 }, { color: false });
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], ['control', 'control_title', ...CSV_COLUMNS].join(','));
    assert.deepEqual(
      lines.slice(1).map((l) =>
        l
          .split(',')
          .slice(0, 1)
          .concat(l.split(',')[2] ?? ''),
      ),
      [
        ['aws-fsbp:ECS.3', 'no-host-pid-namespace'],
        ['aws-fsbp:ECS.5', 'readonly-root-filesystem'],
        ['aws-fsbp:ECS.17', 'no-host-network'],
        ['aws-fsbp:ECS.20', 'no-root-user'],
        ['aws-fsbp:ECS.21', 'no-root-user'],
      ],
    );
  });

  it('CSV without a framework keeps its columns', async () => {
    const csv = csvReporter({ result: await scanned(), exitCode: 1 }, { color: false });
    assert.equal(csv.split('\r\n')[0], CSV_COLUMNS.join(','));
  });

  it('HTML: a Control column, a By control card, rows in control order', async () => {
    const html = htmlReporter(
      { result: await scanned(['cis-aws-compute-1.1']), exitCode: 1, generatedAt: new Date('2026-01-01T00:00:00Z') },
      { color: false },
    );
    assert.match(html, /<th>Control<\/th><th>Status<\/th>/);
    assert.match(html, /<h2>By control<\/h2>/);
    const controls = [...html.matchAll(/<td class="mono" title="[^"]*">(cis-aws-compute-1\.1:[^<]+)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(controls, ['cis-aws-compute-1.1:3.1']);
    assert.match(html, /<details class="peers"><summary>Other tools<\/summary>/);
  });

  it('the CLI: --framework groups the text report; --explain prints the peers', async () => {
    const grouped = await runCli(['scan', FILE, '--framework', 'cis-aws-compute-1.1']);
    assert.equal(grouped.code, 1);
    assert.match(grouped.stdout, /^cis-aws-compute-1\.1:3\.1 {2}Ensure Amazon ECS task definitions using 'host' network mode/m);
    const explained = await runCli(['scan', FILE, '--checks', 'host-network-nonroot-user', '--explain']);
    assert.match(explained.stdout, /Prowler ecs_task_definitions_host_networking_mode_users: PASS/);
  });
});
