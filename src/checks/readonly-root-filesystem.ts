import type { ProposedFix } from '../model/proposed-fix.js';
import type { ContainerDefinition } from '../model/task-definition.js';
import { booleanValue, describeValue, field } from '../model/value.js';
import { cannotEdit, targetsFor } from './support/fixes.js';
import { containersPassMessage } from './support/judgements.js';
import { onLinux } from './support/linux-only.js';
import { containerField, OPERATING_SYSTEM_FAMILY, judgeEachContainer } from './support/per-container.js';
import type { Check } from './types.js';

/**
 * Sets readonlyRootFilesystem true where it is not. Safe to write (the task
 * definition stays valid everywhere), but the process may need writable paths:
 * the warning says so. A value ecsguard cannot write into is manual.
 */
function readonlyRootFix(container: ContainerDefinition): ProposedFix {
  const node = field(container.node, 'readonlyRootFilesystem');
  const isTrue = (v: ReturnType<typeof field>) =>
    v !== undefined && v.kind !== 'unresolved' && v.kind !== 'conditional' && booleanValue(v) === true;
  const targets = targetsFor(node, (v) => !isTrue(v), true);
  if (node && targets.some((t) => 'manual' in t || t.current?.kind === 'unresolved'))
    return cannotEdit(container, node, 'readonlyRootFilesystem');
  const changes = targets.flatMap((t) =>
    'manual' in t
      ? []
      : [
          {
            container,
            path: ['readonlyRootFilesystem'],
            operation: 'set' as const,
            value: true,
            ...(t.current ? { current: t.current } : {}),
          },
        ],
  );
  const name = JSON.stringify(container.name);
  const warnings = changes.length
    ? [
        {
          container: container.name,
          message:
            `container ${name}: with a read-only root filesystem the process can write only to volumes and tmpfs mounts; ` +
            'mount one for paths it writes (for example /tmp)',
        },
      ]
    : [];
  return { changes, warnings, manual: [] };
}

export const readonlyRootFilesystem: Check = {
  meta: {
    id: 'readonly-root-filesystem',
    title: 'Every Linux container has a read-only root filesystem',
    severity: 'high',
    description:
      'Fails when a Linux container does not set readonlyRootFilesystem to true: absent fails, as in Security Hub ECS.5. Windows ' +
      'task definitions are not applicable.',
    risk:
      'A writable root filesystem lets an attacker who runs code in the container replace binaries and libraries, drop tools and ' +
      'persist until the task stops; a read-only root with explicit volumes for the paths that must be written limits that.',
    semantics:
      'FAIL: readonlyRootFilesystem absent, null, false or "false" on a Linux container (operatingSystemFamily absent or LINUX). ' +
      'PASS: true or "true"; any value on a Windows task definition (runtimePlatform.operatingSystemFamily WINDOWS_*). UNKNOWN: ' +
      'the value, or an operating system family that decides the verdict, cannot be resolved. Opt-in: most task definitions fail ' +
      'it until their writable paths move to volumes, so a plain scan does not run it (--checks hardening or --checks all does).',
    remediation: {
      summary:
        'Set readonlyRootFilesystem to true in every Linux container; give the paths the application writes (/tmp, caches) their own ' +
        'volumes or bind mounts.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'For each container, under Storage, set Read only root file system.',
        'Add a volume and a mount point for each path the application writes.',
        'Create the revision and update the services that use the family.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --query taskDefinition > td.json',
        '# set "readonlyRootFilesystem": true in every container; add volumes/mountPoints for writable paths',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation: 'ContainerDefinitions:\n  - Name: app\n    ReadonlyRootFilesystem: true',
      terraform: 'container_definitions = jsonencode([{\n  name                   = "app"\n  readonlyRootFilesystem = true\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-containers-readonly-access.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_containers_readonly_access'],
      securityHub: ['ECS.5'],
      awsConfig: ['ecs-containers-readonly-access'],
      cis: [],
      checkov: ['CKV_AWS_336'],
    },
    fixable: true,
    fixOption: 'readonlyRoot',
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
            readonlyRootFilesystem: true,
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
        readonly: {
          node: field(c.node, 'readonlyRootFilesystem'),
          field: containerField(c, 'readonlyRootFilesystem'),
          advice: 'make it true',
        },
        os: {
          node: taskDefinition.operatingSystemFamily,
          field: OPERATING_SYSTEM_FAMILY,
          advice: 'make it a literal value',
        },
      }),
      ({ readonly, os }) => {
        const linux = (() => {
          if (readonly === undefined || readonly.kind === 'null') {
            return {
              value: true as const,
              explanation: 'readonlyRootFilesystem is not set, so the root filesystem is writable',
              culprit: 'readonly' as const,
            };
          }
          if (readonly.kind === 'unresolved') {
            return {
              value: 'unknown' as const,
              explanation: `readonlyRootFilesystem is ${describeValue(readonly)}, which cannot be resolved`,
              culprit: 'readonly' as const,
            };
          }
          const flag = booleanValue(readonly);
          if (flag === undefined) {
            return {
              value: 'unknown' as const,
              explanation: `readonlyRootFilesystem is ${describeValue(readonly)}, which is not a boolean`,
              culprit: 'readonly' as const,
            };
          }
          return flag
            ? { value: false as const, explanation: `readonlyRootFilesystem is ${describeValue(readonly)}`, culprit: 'readonly' as const }
            : {
                value: true as const,
                explanation: `readonlyRootFilesystem is ${describeValue(readonly)}, so the root filesystem is writable`,
                culprit: 'readonly' as const,
              };
        })();
        return onLinux<'readonly' | 'os'>(os, linux, 'os');
      },
      ({ container }) => readonlyRootFix(container),
    ),
  passMessage: containersPassMessage,
};
