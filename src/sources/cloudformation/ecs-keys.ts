import type { ScanError } from '../../model/finding.js';
import { type ArrayNode, type ObjectEntry, type ObjectNode, type ValueNode, field, scalarText } from '../../model/value.js';
import { fileError } from '../source.js';

/** CloudFormation property names whose ECS API name is not just the first letter lowered. */
const IRREGULAR: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
  IAM: 'iam',
  ProxyConfigurationProperties: 'properties',
};

/**
 * Properties whose value is a map of the user's own keys (Docker options,
 * labels): those keys are data, not property names, and stay as written.
 */
export const USER_MAPS = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels']);

/**
 * Every property name of AWS::ECS::TaskDefinition and its property types, as
 * CloudFormation spells them. Used only to recognize a known name written in
 * the wrong case; a PascalCase name missing here (a newer property) is still
 * mapped by the usual rule.
 */
export const PROPERTY_NAMES = [
  // TaskDefinition
  'ContainerDefinitions',
  'Cpu',
  'EnableFaultInjection',
  'EphemeralStorage',
  'ExecutionRoleArn',
  'Family',
  'InferenceAccelerators',
  'IpcMode',
  'Memory',
  'NetworkMode',
  'PidMode',
  'PlacementConstraints',
  'ProxyConfiguration',
  'RequiresCompatibilities',
  'RuntimePlatform',
  'Tags',
  'TaskRoleArn',
  'Volumes',
  // EphemeralStorage, InferenceAccelerator, PlacementConstraint, ProxyConfiguration, RuntimePlatform, Tag
  'SizeInGiB',
  'DeviceName',
  'DeviceType',
  'Expression',
  'Type',
  'ContainerName',
  'ProxyConfigurationProperties',
  'CpuArchitecture',
  'OperatingSystemFamily',
  'Key',
  'Value',
  // Volume and its configurations
  'ConfiguredAtLaunch',
  'DockerVolumeConfiguration',
  'EFSVolumeConfiguration',
  'FSxWindowsFileServerVolumeConfiguration',
  'Host',
  'Name',
  'Autoprovision',
  'Driver',
  'DriverOpts',
  'Labels',
  'Scope',
  'AuthorizationConfig',
  'FilesystemId',
  'FileSystemId',
  'RootDirectory',
  'TransitEncryption',
  'TransitEncryptionPort',
  'AccessPointId',
  'IAM',
  'CredentialsParameter',
  'Domain',
  'SourcePath',
  // ContainerDefinition
  'Command',
  'CredentialSpecs',
  'DependsOn',
  'DisableNetworking',
  'DnsSearchDomains',
  'DnsServers',
  'DockerLabels',
  'DockerSecurityOptions',
  'EntryPoint',
  'Environment',
  'EnvironmentFiles',
  'Essential',
  'ExtraHosts',
  'FirelensConfiguration',
  'HealthCheck',
  'Hostname',
  'Image',
  'Interactive',
  'Links',
  'LinuxParameters',
  'LogConfiguration',
  'MemoryReservation',
  'MountPoints',
  'PortMappings',
  'Privileged',
  'PseudoTerminal',
  'ReadonlyRootFilesystem',
  'RepositoryCredentials',
  'ResourceRequirements',
  'RestartPolicy',
  'Secrets',
  'StartTimeout',
  'StopTimeout',
  'SystemControls',
  'Ulimits',
  'User',
  'VersionConsistency',
  'VolumesFrom',
  'WorkingDirectory',
  // Container property types
  'Condition',
  'IpAddress',
  'Options',
  'Interval',
  'Retries',
  'StartPeriod',
  'Timeout',
  'Capabilities',
  'Devices',
  'InitProcessEnabled',
  'MaxSwap',
  'SharedMemorySize',
  'Swappiness',
  'Tmpfs',
  'Add',
  'Drop',
  'ContainerPath',
  'HostPath',
  'Permissions',
  'MountOptions',
  'Size',
  'LogDriver',
  'SecretOptions',
  'ValueFrom',
  'ReadOnly',
  'SourceVolume',
  'AppProtocol',
  'ContainerPort',
  'ContainerPortRange',
  'HostIp',
  'HostPort',
  'Protocol',
  'Enabled',
  'IgnoredExitCodes',
  'RestartAttemptPeriod',
  'Namespace',
  'HardLimit',
  'SoftLimit',
  'SourceContainer',
];

/** Lowercased name → the spellings CloudFormation accepts (EFS `FilesystemId`, FSx `FileSystemId`). */
const PROPERTIES_BY_LOWERCASE = new Map<string, string[]>();
for (const name of PROPERTY_NAMES) {
  const lower = name.toLowerCase();
  PROPERTIES_BY_LOWERCASE.set(lower, [...(PROPERTIES_BY_LOWERCASE.get(lower) ?? []), name]);
}

export function ecsKeyName(cloudFormationName: string): string {
  return IRREGULAR[cloudFormationName] ?? cloudFormationName.charAt(0).toLowerCase() + cloudFormationName.slice(1);
}

/**
 * The key of an entry that is not a CloudFormation property (`user`,
 * `PRIVILEGED`): ECS API names never start with `?`, so no check or fixer
 * mistakes it for the field, while `sourceKey` still says what was written.
 */
function notAProperty(sourceKey: string): string {
  return `?${sourceKey}`;
}

/** Where unknown keys are reported: the resource id, the error list and the warning list. */
export interface KeyReport {
  file: string;
  resourceId: string;
  errors: ScanError[];
  warnings: ScanError[];
}

/**
 * ECS fields some check judges. A misspelling of one of them (`privileged:
 * true`) hides the value a verdict needs, so it is an error; any other unknown
 * property is a warning, since every verdict is still produced.
 */
export const JUDGED_FIELDS = new Set([
  'containerDefinitions',
  'networkMode',
  'privileged',
  'user',
  'pidMode',
  'ipcMode',
  'runtimePlatform',
  'operatingSystemFamily',
  'requiresCompatibilities',
  // read by the hardening checks
  'readonlyRootFilesystem',
  'logConfiguration',
  'logDriver',
  'linuxParameters',
  'capabilities',
  'add',
  'drop',
  'volumes',
  'host',
  'sourcePath',
  'mountPoints',
  'sourceVolume',
  'efsVolumeConfiguration',
  'transitEncryption',
  'environment',
  'secrets',
]);

/**
 * Renames TaskDefinition property keys to ECS API names (`ContainerDefinitions`
 * → `containerDefinitions`) through objects, lists and both branches of
 * conditionals; `sourceKey` keeps the key as written. CloudFormation property
 * names are case-sensitive, so only a PascalCase key becomes an ECS field: a
 * known name in another case (`user`, `PRIVILEGED`) is reported and kept
 * under a key no field has, and what is under it is left as written.
 */
export function toEcsKeys(node: ValueNode, report: KeyReport): ValueNode {
  return rename(node, undefined, report, undefined, 0);
}

type Role = 'container list' | 'container';

/**
 * Where a key is, for messages: the resource, or the container definition that holds it. Kept as the container node
 * and its index, and spelled out only when a message needs it (most templates need none).
 */
interface Place {
  container: ValueNode;
  index: number;
}

function describePlace(place: Place | undefined, report: KeyReport): string {
  if (place === undefined) return `resource ${report.resourceId}`;
  return `container definition ${scalarText(field(place.container, 'Name')) || `#${place.index}`}`;
}

function rename(node: ValueNode, where: Place | undefined, report: KeyReport, role: Role | undefined, index: number): ValueNode {
  switch (node.kind) {
    case 'object': {
      const place = role === 'container' ? { container: node, index } : where;
      // Loops rather than map() with a closure per call: this copies every object and list of every definition.
      const source = node.entries;
      const entries: ObjectEntry[] = [];
      let misspelt = false;
      for (let i = 0; i < source.length; i++) {
        const entry = renameEntry(source[i] as ObjectEntry, place, report);
        entries.push(entry);
        if (entry.key.startsWith('?')) misspelt = true;
      }
      if (misspelt) addMisspeltJudged(source, entries);
      return withEntries(node, entries);
    }
    case 'array': {
      const source = node.items;
      const items: ValueNode[] = [];
      if (role === 'container list') {
        for (let i = 0; i < source.length; i++) items.push(rename(source[i] as ValueNode, where, report, 'container', i));
      } else {
        for (let i = 0; i < source.length; i++) items.push(rename(source[i] as ValueNode, where, report, undefined, 0));
      }
      return withItems(node, items);
    }
    case 'conditional':
      return {
        ...node,
        whenTrue: rename(node.whenTrue, where, report, role, index),
        whenFalse: rename(node.whenFalse, where, report, role, index),
      };
    default:
      return node;
  }
}

/**
 * Property names written exactly as CloudFormation spells them (PascalCase), with their ECS names (the common case,
 * which needs none of the spelling checks below), grouped by length and first letter, each group a flat list of
 * name, ECS name, name, ECS name…: a lookup compares a key with the one or two names of its shape. A `Map` would
 * first hash the key, and every key of a template is a string fresh from the text, hashed by a runtime call: a
 * tenth of the cost of renaming a template's properties.
 */
const LONGEST_PROPERTY = Math.max(...PROPERTY_NAMES.map((name) => name.length));
// Filled (not holey beyond its length): a sparse array could be kept as a dictionary.
const EXACT_PROPERTIES: Array<string[] | undefined> = new Array<string[] | undefined>((LONGEST_PROPERTY + 1) * 26).fill(undefined);
for (const name of PROPERTY_NAMES) {
  if (!/^[A-Z]/.test(name)) continue;
  (EXACT_PROPERTIES[propertyShape(name)] ??= []).push(name, ecsKeyName(name));
}

/** The ECS names of {@link USER_MAPS}. */
const USER_MAP_KEYS = new Set([...USER_MAPS].map(ecsKeyName));

/** A property name's group in {@link EXACT_PROPERTIES}: its length and first letter (A to Z). */
function propertyShape(name: string): number {
  return name.length * 26 + name.charCodeAt(0) - 65;
}

/** The ECS name of a property written exactly as CloudFormation spells it, or undefined. */
function exactPropertyName(name: string): string | undefined {
  const first = name.charCodeAt(0);
  // Not PascalCase (an empty key too: its NaN fails the test), or longer than any property.
  if (!(first >= 65 && first <= 90) || name.length > LONGEST_PROPERTY) return undefined;
  const group = EXACT_PROPERTIES[propertyShape(name)];
  if (group === undefined) return undefined;
  for (let i = 0; i < group.length; i += 2) if (group[i] === name) return group[i + 1];
  return undefined;
}

function renameEntry(entry: ObjectEntry, where: Place | undefined, report: KeyReport): ObjectEntry {
  const name = entry.key;
  const exact = exactPropertyName(name);
  if (exact !== undefined) {
    // Asked of the ECS name, one of this module's strings, whose hash is kept (the key's would be computed).
    if (USER_MAP_KEYS.has(exact)) return renamed(entry, exact, entry.value);
    return renamed(entry, exact, rename(entry.value, where, report, exact === 'containerDefinitions' ? 'container list' : undefined, 0));
  }
  const spellings = PROPERTIES_BY_LOWERCASE.get(name.toLowerCase());
  if (spellings && !spellings.includes(name)) {
    const message =
      `unknown property ${name} in ${describePlace(where, report)}: CloudFormation property names are case-sensitive ` +
      `(did you mean ${spellings.join(' or ')}?)`;
    const judged = spellings.some((spelling) => JUDGED_FIELDS.has(ecsKeyName(spelling)));
    (judged ? report.errors : report.warnings).push(fileError(report.file, message, entry.keyRange, report.resourceId));
    return { ...entry, key: notAProperty(name) };
  }
  const intended = PROPERTIES_BY_LOWERCASE.has(name.toLowerCase()) ? undefined : nearJudgedProperty(name);
  if (intended) {
    // CloudFormation rejects an unknown property; reading it as "not set" would pass what the author meant to set.
    const place = describePlace(where, report);
    const message = `unknown property ${name} in ${place}: not a CloudFormation property (did you mean ${intended}?)`;
    report.errors.push(fileError(report.file, message, entry.keyRange, report.resourceId));
    return { ...entry, key: notAProperty(name) };
  }
  if (!/^[A-Z]/.test(name)) return { ...entry, key: notAProperty(name) };
  if (USER_MAPS.has(name)) return { ...entry, key: ecsKeyName(name) };
  const role: Role | undefined = name === 'ContainerDefinitions' ? 'container list' : undefined;
  return { ...entry, key: ecsKeyName(name), value: rename(entry.value, where, report, role, 0) };
}

/**
 * A judged field written in another case or misspelt (`privileged: true`, `Priviledged: true`), and not also written
 * right, is added under its ECS name as an unresolved value: its checks are UNKNOWN, never PASS on a "not set" the
 * author did not mean (the input error above says why).
 */
function addMisspeltJudged(source: readonly ObjectEntry[], entries: ObjectEntry[]): void {
  for (const entry of source) {
    const name = entry.key;
    if (exactPropertyName(name) !== undefined) continue;
    const spellings = PROPERTIES_BY_LOWERCASE.get(name.toLowerCase());
    const judged = spellings?.find((spelling) => JUDGED_FIELDS.has(ecsKeyName(spelling)));
    const intended = spellings ? undefined : nearJudgedProperty(name);
    const meant = judged ?? intended;
    if (meant === undefined) continue;
    const key = ecsKeyName(meant);
    if (entries.some((e) => e.key === key)) continue;
    entries.push(
      unreadFieldEntry(entry, key, {
        expression: `${name} (not the property ${meant}: CloudFormation rejects it)`,
        reason: `${name} is not the property ${meant}: the value is not read`,
      }),
    );
  }
}

/**
 * The stand-in for a judged field written under another key (`entry`): the field `key`, unresolved, where the entry is,
 * with what messages quote and why. Shared with task-definition JSON and YAML (src/sources/ecs-field-spelling.ts).
 */
export function unreadFieldEntry(entry: ObjectEntry, key: string, said: { expression: string; reason: string }): ObjectEntry {
  const value: ValueNode = {
    kind: 'unresolved',
    expression: said.expression,
    reason: said.reason,
    ...(entry.value.range ? { range: entry.value.range } : {}),
    ...(entry.value.syntax ? { syntax: entry.value.syntax } : {}),
  };
  return entry.keyRange ? { key, sourceKey: entry.sourceKey, keyRange: entry.keyRange, value } : { key, sourceKey: entry.sourceKey, value };
}

/**
 * The entry under its ECS key: the same fields in the same order as `{ ...entry, key, value }`, built as a literal
 * (the common path of every property of every template; a spread copies through a slow generic path).
 */
function renamed(entry: ObjectEntry, key: string, value: ValueNode): ObjectEntry {
  return entry.keyRange === undefined
    ? { key, sourceKey: entry.sourceKey, value }
    : { key, sourceKey: entry.sourceKey, keyRange: entry.keyRange, value };
}

/** Judged property names, as letters only, lowercased: `Privileged'` and `Priviliged` are near `privileged`. */
const JUDGED_PROPERTY_LETTERS = PROPERTY_NAMES.filter((name) => JUDGED_FIELDS.has(ecsKeyName(name))).map(
  (name) => [name, name.toLowerCase().replace(/[^a-z]/g, '')] as const,
);

/** The judged property an unknown key most likely misspells (at most two edits away), if any. */
export function nearJudgedProperty(name: string): string | undefined {
  const letters = name.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length < 4) return undefined;
  return JUDGED_PROPERTY_LETTERS.find(([, known]) => editDistance(letters, known, 2) <= 2)?.[0];
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/*
 * Copies of a node or entry with one field changed, built key by key for the shapes the sources build (in Node 20,
 * an object literal that starts with a spread and adds a key copies through a slower generic path, and resolving
 * and renaming copy every object of every task definition). Other shapes are spread, with the same keys in the same
 * order. Here rather than in a module of their own: task-definition JSON scans load this module (for key spellings)
 * and no other of this folder.
 */

/** `{ ...node, entries }`. */
export function withEntries(node: ObjectNode, entries: ObjectEntry[]): ObjectNode {
  if (node.origin === undefined && node.range !== undefined && node.syntax !== undefined) {
    return { kind: 'object', entries, range: node.range, syntax: node.syntax };
  }
  return { ...node, entries };
}

/** `{ ...node, items }`. */
export function withItems(node: ArrayNode, items: ValueNode[]): ArrayNode {
  if (node.origin === undefined && node.range !== undefined && node.syntax !== undefined) {
    return { kind: 'array', items, range: node.range, syntax: node.syntax };
  }
  return { ...node, items };
}

/** `{ ...entry, value }`. */
export function withValue(entry: ObjectEntry, value: ValueNode): ObjectEntry {
  return entry.keyRange === undefined
    ? { key: entry.key, sourceKey: entry.sourceKey, value }
    : { key: entry.key, sourceKey: entry.sourceKey, keyRange: entry.keyRange, value };
}
