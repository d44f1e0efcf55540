import { describeValue, field } from '../model/value.js';
import { containersPassMessage, judgePrivileged } from './support/judgements.js';
import { containerField, judgeEachContainer } from './support/per-container.js';
import { capabilityName, expandPath, textElements } from './support/reading.js';
import type { Tri } from './support/tri.js';
import type { Check } from './types.js';

/** Capabilities that each open a known path from the container to the host or its neighbours. */
export const DANGEROUS_CAPABILITIES = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'NET_RAW',
  'BPF',
  'PERFMON',
];

type Key = 'add' | 'devices' | 'privileged';

export const noDangerousCapabilities: Check = {
  meta: {
    id: 'no-dangerous-capabilities',
    title: 'No container adds a dangerous capability or a host device',
    severity: 'high',
    description:
      `Fails when a container adds any of ${DANGEROUS_CAPABILITIES.join(', ')} in linuxParameters.capabilities.add, or ` +
      'maps host devices with linuxParameters.devices. A privileged container is left to no-privileged-containers, which already ' +
      'fails it.',
    risk:
      'SYS_ADMIN allows mounting filesystems and most of what privileged does; SYS_MODULE loads kernel modules; SYS_PTRACE and ' +
      'DAC_READ_SEARCH read other processes and files past permissions (the "shocker" escape); NET_ADMIN and NET_RAW rewrite and ' +
      'spoof traffic; BPF and PERFMON load kernel programs. A host device gives direct access to hardware. Each turns a container ' +
      'compromise into a host compromise.',
    semantics:
      'FAIL: capabilities.add contains one of the listed names (any case, optional CAP_ prefix), or linuxParameters.devices is a ' +
      'non-empty list, on a container that is not privileged. PASS: neither, or the container is privileged ' +
      '(no-privileged-containers reports it). UNKNOWN: add, devices, an element of add, or a privileged value that decides the ' +
      'verdict cannot be resolved.',
    remediation: {
      summary:
        'Remove the capability from capabilities.add (and the devices entry); grant the narrower capability the workload really ' +
        'needs, or move the work out of the container.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision with JSON.',
        'In each container remove the listed names from linuxParameters.capabilities.add and remove linuxParameters.devices.',
        'Create the revision and update the services that use the family.',
      ],
      cli: [
        "jq '.containerDefinitions[].linuxParameters.capabilities.add -= " +
          '["SYS_ADMIN","NET_ADMIN","SYS_PTRACE","SYS_MODULE","DAC_READ_SEARCH","NET_RAW","BPF","PERFMON","ALL"]\' td.json > ' +
          'td-new.json',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
      ].join('\n'),
      cloudformation: 'LinuxParameters:\n  Capabilities:\n    Drop: [ALL]\n    Add: [NET_BIND_SERVICE]   # no SYS_ADMIN, NET_ADMIN…',
      terraform: 'linuxParameters = {\n  capabilities = { drop = ["ALL"], add = ["NET_BIND_SERVICE"] }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
    mappings: { prowler: [], securityHub: [], awsConfig: [], cis: [], checkov: [] },
    fixable: false,
    examples: {
      failing: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } },
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
            linuxParameters: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
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
        add: {
          node: expandPath(c.node, ['linuxParameters', 'capabilities', 'add']),
          field: containerField(c, 'linuxParameters.capabilities.add'),
        },
        devices: { node: expandPath(c.node, ['linuxParameters', 'devices']), field: containerField(c, 'linuxParameters.devices') },
        privileged: { node: field(c.node, 'privileged'), field: containerField(c, 'privileged') },
      }),
      ({ add, devices, privileged }) => {
        const reasons: Array<{ value: Tri; explanation: string; culprit: Key }> = [];
        if (add !== undefined && add.kind !== 'null') {
          if (add.kind !== 'array') {
            reasons.push({
              value: 'unknown',
              explanation: `linuxParameters.capabilities.add is ${describeValue(add)}, which cannot be resolved`,
              culprit: 'add',
            });
          } else {
            const elements = textElements(add);
            const dangerous = elements.flatMap((e) =>
              'text' in e && DANGEROUS_CAPABILITIES.includes(capabilityName(e.text)) ? [e.text] : [],
            );
            const unresolved = elements.find((e) => 'unknown' in e);
            if (dangerous.length) {
              reasons.push({
                value: true,
                explanation: `linuxParameters.capabilities.add grants ${dangerous.map((d) => JSON.stringify(d)).join(', ')}`,
                culprit: 'add',
              });
            } else if (unresolved && 'unknown' in unresolved) {
              reasons.push({
                value: 'unknown',
                explanation: `linuxParameters.capabilities.add has an element ${unresolved.unknown}`,
                culprit: 'add',
              });
            }
          }
        }
        if (devices !== undefined && devices.kind !== 'null') {
          if (devices.kind === 'array') {
            if (devices.items.length) {
              reasons.push({
                value: true,
                explanation:
                  'linuxParameters.devices maps ' +
                  `${devices.items.length === 1 ? 'a host device' : `${devices.items.length} host devices`} into the container`,
                culprit: 'devices',
              });
            }
          } else {
            reasons.push({
              value: 'unknown',
              explanation: `linuxParameters.devices is ${describeValue(devices)}, which cannot be resolved`,
              culprit: 'devices',
            });
          }
        }
        const decisive = reasons.find((r) => r.value === true) ?? reasons.find((r) => r.value === 'unknown');
        if (!decisive) return { value: false, explanation: 'no dangerous capability or device', culprit: 'add' };
        const priv = judgePrivileged(privileged);
        if (priv.value === true)
          return { value: false, explanation: `${priv.explanation} (reported by no-privileged-containers)`, culprit: 'privileged' };
        if (priv.value === 'unknown' && decisive.value === true) {
          return {
            value: 'unknown',
            explanation: `${decisive.explanation}, unless the container is privileged: ${priv.explanation}`,
            culprit: decisive.culprit,
          };
        }
        return decisive;
      },
    ),
  passMessage: containersPassMessage,
};
