import { type OrganizationEmulator, startOrganizationEmulator } from '../../support/ecs-emulator/index.js';

const image = 'public.ecr.aws/docker/library/nginx:1.27';

/** Task definitions that exercise every check, in the shapes teams write them (register input, ECS API keys). */
export const VARIED_DEFINITIONS: Array<Record<string, unknown>> = [
  {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      { name: 'web', image, user: '101:101', essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
    ],
  },
  { family: 'priv', containerDefinitions: [{ name: 'docker-in-docker', image: 'docker:27-dind', privileged: true, user: '1000' }] },
  { family: 'root-name', containerDefinitions: [{ name: 'app', image, user: 'root' }] },
  { family: 'root-uid', containerDefinitions: [{ name: 'app', image, user: '0:0' }] },
  { family: 'root-group', containerDefinitions: [{ name: 'app', image, user: '1000:0' }] },
  { family: 'no-user', containerDefinitions: [{ name: 'app', image }] },
  {
    family: 'host-agent',
    networkMode: 'host',
    containerDefinitions: [
      {
        name: 'agent',
        image: 'amazon/cloudwatch-agent:latest',
        user: '0',
        privileged: false,
        dockerLabels: { 'com.example.Team': 'observability' },
      },
    ],
  },
  {
    family: 'host-priv',
    networkMode: 'host',
    pidMode: 'host',
    containerDefinitions: [
      {
        name: 'node-exporter',
        image: 'prom/node-exporter',
        privileged: true,
        user: '65534',
        linuxParameters: { capabilities: { add: ['SYS_ADMIN'] } },
      },
    ],
  },
  {
    family: 'sidecars',
    networkMode: 'bridge',
    containerDefinitions: [
      {
        name: 'app',
        image,
        user: '1000',
        essential: true,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'eu-west-1' } },
      },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29', user: '1337' },
      { name: 'init', image: 'busybox', essential: false },
    ],
  },
  {
    family: 'windows',
    runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' },
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '1024',
    memory: '2048',
    containerDefinitions: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis' }],
  },
  {
    family: 'volumes',
    volumes: [
      {
        name: 'data',
        efsVolumeConfiguration: { fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED' } },
      },
      { name: 'docker', host: { sourcePath: '/var/run/docker.sock' } },
    ],
    containerDefinitions: [
      { name: 'app', image, user: '1000', mountPoints: [{ sourceVolume: 'docker', containerPath: '/var/run/docker.sock' }] },
    ],
  },
];

/**
 * Three accounts × two regions holding the varied corpus (some families with
 * several revisions, one deregistered), for source equivalence tests.
 */
export async function seedVariedOrganization(): Promise<OrganizationEmulator> {
  const emulator = await startOrganizationEmulator({ regions: ['eu-west-1', 'us-east-1'], accountId: '111111111111' });
  const { organization } = emulator;
  const accounts = [
    organization.management,
    organization.addAccount({ id: '222222222222', name: 'Prod' }),
    organization.addAccount({ id: '333333333333', name: 'Dev' }),
  ];
  accounts.forEach((account, a) => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      VARIED_DEFINITIONS.forEach((definition, i) => {
        // A different subset per account and region, and second revisions that differ from the first.
        if ((i + a) % 3 === 2 && region === 'us-east-1') return;
        account.registerTaskDefinition(region, definition, account.callerArn);
        if (i % 4 === a)
          account.registerTaskDefinition(region, {
            ...definition,
            containerDefinitions: [{ name: 'app', image, user: i % 2 ? '0' : '1000' }],
          });
      });
      // A busy family: many revisions, so the aggregator answers in several pages.
      for (let k = 0; k < 25; k++)
        account.registerTaskDefinition(region, {
          family: 'batch',
          containerDefinitions: [{ name: 'job', image, user: k === 24 ? 'root' : '1000' }],
        });
      account.registerTaskDefinition(region, { family: 'legacy', containerDefinitions: [{ name: 'app', image, privileged: true }] });
      account.deregisterTaskDefinition(region, 'legacy:1');
    }
  });
  return emulator;
}
