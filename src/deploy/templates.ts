import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { CHECKS } from '../checks/catalogue.js';
import type { Check } from '../checks/types.js';

type Template = Record<string, unknown>;

const TASK_DEFINITION = 'AWS::ECS::TaskDefinition';
const ref = (name: string) => ({ Ref: name });
const sub = (text: string) => ({ 'Fn::Sub': text });
const getAtt = (resource: string, attribute: string) => ({ 'Fn::GetAtt': [resource, attribute] });

/** The least-privilege scan policy, the one docs/iam-policy.json documents. */
function scanPolicy(): Template {
  return JSON.parse(readFileSync(new URL('../../docs/iam-policy.json', import.meta.url), 'utf8')) as Template;
}

/** YAML as CloudFormation reads it (intrinsics in their long form, which every parser accepts). */
export function toYaml(template: Template): string {
  return stringify(template, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The scan role for `scan --aws --org`, as a template to deploy in every
 * member account with a service-managed StackSet (or in one account as a
 * stack): trusted by the scanning account, optionally with an external id,
 * allowed exactly the calls docs/iam-policy.json lists.
 */
export function scanRoleTemplate(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'ecsguard scan role: read-only access to ECS task definitions and their usage, assumed by ecsguard scan --aws --org from the ' +
      'scanning account.',
    Parameters: {
      ScanningAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account ecsguard runs in (the management account or a delegated administrator).',
      },
      RoleName: { Type: 'String', Default: 'ecsguard-scan', Description: 'Pass the same name to --org-role.' },
      ExternalId: {
        Type: 'String',
        Default: '',
        NoEcho: true,
        Description: 'If set, ecsguard must pass it with --external-id (sts:ExternalId condition).',
      },
    },
    Conditions: { HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [ref('ExternalId'), ''] }] } },
    Resources: {
      ScanRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: ref('RoleName'),
          Description: 'Assumed by ecsguard to scan ECS task definitions (read-only).',
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: sub('arn:${AWS::Partition}:iam::${ScanningAccountId}:root') },
                Action: 'sts:AssumeRole',
                Condition: { 'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': ref('ExternalId') } }, ref('AWS::NoValue')] },
              },
            ],
          },
          Policies: [{ PolicyName: 'ecsguard-scan', PolicyDocument: scanPolicy() }],
          Tags: [{ Key: 'managed-by', Value: 'ecsguard' }],
        },
      },
    },
    Outputs: { RoleArn: { Value: getAtt('ScanRole', 'Arn') } },
  };
}

export interface ConfigRuleTemplateOptions {
  /** One AWS::Config::OrganizationConfigRule per check instead of account rules. */
  organization: boolean;
  /** One rule evaluating every check instead of one rule per check. */
  singleRule: boolean;
  /** The checks the rules run (`--checks`, `--framework`); default: the checks a plain scan runs. */
  checks?: readonly Check[];
}

const isDefaultSelection = (checks: readonly Check[]) => checks.length === CHECKS.length && checks.every((c, i) => c === CHECKS[i]);

const TRIGGERS = ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'];

function ruleName(checkId: string | undefined): string {
  return checkId ? `ecsguard-${checkId}` : 'ecsguard-task-definitions';
}

/**
 * The Config custom rule: the bundled handler (npm run bundle:config-rule,
 * zipped to S3) as a Lambda function with its execution role, and the rules.
 * By default one rule per check, so AWS Config shows each check's compliance
 * (Config keeps one verdict per rule and resource).
 */
export function configRuleTemplate(options: ConfigRuleTemplateOptions): Template {
  const selected = options.checks ?? CHECKS;
  const rules = options.singleRule ? [undefined] : selected.map((c) => c.meta.id);
  // The single rule names its checks unless they are the handler's default selection.
  const allChecks = isDefaultSelection(selected) ? undefined : selected.map((c) => c.meta.id).join(',');
  const resources: Template = {
    RuleFunctionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')],
        Policies: [
          {
            PolicyName: 'ecsguard-config-rule',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'ReportEvaluations',
                  Effect: 'Allow',
                  Action: ['config:PutEvaluations', 'config:GetResourceConfigHistory'],
                  Resource: '*',
                },
                // Scheduled runs read the account-region's task definitions like a scan does.
                ...(scanPolicy()['Statement'] as Template[]).filter((s) => s['Sid'] !== 'EcsguardDiscoverRegions'),
              ],
            },
          },
        ],
      },
    },
    RuleFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: ref('FunctionName'),
        Description: 'ecsguard checks for AWS::ECS::TaskDefinition (AWS Config custom rule)',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { S3Bucket: ref('CodeBucket'), S3Key: ref('CodeKey') },
        Role: getAtt('RuleFunctionRole', 'Arn'),
        MemorySize: 512,
        Timeout: 300,
        Environment: { Variables: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      },
    },
    RuleFunctionPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt('RuleFunction', 'Arn'),
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        ...(options.organization ? {} : { SourceAccount: ref('AWS::AccountId') }),
      },
    },
  };
  for (const checkId of rules) {
    const logical = `Rule${(checkId ?? 'all').replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`;
    const checks = checkId ?? allChecks;
    const parameters = JSON.stringify({ ...(checks ? { checks } : {}), scope: 'active' });
    resources[logical] = options.organization
      ? {
          Type: 'AWS::Config::OrganizationConfigRule',
          DependsOn: 'RuleFunctionPermission',
          Properties: {
            OrganizationConfigRuleName: ruleName(checkId),
            OrganizationCustomRuleMetadata: {
              Description: checkId
                ? `ecsguard check ${checkId}`
                : `ecsguard checks: ${selected.map((c) => c.meta.id).join(', ')}`.slice(0, 256),
              LambdaFunctionArn: getAtt('RuleFunction', 'Arn'),
              OrganizationConfigRuleTriggerTypes: [...TRIGGERS, 'ScheduledNotification'],
              ResourceTypesScope: [TASK_DEFINITION],
              MaximumExecutionFrequency: ref('MaximumExecutionFrequency'),
              InputParameters: parameters,
            },
          },
        }
      : {
          Type: 'AWS::Config::ConfigRule',
          DependsOn: 'RuleFunctionPermission',
          Properties: {
            ConfigRuleName: ruleName(checkId),
            Description: checkId
              ? `ecsguard check ${checkId} on every ACTIVE task definition revision`
              : `ecsguard checks ${selected.map((c) => c.meta.id).join(', ')} on every ACTIVE task definition revision`.slice(0, 256),
            Scope: { ComplianceResourceTypes: [TASK_DEFINITION] },
            InputParameters: JSON.parse(parameters) as Template,
            Source: {
              Owner: 'CUSTOM_LAMBDA',
              SourceIdentifier: getAtt('RuleFunction', 'Arn'),
              SourceDetails: [
                ...TRIGGERS.map((MessageType) => ({ EventSource: 'aws.config', MessageType })),
                {
                  EventSource: 'aws.config',
                  MessageType: 'ScheduledNotification',
                  MaximumExecutionFrequency: ref('MaximumExecutionFrequency'),
                },
              ],
            },
          },
        };
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      `ecsguard as an AWS Config custom rule ` +
      `(${options.singleRule ? 'one rule for every check' : 'one rule per check'}${options.organization ? ', organization rules' : ''}).`,
    Parameters: {
      CodeBucket: { Type: 'String', Description: 'S3 bucket holding the zipped bundle (npm run bundle:config-rule; zip index.mjs).' },
      CodeKey: { Type: 'String', Default: 'ecsguard-config-rule.zip' },
      FunctionName: {
        Type: 'String',
        Default: 'ecsguard-config-rule',
        Description: 'The conformance pack (ecsguard conformance-pack) finds the function by this name.',
      },
      MaximumExecutionFrequency: {
        Type: 'String',
        Default: 'TwentyFour_Hours',
        AllowedValues: ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'],
      },
    },
    Resources: resources,
    Outputs: { FunctionArn: { Value: getAtt('RuleFunction', 'Arn') } },
  };
}

/**
 * AWS's closest managed rules next to ecsguard's custom rules, as a
 * conformance pack template (put-conformance-pack or
 * put-organization-conformance-pack --template-body). AWS publishes no
 * managed remediation (SSM Automation) document for these ECS rules, so the
 * pack has no AWS::Config::RemediationConfiguration: remediation is
 * `ecsguard fix` (files) or `ecsguard fix --aws` / `apply` (accounts).
 */
export function conformancePackTemplate(checks: readonly Check[] = CHECKS): Template {
  // AWS's managed rule next to the ecsguard check that asks the same question (a rule whose check is not selected is left out).
  const managed: Array<[string, string, string, string]> = [
    ['EcsContainersNonprivileged', 'ecs-containers-nonprivileged', 'ECS_CONTAINERS_NONPRIVILEGED', 'no-privileged-containers'],
    ['EcsTaskDefinitionNonrootUser', 'ecs-task-definition-nonroot-user', 'ECS_TASK_DEFINITION_NONROOT_USER', 'no-root-user'],
    [
      'EcsTaskDefinitionLinuxUserNonRoot',
      'ecs-task-definition-linux-user-non-root',
      'ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT',
      'no-root-user',
    ],
    [
      'EcsTaskDefinitionUserForHostModeCheck',
      'ecs-task-definition-user-for-host-mode-check',
      'ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK',
      'host-network-nonroot-user',
    ],
    ['EcsTaskDefinitionPidModeCheck', 'ecs-task-definition-pid-mode-check', 'ECS_TASK_DEFINITION_PID_MODE_CHECK', 'no-host-pid-namespace'],
    ['EcsContainersReadonlyAccess', 'ecs-containers-readonly-access', 'ECS_CONTAINERS_READONLY_ACCESS', 'readonly-root-filesystem'],
    [
      'EcsTaskDefinitionEfsEncryptionEnabled',
      'ecs-task-definition-efs-encryption-enabled',
      'ECS_TASK_DEFINITION_EFS_ENCRYPTION_ENABLED',
      'efs-transit-encryption',
    ],
  ];
  const wanted = new Set(checks.map((c) => c.meta.id));
  const resources: Template = {};
  for (const [logical, name, identifier, checkId] of managed) {
    if (!wanted.has(checkId)) continue;
    resources[logical] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: name,
        Scope: { ComplianceResourceTypes: [TASK_DEFINITION] },
        Source: { Owner: 'AWS', SourceIdentifier: identifier },
      },
    };
  }
  for (const check of checks) {
    const logical = `Ecsguard${check.meta.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`;
    resources[logical] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: ruleName(check.meta.id),
        Description: check.meta.title,
        Scope: { ComplianceResourceTypes: [TASK_DEFINITION] },
        InputParameters: { checks: check.meta.id, scope: 'active' },
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${EcsguardFunctionName}'),
          SourceDetails: [
            ...TRIGGERS.map((MessageType) => ({ EventSource: 'aws.config', MessageType })),
            { EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: 'TwentyFour_Hours' },
          ],
        },
      },
    };
  }
  return {
    Parameters: {
      EcsguardFunctionName: {
        Type: 'String',
        Default: 'ecsguard-config-rule',
        Description: 'The rule function deployed in every account and region (ecsguard deploy config-rule, as a StackSet).',
      },
    },
    Resources: resources,
  };
}
