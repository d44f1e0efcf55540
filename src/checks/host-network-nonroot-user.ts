import { field } from '../model/value.js';
import { hostNetworkPassMessage, judgeHostNetwork, neverHostNetwork, judgeUserOnPlatform } from './support/judgements.js';
import { DEFAULT_CHECK_CONTEXT } from '../model/proposed-fix.js';
import { networkModeFix, proposesFixes, userFix } from './support/fixes.js';
import {
  type Verdict,
  containerField,
  NETWORK_MODE,
  OPERATING_SYSTEM_FAMILY,
  judgeEachContainer,
  nonRootUserAdvice,
} from './support/per-container.js';
import { and } from './support/tri.js';
import type { Check } from './types.js';

export const hostNetworkNonrootUser: Check = {
  meta: {
    id: 'host-network-nonroot-user',
    title: 'Host network mode tasks run every container as an explicit non-root user',
    severity: 'high',
    description:
      'Fails when networkMode is host and any container leaves user unset or empty, or sets it to root (uid 0 by name or number). ' +
      'Privileged containers get no exemption.',
    risk:
      "With host networking the container shares the instance's network stack. As root it can bind any port, sniff and spoof " +
      'traffic, impersonate services on the host and reach the metadata endpoint; a kernel exploit from there compromises the ' +
      'instance.',
    semantics:
      'Applies only when networkMode is "host" (absent is not host). FAIL: user absent, empty, "root" or uid 0 in any form ("0", ' +
      '"0:0", "root:root", "root:1000"). PASS: an explicit non-root uid. Unlike AWS Config and Prowler, privileged: true does ' +
      'not make a root container compliant. NOTE: root group with a non-root uid ("1000:0"). UNKNOWN: networkMode or user cannot ' +
      'be resolved and would decide the verdict.',
    remediation: {
      summary:
        'Prefer awsvpc network mode; if the task must use host networking, set user to a non-root uid (for example "1000:1000") in ' +
        'every container.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'Preferred: under Infrastructure requirements change Network mode from host to awsvpc.',
        'If host mode is required: for each container, under Environment, set User to a non-root user such as 1000:1000.',
        'Create the revision and update every service that uses the family.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --query ' +
          "'taskDefinition.{NetworkMode:networkMode,Containers:containerDefinitions[*].{Name:name,User:user}}'",
        '# set "user": "1000:1000" in every container (or "networkMode": "awsvpc"), then:',
        'aws ecs register-task-definition --cli-input-json file://task-definition.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>',
      ].join('\n'),
      cloudformation:
        'NetworkMode: host\nContainerDefinitions:\n  - Name: app\n    User: "1000:1000"\n    LinuxParameters:\n      Capabilities:\n' +
        '        Drop: [ALL]',
      terraform: 'network_mode = "host"\ncontainer_definitions = jsonencode([{\n  name = "app"\n  user = "1000:1000"\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_host_networking_mode_users'],
      securityHub: ['ECS.1 (retired)'],
      awsConfig: ['ecs-task-definition-user-for-host-mode-check'],
      cis: [],
      checkov: [],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'agent',
        networkMode: 'host',
        containerDefinitions: [{ name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true }],
      },
      passing: {
        family: 'agent',
        networkMode: 'host',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
    },
  },
  evaluate: (taskDefinition, context = DEFAULT_CHECK_CONTEXT) =>
    neverHostNetwork(taskDefinition.networkMode)
      ? []
      : judgeEachContainer(
          taskDefinition,
          (c) => ({
            networkMode: {
              node: taskDefinition.networkMode,
              field: NETWORK_MODE,
              advice: 'make it a mode other than host (awsvpc is recommended)',
            },
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
          ({ networkMode, user, os }, container) => {
            const host = judgeHostNetwork(networkMode);
            const root = judgeUserOnPlatform(user, os, 'fails', container.imageUser);
            const value = and(host.value, root.value);
            const notes = host.value !== false && root.note ? [root.note] : [];
            // Key by key (run for every container; a conditional spread is slow in V8 11).
            const verdict: Verdict<'networkMode' | 'user' | 'os'> =
              host.value === 'unknown' && root.value !== false
                ? { value, explanation: `${root.explanation}, and ${host.explanation}`, culprit: 'networkMode', notes }
                : {
                    value,
                    explanation: `in host network mode, ${root.explanation}`,
                    culprit: root.decidedBy === 'os' ? 'os' : 'user',
                    notes,
                  };
            if (root.effectiveUser) verdict.effectiveUser = root.effectiveUser;
            return verdict;
          },
          proposesFixes(context)
            ? ({ container, culprit }) =>
                context.fix.networkMode === 'awsvpc'
                  ? networkModeFix(taskDefinition)
                  : userFix(taskDefinition, container, 'fails', context.fix.user, culprit === 'os')
            : undefined,
        ),
  passMessage: hostNetworkPassMessage,
};
