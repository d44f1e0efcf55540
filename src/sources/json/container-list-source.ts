import type { ObjectNode, UnresolvedNode, ValueNode } from '../../model/value.js';
import { reportStrictSpelling, withMisspeltJudgedFields } from '../ecs-field-spelling.js';
import type { FileSource, InputFile, SourceOutput } from '../source.js';
import { firstSignificantChar, parseJsonWithPositions } from './json-tree.js';

/** The resource id of the one definition a list file holds: the list has no family of its own. */
export const CONTAINER_LIST_ID = 'containerDefinitions';

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
 * Kubernetes or Compose containers) do not have, lowercased: one of them makes a list of containers an ECS one.
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
  ].map((name) => name.toLowerCase()),
);

/** Fields of a Kubernetes container: a list with them is a pod's, not a task definition's. */
const KUBERNETES_CONTAINER_FIELDS = new Set(['imagePullPolicy', 'securityContext', 'volumeMounts', 'livenessProbe', 'readinessProbe']);

/**
 * A JSON array of container definitions and nothing else: what `aws ecs register-task-definition
 * --container-definitions file://containers.json` and Terraform's `container_definitions = file("containers.json")`
 * read. Some element has a `name` and an `image` and some element a field only ECS containers have (in any case: a
 * miswritten one is then reported at its key). Elements that are not containers do not make it something else: the
 * checks report them as unreadable.
 */
export function isContainerList(text: string): boolean {
  if (firstSignificantChar(text) !== '[' || !IMAGE_KEY.test(text)) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (!Array.isArray(value)) return false;
  let named = false;
  let ecs = false;
  for (const item of value as unknown[]) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const keys = Object.keys(item);
    if (keys.some((key) => KUBERNETES_CONTAINER_FIELDS.has(key))) return false;
    named ||= keys.includes('name') && keys.includes('image');
    ecs ||= keys.some((key) => ECS_CONTAINER_FIELDS.has(key.toLowerCase()));
  }
  return named && ecs;
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
  let body: ObjectNode = {
    kind: 'object',
    entries: [entry('containerDefinitions', list), ...SET_ELSEWHERE.map((key) => entry(key, unknown()))],
    syntax: 'json',
  };
  if (list.range) body.range = list.range;
  const resource = { kind: 'file' as const, source: 'json' as const, id: CONTAINER_LIST_ID, file: file.path };
  const warnings = (output.warnings ??= []);
  const before = output.errors.length;
  reportStrictSpelling(body, { file: file.path, resource: resource.id, errors: output.errors, warnings });
  if (output.errors.length > before) body = withMisspeltJudgedFields(body) as ObjectNode;
  output.definitions.push({ resource, body, ...(list.range ? { range: list.range } : {}) });
}
