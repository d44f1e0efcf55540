import { field } from '../model/value.js';
import { containersPassMessage, judgeUserOnPlatform } from './support/judgements.js';
import { DEFAULT_CHECK_CONTEXT } from '../model/proposed-fix.js';
import { proposesFixes, userFix } from './support/fixes.js';
import { type Verdict, containerField, OPERATING_SYSTEM_FAMILY, judgeEachContainer, nonRootUserAdvice } from './support/per-container.js';
import type { Check } from './types.js';

export const noRootUser: Check = {
  meta: {
    id: 'no-root-user',
    title: 'Every container sets a non-root user',
    severity: 'medium',
    description:
      'Fails when any container definition leaves user unset or empty, or sets it to root: uid 0 by name or number, with or without ' +
      'a group. On Windows task definitions the administrator account ContainerAdministrator counts as root.',
    risk:
      'A process running as root inside the container keeps root on every file and mount it can reach; a kernel or runtime ' +
      'escape then lands as root on the host. Role-based, least-privileged users limit what a compromise can do.',
    semantics:
      'The uid is the part of user before the first ":". FAIL: user absent, empty, group-only (":1000", so the image default uid ' +
      'applies), "root", or a uid equal to 0 ("0", "00", "+0", "0:0", "0:1000", "root:root", "root:1000"); on Windows ' +
      '(runtimePlatform.operatingSystemFamily WINDOWS_*) absent or ContainerAdministrator in any case. PASS: any other uid ' +
      '("1000", "1000:1000", "app"). NOTE (not a failure): a non-root uid with the root group ("1000:0"), a case variant of root ' +
      '("ROOT"), surrounding spaces, other Windows administrative accounts (Administrator, NT AUTHORITY\\SYSTEM). UNKNOWN: user, ' +
      'or an operating system family that decides the verdict, cannot be resolved.',
    remediation: {
      summary: 'Give the image a non-root USER and set user to it (for example "1000:1000") in every container definition.',
      console: [
        'Open the Amazon ECS console and choose Task definitions.',
        'Select the family and choose Create new revision.',
        'For each container, under Environment, set User to a non-root user such as 1000:1000.',
        'Create the revision, update the services that use it, and deactivate the old revision once they are stable.',
      ],
      cli: [
        '# In the Dockerfile: RUN useradd --uid 1000 --create-home app && USER app',
        'aws ecs describe-task-definition --task-definition <family> --include TAGS --query taskDefinition > td.json',
        '# set "user": "1000:1000" in every container; drop the read-only fields',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation: 'ContainerDefinitions:\n  - Name: app\n    User: "1000:1000"',
      terraform: 'container_definitions = jsonencode([{\n  name = "app"\n  user = "1000:1000"\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-21',
    ],
    mappings: {
      prowler: [],
      securityHub: ['ECS.20', 'ECS.21'],
      awsConfig: [
        'ecs-task-definition-nonroot-user',
        'ecs-task-definition-linux-user-non-root',
        'ecs-task-definition-windows-user-non-admin',
      ],
      cis: [],
      checkov: [],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'web',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '0:0' },
        ],
      },
      passing: {
        family: 'web',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
    },
  },
  evaluate: (taskDefinition, context = DEFAULT_CHECK_CONTEXT) =>
    judgeEachContainer(
      taskDefinition,
      (c) => ({
        user: {
          node: field(c.node, 'user'),
          field: containerField(c, 'user'),
          advice: nonRootUserAdvice(context.fix.user),
        },
        os: {
          node: taskDefinition.operatingSystemFamily,
          field: OPERATING_SYSTEM_FAMILY,
          advice: 'make it a literal value',
        },
      }),
      ({ user, os }, container) => {
        const judgement = judgeUserOnPlatform(user, os, 'fails', container.imageUser);
        // Key by key (run for every container; conditional spreads are slow in V8 11).
        const verdict: Verdict<'user' | 'os'> = {
          value: judgement.value,
          explanation: judgement.explanation,
          culprit: judgement.decidedBy === 'os' ? 'os' : 'user',
        };
        if (judgement.note) verdict.notes = [judgement.note];
        if (judgement.effectiveUser) verdict.effectiveUser = judgement.effectiveUser;
        return verdict;
      },
      proposesFixes(context)
        ? ({ container, culprit }) => userFix(taskDefinition, container, 'fails', context.fix.user, culprit === 'os')
        : undefined,
    ),
  passMessage: containersPassMessage,
};
