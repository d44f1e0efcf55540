import { describeValue, field, scalarText } from '../model/value.js';
import { containersPassMessage } from './support/judgements.js';
import { expandPath } from './support/reading.js';
import { containerField, judgeEachContainer } from './support/per-container.js';
import type { Check } from './types.js';

/**
 * No automatic fix: every working log configuration names a destination that
 * must exist (a CloudWatch log group and its region, a FireLens router, a
 * Splunk endpoint) and permissions on the execution role, which a definition
 * alone cannot tell. The manual step says what to add.
 */
const MANUAL_LOGGING =
  'add logConfiguration with a logDriver: awslogs with options awslogs-group (an existing log group, or awslogs-create-group "true" ' +
  'with logs:CreateLogGroup on the execution role), awslogs-region and awslogs-stream-prefix; the task execution role needs ' +
  'logs:CreateLogStream and logs:PutLogEvents. ecsguard does not choose the destination';

export const loggingConfigured: Check = {
  meta: {
    id: 'logging-configured',
    title: 'Every container has a log driver',
    severity: 'medium',
    description:
      'Fails when a container has no logConfiguration or no logDriver in it, as Security Hub ECS.9 and the AWS Config rule ' +
      'ecs-task-definition-log-configuration do.',
    risk:
      'Without a log driver the container output stays on the instance (or, on Fargate, is lost): an intrusion or a failing ' +
      'workload leaves no trace that responders can read after the task stops.',
    semantics:
      'FAIL: logConfiguration absent or null, or its logDriver absent, null or empty. PASS: any logDriver (awslogs, awsfirelens, ' +
      'splunk, json-file…). UNKNOWN: logConfiguration or logDriver cannot be resolved. Opt-in (--checks hardening or --checks ' +
      'all): it is an audit-trail control, not a host-breach door.',
    remediation: {
      summary: 'Give every container a logConfiguration with a log driver, usually awslogs to CloudWatch Logs or awsfirelens.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'For each container, under Logging, turn on Use log collection and choose Amazon CloudWatch (or another destination).',
        'Create the revision and update the services that use the family.',
      ],
      cli: [
        '# in every container definition:',
        '"logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/<family>", "awslogs-region": "<region>", ' +
          '"awslogs-stream-prefix": "app"}}',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
      ].join('\n'),
      cloudformation:
        'ContainerDefinitions:\n  - Name: app\n    LogConfiguration:\n      LogDriver: awslogs\n      Options:\n' +
        '        awslogs-group: !Ref LogGroup\n        awslogs-region: !Ref AWS::Region\n        awslogs-stream-prefix: app',
      terraform:
        'container_definitions = jsonencode([{\n  name = "app"\n  logConfiguration = {\n    logDriver = "awslogs"\n    options = {\n' +
        '      awslogs-group         = aws_cloudwatch_log_group.app.name\n      awslogs-region        = var.region\n' +
        '      awslogs-stream-prefix = "app"\n    }\n  }\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-log-configuration.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_logging_enabled'],
      securityHub: ['ECS.9'],
      awsConfig: ['ecs-task-definition-log-configuration'],
      cis: ['3.7'],
      checkov: [],
    },
    fixable: false,
    examples: {
      failing: {
        family: 'web',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
      passing: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
            },
          },
        ],
      },
    },
    default: false,
  },
  evaluate: (taskDefinition) =>
    judgeEachContainer(
      taskDefinition,
      (c) => ({
        config: { node: field(c.node, 'logConfiguration'), field: containerField(c, 'logConfiguration') },
        driver: { node: expandPath(c.node, ['logConfiguration', 'logDriver']), field: containerField(c, 'logConfiguration.logDriver') },
      }),
      ({ config, driver }) => {
        if (config === undefined || config.kind === 'null') {
          return { value: true, explanation: 'logConfiguration is not set, so nothing collects its logs', culprit: 'config' };
        }
        if (config.kind !== 'object') {
          return {
            value: 'unknown',
            explanation: `logConfiguration is ${describeValue(config)}, which cannot be resolved`,
            culprit: 'config',
          };
        }
        if (driver === undefined || driver.kind === 'null') {
          return { value: true, explanation: 'logConfiguration has no logDriver', culprit: 'config' };
        }
        if (driver.kind === 'unresolved') {
          return {
            value: 'unknown',
            explanation: `logConfiguration.logDriver is ${describeValue(driver)}, which cannot be resolved`,
            culprit: 'driver',
          };
        }
        const text = scalarText(driver);
        if (text === undefined)
          return {
            value: 'unknown',
            explanation: `logConfiguration.logDriver is ${describeValue(driver)}, which is not a string`,
            culprit: 'driver',
          };
        if (text.trim() === '') return { value: true, explanation: 'logConfiguration.logDriver is empty', culprit: 'driver' };
        return { value: false, explanation: `logConfiguration.logDriver is ${JSON.stringify(text)}`, culprit: 'driver' };
      },
      ({ container }) => ({ changes: [], warnings: [], manual: [{ container: container.name, reason: MANUAL_LOGGING }] }),
    ),
  passMessage: containersPassMessage,
};
