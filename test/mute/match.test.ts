import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExceptionsFile } from '../../src/mute/exceptions-file.js';
import { entryMatches, type MatchableFinding } from '../../src/mute/match.js';
import { runCli } from '../support/cli.js';

const live = (arn: string, container = 'app'): MatchableFinding => {
  const [, , , region, accountId, rest] = arn.split(':');
  return { checkId: 'no-root-user', container, resource: { id: arn, arn, region, accountId, family: rest?.split('/')[1] } };
};

function entry(selectors: string) {
  const file = parseExceptionsFile(
    `version: 1\nexceptions:\n  - checks: no-root-user\n${selectors}    reason: r\n    owner: o\n    expires: 2099-01-01\n`,
    '/repo/exceptions.yaml',
  );
  return file.entries[0] as NonNullable<(typeof file.entries)[0]>;
}

describe('exception selectors', () => {
  const web7 = live('arn:aws:ecs:us-east-1:111111111111:task-definition/web:7');

  it('an ARN without its revision covers every revision; with one, only that one', () => {
    assert.equal(entryMatches(entry('    arns: arn:aws:ecs:us-east-1:111111111111:task-definition/web\n'), web7, '/repo'), true);
    assert.equal(entryMatches(entry('    arns: arn:aws:ecs:us-east-1:111111111111:task-definition/web:7\n'), web7, '/repo'), true);
    assert.equal(entryMatches(entry('    arns: arn:aws:ecs:us-east-1:111111111111:task-definition/web:8\n'), web7, '/repo'), false);
    assert.equal(entryMatches(entry('    arns: arn:aws:ecs:*:111111111111:task-definition/w*\n'), web7, '/repo'), true);
  });

  it('every selector given must match: account and region together', () => {
    assert.equal(entryMatches(entry("    accounts: '111111111111'\n    regions: [eu-west-1, us-east-1]\n"), web7, '/repo'), true);
    assert.equal(entryMatches(entry("    accounts: '222222222222'\n    regions: us-east-1\n"), web7, '/repo'), false);
    assert.equal(entryMatches(entry('    families: web\n    containers: sidecar\n'), web7, '/repo'), false);
    // A file selector never matches a live finding.
    assert.equal(entryMatches(entry("    paths: '**'\n"), web7, '/repo'), false);
  });

  it('only the listed checks', () => {
    assert.equal(entryMatches(entry('    families: web\n'), { ...web7, checkId: 'no-host-network' }, '/repo'), false);
  });

  it('paths are globs relative to the exceptions file; names with glob characters match exactly', () => {
    const file = (p: string, container = 'app'): MatchableFinding => ({
      checkId: 'no-root-user',
      container,
      resource: { id: 'Task', file: p },
    });
    const e = entry("    paths: 'infra/legacy/**'\n");
    assert.equal(entryMatches(e, file('/repo/infra/legacy/a/b.yaml'), '/repo'), true);
    assert.equal(entryMatches(e, file('/repo/infra/current/b.yaml'), '/repo'), false);
    assert.equal(entryMatches(entry("    containers: 'web(1)'\n"), file('/repo/x.json', 'web(1)'), '/repo'), true);
    assert.equal(
      entryMatches(
        entry('    resources: aws_ecs_task_definition.*\n'),
        { ...file('/repo/x.tf'), resource: { id: 'aws_ecs_task_definition.api', file: '/repo/x.tf' } },
        '/repo',
      ),
      true,
    );
  });
});

describe('inline suppression warnings on the command line', () => {
  it('a directive without a reason is a warning naming file and line, and the finding still fails', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-inline-'));
    const tf = path.join(dir, 'main.tf');
    writeFileSync(
      tf,
      'resource "aws_ecs_task_definition" "a" {\n  family = "a"\n  container_definitions = jsonencode([\n    # ecsguard:ignore ' +
        'no-root-user\n    { name = "a", image = "x", user = "0" }\n  ])\n}\n',
    );
    const run = await runCli(['scan', tf, '--checks', 'no-root-user']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `ecsguard: warning: ${tf}:4: inline suppression ignored: a reason is required (reason="...")\n`);
    assert.match(run.stdout, /FAIL {4}medium {3}no-root-user/);
  });
});
