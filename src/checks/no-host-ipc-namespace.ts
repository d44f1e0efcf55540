import { variants } from '../model/value.js';
import { removeTaskField } from './support/fixes.js';
import { taskField } from './support/per-container.js';
import { judgeHostMode, judgeTaskField } from './support/reading.js';
import type { Check } from './types.js';

/** What removing `ipcMode: host` changes for the workload. */
const REMOVAL_WARNING =
  'ipcMode host removed: the containers no longer share /dev/shm, semaphores and message queues with the instance, nor with each ' +
  'other; if containers of this task exchange shared memory, set ipcMode to task instead';

export const noHostIpcNamespace: Check = {
  meta: {
    id: 'no-host-ipc-namespace',
    title: 'Task definitions do not share the host IPC namespace',
    severity: 'high',
    description: 'Fails when ipcMode is host, which shares the instance IPC namespace with the task.',
    risk:
      'With the host IPC namespace the containers share System V shared memory, semaphores and message queues with every process ' +
      'on the instance: they can read or corrupt data other workloads and host daemons exchange through /dev/shm and IPC objects.',
    semantics:
      'FAIL: ipcMode is "host" (any case). PASS: "task", "none", or absent (each container gets a private namespace). UNKNOWN: ' +
      'ipcMode cannot be resolved. Fargate and Windows do not support ipcMode, so this bites on the EC2 and external launch types.',
    remediation: {
      summary: 'Remove ipcMode, or set it to task when containers of one task must share memory, or none.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision with JSON.',
        'Delete "ipcMode": "host" (or change it to "task").',
        'Create the revision, then update every service that uses the family to the new revision.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --query taskDefinition > td.json',
        "jq 'del(.ipcMode, .taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, " +
          ".registeredBy)' td.json > td-new.json",
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation: '# remove IpcMode: host, or\nIpcMode: task',
      terraform: '# remove ipc_mode = "host", or\nipc_mode = "task"',
    },
    references: ['https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_ipcmode'],
    mappings: {
      prowler: [],
      securityHub: [],
      awsConfig: [],
      cis: [],
      checkov: [],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'agent',
        ipcMode: 'host',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
      passing: {
        family: 'agent',
        ipcMode: 'task',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
    },
    default: false,
  },
  evaluate: (taskDefinition) =>
    judgeTaskField(taskDefinition.ipcMode, taskField('ipcMode'), (node) => judgeHostMode('ipcMode', node), {
      advice: 'make it task, or remove it',
      // Absent is valid on every launch type and OS; what the containers lose is in the warning.
      fix: () => removeTaskField(taskDefinition, 'ipcMode', REMOVAL_WARNING),
    }),
  passMessage: (taskDefinition) =>
    [...new Set(variants(taskDefinition.ipcMode).map((v) => judgeHostMode('ipcMode', v.node).explanation))].join(' or '),
};
