import { ruleTester } from '../support/rule-tester.js';
import { unresolved } from '../support/task-definitions.js';

const app = (fields: Record<string, unknown> = {}) => ({ name: 'app', image: 'example/app:1', ...fields });
const awslogs = {
  logDriver: 'awslogs',
  options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
};

ruleTester('logging-configured', {
  valid: [
    { name: 'awslogs', body: { family: 'web', containerDefinitions: [app({ logConfiguration: awslogs })] } },
    { name: 'firelens', body: { family: 'web', containerDefinitions: [app({ logConfiguration: { logDriver: 'awsfirelens' } })] } },
  ],
  invalid: [
    {
      name: 'no logConfiguration',
      body: { family: 'web', containerDefinitions: [app()] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].logConfiguration',
          container: 'app',
          message: 'container "app": logConfiguration is not set, so nothing collects its logs',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'logConfiguration without a logDriver',
      body: { family: 'web', containerDefinitions: [app({ logConfiguration: { options: { 'awslogs-group': '/ecs/web' } } })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].logConfiguration',
          container: 'app',
          message: 'container "app": logConfiguration has no logDriver',
        },
      ],
    },
    {
      name: 'empty logDriver',
      body: { family: 'web', containerDefinitions: [app({ logConfiguration: { logDriver: '' } })] },
      findings: [
        {
          status: 'FAIL',
          field: 'containerDefinitions[0].logConfiguration.logDriver',
          container: 'app',
          message: 'container "app": logConfiguration.logDriver is empty',
        },
      ],
    },
  ],
  model: [
    {
      name: 'unresolved logConfiguration',
      body: { family: 'web', containerDefinitions: [app()] },
      nodes: [{ container: 0, key: 'logConfiguration', node: unresolved('local.logging') }],
      findings: [
        {
          status: 'UNKNOWN',
          field: 'containerDefinitions[0].logConfiguration',
          container: 'app',
          message: 'container "app": logConfiguration is local.logging, which cannot be resolved',
        },
      ],
    },
  ],
});
