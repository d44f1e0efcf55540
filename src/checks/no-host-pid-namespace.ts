import { variants } from '../model/value.js';
import { removeTaskField } from './support/fixes.js';
import { taskField } from './support/per-container.js';
import { judgeHostMode, judgeTaskField } from './support/reading.js';
import type { Check } from './types.js';

/** What removing `pidMode: host` changes for the workload. */
const REMOVAL_WARNING =
  "pidMode host removed: the containers no longer see the instance's processes, nor each other's; if one container must see " +
  "another's processes (a debugging or process-monitoring sidecar), set pidMode to task instead; an agent that must watch the " +
  "instance's processes needs host: then restore it and mute this finding with the reason";

export const noHostPidNamespace: Check = {
  meta: {
    id: 'no-host-pid-namespace',
    title: 'Task definitions do not share the host process namespace',
    severity: 'high',
    description:
      'Fails when pidMode is host. Security Hub ECS.3 and the AWS Config rule ecs-task-definition-pid-mode-check check the same.',
    risk:
      'With the host PID namespace every container of the task sees every process on the instance: it can read their command ' +
      'lines and environments under /proc, signal them, and with ptrace rights attach to them. Combined with root or extra ' +
      'capabilities that is a direct path to the host.',
    semantics:
      'FAIL: pidMode is "host" (any case). PASS: "task", or absent (each container gets its own namespace). UNKNOWN: pidMode cannot ' +
      'be resolved. Fargate and Windows reject host, so this bites on the EC2 and external launch types. Checkov CKV_AWS_335 ' +
      'reads pidMode inside each container definition, where ECS never puts it, so it never fires on a real definition.',
    remediation: {
      summary: 'Remove pidMode (or set it to task when containers of one task must see each other).',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision with JSON.',
        'Delete "pidMode": "host" (or change it to "task").',
        'Create the revision, then update every service that uses the family to the new revision.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --query taskDefinition > td.json',
        "jq 'del(.pidMode, .taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, " +
          ".registeredBy)' td.json > td-new.json",
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation: '# remove PidMode: host, or\nPidMode: task',
      terraform: '# remove pid_mode = "host", or\npid_mode = "task"',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_pidmode',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-pid-mode-check.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_host_namespace_not_shared'],
      securityHub: ['ECS.3'],
      awsConfig: ['ecs-task-definition-pid-mode-check'],
      cis: [],
      checkov: ['CKV_AWS_335'],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'agent',
        pidMode: 'host',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
      passing: {
        family: 'agent',
        pidMode: 'task',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
    },
    default: false,
  },
  evaluate: (taskDefinition) =>
    judgeTaskField(taskDefinition.pidMode, taskField('pidMode'), (node) => judgeHostMode('pidMode', node), {
      advice: 'make it task, or remove it',
      // Absent is valid on every launch type and OS; what the containers lose is in the warning.
      fix: () => removeTaskField(taskDefinition, 'pidMode', REMOVAL_WARNING),
    }),
  passMessage: (taskDefinition) =>
    [...new Set(variants(taskDefinition.pidMode).map((v) => judgeHostMode('pidMode', v.node).explanation))].join(' or '),
};
