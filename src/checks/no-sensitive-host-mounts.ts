import { posix } from 'node:path';
import { type ValueNode, booleanValue, describeValue, field, variants } from '../model/value.js';
import { containersPassMessage } from './support/judgements.js';
import { containerField, judgeEachContainer, taskField } from './support/per-container.js';
import { expandPath } from './support/reading.js';
import type { Tri } from './support/tri.js';
import type { Check } from './types.js';

/** Host paths whose mount hands the container the host; anything under them counts, by path segment. */
export const SENSITIVE_HOST_PATHS = [
  '/',
  '/etc',
  '/root',
  '/proc',
  '/sys',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd',
  '/var/lib/docker',
];

/** The sensitive path a host path is, or lies under; `undefined` when it is none. */
export function sensitiveHostPath(sourcePath: string): string | undefined {
  if (!sourcePath.startsWith('/')) return undefined;
  let normalized = posix.normalize(sourcePath);
  if (normalized.length > 1 && normalized.endsWith('/')) normalized = normalized.slice(0, -1);
  if (normalized === '/') return '/';
  return SENSITIVE_HOST_PATHS.find((p) => p !== '/' && (normalized === p || normalized.startsWith(`${p}/`)));
}

type Key = 'mountPoints' | 'volumes';

interface Mount {
  text: string;
  value: Tri;
  readOnly: boolean;
}

/** Every (volume name → host path) the task declares, per branch of each volume. */
function hostPathsByVolume(volumes: ValueNode | undefined): Map<string, Array<ValueNode | undefined>> | string {
  const byName = new Map<string, Array<ValueNode | undefined>>();
  if (volumes === undefined || volumes.kind === 'null') return byName;
  if (volumes.kind !== 'array') return `volumes is ${describeValue(volumes)}, which cannot be resolved`;
  for (const item of volumes.items) {
    for (const v of variants(item)) {
      if (v.node?.kind !== 'object') continue;
      const name = field(v.node, 'name');
      if (name?.kind !== 'string') continue;
      const path = expandPath(v.node, ['host', 'sourcePath']);
      for (const p of variants(path)) byName.set(name.value, [...(byName.get(name.value) ?? []), p.node]);
    }
  }
  return byName;
}

function judgeMounts(mountPoints: ValueNode | undefined, volumes: ValueNode | undefined): Mount[] {
  if (mountPoints === undefined || mountPoints.kind === 'null') return [];
  if (mountPoints.kind !== 'array')
    return [{ text: `mountPoints is ${describeValue(mountPoints)}, which cannot be resolved`, value: 'unknown', readOnly: false }];
  const byName = hostPathsByVolume(volumes);
  const mounts: Mount[] = [];
  for (const item of mountPoints.items) {
    for (const v of variants(item)) {
      if (v.node === undefined || v.node.kind === 'null') continue;
      if (v.node.kind !== 'object') {
        mounts.push({ text: `a mount point is ${describeValue(v.node)}, which cannot be resolved`, value: 'unknown', readOnly: false });
        continue;
      }
      const source = field(v.node, 'sourceVolume');
      if (source?.kind !== 'string') {
        if (source?.kind === 'unresolved')
          mounts.push({
            text: `a mount point's sourceVolume is ${describeValue(source)}, which cannot be resolved`,
            value: 'unknown',
            readOnly: false,
          });
        continue;
      }
      const readOnly = booleanValue(field(v.node, 'readOnly')) === true;
      const access = readOnly ? 'read-only' : 'read-write';
      if (typeof byName === 'string') {
        mounts.push({ text: `it mounts volume ${JSON.stringify(source.value)} and ${byName}`, value: 'unknown', readOnly });
        continue;
      }
      for (const path of byName.get(source.value) ?? []) {
        if (path === undefined || path.kind === 'null') continue;
        if (path.kind !== 'string') {
          mounts.push({
            text:
              `it mounts volume ${JSON.stringify(source.value)}, whose host.sourcePath is ${describeValue(path)}, which cannot ` +
              'be resolved',
            value: 'unknown',
            readOnly,
          });
          continue;
        }
        const sensitive = sensitiveHostPath(path.value);
        if (sensitive === undefined) continue;
        const under = sensitive === path.value || sensitive === '/' ? '' : ` (under ${sensitive})`;
        mounts.push({
          text: `it mounts host path ${JSON.stringify(path.value)}${under} from volume ${JSON.stringify(source.value)} ${access}`,
          value: true,
          readOnly,
        });
      }
    }
  }
  return mounts;
}

export const noSensitiveHostMounts: Check = {
  meta: {
    id: 'no-sensitive-host-mounts',
    title: 'No container mounts a sensitive host path',
    severity: 'high',
    description:
      `Fails when a container mounts a host volume whose sourcePath is ${SENSITIVE_HOST_PATHS.join(', ')} or a path under ` +
      'one of them (by path segment: /etc/ssl/certs counts, /var/lib/docker-registry does not). Read-write mounts are high ' +
      'severity, read-only ones medium.',
    risk:
      'The Docker or containerd socket is root on the host; /, /etc, /root, /proc and /sys expose credentials, host ' +
      "configuration and kernel interfaces; /var/lib/docker holds every other container's filesystem. Mounted read-write, any of " +
      'them lets a compromised container take the instance; read-only, it still reads secrets that are not its own.',
    semantics:
      'A host volume is volumes[].host.sourcePath (host_path in a Terraform volume block); it counts only when a container mounts it ' +
      '(mountPoints[].sourceVolume names it); a declared volume that no container mounts passes. Paths are compared after ' +
      'normalization ("/etc/", "/etc/./ssl", "//etc" are /etc). FAIL: a mounted sensitive path; the finding is medium when every ' +
      'such mount of the container sets readOnly true. PASS: other paths, Docker volumes, EFS and FSx volumes, Windows paths. ' +
      'UNKNOWN: volumes, mountPoints, a sourceVolume or a sourcePath that cannot be resolved.',
    remediation: {
      summary:
        'Remove the host volume and its mount point; pass what the workload needs another way (a named volume, Secrets Manager, an ' +
        'API), or mount only the exact file it needs read-only.',
      console: [
        'Open the Amazon ECS console, choose Task definitions, select the family and choose Create new revision.',
        'Under Storage remove the bind-mount volume with the host path, and the container mount points that use it.',
        'Create the revision and update the services that use the family.',
      ],
      cli: [
        'jq \'del(.volumes[] | select(.host.sourcePath == "/var/run/docker.sock"))\' td.json > td-new.json',
        '# and remove the mountPoints whose sourceVolume named it',
        'aws ecs register-task-definition --cli-input-json file://td-new.json',
      ].join('\n'),
      cloudformation:
        '# remove the volume with Host.SourcePath: /var/run/docker.sock\n# and the MountPoints entries whose SourceVolume names it',
      terraform:
        '# remove the volume { host_path = "/var/run/docker.sock" } block\n# and the mountPoints entries whose sourceVolume names it',
    },
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html',
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HostVolumeProperties.html',
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
    ],
    mappings: { prowler: [], securityHub: [], awsConfig: [], cis: [], checkov: [] },
    fixable: false,
    examples: {
      failing: {
        family: 'agent',
        volumes: [{ name: 'docker', host: { sourcePath: '/var/run/docker.sock' } }],
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            mountPoints: [{ sourceVolume: 'docker', containerPath: '/var/run/docker.sock' }],
          },
        ],
      },
      passing: {
        family: 'agent',
        volumes: [{ name: 'data', host: { sourcePath: '/data/agent' } }],
        containerDefinitions: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2',
            essential: true,
            user: '1000:1000',
            mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
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
        mountPoints: { node: field(c.node, 'mountPoints'), field: containerField(c, 'mountPoints') },
        volumes: { node: field(taskDefinition.body, 'volumes'), field: taskField('volumes') },
      }),
      ({ mountPoints, volumes }) => {
        const mounts = judgeMounts(mountPoints, volumes);
        const failing = mounts.filter((m) => m.value === true);
        if (failing.length) {
          return {
            value: true,
            explanation: failing.map((m) => m.text).join('; '),
            culprit: 'mountPoints',
            severity: failing.every((m) => m.readOnly) ? 'medium' : 'high',
          };
        }
        const unknown = mounts.find((m) => m.value === 'unknown');
        if (unknown) return { value: 'unknown', explanation: unknown.text, culprit: 'mountPoints' };
        return { value: false, explanation: 'no sensitive host path is mounted', culprit: 'mountPoints' };
      },
    ),
  passMessage: containersPassMessage,
};
