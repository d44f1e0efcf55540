import { type ProposedFix, mergeFixes } from '../model/proposed-fix.js';
import type { ContainerDefinition, TaskDefinition } from '../model/task-definition.js';
import { describeValue, field, pathGet, toPlain } from '../model/value.js';
import { blockingNode, cannotEdit, privilegedFix } from './support/fixes.js';
import { containersPassMessage, judgePrivileged } from './support/judgements.js';
import { onLinux } from './support/linux-only.js';
import { containerField, OPERATING_SYSTEM_FAMILY, judgeEachContainer } from './support/per-container.js';
import { capabilityName, expandPath, textElements } from './support/reading.js';
import type { Tri } from './support/tri.js';
import type { Check } from './types.js';

type Key = 'drop' | 'privileged' | 'os';

const DROP = ['linuxParameters', 'capabilities', 'drop'];

/**
 * Appends "ALL" to linuxParameters.capabilities.drop (creating it), keeping
 * the entries there; a privileged container also gets privileged false, which
 * overrides any drop. A list or parent ecsguard cannot write into is manual.
 */
function dropAllFix(taskDefinition: TaskDefinition, container: ContainerDefinition): ProposedFix {
  const privileged = privilegedFix(taskDefinition, container);
  const blocking = blockingNode(container.node, DROP);
  if (blocking) return mergeFixes(privileged, cannotEdit(container, blocking, DROP.join('.')));
  const current = pathGet(container.node, DROP);
  const items = current?.kind === 'array' ? current.items : [];
  if (items.some((item) => item.kind === 'string' && capabilityName(item.value) === 'ALL')) return privileged;
  const unwritable =
    (current !== undefined && current.kind !== 'array' && current.kind !== 'null') || items.some((item) => toPlain(item) === undefined);
  if (unwritable && current) return mergeFixes(privileged, cannotEdit(container, current, DROP.join('.')));
  const name = JSON.stringify(container.name);
  const drop: ProposedFix = {
    changes: [{ container, path: DROP, operation: 'insert', value: ['ALL'], ...(current ? { current } : {}) }],
    warnings: [
      {
        container: container.name,
        message:
          `container ${name}: dropping ALL capabilities also removes ones the process may use (CHOWN, SETUID, ` +
          'NET_BIND_SERVICE…); add back only those it needs with linuxParameters.capabilities.add',
      },
    ],
    manual: [],
  };
  return mergeFixes(privileged, drop);
}

export const dropAllCapabilities: Check = {
  meta: {
    id: 'drop-all-capabilities',
    title: 'Every Linux container drops all capabilities',
    severity: 'medium',
    description:
      'Fails when a Linux container does not list ALL in linuxParameters.capabilities.drop, or is privileged (privileged overrides ' +
      'any drop). Windows task definitions are not applicable.',
    risk:
      "Docker's default capability set includes CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW and others: enough for a " +
      'compromised process to spoof packets on the host network, change file ownership and escalate through set-uid binaries. ' +
      'Dropping ALL and adding back only what the workload needs shrinks that surface.',
    semantics:
      'FAIL: linuxParameters, capabilities or drop absent; drop without ALL (any case, optional CAP_ prefix); privileged true ' +
      'whatever drop says. PASS: drop contains ALL and the container is not privileged; any container of a Windows task ' +
      'definition. UNKNOWN: drop, an element of it, privileged, or an operating system family that decides the verdict cannot be ' +
      'resolved. Opt-in (--checks hardening or --checks all): almost every task definition written today fails it.',
    remediation: {
      summary:
        'Add linuxParameters.capabilities.drop ["ALL"] to every Linux container and add back only the capabilities it needs (for ' +
        'example NET_BIND_SERVICE).',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision with JSON.',
        'In every container add "linuxParameters": {"capabilities": {"drop": ["ALL"]}} (keep any add list the workload needs).',
        'Create the revision and update the services that use the family; test that the application still starts.',
      ],
      cli: [
        '# in every container definition:',
        '"linuxParameters": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
      ].join('\n'),
      cloudformation: 'ContainerDefinitions:\n  - Name: app\n    LinuxParameters:\n      Capabilities:\n        Drop: [ALL]',
      terraform:
        'container_definitions = jsonencode([{\n  name = "app"\n  linuxParameters = {\n    capabilities = { drop = ["ALL"] }\n  }\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html',
      'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
    ],
    mappings: { prowler: [], securityHub: [], awsConfig: [], cis: [], checkov: [] },
    fixable: true,
    fixOption: 'dropCapabilities',
    examples: {
      failing: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            linuxParameters: { capabilities: { drop: ['NET_RAW'] } },
          },
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
            linuxParameters: { capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
    default: false,
  },
  evaluate: (taskDefinition) =>
    judgeEachContainer<Key>(
      taskDefinition,
      (c) => ({
        drop: {
          node: expandPath(c.node, ['linuxParameters', 'capabilities', 'drop']),
          field: containerField(c, 'linuxParameters.capabilities.drop'),
        },
        privileged: { node: field(c.node, 'privileged'), field: containerField(c, 'privileged'), advice: 'make it false' },
        os: {
          node: taskDefinition.operatingSystemFamily,
          field: OPERATING_SYSTEM_FAMILY,
          advice: 'make it a literal value',
        },
      }),
      ({ drop, privileged, os }) => {
        const priv = judgePrivileged(privileged);
        const linux = ((): { value: Tri; explanation: string; culprit: Key } => {
          if (priv.value === true)
            return {
              value: true,
              explanation: `${priv.explanation}, which grants every capability whatever drop says`,
              culprit: 'privileged',
            };
          if (drop === undefined || drop.kind === 'null') {
            return {
              value: true,
              explanation: 'linuxParameters.capabilities.drop is not set, so the default capabilities stay',
              culprit: 'drop',
            };
          }
          if (drop.kind !== 'array') {
            return {
              value: 'unknown',
              explanation: `linuxParameters.capabilities.drop is ${describeValue(drop)}, which cannot be resolved`,
              culprit: 'drop',
            };
          }
          const elements = textElements(drop);
          if (elements.some((e) => 'text' in e && capabilityName(e.text) === 'ALL')) {
            if (priv.value === 'unknown')
              return {
                value: 'unknown',
                explanation: `${priv.explanation}, and a privileged container keeps every capability whatever drop says`,
                culprit: 'privileged',
              };
            return { value: false, explanation: 'linuxParameters.capabilities.drop contains ALL', culprit: 'drop' };
          }
          const unresolvedElement = elements.find((e) => 'unknown' in e);
          if (unresolvedElement && 'unknown' in unresolvedElement) {
            return {
              value: 'unknown',
              explanation: `linuxParameters.capabilities.drop has an element ${unresolvedElement.unknown}`,
              culprit: 'drop',
            };
          }
          const listed = elements.map((e) => ('text' in e ? e.text : '')).filter(Boolean);
          return {
            value: true,
            explanation: listed.length
              ? `linuxParameters.capabilities.drop is [${listed.map((t) => JSON.stringify(t)).join(', ')}], which does not contain ALL`
              : 'linuxParameters.capabilities.drop is empty',
            culprit: 'drop',
          };
        })();
        return onLinux<Key>(os, linux, 'os');
      },
      ({ container }) => dropAllFix(taskDefinition, container),
    ),
  passMessage: containersPassMessage,
};
