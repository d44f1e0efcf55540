import { type Variant, describeValue, variants } from '../model/value.js';
import { judgeHostNetwork } from './support/judgements.js';
import { DEFAULT_CHECK_CONTEXT } from '../model/proposed-fix.js';
import { hostNetworkKept, networkModeFix, proposesFixes } from './support/fixes.js';
import { conditionsOf, fieldOf, taskField, when } from './support/per-container.js';
import type { Check, Violation } from './types.js';

export const noHostNetwork: Check = {
  meta: {
    id: 'no-host-network',
    title: 'Task definitions do not use host network mode',
    severity: 'medium',
    description:
      'Fails when networkMode is host; awsvpc is the recommended mode. Security Hub ECS.17 and the AWS Config rule ' +
      'ecs-task-definition-network-mode-not-host check the same.',
    risk:
      'Host networking removes the network namespace between the container and the instance: the container sees every interface, ' +
      "can bind the host's ports and reach services listening on localhost, and every other weakness in the task is amplified.",
    semantics:
      'FAIL: networkMode is "host". PASS: awsvpc, bridge, none, or absent (the default is bridge on Linux). UNKNOWN: networkMode ' +
      'cannot be resolved.',
    remediation: {
      summary:
        'Switch the task to awsvpc network mode; give every service that uses it a network configuration (subnets, security groups) ' +
        'and make hostPort equal containerPort or drop it.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'Under Infrastructure requirements change Network mode from host to awsvpc.',
        'Create the revision, then update each service with the new revision and a network configuration.',
      ],
      cli: [
        '# set "networkMode": "awsvpc" and remove hostPort values that differ from containerPort, then:',
        'aws ecs register-task-definition --cli-input-json file://task-definition.json',
        'aws ecs update-service --cluster <cluster> --service <service> --task-definition <family> \\',
        '  --network-configuration "awsvpcConfiguration={subnets=[subnet-…],securityGroups=[sg-…]}"',
      ].join('\n'),
      cloudformation: 'NetworkMode: awsvpc',
      terraform: 'network_mode = "awsvpc"',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17',
    ],
    mappings: {
      prowler: [],
      securityHub: ['ECS.17'],
      awsConfig: ['ecs-task-definition-network-mode-not-host'],
      cis: [],
      checkov: [],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'agent',
        networkMode: 'host',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
      passing: {
        family: 'agent',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2', essential: true, user: '1000:1000' },
        ],
      },
    },
  },
  evaluate(taskDefinition, context = DEFAULT_CHECK_CONTEXT) {
    // Read from networkMode alone: the containers, readable or not, do not matter.
    const outcomes = variants(taskDefinition.networkMode).map((v) => ({ ...v, judgement: judgeHostNetwork(v.node) }));
    const failing = outcomes.filter((o) => o.judgement.value === true);
    const matching = failing.length ? failing : outcomes.filter((o) => o.judgement.value === 'unknown');
    const decisive = matching[0];
    if (!decisive) return allowedHostNetwork(outcomes);
    const fails = decisive.judgement.value === true;
    const violation: Violation = {
      status: fails ? 'FAIL' : 'UNKNOWN',
      message: `${decisive.judgement.explanation}${when(conditionsOf(matching, outcomes.length, []))}`,
      ...fieldOf(taskField('networkMode')),
      ...(decisive.node ? { node: decisive.node } : {}),
      ...(fails
        ? proposesFixes(context)
          ? { fix: context.fix.networkMode === 'awsvpc' ? networkModeFix(taskDefinition) : hostNetworkKept() }
          : {}
        : { advice: 'make it a mode other than host (awsvpc is recommended)' }),
    };
    return [violation];
  },
  passMessage: (taskDefinition) =>
    [...new Set(variants(taskDefinition.networkMode).map((v) => judgeHostNetwork(v.node).explanation))].join(' or '),
};

/** A NOTE when networkMode passes but its definition allows "host" (a parameter's AllowedValues). */
function allowedHostNetwork(outcomes: Variant[]): Violation[] {
  for (const { node, assumptions } of outcomes) {
    const alternatives = node?.origin?.alternatives;
    const host = alternatives?.values.find((v) => v.kind !== 'conditional' && judgeHostNetwork(v).value === true);
    if (!alternatives || !host) continue;
    const shown = describeValue(host);
    return [
      {
        status: 'NOTE',
        message:
          `networkMode allows ${shown} (${alternatives.source}); under ${shown}, the task would use host network ` +
          `mode${when(assumptions)}`,
        ...fieldOf(taskField('networkMode')),
        node,
      },
    ];
  }
  return [];
}
