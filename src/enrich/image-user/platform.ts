import type { TaskDefinition } from '../../model/task-definition.js';
import { describeValue, field, scalarText } from '../../model/value.js';

/** The platform a task runs on, as OCI indexes name it. */
export interface Platform {
  os: string;
  architecture: string;
  /** Set when runtimePlatform is an expression: only a single-platform image can then be read. */
  unresolved?: string;
}

/** runtimePlatform → OCI platform; absent fields mean linux/amd64, as on ECS. */
export function taskPlatform(taskDefinition: TaskDefinition): Platform {
  const runtime = field(taskDefinition.body, 'runtimePlatform');
  const osNode = field(runtime, 'operatingSystemFamily');
  const cpuNode = field(runtime, 'cpuArchitecture');
  const unresolved: string[] = [];
  let os = 'linux';
  let architecture = 'amd64';
  if (osNode && osNode.kind !== 'null') {
    const text = osNode.kind === 'string' ? scalarText(osNode) : undefined;
    if (text === undefined) unresolved.push(`runtimePlatform.operatingSystemFamily is ${describeValue(osNode)}`);
    else if (text.toUpperCase().startsWith('WINDOWS')) os = 'windows';
  }
  if (cpuNode && cpuNode.kind !== 'null') {
    const text = cpuNode.kind === 'string' ? scalarText(cpuNode) : undefined;
    if (text === undefined) unresolved.push(`runtimePlatform.cpuArchitecture is ${describeValue(cpuNode)}`);
    else if (text.toUpperCase() === 'ARM64') architecture = 'arm64';
  }
  return { os, architecture, ...(unresolved.length ? { unresolved: unresolved.join(' and ') } : {}) };
}
