import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Finding } from '../../src/model/finding.js';
import { CSV_COLUMNS } from '../../src/report/csv.js';
import { proposedFix } from '../../src/report/finding-text.js';
import { htmlEscape } from '../../src/report/html.js';
import { fixture, runCli } from '../support/cli.js';

const HOSTILE = fixture('programme', 'hostile.json');
const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-formats-'));
const exceptions = path.join(dir, 'exceptions.yaml');
writeFileSync(
  exceptions,
  `version: 1
exceptions:
  - id: legacy-privileged
    checks: no-privileged-containers
    containers: "<img src=x onerror=alert(1)>"
    reason: Vendor agent, replacement ordered
    owner: sec-team@example.com
    expires: 2099-01-31
    ticket: SEC-9
`,
);
const outDir = path.join(dir, 'reports');
const run = await runCli([
  'scan',
  HOSTILE,
  '--exceptions',
  exceptions,
  '--output-dir',
  outDir,
  '--asff-account-id',
  '123456789012',
  '--asff-region',
  'eu-west-1',
]);
const read = (name: string) => readFileSync(path.join(outDir, name), 'utf8');

/** What --output-dir writes, one file per format, sorted. */
const EVERY_REPORT_FILE = [
  'ecsguard.asff.json',
  'ecsguard.csv',
  'ecsguard.html',
  'ecsguard.json',
  'ecsguard.junit.xml',
  'ecsguard.ocsf.json',
  'ecsguard.sarif',
  'ecsguard.txt',
];

/** RFC 4180 records (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  return records;
}

describe('one scan writes every format (--output-dir)', () => {
  it('writes one file per format, nothing on standard output, exit 1', () => {
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(outDir).sort(), EVERY_REPORT_FILE);
  });

  it('JUnit: well-formed, a testsuite per check, a testcase per resource, muted as skipped', () => {
    const xml = read('ecsguard.junit.xml');
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<Record<string, string> & { testcase: Record<string, unknown> }>;
    assert.deepEqual(
      suites.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped]),
      [
        ['no-privileged-containers', '1', '0', '0', '1'],
        ['no-root-user', '1', '1', '0', '0'],
        ['host-network-nonroot-user', '1', '1', '0', '0'],
        ['host-network-no-privilege', '1', '1', '0', '0'],
        ['no-host-network', '1', '1', '0', '0'],
      ],
    );
    assert.deepEqual([doc.testsuites.tests, doc.testsuites.failures, doc.testsuites.skipped], ['5', '4', '1']);
    const skipped = suites[0]?.testcase as { name: string; skipped: { message: string } };
    assert.equal(skipped.name, `${HOSTILE} › web"><script>alert('family')</script>`);
    assert.equal(
      skipped.skipped.message,
      `muted by exception at ${exceptions}:3 (exception legacy-privileged): Vendor agent, replacement ordered, owner ` +
        `sec-team@example.com, until 2099-01-31, ticket SEC-9`,
    );
    const failure = (suites[1]!.testcase as { failure: { message: string; type: string; '#text': string } }).failure;
    assert.equal(failure.type, 'FAIL');
    assert.equal(failure.message, `${HOSTILE}:8:15: container "<img src=x onerror=alert(1)>": user "0" is uid 0 (root)`);
    assert.equal(
      failure['#text'],
      `FAIL ${HOSTILE}:8:15 (container <img src=x onerror=alert(1)>): container "<img src=x onerror=alert(1)>": user "0" is uid 0 ` +
        `(root)\n` +
        `FAIL ${HOSTILE}:14:15 (container =HYPERLINK("http://attacker.example/","click")): container ` +
        `"=HYPERLINK(\\"http://attacker.example/\\",\\"click\\")": user "root" is the root user\n` +
        'Remediation: Give the image a non-root USER and set user to it (for example "1000:1000") in every container definition.',
    );
  });

  it('CSV: one row per finding with remediation and exception columns; formula cells are neutralised', () => {
    const records = parseCsv(read('ecsguard.csv'));
    assert.deepEqual(records[0], [...CSV_COLUMNS]);
    const rows = records.slice(1).map((r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])));
    assert.equal(rows.length, 8);
    const muted = rows.find((r) => r.status === 'MUTED');
    assert.deepEqual(
      [
        muted?.check_id,
        muted?.container,
        muted?.line,
        muted?.suppression_kind,
        muted?.suppression_reason,
        muted?.suppression_owner,
        muted?.suppression_expires,
        muted?.suppression_ticket,
        muted?.suppression_expired,
      ],
      [
        'no-privileged-containers',
        '<img src=x onerror=alert(1)>',
        '9',
        'exception',
        'Vendor agent, replacement ordered',
        'sec-team@example.com',
        '2099-01-31',
        'SEC-9',
        'false',
      ],
    );
    assert.equal(muted?.proposed_fix, `ecsguard fix ${HOSTILE} --checks no-privileged-containers`);
    // A path a shell would split or expand is quoted, so the command can be pasted.
    const finding: Finding = {
      checkId: 'no-root-user',
      status: 'FAIL',
      severity: 'medium',
      title: '',
      message: '',
      remediation: '',
      resource: { kind: 'file', source: 'json', id: 'x', file: "my task $(id)'s.json" },
    };
    assert.equal(proposedFix(finding), `ecsguard fix 'my task $(id)'\\''s.json' --checks no-root-user`);
    // HTML: markup is text, and a control character HTML does not allow (a NUL in a name) is U+FFFD.
    assert.equal(htmlEscape('<b>a\u0000b\u001b</b>\t'), '&#60;b&#62;a\uFFFDb\uFFFD&#60;/b&#62;\t');
    assert.equal(muted?.remediation_cloudformation, 'ContainerDefinitions:\n  - Name: app\n    Privileged: false');
    const formula = rows.find((r) => r.container?.includes('HYPERLINK'));
    assert.equal(formula?.container, `'=HYPERLINK("http://attacker.example/","click")`);
  });

  it('OCSF: Detection Finding events with every required attribute; MUTED is Suppressed with the exception', async () => {
    const events = JSON.parse(read('ecsguard.ocsf.json')) as Array<Record<string, any>>;
    assert.equal(events.length, 8);
    for (const e of events) {
      // Required by the OCSF 1.x base event, the Findings category and the Detection Finding class (2004).
      assert.equal(e.class_uid, 2004);
      assert.equal(e.category_uid, 2);
      assert.equal(e.activity_id, 1);
      assert.equal(e.type_uid, e.class_uid * 100 + e.activity_id);
      assert.ok([1, 2, 3, 4, 5].includes(e.severity_id));
      assert.equal(typeof e.time, 'number');
      assert.match(e.metadata.version, /^1\.\d+\.\d+$/);
      assert.equal(e.metadata.product.name, 'ecsguard');
      assert.match(e.finding_info.uid, /^ecsguard-[a-z-]+-[0-9a-f]{32}$/);
      assert.equal(typeof e.finding_info.title, 'string');
      assert.equal(e.resources.length, 1);
    }
    const muted = events.find((e) => e.status_code === 'MUTED');
    assert.deepEqual([muted?.status_id, muted?.status, muted?.severity_id, muted?.severity], [3, 'Suppressed', 4, 'High']);
    assert.deepEqual(muted?.unmapped.ecsguard.suppression, {
      kind: 'exception',
      source: `${exceptions}:3 (exception legacy-privileged)`,
      reason: 'Vendor agent, replacement ordered',
      owner: 'sec-team@example.com',
      expires: '2099-01-31',
      ticket: 'SEC-9',
    });
    assert.equal(events.filter((e) => e.status_id === 1).length, 7);
    // The same finding gets the same uid in the next scan.
    const again = await runCli(['scan', HOSTILE, '--format', 'ocsf']);
    assert.deepEqual(
      JSON.parse(again.stdout).map((e: any) => e.finding_info.uid),
      events.map((e) => e.finding_info.uid),
    );
  });

  it('ASFF: every required top-level attribute for BatchImportFindings; MUTED is SUPPRESSED with a note', () => {
    const findings = JSON.parse(read('ecsguard.asff.json')) as Array<Record<string, any>>;
    assert.equal(findings.length, 8);
    const required = [
      'AwsAccountId',
      'CreatedAt',
      'Description',
      'GeneratorId',
      'Id',
      'ProductArn',
      'Resources',
      'SchemaVersion',
      'Severity',
      'Title',
      'Types',
      'UpdatedAt',
    ];
    for (const f of findings) {
      for (const key of required) assert.ok(f[key] !== undefined && f[key] !== '', `${key} missing`);
      assert.equal(f.SchemaVersion, '2018-10-08');
      assert.equal(f.AwsAccountId, '123456789012');
      assert.equal(f.ProductArn, 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default');
      assert.match(f.GeneratorId, /^ecsguard\/[a-z-]+$/);
      assert.match(f.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.Severity.Label));
      assert.ok(f.Title.length <= 256 && f.Description.length <= 1024);
      assert.deepEqual(f.Types, ['Software and Configuration Checks/AWS Security Best Practices']);
      for (const r of f.Resources) assert.ok(r.Type && r.Id);
    }
    const muted = findings.filter((f) => f.Workflow.Status === 'SUPPRESSED');
    assert.equal(muted.length, 1);
    assert.deepEqual(muted[0]?.Compliance, { Status: 'FAILED' });
    assert.deepEqual(muted[0]?.Note.Text, 'Vendor agent, replacement ordered (until 2099-01-31) [SEC-9]');
    assert.equal(muted[0]?.Note.UpdatedBy, 'sec-team@example.com');
    assert.equal(findings.filter((f) => f.Workflow.Status === 'NEW' && f.Compliance.Status === 'FAILED').length, 7);
  });

  it('ASFF without an account for file findings is a usage error', async () => {
    const r = await runCli(['scan', HOSTILE, '--format', 'asff']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `ecsguard: ASFF needs an AWS account and region for findings from files (${HOSTILE}): pass --asff-account-id and --asff-region\n`,
    );
  });

  it('SARIF and JSON carry the exception', () => {
    const sarif = JSON.parse(read('ecsguard.sarif'));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'no-privileged-containers');
    assert.deepEqual(result.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Vendor agent, replacement ordered',
        properties: {
          source: `${exceptions}:3 (exception legacy-privileged)`,
          owner: 'sec-team@example.com',
          expires: '2099-01-31',
          ticket: 'SEC-9',
        },
      },
    ]);
    const json = JSON.parse(read('ecsguard.json'));
    assert.equal(json.findings.filter((f: { suppression: unknown }) => f.suppression !== null).length, 1);
  });

  it('--format FORMAT:FILE writes several at once; two to standard output is refused', async () => {
    const sarif = path.join(dir, 'out.sarif');
    const csv = path.join(dir, 'out.csv');
    const r = await runCli(['scan', HOSTILE, '--format', `sarif:${sarif}`, '--format', `csv:${csv}`, '--format', 'json']);
    assert.equal(r.code, 1);
    assert.ok(existsSync(sarif) && existsSync(csv));
    assert.equal(JSON.parse(r.stdout).version, 2);
    const two = await runCli(['scan', HOSTILE, '--format', 'json', '--format', 'csv']);
    assert.equal(two.code, 2);
    assert.equal(
      two.stderr,
      'ecsguard: only one report can go to standard output: give the others a file (--format csv:FILE) or use --output-dir\n',
    );
    const bad = await runCli(['scan', HOSTILE, '--format', 'pdf:x.pdf']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /unknown format "pdf" \(choose from text, json, sarif, junit, csv, ocsf, asff, html; add :FILE to write it to a file\)/,
    );
  });

  it('a report that cannot be made leaves none behind: no file claims an outcome the run did not have', async () => {
    const target = mkdtempSync(path.join(tmpdir(), 'ecsguard-staged-'));
    const json = path.join(target, 'a.json');
    const r = await runCli([
      'scan',
      HOSTILE,
      '--format',
      `json:${json}`,
      '--format',
      `sarif:${path.join(target, 'a.sarif')}`,
      '--format',
      `asff:${path.join(target, 'a.asff.json')}`,
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ASFF needs an AWS account and region for findings from files/);
    assert.deepEqual(readdirSync(target), []);
    // An existing report stays as it was.
    writeFileSync(json, 'earlier report\n');
    const missing = await runCli([
      'scan',
      HOSTILE,
      '--format',
      `json:${json}`,
      '--format',
      `sarif:${path.join(target, 'no-such-dir', 'x.sarif')}`,
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot write the report to .*no-such-dir\/x\.sarif: /);
    assert.deepEqual(readdirSync(target), ['a.json']);
    assert.equal(readFileSync(json, 'utf8'), 'earlier report\n');
  });

  it('two reports to one file are a usage error, not one report silently replaced by the other', async () => {
    const target = path.join(mkdtempSync(path.join(tmpdir(), 'ecsguard-same-file-')), 'b.json');
    const r = await runCli(['scan', HOSTILE, '--format', 'json', '-o', target, '--format', `csv:${target}`]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `ecsguard: the json and csv reports would both be written to ${target}: give each its own file\n`);
  });

  it('--output-dir without --format on files and no ASFF account: every other format, and stderr says why not ASFF', async () => {
    const target = path.join(mkdtempSync(path.join(tmpdir(), 'ecsguard-outdir-')), 'reports');
    const r = await runCli(['scan', HOSTILE, '--output-dir', target]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, 'ecsguard: the ASFF report was not written: findings from files need --asff-account-id and --asff-region\n');
    assert.deepEqual(
      readdirSync(target).sort(),
      EVERY_REPORT_FILE.filter((name) => name !== 'ecsguard.asff.json'),
    );
  });
});
