import { field } from '../model/value.js';
import { hostNetworkPassMessage, judgeHostNetwork, neverHostNetwork, judgePrivileged, judgeUserOnPlatform } from './support/judgements.js';
import { DEFAULT_CHECK_CONTEXT, mergeFixes } from '../model/proposed-fix.js';
import { networkModeFix, privilegedFix, proposesFixes, userFix } from './support/fixes.js';
import { containerField, NETWORK_MODE, OPERATING_SYSTEM_FAMILY, judgeEachContainer, nonRootUserAdvice } from './support/per-container.js';
import { and, or } from './support/tri.js';
import type { Check } from './types.js';

export const hostNetworkNoPrivilege: Check = {
  meta: {
    id: 'host-network-no-privilege',
    title: 'Host network mode tasks have no privileged or root containers',
    severity: 'high',
    description:
      'Fails when networkMode is host and any container is privileged or sets user to root (uid 0 by name or number). An absent user ' +
      'passes, as CIS AWS Compute Services Benchmark 3.1 and Prowler ecs_task_definitions_host_networking_mode_users read it. ' +
      'With --scope in-use on a live account, only revisions used by a running task or a service are checked.',
    risk:
      'Host networking plus privileged or root access is the classic container breakout: the container already shares the host ' +
      'network namespace, and privilege or root turns any foothold in it into control of the instance and everything scheduled on it.',
    semantics:
      'Applies only when networkMode is "host". FAIL: privileged is true, or user is "root" or uid 0 in any form ("0", "0:0", ' +
      '"root:root", "root:1000"). PASS: privileged absent or false and user absent, empty or non-root. NOTE: root group with a ' +
      'non-root uid. UNKNOWN: a deciding value cannot be resolved. AWS Config and Prowler treat privileged: true as compliant in ' +
      'host mode; this check, like CIS, does not.',
    remediation: {
      summary:
        'Set privileged to false (or remove it) and replace a root user with a non-root one in every container, or move the task off ' +
        'host networking.',
      console: [
        'Open the Amazon ECS console, choose Task definitions and open the latest ACTIVE revision of the family.',
        'If Network mode is host, choose Create new revision and open the JSON editor.',
        'In every container definition remove "privileged": true (or set it to false) and replace "user": "root" with a non-root user.',
        'Create the revision and update the services that use it. Backout: update the services back to the previous revision.',
      ],
      cli: [
        'aws ecs describe-task-definition --task-definition <family> --include TAGS --query taskDefinition > td.json',
        '# per container: "privileged": false, "user": "1000:1000"; drop the read-only fields, then:',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<new-revision>',
        '# backout: aws ecs update-service --cluster <cluster> --service <service> --task-definition <family>:<old-revision>',
      ].join('\n'),
      cloudformation: 'NetworkMode: host\nContainerDefinitions:\n  - Name: agent\n    Privileged: false\n    User: "1000:1000"',
      terraform:
        'network_mode = "host"\ncontainer_definitions = jsonencode([{\n  name       = "agent"\n  privileged = false\n' +
        '  user       = "1000:1000"\n}])',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-user-for-host-mode-check.html',
    ],
    mappings: {
      prowler: ['ecs_task_definitions_host_networking_mode_users'],
      securityHub: ['ECS.1 (retired)'],
      awsConfig: ['ecs-task-definition-user-for-host-mode-check'],
      cis: ['3.1'],
      checkov: [],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'agent',
        networkMode: 'host',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: 'root' },
        ],
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
            privileged: { node: field(c.node, 'privileged'), field: containerField(c, 'privileged'), advice: 'make it false' },
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
          ({ networkMode, privileged, user, os }) => {
            const host = judgeHostNetwork(networkMode);
            const priv = judgePrivileged(privileged);
            const root = judgeUserOnPlatform(user, os, 'passes');
            const elevated = or(priv.value, root.value);
            const value = and(host.value, elevated);
            const notes = host.value !== false && root.note ? [root.note] : [];
            const reasons = [priv, root].filter((j) => j.value === (elevated === true ? true : 'unknown'));
            const explanation = reasons.map((j) => j.explanation).join(' and ');
            if (host.value === 'unknown' && elevated !== false) {
              return { value, explanation: `${explanation}, and ${host.explanation}`, culprit: 'networkMode', notes };
            }
            const culprit = reasons[0] === priv ? 'privileged' : root.decidedBy === 'os' ? 'os' : 'user';
            const culpritOf = (j: typeof priv) => (j === priv ? 'privileged' : root.decidedBy === 'os' ? 'os' : 'user');
            return {
              value,
              explanation: `in host network mode, ${explanation}`,
              culprit,
              notes,
              ...(host.value === true ? { reasons: reasons.map((j) => ({ text: j.explanation, culprit: culpritOf(j) })) } : {}),
              compose: (texts: string[]) => `in host network mode, ${texts.join(' and ')}`,
            };
          },
          proposesFixes(context)
            ? ({ container, culprit }) =>
                context.fix.networkMode === 'awsvpc'
                  ? networkModeFix(taskDefinition)
                  : mergeFixes(
                      privilegedFix(taskDefinition, container),
                      userFix(taskDefinition, container, 'passes', context.fix.user, culprit === 'os'),
                    )
            : undefined,
        ),
  passMessage: hostNetworkPassMessage,
};
