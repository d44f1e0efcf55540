import type { ContainerDefinition } from '../model/task-definition.js';
import { type Assumption, type ValueNode, consistent, describeValue, field, scalarText, variants } from '../model/value.js';
import { containersPassMessage } from './support/judgements.js';
import { containerField, containerListProblems, fieldOf, when } from './support/per-container.js';
import { detectSecret, sensitiveName } from './support/secrets.js';
import type { Check, Violation } from './types.js';

/** Judges one environment entry on every branch; the value itself never leaves this function. */
function judgeEntry(container: ContainerDefinition, item: ValueNode, index: number, base: Assumption[]): Violation | undefined {
  let unknown: Violation | undefined;
  for (const entryVariant of variants(item)) {
    const entryAssumptions = [...base, ...entryVariant.assumptions];
    if (entryVariant.node?.kind !== 'object' || !consistent(entryAssumptions)) continue;
    const name = scalarText(field(entryVariant.node, 'name'));
    if (name === undefined) continue;
    for (const v of variants(field(entryVariant.node, 'value'))) {
      const assumptions = [...entryAssumptions, ...v.assumptions];
      if (!consistent(assumptions)) continue;
      const at = {
        ...fieldOf(containerField(container, 'environment', String(index), 'value')),
        container,
        ...(v.node ? { node: v.node } : {}),
      };
      const conditions = when(assumptions.filter((a) => !container.assumptions.some((c) => c.condition === a.condition)));
      if (v.node?.kind === 'unresolved') {
        if (sensitiveName(name) && !unknown) {
          unknown = {
            status: 'UNKNOWN',
            message:
              `container ${JSON.stringify(container.name)}: environment variable ${name} is ${describeValue(v.node)}, which ` +
              `cannot be resolved; if it is a literal, the secret is stored in the task definition in plain text${conditions}`,
            ...at,
          };
        }
        continue;
      }
      const text = v.node?.kind === 'string' || v.node?.kind === 'number' ? scalarText(v.node) : undefined;
      if (text === undefined) continue;
      const hit = detectSecret(name, text);
      if (!hit) continue;
      const through = v.node?.origin ? ` (through ${v.node.origin.expression})` : '';
      return {
        status: 'FAIL',
        message:
          `container ${JSON.stringify(container.name)}: environment variable ${name} holds ${hit.kind}${through} ` +
          `(${hit.hint}); anyone who can describe the task definition reads it${conditions}`,
        ...at,
      };
    }
  }
  return unknown;
}

export const noSecretsInEnvironment: Check = {
  meta: {
    id: 'no-secrets-in-environment',
    title: 'No container holds a secret in a plain environment variable',
    severity: 'high',
    description:
      'Fails when an environment variable has a credential-like name (AWS_SECRET_ACCESS_KEY, *_PASSWORD, *_TOKEN, *_API_KEY…) and a ' +
      'literal value, or any value in a known credential format (AWS access key id, private key block, JSON Web Token, GitHub or ' +
      'Slack token, password in a URL). The value is never printed or stored: findings show the name, the kind and the length.',
    risk:
      'Environment values are part of the task definition: anyone with ecs:DescribeTaskDefinition, every CI log that prints the ' +
      'template, and the state files of the IaC tools read them in plain text, and revisions keep them after the secret is rotated.',
    semantics:
      'secrets[].valueFrom (Secrets Manager or SSM Parameter Store) is the right way and never read; environmentFiles are not read. ' +
      'FAIL: a credential format in any value; a sensitive name with a literal value, including one that came from a parameter ' +
      'or variable default. PASS: empty values, booleans and on/off words, one- or two-digit numbers, masks (****), placeholders ' +
      '(${X}, $X, {{x}}, <x>, __X__), references (ARNs, /ssm/paths, {{resolve:…}}), names that end otherwise (DB_PASSWORD_FILE, ' +
      'TOKEN_TTL). UNKNOWN: a sensitive name whose value is an unresolved parameter or variable.',
    remediation: {
      summary:
        'Store the secret in AWS Secrets Manager or SSM Parameter Store and pass it with secrets[].valueFrom; rotate the value that ' +
        'was exposed; deregister the revisions that hold it.',
      console: [
        'Store the value in AWS Secrets Manager (or as an SSM SecureString parameter) and give the task execution role read access to it.',
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'For each container, under Environment variables, change the variable to ValueFrom with the secret ARN.',
        'Create the revision, update the services, rotate the exposed value and deregister the old revisions.',
      ],
      cli: [
        'aws secretsmanager create-secret --name <name> --secret-string file://value.txt',
        '# in the container: "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:<region>:<account>:secret:<name>"}]',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs deregister-task-definition --task-definition <family>:<old revision>',
      ].join('\n'),
      cloudformation:
        'ContainerDefinitions:\n  - Name: app\n    Secrets:\n      - Name: DB_PASSWORD\n        ValueFrom: !Ref DbPasswordSecret',
      terraform:
        'container_definitions = jsonencode([{\n  name    = "app"\n  secrets = [{ name = "DB_PASSWORD", valueFrom = ' +
        'aws_secretsmanager_secret.db.arn }]\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-no-environment-secrets.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_no_environment_secrets'],
      securityHub: ['ECS.8'],
      awsConfig: ['ecs-no-environment-secrets'],
      cis: ['3.6'],
      checkov: [],
    },
    fixable: false,
    examples: {
      failing: {
        family: 'api',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            environment: [{ name: 'DB_PASSWORD', value: 'example-literal-password' }],
          },
        ],
      },
      passing: {
        family: 'api',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/db-AbCdEf' }],
          },
        ],
      },
    },
    default: false,
  },
  evaluate(taskDefinition) {
    const violations = containerListProblems(taskDefinition);
    for (const container of taskDefinition.containers) {
      const environment = field(container.node, 'environment');
      for (const listVariant of variants(environment)) {
        const base = [...container.assumptions, ...listVariant.assumptions];
        if (!consistent(base)) continue;
        const list = listVariant.node;
        if (list?.kind === 'unresolved') {
          violations.push({
            status: 'UNKNOWN',
            message:
              `container ${JSON.stringify(container.name)}: environment is ${describeValue(list)}, which cannot be ` +
              `resolved${when(listVariant.assumptions)}`,
            ...fieldOf(containerField(container, 'environment')),
            container,
            node: list,
          });
          continue;
        }
        if (list?.kind !== 'array') continue;
        list.items.forEach((item, index) => {
          const violation = judgeEntry(container, item, index, base);
          if (violation && !violations.some((o) => o.field === violation.field && o.status === violation.status))
            violations.push(violation);
        });
      }
    }
    return violations;
  },
  passMessage: containersPassMessage,
};
