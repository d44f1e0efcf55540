import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { type ScanResult, scan } from '../../../src/engine/scan.js';
import { AGGREGATOR_QUERY, ConfigAggregatorSource, type AggregatorScanOptions } from '../../../src/sources/config/aggregator-source.js';
import { EMULATOR_CREDENTIALS, type OrganizationEmulator, startOrganizationEmulator } from '../../support/ecs-emulator/index.js';
import { organizationSource } from '../organization/helpers.js';
import { seedVariedOrganization } from './varied-organization.js';

function aggregatorSource(emulator: OrganizationEmulator, options: Partial<AggregatorScanOptions> = {}): ConfigAggregatorSource {
  return new ConfigAggregatorSource({
    aggregator: 'org-aggregator',
    region: 'us-east-1',
    scope: 'active',
    endpointUrl: emulator.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 3,
    ...options,
  });
}

/** What a finding says, without where it came from. */
const verdicts = (result: ScanResult) =>
  result.findings
    .map((f) =>
      [f.resource.accountId, f.resource.region, f.resource.arn, f.checkId, f.status, f.container ?? '', f.field ?? '', f.message].join(
        ' | ',
      ),
    )
    .sort();

describe('scan --source config-aggregator: the organization through AWS Config', () => {
  let emulator: OrganizationEmulator;
  before(async () => {
    emulator = await seedVariedOrganization();
  });
  after(() => emulator.stop());
  beforeEach(() => {
    emulator.resetCalls();
  });
  afterEach(() => {
    emulator.faults.clear();
  });

  for (const scope of ['active', 'latest'] as const) {
    it(`gives the same verdicts as a direct scan of every account (--scope ${scope})`, async () => {
      const direct = await scan({
        paths: [],
        checks: CHECKS,
        includePassed: true,
        liveSources: [organizationSource(emulator, { scope, regions: ['eu-west-1', 'us-east-1'] })],
      });
      const viaConfig = await scan({
        paths: [],
        checks: CHECKS,
        includePassed: true,
        liveSources: [aggregatorSource(emulator, { scope })],
      });
      assert.deepEqual(direct.errors, []);
      assert.deepEqual(viaConfig.errors, []);
      assert.ok(direct.summary.findings.FAIL >= 10, 'the corpus has failures to compare');
      assert.deepEqual(verdicts(viaConfig), verdicts(direct));
      assert.equal(viaConfig.summary.taskDefinitions, direct.summary.taskDefinitions);
    });
  }

  it('reads every page with one query and no call into member accounts', async () => {
    const source = aggregatorSource(emulator);
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    const calls = emulator.calls.filter((c) => c.service === 'config');
    assert.ok(calls.length >= 3, 'more than two pages');
    assert.equal(source.stats.pages, calls.length);
    assert.ok(
      calls.every(
        (c) => c.operation === 'SelectAggregateResourceConfig' && c.input['Expression'] === AGGREGATOR_QUERY && c.input['Limit'] === 100,
      ),
    );
    assert.equal(calls.filter((c) => c.input['NextToken'] === undefined).length, 1);
    assert.deepEqual(new Set(emulator.calls.map((c) => c.accountId)), new Set([emulator.organization.management.accountId]));
    assert.equal(result.summary.taskDefinitions, source.stats.evaluated);
  });

  it('deregistered revisions are not in the aggregator (Config records them as deleted)', async () => {
    const direct = await scan({
      paths: [],
      checks: CHECKS,
      liveSources: [organizationSource(emulator, { scope: 'all', regions: ['eu-west-1', 'us-east-1'] })],
    });
    const viaConfig = await scan({ paths: [], checks: CHECKS, liveSources: [aggregatorSource(emulator)] });
    assert.ok(direct.summary.taskDefinitions > viaConfig.summary.taskDefinitions);
    assert.ok(!viaConfig.findings.some((f) => f.resource.arn?.endsWith('/legacy:1')));
    assert.ok(direct.findings.some((f) => f.resource.arn?.endsWith('/legacy:1')));
  });

  it('an unknown aggregator is one error naming it', async () => {
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [aggregatorSource(emulator, { aggregator: 'nope' })] });
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]!.message,
      /^AWS Config aggregator nope \(us-east-1\): SelectAggregateResourceConfig failed: NoSuchConfigurationAggregatorException/,
    );
    assert.equal(result.summary.taskDefinitions, 0);
  });

  it('survives throttling of the query', async () => {
    emulator.faults.add({
      service: 'config',
      operation: 'SelectAggregateResourceConfig',
      times: 2,
      error: { type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [aggregatorSource(emulator)] });
    assert.deepEqual(result.errors, []);
    assert.equal(emulator.countCalls({ outcome: 'ThrottlingException' })['SelectAggregateResourceConfig'], 2);
  });

  it('a query that fails on a later page reports what it read and an error (exit 2), never a clean pass', async () => {
    emulator.faults.add({
      service: 'config',
      operation: 'SelectAggregateResourceConfig',
      match: (input) => input['NextToken'] !== undefined,
      error: { type: 'AccessDeniedException', status: 400 },
    });
    const source = aggregatorSource(emulator);
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
    assert.equal(result.errors.length, 1);
    assert.match(
      result.errors[0]!.message,
      /access denied: SelectAggregateResourceConfig needs the IAM permission config:SelectAggregateResourceConfig .*the rest were not read/,
    );
    assert.equal(source.stats.items, 100);
  });
});

describe('scan --source config-aggregator --scope latest with many families', () => {
  let emulator: OrganizationEmulator;
  before(async () => {
    emulator = await startOrganizationEmulator({ regions: ['us-east-1'] });
    // 230 families, three revisions each; the middle one is privileged, so only a wrong pick fails.
    for (let revision = 1; revision <= 3; revision++)
      for (let f = 0; f < 230; f++)
        emulator.organization.management.registerTaskDefinition('us-east-1', {
          family: `svc-${f}`,
          containerDefinitions: [{ name: 'app', image: 'nginx', ...(revision === 2 ? { privileged: true } : { user: '1000' }) }],
        });
  });
  after(() => emulator.stop());

  it('hands the latest revisions over a page at a time, each family once, the highest revision', async () => {
    const source = aggregatorSource(emulator, { scope: 'latest' });
    const sizes: number[] = [];
    const picked: string[] = [];
    await source.loadInParts(undefined, (part) => {
      sizes.push(part.definitions.length);
      picked.push(...part.definitions.map((d) => `${d.resource.family ?? ''}:${String(d.resource.revision)}`));
      assert.deepEqual(part.errors, []);
    });
    assert.ok(Math.max(...sizes) <= 100, `parts of at most 100: ${sizes.join(', ')}`);
    assert.equal(picked.length, 230);
    assert.equal(new Set(picked).size, 230);
    assert.ok(picked.every((p) => p.endsWith(':3')));
    const result = await scan({ paths: [], checks: CHECKS, liveSources: [aggregatorSource(emulator, { scope: 'latest' })] });
    assert.equal(result.summary.taskDefinitions, 230);
    assert.equal(result.findings.filter((f) => f.checkId === 'no-privileged-containers').length, 0);
  });
});
