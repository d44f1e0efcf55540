import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExceptionsFileError, parseExceptionsFile } from '../../src/mute/exceptions-file.js';
import { exceptionsJsonSchema } from '../../src/mute/exceptions-schema.js';
import { fixture, runCli } from '../support/cli.js';

const EXCEPTIONS = fixture('programme', 'exceptions.yaml');
const REGISTER_INPUT = fixture('json', 'register-input.json');

describe('exceptions file: muting with owner and expiry', () => {
  it('mutes a covered finding, carries the exception, and an expired one stops muting and says so', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, '--exceptions', EXCEPTIONS, '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, 'ecsguard: 1 finding is no longer muted: its exception has expired (see "ecsguard exceptions check")\n');
    const report = JSON.parse(run.stdout);
    const byCheck = Object.fromEntries(report.findings.map((f: { checkId: string }) => [f.checkId, f]));
    assert.equal(byCheck['no-root-user'].status, 'MUTED');
    assert.deepEqual(byCheck['no-root-user'].suppression, {
      kind: 'exception',
      source: 'test/fixtures/programme/exceptions.yaml:4 (exception reporting-root)',
      reason: 'The vendor image needs root until release 4.2',
      owner: 'platform-team@example.com',
      expires: '2099-12-31',
      ticket: 'SEC-1234',
    });
    assert.equal(byCheck['no-privileged-containers'].status, 'FAIL');
    assert.deepEqual(byCheck['no-privileged-containers'].suppression, {
      kind: 'exception',
      source: 'test/fixtures/programme/exceptions.yaml:12 (exception reporting-privileged)',
      reason: 'Legacy agent needs device access',
      owner: 'alice@example.com',
      expires: '2020-01-31',
      expired: true,
    });
    assert.equal(report.summary.findings.MUTED, 1);
    assert.equal(report.summary.findings.FAIL, 1);
  });

  it('a muted finding does not fail the run', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, '--exceptions', EXCEPTIONS, '--checks', 'no-root-user']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /MUTED {3}medium {3}no-root-user/);
    assert.match(
      run.stdout,
      new RegExp(
        /\n {10}muted by exception at test\/fixtures\/programme\/exceptions\.yaml:4 \(exception reporting-root\): The/.source +
          / vendor image needs root until release 4\.2, owner platform-team@example\.com, until 2099-12-31, ticket SEC-1234\n/.source,
      ),
    );
  });

  it('a malformed file is an error naming each entry, field and line (exit 2, nothing scanned)', async () => {
    const run = await runCli(['scan', REGISTER_INPUT, '--exceptions', fixture('programme', 'invalid-exceptions.yaml')]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    const file = 'test/fixtures/programme/invalid-exceptions.yaml';
    assert.equal(
      run.stderr,
      [
        `ecsguard: invalid exceptions file ${file}:`,
        `  ${file}:3: exception #1 (id no-owner): owner: required`,
        `  ${file}:8: exception #2: checks.0: unknown check id "no-root-usr" (see "ecsguard checks")`,
        `  ${file}:12: exception #2: expires: expected a date as YYYY-MM-DD`,
        `  ${file}:18: exception #3 (id too-broad): expiry: unknown field (expected one of id, checks, accounts, regions, arns, ` +
          `families, containers, paths, resources, reason, owner, expires, ticket)`,
        `  ${file}:13: exception #3 (id too-broad): name what the exception covers: one of accounts, regions, arns, families, ` +
          `containers, paths, resources`,
        '',
      ].join('\n'),
    );
  });

  it('says what is wrong with the file itself: a misspelt top-level key, an entry without checks, an empty file', () => {
    const problems = (text: string) => {
      try {
        parseExceptionsFile(text, 'e.yaml');
      } catch (error) {
        return (error as ExceptionsFileError).problems;
      }
      return [];
    };
    assert.deepEqual(problems('version: 1\nexceptons: []\n'), [
      'e.yaml:1: exceptions: required',
      'e.yaml:2: exceptons: unknown field (expected one of version, exceptions)',
    ]);
    assert.deepEqual(problems('version: 1\nexceptions:\n  - {families: x, reason: r, owner: o, expires: 2030-01-01}\n'), [
      'e.yaml:3: exception #1: checks: required',
    ]);
    assert.deepEqual(problems(''), ['e.yaml: the file is empty: expected version: 1 and an exceptions list']);
  });

  it('rejects duplicate ids and invalid YAML with positions', () => {
    const dup =
      `version: 1\nexceptions:\n  - {id: a, checks: no-root-user, families: x, reason: r, owner: o, expires: 2030-01-01}\n  - ` +
      `{id: a, checks: no-root-user, families: y, reason: r, owner: o, expires: 2030-01-01}\n`;
    assert.throws(
      () => parseExceptionsFile(dup, 'e.yaml'),
      (e: ExceptionsFileError) => {
        assert.deepEqual(e.problems, ['e.yaml:4: exception #2 (id a): id: a is already used by exception #1']);
        return true;
      },
    );
    assert.throws(
      () => parseExceptionsFile('version: 1\nexceptions: [\n', 'e.yaml'),
      (e: ExceptionsFileError) => {
        assert.equal(e.problems.length, 1);
        assert.equal(
          e.problems[0],
          'e.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        );
        return true;
      },
    );
  });

  it('publishes the JSON Schema that the file validates against', async () => {
    const { readFileSync } = await import('node:fs');
    const published = JSON.parse(readFileSync('schema/ecsguard-exceptions.schema.json', 'utf8')) as {
      properties: { exceptions: { items: any } };
    };
    assert.deepEqual(published, exceptionsJsonSchema());
    const entry = published.properties.exceptions.items;
    assert.deepEqual(entry.required, ['checks', 'reason', 'owner', 'expires']);
    assert.equal(entry.additionalProperties, false);
    // Every check, the opt-in hardening checks included: an exception may name any of them.
    assert.deepEqual(entry.properties.checks.anyOf[0].enum, [
      'no-privileged-containers',
      'no-root-user',
      'host-network-nonroot-user',
      'host-network-no-privilege',
      'no-host-network',
      'no-host-pid-namespace',
      'no-host-ipc-namespace',
      'no-dangerous-capabilities',
      'no-sensitive-host-mounts',
      'no-secrets-in-environment',
      'readonly-root-filesystem',
      'drop-all-capabilities',
      'logging-configured',
      'efs-transit-encryption',
    ]);
    const cli = await runCli(['exceptions', 'schema']);
    assert.deepEqual(JSON.parse(cli.stdout), published);
  });
});

describe('ecsguard exceptions check', () => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-exceptions-'));
  const file = path.join(dir, 'exceptions.yaml');
  writeFileSync(
    file,
    `version: 1
exceptions:
  - id: soon
    checks: no-root-user
    families: reporting-worker
    reason: r
    owner: team-a
    expires: ${day(10)}
  - id: later
    checks: no-privileged-containers
    families: reporting-worker
    reason: r
    owner: team-b
    expires: ${day(200)}
  - id: gone
    checks: no-host-network
    families: batch
    reason: r
    owner: team-c
    expires: ${day(-3)}
  - id: stale
    checks: no-host-network
    families: web
    reason: r
    owner: team-d
    expires: ${day(365)}
`,
  );

  it('lists expired and expiring-soon entries and exits 1 for an expired one', async () => {
    const run = await runCli(['exceptions', 'check', file, '--within', '30d']);
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout,
      `EXPIRING  ${file}:3 soon (no-root-user), owner team-a: expires on ${day(10)}, in 10 days\n` +
        `EXPIRED   ${file}:15 gone (no-host-network), owner team-c: expired on ${day(-3)}; it no longer mutes anything\n` +
        '4 exceptions: 1 expired, 1 expiring within 30 days, 2 ok\n',
    );
  });

  it('with --report, lists entries that match no finding', async () => {
    const scan = await runCli(['scan', REGISTER_INPUT, '--format', 'json', '--output', path.join(dir, 'scan.json')]);
    assert.equal(scan.code, 1);
    const run = await runCli(['exceptions', 'check', file, '--within', '5d', '--report', path.join(dir, 'scan.json')]);
    assert.equal(
      run.stdout,
      `EXPIRED   ${file}:15 gone (no-host-network), owner team-c: expired on ${day(-3)}; it no longer mutes anything\n` +
        `UNUSED    ${file}:21 stale (no-host-network), owner team-d: matches no finding in the report; remove it or fix its selectors\n` +
        '4 exceptions: 1 expired, 0 expiring within 5 days, 1 unused, 2 ok\n',
    );
  });

  it('an entry that matches nothing is UNUSED even while it is expiring; one the scan used is used, wherever check runs', async () => {
    const project = mkdtempSync(path.join(tmpdir(), 'ecsguard-exceptions-used-'));
    mkdirSync(path.join(project, 'infra'));
    writeFileSync(path.join(project, 'infra', 'td.json'), readFileSync(REGISTER_INPUT, 'utf8'));
    writeFileSync(
      path.join(project, 'infra', 'exc.yaml'),
      `version: 1
exceptions:
  - id: by-path
    checks: no-root-user
    paths: "*.json"
    reason: r
    owner: team-a
    expires: ${day(200)}
  - id: nothing-soon
    checks: no-host-network
    families: nothing
    reason: r
    owner: team-b
    expires: ${day(10)}
`,
    );
    const report = path.join(project, 'scan.json');
    const scan = await runCli(['scan', 'infra', '--exceptions', 'infra/exc.yaml', '--format', `json:${report}`], { cwd: project });
    assert.ok(scan.code === 0 || scan.code === 1, scan.stderr);
    // Checked from elsewhere: the report's paths were relative to the project, the entry's to its own folder.
    const run = await runCli(['exceptions', 'check', path.join(project, 'infra', 'exc.yaml'), '--within', '30d', '--report', report], {
      cwd: tmpdir(),
    });
    assert.equal(
      run.stdout,
      `UNUSED    ${path.join(project, 'infra', 'exc.yaml')}:9 nothing-soon (no-host-network), owner team-b: matches no finding in the ` +
        'report; remove it or fix its selectors\n' +
        '2 exceptions: 0 expired, 0 expiring within 30 days, 1 unused, 1 ok\n',
    );
  });

  it('exits 2 and names every problem of an invalid file', async () => {
    const run = await runCli(['exceptions', 'check', fixture('programme', 'invalid-exceptions.yaml')]);
    assert.equal(run.code, 2);
    assert.match(
      run.stdout,
      /^INVALID {3}test\/fixtures\/programme\/invalid-exceptions\.yaml:3: exception #1 \(id no-owner\): owner: required\n/,
    );
    assert.equal(run.stdout.split('\n').filter((l) => l.startsWith('INVALID')).length, 5);
  });

  it('exits 0 when nothing has expired', async () => {
    const ok = path.join(dir, 'ok.yaml');
    writeFileSync(
      ok,
      `version: 1\nexceptions:\n  - {checks: no-root-user, containers: worker, reason: r, owner: o, expires: ${day(90)}}\n`,
    );
    const run = await runCli(['exceptions', 'check', ok]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '1 exception: 0 expired, 0 expiring within 30 days, 1 ok\n');
  });
});

describe('documented examples', () => {
  it('the exceptions files in README and docs/exceptions.md validate', async () => {
    const { readFileSync } = await import('node:fs');
    for (const doc of ['README.md', 'docs/exceptions.md']) {
      const text = readFileSync(doc, 'utf8');
      const block = /```yaml\n((?:#[^\n]*\n)?version: 1\nexceptions:[\s\S]*?)```/.exec(text)?.[1];
      assert.ok(block, doc);
      const parsed = parseExceptionsFile(block, doc);
      assert.ok(parsed.entries.length >= 1, doc);
      assert.ok(parsed.entries.every((e) => e.owner && e.expires && e.reason));
    }
  });
});
