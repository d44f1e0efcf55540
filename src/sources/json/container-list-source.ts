import type { ObjectNode, UnresolvedNode, ValueNode } from '../../model/value.js';
import { withStrictSpelling } from '../ecs-field-spelling.js';
import { LineIndex } from '../../model/location.js';
import { type FileSource, type InputFile, type SourceOutput, fileError } from '../source.js';
import { yamlPackage } from '../yaml-lazy.js';
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
 * YAML: the first line that is not blank, a comment, a directive or `---` starts a list, and a key of one of its
 * elements (after the dash, in a flow mapping after it, or indented as the element's keys are: two to four columns)
 * is `image`. A key deeper in is some other file's.
 */
const YAML_TOP_LEVEL_LIST = /^(?:[ \t]*(?:#.*)?\r?\n|%.*\r?\n|---[ \t]*(?:#.*)?\r?\n)*-(?:[ \t]|\r?\n|$)/;
const elementKey = (names: string, indent: string, flags = 'm') =>
  new RegExp(`^(?:-[ \\t]+|${indent})["']?(?:${names})["']?[ \\t]*:|^[ \\t]*-[ \\t]*\\{.*[{,][ \\t]*["']?(?:${names})["']?[ \\t]*:`, flags);
const YAML_IMAGE_KEY = elementKey('image', ' {2,4}');
/**
 * For YAML that does not parse (or is too large to parse to decide): an element's keys at two columns only, as a list
 * of containers writes them. Deeper keys are another file's (an Ansible task's module arguments sit at four).
 */
const YAML_NAME_KEY = elementKey('name', ' {2}');
const YAML_ECS_CONTAINER_KEY = elementKey([...ECS_CONTAINER_FIELDS].join('|'), ' {2}', 'im');
const YAML_KUBERNETES_KEY = elementKey([...KUBERNETES_CONTAINER_FIELDS].join('|'), ' {2,4}');

/** Parsing a larger YAML file to decide costs seconds (a 26 MB list took 24 s): beyond it, its keys decide. */
const MAX_YAML_PARSED_TO_DECIDE = 1024 * 1024;

/**
 * An array of container definitions and nothing else: what `aws ecs register-task-definition
 * --container-definitions file://containers.json` and Terraform's `container_definitions = file("containers.json")`
 * read, or in YAML what Terraform's `yamldecode(file("containers.yaml"))` reads. Each object in it has a `name` or an
 * `image` (ECS requires both of every container), and one has both and a field or shape only ECS containers have
 * (hasEcsContainerField). An element that is not an object does not make it something else: the checks report it as
 * unreadable. Text that does not parse is one when its keys say so. A key written with escapes (`"im\u0061ge"`) is
 * read as it decodes.
 */
export function isContainerList(text: string): boolean {
  if (firstSignificantChar(text) === '[') {
    return (IMAGE_KEY.test(text) || text.includes('\\u')) && isListOfContainers(text, parseJson, JSON_KEYS);
  }
  if (!YAML_TOP_LEVEL_LIST.test(text) || !(YAML_IMAGE_KEY.test(text) || /\\[uxU]/.test(text))) return false;
  if (text.length > MAX_YAML_PARSED_TO_DECIDE) return fallsBackToKeys(text, YAML_KEYS);
  return isListOfContainers(text, parseYaml, YAML_KEYS);
}

const JSON_KEYS = { name: NAME_KEY, ecs: ECS_CONTAINER_KEY, kubernetes: KUBERNETES_KEY };
const YAML_KEYS = { name: YAML_NAME_KEY, ecs: YAML_ECS_CONTAINER_KEY, kubernetes: YAML_KUBERNETES_KEY };

const parseJson = (text: string): unknown => JSON.parse(text);

function parseYaml(text: string): unknown {
  const document = yamlPackage().parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: false });
  if (document.errors.length) throw new Error('broken YAML');
  return document.toJS({ maxAliasCount: 100 });
}

function fallsBackToKeys(text: string, keys: typeof JSON_KEYS): boolean {
  return keys.name.test(text) && keys.ecs.test(text) && !keys.kubernetes.test(text);
}

function isListOfContainers(text: string, parse: (text: string) => unknown, keys: typeof JSON_KEYS): boolean {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    // Broken (cut off, a stray comma): read when its keys say so, so that its error is reported, never a quiet skip.
    return fallsBackToKeys(text, keys);
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
    for (const file of files) {
      if (firstSignificantChar(file.text) === '[') {
        const parsed = parseJsonWithPositions(file.text, file.path);
        output.errors.push(...parsed.errors);
        addList(file, parsed.root, 'json', output);
        continue;
      }
      // Read as the task-definition YAML reader reads it (YAML 1.1 booleans), as Terraform's yamldecode does.
      const { readYamlDocuments } = await import('../cloudformation/yaml-documents.js');
      const parsed = await readYamlDocuments(file.text, file.path, new LineIndex(file.text), 'task definition');
      output.errors.push(...parsed.errors);
      if (parsed.documents.length > 1) {
        output.errors.push(fileError(file.path, `a container list is one YAML document; this file holds ${parsed.documents.length}`));
        continue;
      }
      addList(file, parsed.documents[0], 'yaml', output);
    }
    return output;
  },
};

function addList(file: InputFile, list: ValueNode | undefined, syntax: 'json' | 'yaml', output: SourceOutput): void {
  if (list?.kind !== 'array') return;
  const unknown = (): UnresolvedNode => ({ kind: 'unresolved', expression: SET_ELSEWHERE_EXPRESSION, reason: 'not in a container list' });
  const entry = (key: string, value: ValueNode) => ({ key, sourceKey: key, value });
  const body: ObjectNode = {
    kind: 'object',
    entries: [entry('containerDefinitions', list), ...SET_ELSEWHERE.map((key) => entry(key, unknown()))],
    syntax,
  };
  if (list.range) body.range = list.range;
  const resource = { kind: 'file' as const, source: syntax, id: CONTAINER_LIST_ID, file: file.path };
  const checked = withStrictSpelling(body, file.path, resource.id, output);
  output.definitions.push({ resource, body: checked, ...(list.range ? { range: list.range } : {}) });
}
