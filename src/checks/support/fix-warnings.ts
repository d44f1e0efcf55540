import type { ContainerDefinition, TaskDefinition } from '../../model/task-definition.js';
import { type ValueNode, field, scalarText, variants } from '../../model/value.js';
import type { FixWarning } from '../../model/proposed-fix.js';

/** A warning a check's fix carries; the engine adds the check id. */
type Warning = Omit<FixWarning, 'checkId'>;

/** The uid part of `user` ("1000" in "1000:1000"), for messages. */
function uidOf(user: string): string {
  const colon = user.indexOf(':');
  return colon === -1 ? user : user.slice(0, colon);
}

interface PortMapping {
  index: number;
  containerPort?: number;
  hostPort?: number;
}

function portMappings(container: ContainerDefinition): PortMapping[] {
  const list = field(container.node, 'portMappings');
  if (list?.kind !== 'array') return [];
  return list.items.map((item, index) => {
    const mapping: PortMapping = { index };
    const containerPort = port(item, 'containerPort');
    if (containerPort !== undefined) mapping.containerPort = containerPort;
    const hostPort = port(item, 'hostPort');
    if (hostPort !== undefined) mapping.hostPort = hostPort;
    return mapping;
  });
}

function port(mapping: ValueNode, key: string): number | undefined {
  const text = scalarText(field(mapping, key));
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

const quoted = (name: string) => JSON.stringify(name);

/** A non-root user cannot bind low ports, and the image must allow the uid. */
export function userWarnings(container: ContainerDefinition, user: string): Warning[] {
  const name = container.name;
  const warnings: Warning[] = [];
  const low = portMappings(container).filter((m) => m.containerPort !== undefined && m.containerPort < 1024);
  if (low.length) {
    const ports = low.map((m) => `containerPort ${m.containerPort} (portMappings[${m.index}])`).join(', ');
    warnings.push({
      container: name,
      message:
        `container ${quoted(name)}: user ${quoted(user)} is not root and cannot bind ports below 1024: ${ports}; make the ` +
        'process listen on a port of 1024 or above (for example 8080) and map that',
    });
  }
  const image = scalarText(field(container.node, 'image'));
  warnings.push({
    container: name,
    message:
      `container ${quoted(name)}: the image${image ? ` ${image}` : ''} may need a USER and file permissions for uid ` +
      `${uidOf(user)} (files it writes, volumes it mounts); images built to run as root must be rebuilt`,
  });
  return warnings;
}

/** Whether requiresCompatibilities lists FARGATE (any case); a value that cannot be read does not. */
function requiresFargate(td: TaskDefinition): boolean {
  const list = td.requiresCompatibilities;
  return list?.kind === 'array' && list.items.some((item) => item.kind === 'string' && item.value.toUpperCase() === 'FARGATE');
}

export function privilegedWarnings(td: TaskDefinition, container: ContainerDefinition): Warning[] {
  if (!requiresFargate(td)) return [];
  return [
    {
      container: container.name,
      message:
        `container ${quoted(container.name)}: requiresCompatibilities includes FARGATE, which cannot run privileged ` +
        'containers; with privileged true this definition could not run on Fargate at all',
    },
  ];
}

/** What awsvpc needs that host mode did not: equal ports, no links, and a network configuration on every service. */
export function networkModeWarnings(td: TaskDefinition): Warning[] {
  const warnings: Warning[] = [];
  for (const container of td.containers) {
    const name = container.name;
    const differing = portMappings(container).filter((m) => m.hostPort !== undefined && m.hostPort !== m.containerPort);
    if (differing.length) {
      const list = differing
        .map((m) => `portMappings[${m.index}] hostPort ${m.hostPort} ≠ containerPort ${m.containerPort ?? '(unset)'}`)
        .join(', ');
      warnings.push({
        container: name,
        message: `container ${quoted(name)}: awsvpc needs hostPort equal to containerPort or absent: ${list}`,
      });
    }
    const links = linksOf(field(container.node, 'links'));
    if (links.length) {
      warnings.push({
        container: name,
        message:
          `container ${quoted(name)}: awsvpc does not support links (${links.map(quoted).join(', ')}); remove them and reach ` +
          'the other containers on localhost',
      });
    }
  }
  warnings.push({
    message:
      'awsvpc: every service that uses this task definition needs a networkConfiguration (awsvpcConfiguration with subnets and ' +
      'security groups); update the services together with the new revision',
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
