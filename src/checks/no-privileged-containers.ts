import { field } from '../model/value.js';
import { containersPassMessage, judgePrivileged } from './support/judgements.js';
import { privilegedFix, proposesFixes } from './support/fixes.js';
import { containerField, judgeEachContainer } from './support/per-container.js';
import type { Check } from './types.js';

export const noPrivilegedContainers: Check = {
  meta: {
    id: 'no-privileged-containers',
    title: 'No container runs in privileged mode',
    severity: 'high',
    description: 'Fails when any container definition sets privileged to true, whatever the network mode. Absent or false passes.',
    risk:
      'A privileged container gets nearly every capability and the host devices. Whoever compromises it can mount host disks, ' +
      'read secrets of other workloads on the instance and plant persistent changes: a container breach becomes a host breach.',
    semantics:
      'FAIL: privileged is true (or the CloudFormation string "true"). PASS: absent, null or false. UNKNOWN: the value is an ' +
      'expression that cannot be resolved (the message shows it). Fargate rejects privileged containers, so this only bites on ' +
      'the EC2 and external launch types. Checkov CKV_AWS_334 covers the same control but reads the misspelt key `privilege`, so ' +
      'it never fires on a real definition.',
    remediation: {
      summary:
        'Remove privileged (false is the default) or set it to false; grant only the Linux capabilities or devices the workload ' +
        'needs through linuxParameters.',
      console: [
        'Open the Amazon ECS console and choose Task definitions.',
        'Select the family, open its latest revision and choose Create new revision.',
        'For each container, under Environment, clear Privileged.',
        'Create the revision, then update every service that uses the family to the new revision.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --include TAGS --query taskDefinition > td.json',
        '# set "privileged": false (or delete it) in every container; drop the read-only fields',
        "jq 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy, " +
          ".deregisteredAt)' td.json > td-new.json",
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation: 'ContainerDefinitions:\n  - Name: app\n    Privileged: false',
      terraform: 'container_definitions = jsonencode([{\n  name       = "app"\n  privileged = false\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_no_privileged_containers'],
      securityHub: ['ECS.4'],
      awsConfig: ['ecs-containers-nonprivileged'],
      cis: ['3.4'],
      checkov: ['CKV_AWS_334'],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            privileged: true,
          },
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
  evaluate: (taskDefinition, context) =>
    judgeEachContainer(
      taskDefinition,
      (c) => ({ privileged: { node: field(c.node, 'privileged'), field: containerField(c, 'privileged'), advice: 'make it false' } }),
      ({ privileged }) => {
        const { value, explanation } = judgePrivileged(privileged);
        return { value, explanation, culprit: 'privileged' };
      },
      proposesFixes(context) ? ({ container }) => privilegedFix(taskDefinition, container) : undefined,
    ),
  passMessage: containersPassMessage,
};
