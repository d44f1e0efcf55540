/**
 * The mixed corpus of issue 10: task-definition JSON of about 4 KB and CloudFormation YAML of about 6 KB holding two
 * task definitions each, 1-5 containers, varied users, privileged flags, network modes, comments and intrinsics.
 * Deterministic (seeded), so every run and every machine scans the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './corpus.js';

const USERS = [undefined, undefined, 'root', '0', '0:0', '1000', '1000:1000', 'app', 'nginx', '1000:0', '65534'];
const NETWORK_MODES = [undefined, 'awsvpc', 'awsvpc', 'bridge', 'host', 'none'];
const IMAGES = [
  'nginx:1.27',
  'public.ecr.aws/docker/library/redis:7',
  'envoyproxy/envoy:v1.31',
  'ghcr.io/acme/api:2.4.1',
  'amazon/aws-otel-collector:latest',
];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function container(random: () => number, service: number, index: number, lean: boolean): Record<string, unknown> {
  const user = pick(random, USERS);
  const c: Record<string, unknown> = {
    name: index === 0 ? 'app' : `sidecar-${index}`,
    image:
      index === 0
        ? `123456789012.dkr.ecr.eu-west-1.amazonaws.com/service-${service}:1.${Math.floor(random() * 40)}.0`
        : pick(random, IMAGES),
    essential: index === 0,
    cpu: 128 * (1 + Math.floor(random() * 4)),
    memoryReservation: 256 * (1 + Math.floor(random() * 4)),
    portMappings: [{ containerPort: 8080 + index, hostPort: 8080 + index, protocol: 'tcp', name: `http-${index}` }],
    environment: [
      { name: 'STAGE', value: 'production' },
      { name: 'SERVICE_NAME', value: `service-${service}` },
      { name: 'LOG_LEVEL', value: pick(random, ['info', 'warn', 'debug']) },
    ],
    secrets: [{ name: 'DATABASE_URL', valueFrom: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:service-${service}/db-AbCdEf` }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': `/ecs/service-${service}`, 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': `c${index}` },
    },
    readonlyRootFilesystem: random() < 0.5,
  };
  if (index === 0) c.healthCheck = { command: ['CMD-SHELL', `curl -fsS http://localhost:8080/health || exit 1`], interval: 30, retries: 3 };
  if (!lean) c.mountPoints = [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }];
  if (lean) {
    delete c.secrets;
    delete c.cpu;
    c.environment = (c.environment as unknown[]).slice(0, 1);
  }
  if (user !== undefined) c.user = user;
  const privileged = random();
  if (privileged < 0.12) c.privileged = true;
  else if (privileged < 0.3) c.privileged = false;
  if (random() < 0.1) c.linuxParameters = { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, initProcessEnabled: true };
  return c;
}

export function taskDefinition(random: () => number, service: number, lean = false): Record<string, unknown> {
  const count = 1 + Math.floor(random() * 5);
  const networkMode = pick(random, NETWORK_MODES);
  return {
    family: `service-${service}`,
    taskRoleArn: `arn:aws:iam::123456789012:role/service-${service}-task`,
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    ...(networkMode ? { networkMode } : {}),
    requiresCompatibilities: networkMode === 'awsvpc' ? ['FARGATE', 'EC2'] : ['EC2'],
    cpu: '1024',
    memory: '2048',
    containerDefinitions: Array.from({ length: count }, (_, i) => container(random, service, i, lean)),
    volumes: [{ name: 'tmp' }],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: pick(random, ['X86_64', 'ARM64']) },
    tags: [
      { key: 'team', value: `team-${service % 17}` },
      { key: 'cost-center', value: `cc-${service % 5}` },
    ],
  };
}

/** YAML scalar: quoted when YAML could read it as something else. */
function scalar(value: unknown): string {
  if (typeof value === 'string')
    return /^[A-Za-z][\w./-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value) ? value : JSON.stringify(value);
  return String(value);
}

function yamlBlock(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (item && typeof item === 'object') return `${indent}- ${yamlBlock(item, `${indent}  `).trimStart()}`;
        return `${indent}- ${scalar(item)}`;
      })
      .join('\n');
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        if (v && typeof v === 'object') {
          if (Array.isArray(v) && v.length && v.every((x) => typeof x !== 'object')) return `${indent}${k}: [${v.map(scalar).join(', ')}]`;
          return `${indent}${k}:\n${yamlBlock(v, `${indent}  `)}`;
        }
        return `${indent}${k}: ${scalar(v)}`;
      })
      .join('\n');
  }
  return `${indent}${scalar(value)}`;
}

const pascal = (key: string) => key[0]?.toUpperCase() + key.slice(1);

/** Converts an ECS API shape to CloudFormation property names (environment names and log options keep their keys). */
function cfnProperties(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => cfnProperties(v, parentKey));
  if (value && typeof value === 'object') {
    if (parentKey === 'options') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [pascal(k), cfnProperties(v, k)]));
  }
  return value;
}

/** A CloudFormation template with two task definitions (one using intrinsics), a service, a log group and a role. */
export function cloudFormationTemplate(random: () => number, service: number): string {
  const a = cfnProperties(taskDefinition(random, service, true)) as Record<string, unknown>;
  const b = cfnProperties(taskDefinition(random, service + 1, true)) as Record<string, unknown>;
  delete a.TaskRoleArn;
  delete a.ExecutionRoleArn;
  const userParam = pick(random, ['1000', 'root', '0:0', 'app']);
  // Some templates take the user from a parameter: unresolved without parameter values, so verdicts turn UNKNOWN.
  if (random() < 0.3)
    ((a.ContainerDefinitions as Array<Record<string, unknown>>)[0] as Record<string, unknown>).User = 'USER_FROM_PARAMETER';
  const lines = [
    `# service-${service}: generated by the ecsguard bench (modelled on common ECS service templates)`,
    "AWSTemplateFormatVersion: '2010-09-09'",
    `Description: Service ${service} with a worker sidecar task`,
    'Parameters:',
    '  ImageTag:',
    '    Type: String',
    "    Default: '1.0.0'",
    '  Environment:',
    '    Type: String',
    '    AllowedValues: [staging, production]',
    '    Default: production',
    '  ContainerUser:',
    '    Type: String',
    `    Default: '${userParam}'`,
    'Conditions:',
    '  IsProduction: !Equals [!Ref Environment, production]',
    'Resources:',
    '  # Logs for both task definitions',
    '  LogGroup:',
    '    Type: AWS::Logs::LogGroup',
    '    Properties:',
    `      LogGroupName: !Sub '/ecs/\${AWS::StackName}-${service}'`,
    '      RetentionInDays: !If [IsProduction, 90, 14]',
    '  TaskRole:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      AssumeRolePolicyDocument:',
    "        Version: '2012-10-17'",
    '        Statement:',
    '          - Effect: Allow',
    '            Principal: { Service: ecs-tasks.amazonaws.com }',
    "            Action: 'sts:AssumeRole'",
    '      ManagedPolicyArns:',
    '        - arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
    '  TaskDefinition:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    '      TaskRoleArn: !GetAtt TaskRole.Arn',
    "      ExecutionRoleArn: !ImportValue 'shared-ecs-execution-role-arn'",
    yamlBlock(a, '      '),
    '  # Worker: a second task definition, same stack',
    '  WorkerTaskDefinition:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    yamlBlock(b, '      '),
    '  Service:',
    '    Type: AWS::ECS::Service',
    '    Properties:',
    "      Cluster: !ImportValue 'shared-ecs-cluster'",
    '      TaskDefinition: !Ref TaskDefinition',
    '      DesiredCount: !If [IsProduction, 3, 1]',
    '      DeploymentConfiguration: { MaximumPercent: 200, MinimumHealthyPercent: 100 }',
    'Outputs:',
    '  TaskDefinitionArn:',
    '    Value: !Ref TaskDefinition',
    '    Export:',
    "      Name: !Sub '${AWS::StackName}-task-definition'",
    '',
  ];
  let text = lines.join('\n');
  // Intrinsics inside the task definition: the image tag from a parameter, the user from a parameter (unresolvable
  // without parameter values) in some templates, and the log group by reference.
  text = text.replace(/(\n {10}Image: )"?([^"\s]+):1\.\d+\.0"?/, (_m, head: string, repo: string) => `${head}!Sub '${repo}:\${ImageTag}'`);
  text = text.replace(/(awslogs-group: )"\/ecs\/service-\d+"/, '$1!Ref LogGroup');
  text = text.replace('User: USER_FROM_PARAMETER', 'User: !Ref ContainerUser');
  return text;
}

export interface MixedCorpus {
  jsonFiles: number;
  cfnFiles: number;
  taskDefinitions: number;
  jsonBytes: number;
  cfnBytes: number;
}

/** Writes `jsonFiles` task-definition JSON files and `cfnFiles` templates under root/json and root/cloudformation. */
export function writeMixedCorpus(root: string, jsonFiles: number, cfnFiles: number, seed = 42): MixedCorpus {
  const random = seededRandom(seed);
  let jsonBytes = 0;
  let cfnBytes = 0;
  const perFolder = 1000; // keep folders at a realistic size
  for (let i = 0; i < jsonFiles; i++) {
    const dir = path.join(root, 'json', `batch-${Math.floor(i / perFolder)}`);
    if (i % perFolder === 0) mkdirSync(dir, { recursive: true });
    const text = `${JSON.stringify(taskDefinition(random, i), null, 2)}\n`;
    jsonBytes += text.length;
    writeFileSync(path.join(dir, `service-${i}.json`), text);
  }
  for (let i = 0; i < cfnFiles; i++) {
    const dir = path.join(root, 'cloudformation', `batch-${Math.floor(i / perFolder)}`);
    if (i % perFolder === 0) mkdirSync(dir, { recursive: true });
    const text = cloudFormationTemplate(random, 100_000 + i * 2);
    cfnBytes += text.length;
    writeFileSync(path.join(dir, `stack-${i}.yaml`), text);
  }
  return { jsonFiles, cfnFiles, taskDefinitions: jsonFiles + cfnFiles * 2, jsonBytes, cfnBytes };
}
