import type { ProposedFix } from '../model/proposed-fix.js';
import { type ValueNode, describeValue, field, scalarText, variants } from '../model/value.js';
import { cannotEdit, setWhereFailing } from './support/fixes.js';
import { conditionsOf, fieldOf, taskField, when } from './support/per-container.js';
import { expandPath } from './support/reading.js';
import type { Check, Violation } from './types.js';

/**
 * Sets transitEncryption ENABLED on the volume. Safe: valid on every launch
 * type, and required anyway with IAM authorization; the warning names what the
 * host must have. A volume or configuration behind a condition or an
 * expression is manual.
 */
function transitFix(volume: ValueNode, index: number): ProposedFix {
  const written = field(volume, 'efsVolumeConfiguration');
  // A Terraform plan keeps the nested block as a list of one object.
  const inList = written?.kind === 'array' && written.items.length === 1;
  const efs = inList ? written.items[0] : written;
  const path = ['volumes', String(index), 'efsVolumeConfiguration', ...(inList ? ['0'] : []), 'transitEncryption'];
  if (volume.kind !== 'object') return cannotEdit(undefined, volume, `volumes[${index}]`);
  if (efs?.kind !== 'object')
    return efs ? cannotEdit(undefined, efs, `volumes[${index}].efsVolumeConfiguration`) : { changes: [], warnings: [], manual: [] };
  const fails = (v: ValueNode | undefined) => scalarText(v)?.trim().toUpperCase() !== 'ENABLED';
  const fix = setWhereFailing(undefined, path, field(efs, 'transitEncryption'), fails, 'ENABLED');
  const name = scalarText(field(volume, 'name'));
  if (fix.changes.length) {
    fix.warnings.push({
      message:
        `EFS volume ${JSON.stringify(name ?? `#${index}`)}: with transit encryption the volume is mounted through the EFS ` +
        'mount helper over TLS; on EC2 the container instance needs amazon-efs-utils (the ECS-optimized AMI has it), on Fargate ' +
        'platform version 1.4.0 or later',
    });
  }
  return fix;
}

export const efsTransitEncryption: Check = {
  meta: {
    id: 'efs-transit-encryption',
    title: 'EFS volumes encrypt data in transit',
    severity: 'medium',
    description:
      'Fails when a volume with efsVolumeConfiguration does not set transitEncryption to ENABLED, as Security Hub ECS.18 and the AWS ' +
      'Config rule ecs-task-definition-efs-encryption-enabled do.',
    risk:
      'Without transit encryption the NFS traffic between the instance and the file system crosses the VPC in clear text: anyone ' +
      'able to capture it on the path reads and can tamper with the data.',
    semantics:
      'FAIL: transitEncryption absent (the default is DISABLED) or DISABLED on any EFS volume. PASS: ENABLED (any case); a task ' +
      'definition without EFS volumes. UNKNOWN: volumes, an EFS volume configuration or transitEncryption that cannot be ' +
      'resolved. Opt-in (--checks hardening or --checks all).',
    remediation: {
      summary: 'Set transitEncryption to ENABLED on every EFS volume (IAM authorization requires it anyway).',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'Under Storage, for each EFS volume, select Transit encryption.',
        'Create the revision and update the services that use the family.',
      ],
      cli: [
        '# in each volume: "efsVolumeConfiguration": {"fileSystemId": "fs-…", "transitEncryption": "ENABLED"}',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
      ].join('\n'),
      cloudformation:
        'Volumes:\n  - Name: data\n    EFSVolumeConfiguration:\n      FilesystemId: !Ref FileSystem\n      TransitEncryption: ENABLED',
      terraform:
        'volume {\n  name = "data"\n  efs_volume_configuration {\n    file_system_id     = aws_efs_file_system.data.id\n' +
        '    transit_encryption = "ENABLED"\n  }\n}',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-18',
      'https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-efs-encryption-enabled.html',
    ],
    mappings: {
      prowler: [],
      securityHub: ['ECS.18'],
      awsConfig: ['ecs-task-definition-efs-encryption-enabled'],
      cis: [],
      checkov: ['CKV_AWS_97'],
    },
    fixable: true,
    examples: {
      failing: {
        family: 'web',
        volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0' } }],
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/shared' }],
          },
        ],
      },
      passing: {
        family: 'web',
        volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED' } }],
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            mountPoints: [{ sourceVolume: 'shared', containerPath: '/mnt/shared' }],
          },
        ],
      },
    },
    default: false,
  },
  evaluate(taskDefinition) {
    const violations: Violation[] = [];
    for (const list of variants(field(taskDefinition.body, 'volumes'))) {
      const node = list.node;
      if (node === undefined || node.kind === 'null') continue;
      if (node.kind !== 'array') {
        violations.push({
          status: 'UNKNOWN',
          message: `volumes is ${describeValue(node)}, which cannot be resolved${when(list.assumptions)}`,
          ...fieldOf(taskField('volumes')),
          node,
        });
        continue;
      }
      node.items.forEach((item, index) => {
        const outcomes = variants(item).flatMap((volume) => {
          const efs = expandPath(volume.node, ['efsVolumeConfiguration']);
          return variants(efs).flatMap((e) =>
            variants(expandPath(e.node, ['transitEncryption'])).map((t) => ({
              assumptions: [...list.assumptions, ...volume.assumptions, ...e.assumptions, ...t.assumptions],
              ...judge(volume.node, e.node, t.node),
            })),
          );
        });
        const failing = outcomes.filter((o) => o.value === true);
        const matching = failing.length ? failing : outcomes.filter((o) => o.value === 'unknown');
        const decisive = matching[0];
        if (!decisive) return;
        const fails = decisive.value === true;
        violations.push({
          ...(fails ? { fix: transitFix(item, index) } : { advice: 'make it ENABLED' }),
          status: fails ? 'FAIL' : 'UNKNOWN',
          message: `${decisive.explanation}${when(conditionsOf(matching, outcomes.length, []))}`,
          ...fieldOf(
            taskField('volumes', String(index), 'efsVolumeConfiguration', ...(decisive.culprit === 'transit' ? ['transitEncryption'] : [])),
          ),
          ...(decisive.node ? { node: decisive.node } : {}),
        });
      });
    }
    return violations;
  },
  passMessage: (taskDefinition) => {
    const volumes = field(taskDefinition.body, 'volumes');
    const efs = volumes?.kind === 'array' && volumes.items.some((v) => field(v, 'efsVolumeConfiguration') !== undefined);
    return efs ? 'every EFS volume sets transitEncryption ENABLED' : 'the task definition has no EFS volume, so the check does not apply';
  },
};

function judge(
  volume: ValueNode | undefined,
  efs: ValueNode | undefined,
  transit: ValueNode | undefined,
): { value: true | false | 'unknown'; explanation: string; culprit: 'efs' | 'transit'; node?: ValueNode } {
  const name = scalarText(field(volume, 'name'));
  const label = name === undefined ? 'an EFS volume' : `EFS volume ${JSON.stringify(name)}`;
  if (efs === undefined || efs.kind === 'null') return { value: false, explanation: '', culprit: 'efs' };
  if (efs.kind !== 'object')
    return {
      value: 'unknown',
      explanation: `${label}: efsVolumeConfiguration is ${describeValue(efs)}, which cannot be resolved`,
      culprit: 'efs',
      node: efs,
    };
  if (transit === undefined || transit.kind === 'null') {
    return { value: true, explanation: `${label}: transitEncryption is not set, and the default is DISABLED`, culprit: 'efs', node: efs };
  }
  if (transit.kind === 'unresolved')
    return {
      value: 'unknown',
      explanation: `${label}: transitEncryption is ${describeValue(transit)}, which cannot be resolved`,
      culprit: 'transit',
      node: transit,
    };
  const text = scalarText(transit);
  if (text === undefined)
    return {
      value: 'unknown',
      explanation: `${label}: transitEncryption is ${describeValue(transit)}, which is not a string`,
      culprit: 'transit',
      node: transit,
    };
  if (text.trim().toUpperCase() === 'ENABLED') return { value: false, explanation: '', culprit: 'transit' };
  return { value: true, explanation: `${label}: transitEncryption is ${JSON.stringify(text)}`, culprit: 'transit', node: transit };
}
