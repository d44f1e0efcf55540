import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleConfigRule } from '../../scripts/bundle-config-rule.js';
import { ALL_CHECKS, CHECKS } from '../../src/checks/catalogue.js';
import { ruleChecks } from '../../src/config-rule/handler.js';

const ConfigRuleChecks = (parameters: Parameters<typeof ruleChecks>[0]) => ruleChecks(parameters).map((c) => c.meta.id);
const ALL_CHECK_IDS = ALL_CHECKS.map((c) => c.meta.id);
const DEFAULT_IDS = CHECKS.map((c) => c.meta.id);
import { scan } from '../../src/engine/scan.js';
import { AwsLiveSource } from '../../src/sources/aws/live-source.js';
import type * as ConfigRule from '../../src/config-rule/index.js';
import { EMULATOR_CREDENTIALS, type OrganizationEmulator, configurationItem } from '../support/ecs-emulator/index.js';
import { seedVariedOrganization } from '../sources/config/varied-organization.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';

/** A change-triggered custom rule's event, as AWS Config documents it: invokingEvent and ruleParameters are JSON strings. */
function changeEvent(item: Record<string, unknown>, extra: Record<string, unknown> = {}, ruleParameters: Record<string, unknown> = {}) {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify({
      configurationItemDiff: null,
      configurationItem: item,
      notificationCreationTime: '2026-11-30T05:00:00.000Z',
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    }),
    ruleParameters: JSON.stringify(ruleParameters),
    resultToken: `token-${String(item['resourceName'])}`,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/config-role`,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-ecsguard`,
    configRuleName: 'ecsguard-task-definitions',
    configRuleId: 'config-rule-ecsguard',
    accountId: ACCOUNT,
    ...extra,
  };
}

describe('the AWS Config rule handler (bundled with esbuild, loaded from an empty folder)', () => {
  let emulator: OrganizationEmulator;
  let dir: string;
  let handler: ReturnType<typeof ConfigRule.createConfigRuleHandler>;
  /** ARN → the verdict of a direct scan: NON_COMPLIANT when any check fails. */
  const direct = new Map<string, 'COMPLIANT' | 'NON_COMPLIANT'>();

  before(async () => {
    emulator = await seedVariedOrganization();
    dir = await mkdtemp(join(tmpdir(), 'ecsguard-config-rule-'));
    // The bundle alone, away from node_modules: what a Lambda function runs.
    const built = await bundleConfigRule(join(dir, 'build', 'index.mjs'));
    await copyFile(built, join(dir, 'index.mjs'));
    const module = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as typeof ConfigRule;
    assert.equal(typeof module.handler, 'function');
    handler = module.createConfigRuleHandler({ endpointUrl: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, region: REGION });

    const source = new AwsLiveSource({
      scope: 'active',
      regions: [REGION],
      endpointUrl: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });
    const result = await scan({ paths: [], checks: CHECKS, includePassed: true, liveSources: [source] });
    for (const f of result.findings) {
      const arn = f.resource.arn!;
      if (f.status === 'FAIL') direct.set(arn, 'NON_COMPLIANT');
      else if (!direct.has(arn)) direct.set(arn, 'COMPLIANT');
    }
  });
  after(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    emulator.resetCalls();
    emulator.organization.evaluations.length = 0;
  });

  const activeItems = () =>
    emulator.organization.management
      .region(REGION)
      .allRevisions()
      .filter((r) => r.taskDefinition.status === 'ACTIVE')
      .map((r) => configurationItem(ACCOUNT, REGION, r));

  it('ConfigurationItemChangeNotification: the same verdict as a direct scan, for every revision', async () => {
    const items = activeItems();
    assert.ok(items.length > 30);
    let nonCompliant = 0;
    for (const item of items) {
      const { evaluations } = await handler(changeEvent(item));
      assert.equal(evaluations.length, 1);
      const [evaluation] = evaluations;
      assert.equal(evaluation!.ComplianceResourceId, item['resourceId']);
      assert.equal(evaluation!.ComplianceType, direct.get(String(item['resourceId'])), String(item['resourceName']));
      if (evaluation!.ComplianceType === 'NON_COMPLIANT') {
        nonCompliant++;
        assert.ok(evaluation!.Annotation && evaluation!.Annotation.length <= 256);
      }
    }
    assert.ok(nonCompliant >= 6, `${nonCompliant}`); // at least priv, root-name, root-uid, host-agent, host-priv, batch:25
    // Every verdict reached AWS Config, with the event's result token.
    assert.equal(emulator.organization.evaluations.length, items.length);
    assert.ok(emulator.organization.evaluations.every((e) => e.resultToken.startsWith('token-') && e.evaluations.length === 1));
  });

  it('the annotation names the check, the container and the reason', async () => {
    const item = activeItems().find((i) => i['resourceName'] === 'priv:1')!;
    const { evaluations } = await handler(changeEvent(item));
    assert.equal(evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
    assert.match(evaluations[0]!.Annotation!, /^no-privileged-containers: container "docker-in-docker": .*privileged/);
  });

  it('annotations stay under 256 characters whatever the container name', async () => {
    const name = `sidecar-${'x'.repeat(240)}`;
    const stored = emulator.organization.management.registerTaskDefinition(REGION, {
      family: 'long-name',
      containerDefinitions: [{ name, image: 'busybox', user: 'root', privileged: true }],
    });
    const { evaluations } = await handler(changeEvent(configurationItem(ACCOUNT, REGION, stored)));
    const annotation = evaluations[0]!.Annotation!;
    assert.ok(annotation.length <= 256, `${annotation.length}`);
    assert.match(annotation, /\(\+\d+ more\)$/);
    emulator.organization.management.deregisterTaskDefinition(REGION, stored.taskDefinition.taskDefinitionArn);
  });

  it('rule parameter "checks": one rule per check', async () => {
    const item = activeItems().find((i) => i['resourceName'] === 'priv:1')!;
    const rootOnly = await handler(changeEvent(item, {}, { checks: 'no-root-user' }));
    assert.equal(rootOnly.evaluations[0]!.ComplianceType, 'COMPLIANT'); // user 1000: the privileged flag is another rule's business
    const privilegedOnly = await handler(changeEvent(item, {}, { checks: 'no-privileged-containers' }));
    assert.equal(privilegedOnly.evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
  });

  it('rule parameters "checks" groups and "frameworks" select hardening checks too', async () => {
    const item = activeItems().find((i) => i['resourceName'] === 'priv:1')!;
    const hardening = await handler(changeEvent(item, {}, { checks: 'readonly-root-filesystem' }));
    assert.equal(hardening.evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
    assert.match(hardening.evaluations[0]!.Annotation ?? '', /readonly-root-filesystem/);
    const viaFramework = await handler(changeEvent(item, {}, { checks: 'no-root-user', frameworks: 'aws-fsbp' }));
    assert.equal(viaFramework.evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
    assert.deepEqual(
      ConfigRuleChecks({ checks: 'hardening' }),
      ALL_CHECK_IDS.filter((id) => !DEFAULT_IDS.includes(id)),
    );
    assert.deepEqual(ConfigRuleChecks({ frameworks: 'pci-dss-4.0' }), ['no-secrets-in-environment']);
  });

  it('OversizedConfigurationItemChangeNotification: fetches the item with GetResourceConfigHistory', async () => {
    const item = activeItems().find((i) => i['resourceName'] === 'root-uid:1')!;
    const event = changeEvent(item);
    event.invokingEvent = JSON.stringify({
      configurationItemSummary: {
        changeType: 'UPDATE',
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: item['configurationItemCaptureTime'],
        configurationStateId: 1,
        awsAccountId: ACCOUNT,
        configurationItemStatus: 'OK',
        resourceType: 'AWS::ECS::TaskDefinition',
        resourceId: item['resourceId'],
        resourceName: item['resourceName'],
        ARN: item['arn'],
        awsRegion: REGION,
        availabilityZone: 'Regional',
      },
      messageType: 'OversizedConfigurationItemChangeNotification',
      notificationCreationTime: '2026-11-30T05:00:00.000Z',
      recordVersion: '1.0',
    });
    const { evaluations } = await handler(event);
    assert.deepEqual(emulator.countCalls({ service: 'config' }), { GetResourceConfigHistory: 1, PutEvaluations: 1 });
    assert.equal(evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
    assert.match(evaluations[0]!.Annotation!, /^no-root-user: container "app":/);
  });

  it('ScheduledNotification: every ACTIVE revision of the account and region, as a direct scan sees them', async () => {
    const event = changeEvent({});
    event.invokingEvent = JSON.stringify({
      awsAccountId: ACCOUNT,
      notificationCreationTime: '2026-11-30T05:00:00.000Z',
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    });
    const { evaluations } = await handler(event);
    assert.equal(evaluations.length, direct.size);
    for (const evaluation of evaluations)
      assert.equal(evaluation.ComplianceType, direct.get(evaluation.ComplianceResourceId), evaluation.ComplianceResourceId);
    // Batches of at most 100.
    const puts = emulator.organization.evaluations.map((e) => e.evaluations.length);
    assert.equal(
      puts.reduce((a, b) => a + b, 0),
      direct.size,
    );
    assert.ok(puts.every((n) => n <= 100));
  });

  it('deleted items and items that left the scope are NOT_APPLICABLE', async () => {
    const item = activeItems()[0]!;
    const deleted = await handler(changeEvent({ ...item, configurationItemStatus: 'ResourceDeleted', configuration: null }));
    assert.equal(deleted.evaluations[0]!.ComplianceType, 'NOT_APPLICABLE');
    const left = await handler(changeEvent(item, { eventLeftScope: true }));
    assert.equal(left.evaluations[0]!.ComplianceType, 'NOT_APPLICABLE');
  });

  it('an item it cannot read is NON_COMPLIANT, never COMPLIANT', async () => {
    const item = activeItems()[0]!;
    const { evaluations } = await handler(
      changeEvent({ ...item, configuration: { ...(item['configuration'] as object), ContainerDefinitions: 'not a list' } }),
    );
    assert.equal(evaluations[0]!.ComplianceType, 'NON_COMPLIANT');
    assert.match(evaluations[0]!.Annotation!, /^not evaluated, so not compliant: /);
  });
});
