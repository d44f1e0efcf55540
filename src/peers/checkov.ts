/**
 * Checkov's ECS task-definition checks (bridgecrewio/checkov). CKV_AWS_334,
 * 335 and 336 run on Terraform (HCL and plan) only; CKV_AWS_97 on Terraform
 * and CloudFormation. They read the container JSON as written, so their quirks
 * carry over: CKV_AWS_334 reads the key `privilege` (not ECS's `privileged`),
 * CKV_AWS_335 reads `pidMode` inside containers (ECS has it on the task), and
 * CKV_AWS_97 decides on the first EFS volume it meets.
 */
import type { ContainerDefinition, SourceKind, TaskDefinition } from '../model/task-definition.js';
import { field } from '../model/value.js';
import { describeValue } from '../model/value.js';
import { at, decide, plain, quote, truthy } from './read.js';
import { FAIL, NOT_EVALUATED, PASS, type PeerOutcome, type PeerRule } from './types.js';

const TF = 'https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws';

const terraformOnly = (source: SourceKind): string | undefined =>
  source === 'terraform' || source === 'terraform-plan' ? undefined : 'Checkov runs this check on Terraform (aws_ecs_task_definition) only';

/** The containers as Checkov's `container_definitions[0]` list; NOT_EVALUATED when Checkov's input would not be a list. */
function containerList(td: TaskDefinition): ContainerDefinition[] | PeerOutcome {
  if (td.unresolvedContainers)
    return NOT_EVALUATED(`container_definitions is ${describeValue(td.unresolvedContainers)}, which ecsguard cannot resolve`);
  if (td.containers.length === 0) return NOT_EVALUATED('container_definitions is empty or not a list: Checkov reports UNKNOWN');
  return td.containers;
}

const isOutcome = (x: unknown): x is PeerOutcome => !!x && typeof x === 'object' && 'verdict' in x;

export const ckvAws334: PeerRule = {
  tool: 'checkov',
  id: 'CKV_AWS_334',
  title: 'Ensure ECS containers should run as non-privileged',
  source: `${TF}/ECSContainerPrivilege.py`,
  checks: ['no-privileged-containers'],
  reads: terraformOnly,
  task: (td) =>
    decide(() => {
      const list = containerList(td);
      if (isOutcome(list)) return list;
      const hit = list.find((c) => truthy(at(c.node, 'privilege')));
      return hit ? FAIL(`container ${hit.name} sets "privilege"`) : PASS('no container sets the key "privilege"');
    }),
  container: (_td, c) =>
    decide(() => {
      if (truthy(at(c.node, 'privilege'))) return FAIL('the container sets "privilege", the key Checkov reads');
      return PASS(
        field(c.node, 'privileged') !== undefined
          ? `it reads the key "privilege", not ECS's "privileged", so privileged ${describeValue(field(c.node, 'privileged'))} is ` +
              'never seen'
          : 'the container sets no "privilege" key',
      );
    }),
};

export const ckvAws335: PeerRule = {
  tool: 'checkov',
  id: 'CKV_AWS_335',
  title: "Ensure ECS task definitions should not share the host's process namespace",
  source: `${TF}/ECSContainerHostProcess.py`,
  checks: ['no-host-pid-namespace'],
  reads: terraformOnly,
  task: (td) =>
    decide(() => {
      const list = containerList(td);
      if (isOutcome(list)) return list;
      if (list.some((c) => at(c.node, 'pidMode') === 'host')) return FAIL('a container definition sets pidMode "host"');
      const taskPid = plain(td.pidMode);
      return PASS(
        'it reads pidMode inside container definitions, where ECS has ' +
          `none${taskPid === 'host' ? ', so the task-level pid_mode "host" is never seen' : ''}`,
      );
    }),
};

export const ckvAws336: PeerRule = {
  tool: 'checkov',
  id: 'CKV_AWS_336',
  title: 'Ensure ECS containers are limited to read-only access to root filesystems',
  source: `${TF}/ECSContainerReadOnlyRoot.py`,
  checks: ['readonly-root-filesystem'],
  reads: terraformOnly,
  task: (td) =>
    decide(() => {
      const list = containerList(td);
      if (isOutcome(list)) return list;
      const hit = list.find((c) => !truthy(at(c.node, 'readonlyRootFilesystem')));
      return hit
        ? FAIL(`container ${hit.name} has readonlyRootFilesystem ${quote(at(hit.node, 'readonlyRootFilesystem'))}`)
        : PASS('every container sets readonlyRootFilesystem');
    }),
  container: (_td, c) =>
    decide(() => {
      const value = at(c.node, 'readonlyRootFilesystem');
      return truthy(value)
        ? PASS(`readonlyRootFilesystem is ${quote(value)}${typeof value === 'string' ? ' (any non-empty string is true to Checkov)' : ''}`)
        : FAIL(`readonlyRootFilesystem is ${quote(value)} (no Windows exemption)`);
    }),
};

/** Returns on the first volume with an EFS configuration: later EFS volumes are never read. */
export const ckvAws97: PeerRule = {
  tool: 'checkov',
  id: 'CKV_AWS_97',
  title: 'Ensure Encryption in transit is enabled for EFS volumes in ECS Task definitions',
  source: `${TF}/ECSTaskDefinitionEFSVolumeEncryption.py`,
  checks: ['efs-transit-encryption'],
  reads: (source) =>
    source === 'terraform' || source === 'terraform-plan' || source === 'cloudformation'
      ? undefined
      : 'Checkov runs CKV_AWS_97 on Terraform and CloudFormation only',
  task: (td) =>
    decide(() => {
      const volumes = at(td.body, 'volumes');
      const list = (Array.isArray(volumes) ? volumes : []).filter((v): v is Record<string, unknown> => !!v && typeof v === 'object');
      const efsVolumes = list.filter((v) => v['efsVolumeConfiguration'] && typeof v['efsVolumeConfiguration'] === 'object');
      const first = efsVolumes[0];
      if (!first) return PASS('no volume has an EFS configuration');
      const transit = (first['efsVolumeConfiguration'] as Record<string, unknown>)['transitEncryption'];
      if (transit !== 'ENABLED') return FAIL(`the first EFS volume ${quote(first['name'])} has transit_encryption ${quote(transit)}`);
      const later = efsVolumes
        .slice(1)
        .find((v) => (v['efsVolumeConfiguration'] as Record<string, unknown>)['transitEncryption'] !== 'ENABLED');
      return PASS(
        `the first EFS volume ${quote(first['name'])} is ENABLED and Checkov stops ` +
          `there${later ? `, so EFS volume ${quote(later['name'])} without it is never read` : ''}`,
      );
    }),
};

export const CHECKOV_RULES: readonly PeerRule[] = [ckvAws334, ckvAws335, ckvAws336, ckvAws97];
