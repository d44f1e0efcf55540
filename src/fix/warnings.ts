import type { ContainerDefinition, TaskDefinition } from '../model/task-definition.js';
import { type ValueNode, field, scalarText, toPlain, variants } from '../model/value.js';
import type { FixWarning } from './strategy.js';
import { uidOf } from './user.js';

interface PortMapping {
  index: number;
  containerPort?: number;
  hostPort?: number;
}

function portMappings(container: ContainerDefinition): PortMapping[] {
  const list = field(container.node, 'portMappings');
  if (list?.kind !== 'array') return [];
  return list.items.map((item, index) => {
    const port = (key: string): number | undefined => {
      const text = scalarText(field(item, key));
      return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    };
    const containerPort = port('containerPort');
    const hostPort = port('hostPort');
    return { index, ...(containerPort !== undefined ? { containerPort } : {}), ...(hostPort !== undefined ? { hostPort } : {}) };
  });
}

const quoted = (name: string) => JSON.stringify(name);

/** A non-root user cannot bind low ports, and the image must allow the uid. */
export function userWarnings(container: ContainerDefinition, user: string, checkId: string): FixWarning[] {
  const name = container.name;
  const warnings: FixWarning[] = [];
  const low = portMappings(container).filter((m) => m.containerPort !== undefined && m.containerPort < 1024);
  if (low.length) {
    const ports = low.map((m) => `containerPort ${m.containerPort} (portMappings[${m.index}])`).join(', ');
    warnings.push({
      checkId,
      container: name,
      message: `container ${quoted(name)}: user ${quoted(user)} is not root and cannot bind ports below 1024: ${ports}; make the process listen on a port of 1024 or above (for example 8080) and map that`,
    });
  }
  const image = scalarText(field(container.node, 'image'));
  warnings.push({
    checkId,
    container: name,
    message: `container ${quoted(name)}: the image${image ? ` ${image}` : ''} may need a USER and file permissions for uid ${uidOf(user)} (files it writes, volumes it mounts); images built to run as root must be rebuilt`,
  });
  return warnings;
}

function compatibilities(td: TaskDefinition): string[] {
  const plain = toPlain(td.requiresCompatibilities);
  return Array.isArray(plain) ? plain.filter((c): c is string => typeof c === 'string').map((c) => c.toUpperCase()) : [];
}

export function privilegedWarnings(td: TaskDefinition, container: ContainerDefinition, checkId: string): FixWarning[] {
  if (!compatibilities(td).includes('FARGATE')) return [];
  return [
    {
      checkId,
      container: container.name,
      message: `container ${quoted(container.name)}: requiresCompatibilities includes FARGATE, which cannot run privileged containers; with privileged true this definition could not run on Fargate at all`,
    },
  ];
}

/** What awsvpc needs that host mode did not: equal ports, no links, and a network configuration on every service. */
export function networkModeWarnings(td: TaskDefinition, checkId: string): FixWarning[] {
  const warnings: FixWarning[] = [];
  for (const container of td.containers) {
    const name = container.name;
    const differing = portMappings(container).filter((m) => m.hostPort !== undefined && m.hostPort !== m.containerPort);
    if (differing.length) {
      const list = differing.map((m) => `portMappings[${m.index}] hostPort ${m.hostPort} ≠ containerPort ${m.containerPort ?? '(unset)'}`).join(', ');
      warnings.push({
        checkId,
        container: name,
        message: `container ${quoted(name)}: awsvpc needs hostPort equal to containerPort or absent: ${list}`,
      });
    }
    const links = linksOf(field(container.node, 'links'));
    if (links.length) {
      warnings.push({
        checkId,
        container: name,
        message: `container ${quoted(name)}: awsvpc does not support links (${links.map(quoted).join(', ')}); remove them and reach the other containers on localhost`,
      });
    }
  }
  warnings.push({
    checkId,
    message: 'awsvpc: every service that uses this task definition needs a networkConfiguration (awsvpcConfiguration with subnets and security groups); update the services together with the new revision',
  });
  return warnings;
}

function linksOf(node: ValueNode | undefined): string[] {
  const out: string[] = [];
  for (const v of variants(node)) {
    if (v.node?.kind !== 'array') continue;
    for (const item of v.node.items) {
      const text = scalarText(item);
      if (text !== undefined && !out.includes(text)) out.push(text);
    }
  }
  return out;
}

export function hardeningWarnings(container: ContainerDefinition, option: 'drop-capabilities' | 'readonly-root'): FixWarning[] {
  const name = container.name;
  const message =
    option === 'drop-capabilities'
      ? `container ${quoted(name)}: dropping ALL capabilities also removes ones the process may use (CHOWN, SETUID, NET_BIND_SERVICE…); add back only those it needs with linuxParameters.capabilities.add`
      : `container ${quoted(name)}: with a read-only root filesystem the process can write only to volumes and tmpfs mounts; mount one for paths it writes (for example /tmp)`;
  return [{ checkId: option, container: name, message }];
}
