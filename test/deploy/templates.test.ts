import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { parse } from 'yaml';
import { ALL_CHECKS, CHECKS, selectChecks } from '../../src/checks/catalogue.js';
import { frameworkChecks } from '../../src/checks/frameworks.js';
import { configRuleTemplate, conformancePackTemplate, scanRoleTemplate, toYaml } from '../../src/deploy/templates.js';
import { cloudFormationSource } from '../../src/sources/cloudformation/cloudformation-source.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

type Json = Record<string, unknown>;
type SpecDb = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

const PRINTED: Array<[string, string[]]> = [
  ['scan role', ['deploy', 'scan-role']],
  ['config rule (one rule per check)', ['deploy', 'config-rule']],
  ['config rule (one rule)', ['deploy', 'config-rule', '--single-rule']],
  ['organization config rules', ['deploy', 'config-rule', '--organization']],
  ['conformance pack', ['conformance-pack']],
  ['config rules for every check', ['deploy', 'config-rule', '--checks', 'all']],
  ['one organization rule for a framework', ['deploy', 'config-rule', '--organization', '--single-rule', '--framework', 'aws-fsbp']],
  ['conformance pack for every check', ['conformance-pack', '--checks', 'all']],
];

const INTRINSIC = /^(Ref|Fn::\w+|Condition)$/;
const isIntrinsic = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  INTRINSIC.test(Object.keys(value)[0]!);

/**
 * Checks a resource's properties against the CloudFormation resource
 * specification: every property exists, every required one is present, and
 * nested property types are checked the same way (intrinsics are not).
 */
function validate(db: SpecDb, type: string, properties: Json, where: string): string[] {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
  if (found.length !== 1) return [`${where}: unknown resource type ${type}`];
  return validateObject(db, found.only().properties, properties, where);
}

function validateObject(db: SpecDb, spec: Json, value: Json, where: string): string[] {
  const problems: string[] = [];
  for (const [name, property] of Object.entries(spec)) {
    if ((property as { required?: boolean }).required && !(name in value)) problems.push(`${where}: missing required ${name}`);
  }
  for (const [name, v] of Object.entries(value)) {
    const property = spec[name] as { type: Json } | undefined;
    if (!property) {
      problems.push(`${where}: ${name} is not a property`);
      continue;
    }
    problems.push(...validateValue(db, property.type, v, `${where}.${name}`));
  }
  return problems;
}

function validateValue(db: SpecDb, type: Json, value: unknown, where: string): string[] {
  if (isIntrinsic(value)) return [];
  switch (type['type']) {
    case 'ref': {
      const definition = db.get('typeDefinition', (type['reference'] as { $ref: string }).$ref) as unknown as { properties: Json };
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: expected an object`];
      return validateObject(db, definition.properties, value as Json, where);
    }
    case 'array':
      if (!Array.isArray(value)) return [`${where}: expected a list`];
      return value.flatMap((item, i) => validateValue(db, type['element'] as Json, item, `${where}[${i}]`));
    case 'string':
      return typeof value === 'string' ? [] : [`${where}: expected a string`];
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${where}: expected a boolean`];
    case 'integer':
    case 'number':
      return typeof value === 'number' ? [] : [`${where}: expected a number`];
    default:
      return [];
  }
}

describe('printed templates: parsed back by the CloudFormation source, valid against the resource specification', () => {
  let db: SpecDb;
  before(async () => {
    db = await loadAwsServiceSpec();
  });

  for (const [name, args] of PRINTED) {
    it(`ecsguard ${args.join(' ')}: ${name}`, async () => {
      const { code, stdout, stderr } = await runCli(args);
      assert.equal(code, 0, stderr);
      const file = { path: `${args.join('-')}.yaml`, text: stdout };
      assert.ok(cloudFormationSource.detect(file), 'the CloudFormation source recognizes it');
      return cloudFormationSource.load([file], {}).then((output) => {
        assert.deepEqual(output.errors, []);
        assert.deepEqual(output.definitions, []);
        const template = parse(stdout) as { Resources: Record<string, { Type: string; Properties: Json }> };
        const problems = Object.entries(template.Resources).flatMap(([logical, resource]) =>
          validate(db, resource.Type, resource.Properties, logical),
        );
        assert.deepEqual(problems, []);
      });
    });
  }

  it('the validator catches a wrong property and a missing required one', () => {
    assert.deepEqual(
      validate(db, 'AWS::Config::ConfigRule', { Source: { Owner: 'AWS', SourceIdentifier: 'X' }, Scope: { ResourceTypes: ['x'] } }, 'Rule'),
      ['Rule.Scope: ResourceTypes is not a property'],
    );
    assert.deepEqual(
      validate(
        db,
        'AWS::Lambda::Permission',
        { FunctionName: 'f', Principal: 'config.amazonaws.com', Acton: 'lambda:InvokeFunction' },
        'P',
      ),
      ['P: missing required Action', 'P: Acton is not a property'],
    );
    assert.deepEqual(validate(db, 'AWS::Config::Rule', {}, 'X'), ['X: unknown resource type AWS::Config::Rule']);
  });

  it('the scan role trusts the scanning account, with the external id condition, and grants exactly docs/iam-policy.json', async () => {
    const template = scanRoleTemplate();
    const role = (template['Resources'] as Json)['ScanRole'] as { Properties: Json };
    const { readFile } = await import('node:fs/promises');
    const documented = JSON.parse(await readFile(path.join(REPO_ROOT, 'docs/iam-policy.json'), 'utf8')) as Json;
    assert.deepEqual((role.Properties['Policies'] as Json[])[0]!['PolicyDocument'], documented);
    const trust = ((role.Properties['AssumeRolePolicyDocument'] as Json)['Statement'] as Json[])[0]!;
    assert.deepEqual(trust['Principal'], { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${ScanningAccountId}:root' } });
    assert.deepEqual(trust['Condition'], {
      'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, { Ref: 'AWS::NoValue' }],
    });
    assert.deepEqual(parse(toYaml(template)), template);
  });

  it('one Config rule per check by default, each running its check; --single-rule runs them all', () => {
    const perCheck = Object.values(
      configRuleTemplate({ organization: false, singleRule: false })['Resources'] as Record<string, { Type: string; Properties: Json }>,
    ).filter((r) => r.Type === 'AWS::Config::ConfigRule');
    assert.deepEqual(
      perCheck.map((r) => (r.Properties['InputParameters'] as Json)['checks']),
      CHECKS.map((c) => c.meta.id),
    );
    for (const rule of perCheck) {
      const source = rule.Properties['Source'] as { SourceDetails: Json[] };
      assert.deepEqual(
        source.SourceDetails.map((d) => d['MessageType']),
        ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification', 'ScheduledNotification'],
      );
    }
    const single = Object.values(
      configRuleTemplate({ organization: false, singleRule: true })['Resources'] as Record<string, { Type: string; Properties: Json }>,
    ).filter((r) => r.Type === 'AWS::Config::ConfigRule');
    assert.equal(single.length, 1);
    assert.equal((single[0]!.Properties['InputParameters'] as Json)['checks'], undefined);
  });

  it("the conformance pack holds AWS's managed ECS rules and ecsguard's", () => {
    const resources = Object.values(
      conformancePackTemplate()['Resources'] as Record<string, { Properties: { Source: { Owner: string; SourceIdentifier: unknown } } }>,
    );
    assert.deepEqual(
      resources.filter((r) => r.Properties.Source.Owner === 'AWS').map((r) => r.Properties.Source.SourceIdentifier),
      [
        'ECS_CONTAINERS_NONPRIVILEGED',
        'ECS_TASK_DEFINITION_NONROOT_USER',
        'ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT',
        'ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK',
      ],
    );
    assert.equal(resources.filter((r) => r.Properties.Source.Owner === 'CUSTOM_LAMBDA').length, CHECKS.length);
  });
});

describe('the rules honour the selected checks', () => {
  type Resources = Record<string, { Type: string; Properties: Json }>;
  const rulesOf = (template: Json, type: string) => Object.values(template['Resources'] as Resources).filter((r) => r.Type === type);

  it('one rule per selected check, hardening checks included', () => {
    const rules = rulesOf(
      configRuleTemplate({ organization: false, singleRule: false, checks: selectChecks(['hardening'], undefined) }),
      'AWS::Config::ConfigRule',
    );
    assert.deepEqual(
      rules.map((r) => (r.Properties['InputParameters'] as Json)['checks']),
      ALL_CHECKS.filter((c) => c.meta.default === false).map((c) => c.meta.id),
    );
  });

  it('a single rule names the selected checks in its parameters (the handler runs the default ones otherwise)', () => {
    const [single] = rulesOf(
      configRuleTemplate({ organization: true, singleRule: true, checks: frameworkChecks(['aws-fsbp']) }),
      'AWS::Config::OrganizationConfigRule',
    );
    const metadata = single!.Properties['OrganizationCustomRuleMetadata'] as Json;
    assert.deepEqual(JSON.parse(metadata['InputParameters'] as string), {
      checks:
        'no-privileged-containers,no-root-user,no-host-network,no-host-pid-namespace,' +
        'no-secrets-in-environment,readonly-root-filesystem,logging-configured,efs-transit-encryption',
      scope: 'active',
    });
  });

  it("the conformance pack adds AWS's managed rule for each selected check that has one", () => {
    const pack = conformancePackTemplate(ALL_CHECKS);
    const resources = Object.values(
      pack['Resources'] as Record<string, { Properties: { Source: { Owner: string; SourceIdentifier: unknown } } }>,
    );
    assert.deepEqual(
      resources.filter((r) => r.Properties.Source.Owner === 'AWS').map((r) => r.Properties.Source.SourceIdentifier),
      [
        'ECS_CONTAINERS_NONPRIVILEGED',
        'ECS_TASK_DEFINITION_NONROOT_USER',
        'ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT',
        'ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK',
        'ECS_TASK_DEFINITION_PID_MODE_CHECK',
        'ECS_CONTAINERS_READONLY_ACCESS',
        'ECS_TASK_DEFINITION_EFS_ENCRYPTION_ENABLED',
      ],
    );
    assert.equal(resources.filter((r) => r.Properties.Source.Owner === 'CUSTOM_LAMBDA').length, ALL_CHECKS.length);
    const secretsOnly = conformancePackTemplate(selectChecks(['no-secrets-in-environment'], undefined));
    assert.deepEqual(Object.keys(secretsOnly['Resources'] as Json), ['EcsguardNoSecretsInEnvironment']);
  });
});
