import type { ObjectNode, UnresolvedNode, ValueNode } from '../../model/value.js';
import { withStrictSpelling } from '../ecs-field-spelling.js';
import type { FileSource, InputFile, SourceOutput } from '../source.js';
import { firstSignificantChar, parseJsonWithPositions } from './json-tree.js';

/** The resource id of the one definition a list file holds: the list has no family of its own. */
const CONTAINER_LIST_ID = 'containerDefinitions';

/**
 * What the list does not say: the task definition that registers it sets these (`aws ecs register-task-definition
 * --network-mode`, a Terraform resource's `network_mode`). Checks that read them give UNKNOWN; the containers' own
 * verdicts (privileged, user, capabilities) stand.
 */
const SET_ELSEWHERE = ['networkMode', 'pidMode', 'ipcMode', 'volumes'] as const;
const SET_ELSEWHERE_EXPRESSION = '(set where this container list is registered)';

const IMAGE_KEY = /"image"\s*:/;

/**
 * Top-level fields of an ECS container definition that other lists of named images (a CI matrix, a release manifest,
 * Kubernetes or Compose containers) do not have, lowercased.
 */
const ECS_CONTAINER_FIELDS = new Set(
  [
    'essential',
    'portMappings',
    'memoryReservation',
    'mountPoints',
    'volumesFrom',
    'linuxParameters',
    'logConfiguration',
    'firelensConfiguration',
    'readonlyRootFilesystem',
    'dockerLabels',
    'dockerSecurityOptions',
    'environmentFiles',
    'repositoryCredentials',
    'resourceRequirements',
    'systemControls',
    'privileged',
    'user',
    'disableNetworking',
    'dnsServers',
    'dnsSearchDomains',
    'pseudoTerminal',
    'startTimeout',
    'stopTimeout',
    'workingDirectory',
    'credentialSpecs',
    'ulimits',
    'healthCheck',
    'dependsOn',
    'extraHosts',
    'entryPoint',
    'links',
  ].map((name) => name.toLowerCase()),
);

/** Fields of a Kubernetes container: a list with them is a pod's, not a task definition's. */
const KUBERNETES_CONTAINER_FIELDS = new Set(['imagePullPolicy', 'securityContext', 'volumeMounts', 'livenessProbe', 'readinessProbe']);

/** What a list that is not valid JSON must show to be read anyway (its syntax error then reported, not skipped). */
const NAME_KEY = /"name"\s*:/;
const ECS_CONTAINER_KEY = new RegExp(`"(?:${[...ECS_CONTAINER_FIELDS].join('|')})"\\s*:`, 'i');
const KUBERNETES_KEY = new RegExp(`"(?:${[...KUBERNETES_CONTAINER_FIELDS].join('|')})"\\s*:`);

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every element of `value` an object with these keys. */
const listOf = (value: unknown, ...keys: string[]) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => isRecord(item) && keys.every((key) => Object.hasOwn(item, key)));

/**
 * A field or a shape only an ECS container definition has: one of ECS_CONTAINER_FIELDS (in any case: a miswritten one
 * is then reported at its key), a number of CPU units or MiB, `environment` as name/value pairs, `secrets` read from
 * ARNs (`valueFrom`).
 */
function hasEcsContainerField(element: Record<string, unknown>): boolean {
  for (const key of Object.keys(element)) if (ECS_CONTAINER_FIELDS.has(key.toLowerCase())) return true;
  return (
    typeof element['cpu'] === 'number' ||
    typeof element['memory'] === 'number' ||
    listOf(element['environment'], 'name', 'value') ||
    listOf(element['secrets'], 'name', 'valueFrom')
  );
}

/**
 * A JSON array of container definitions and nothing else: what `aws ecs register-task-definition
 * --container-definitions file://containers.json` and Terraform's `container_definitions = file("containers.json")`
 * read. Each object in it has a `name` or an `image` (ECS requires both of every container), and one has both and a
 * field or shape only ECS containers have (hasEcsContainerField). An element that is not an object does not make it
 * something else: the checks report it as unreadable. Text that is not valid JSON is one when its keys say so.
 */
export function isContainerList(text: string): boolean {
  if (firstSignificantChar(text) !== '[' || !IMAGE_KEY.test(text)) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Broken (cut off, a stray comma): read when its keys say so, so that its error is reported, never a quiet skip.
    return NAME_KEY.test(text) && ECS_CONTAINER_KEY.test(text) && !KUBERNETES_KEY.test(text);
  }
  if (!Array.isArray(value)) return false;
  let container = false;
  for (const item of value as unknown[]) {
    if (!isRecord(item)) continue;
    if (!Object.hasOwn(item, 'name') && !Object.hasOwn(item, 'image')) return false;
    if (Object.keys(item).some((key) => KUBERNETES_CONTAINER_FIELDS.has(key))) return false;
    container ||= Object.hasOwn(item, 'name') && Object.hasOwn(item, 'image') && hasEcsContainerField(item);
  }
  return container;
}

/**
 * Container-definition lists on their own. A list that a task definition of the scan reads in (a Terraform resource's
 * file() or templatefile()) is checked there, where the task-level fields are known (FileSource.reportedThroughReaders).
 */
export const containerListSource: FileSource = {
  kind: 'json',
  reportedThroughReaders: true,
  detect: (file) => isContainerList(file.text),
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [], warnings: [] };
    for (const file of files) loadFile(file, output);
    return output;
  },
};

function loadFile(file: InputFile, output: SourceOutput): void {
  const parsed = parseJsonWithPositions(file.text, file.path);
  output.errors.push(...parsed.errors);
  const list = parsed.root;
  if (list?.kind !== 'array') return;
  const unknown = (): UnresolvedNode => ({ kind: 'unresolved', expression: SET_ELSEWHERE_EXPRESSION, reason: 'not in a container list' });
  const entry = (key: string, value: ValueNode) => ({ key, sourceKey: key, value });
  const body: ObjectNode = {
    kind: 'object',
    entries: [entry('containerDefinitions', list), ...SET_ELSEWHERE.map((key) => entry(key, unknown()))],
    syntax: 'json',
  };
  if (list.range) body.range = list.range;
  const resource = { kind: 'file' as const, source: 'json' as const, id: CONTAINER_LIST_ID, file: file.path };
  const checked = withStrictSpelling(body, file.path, resource.id, output);
  output.definitions.push({ resource, body: checked, ...(list.range ? { range: list.range } : {}) });
}
