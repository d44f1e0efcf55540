import { yamlPackage } from '../yaml-lazy.js';

/**
 * Cheap content sniffing for task definitions written in YAML (`aws ecs register-task-definition --cli-input-yaml`,
 * `describe-task-definition --output yaml`), never a parse: a top-level key at the start of a line, or in a top-level
 * list the key of an element (in the usual two-space layout). `taskDefinition:` counts only as a mapping: written with
 * a value on the same line it names a revision, as in run-task and create-service inputs, which are not task
 * definitions.
 */
const TASK_DEFINITION_KEY = /^(?:-[ \t]+)?["']?(?:containerDefinitions["']?[ \t]*:|taskDefinition["']?[ \t]*:[ \t]*(?:[{#]|\r?\n|$))/m;
const LIST_ELEMENT_KEY = /^ {2}["']?containerDefinitions["']?[ \t]*:/m;
/** The first line that is not blank or a comment starts a list. */
const TOP_LEVEL_LIST = /^(?:[ \t]*(?:#.*)?\r?\n)*-[ \t]/;
/**
 * Also a task definition, to be read and its problem reported rather than skipped: `containerDefinitions` in another
 * case (ECS keys are case-sensitive), or a family with task-level ECS keys (a file cut off before its containers).
 */
const MISWRITTEN_TASK_DEFINITION = /^(?:-[ \t]+)?["']?containerDefinitions["']?[ \t]*:/im;
const FAMILY = /^(?:-[ \t]+)?["']?family["']?[ \t]*:/m;
const TASK_LEVEL_KEY =
  /^[ \t]*(?:-[ \t]+)?["']?(?:networkMode|requiresCompatibilities|executionRoleArn|taskRoleArn|runtimePlatform)["']?[ \t]*:/m;

/** Either key anywhere (indented, in a flow mapping): a file the line tests miss is parsed to decide. */
const KEY_ANYWHERE = /["']?(?:containerDefinitions|taskDefinition)["']?[ \t]*:|\?[ \t]+["']?(?:containerDefinitions|taskDefinition)/i;

export function looksLikeYamlTaskDefinition(text: string): boolean {
  if (
    TASK_DEFINITION_KEY.test(text) ||
    (TOP_LEVEL_LIST.test(text) && LIST_ELEMENT_KEY.test(text)) ||
    MISWRITTEN_TASK_DEFINITION.test(text) ||
    (FAMILY.test(text) && TASK_LEVEL_KEY.test(text))
  ) {
    return true;
  }
  return KEY_ANYWHERE.test(text) && holdsTaskDefinition(text);
}

/**
 * The layouts the line tests do not know (a list indented by four, a `-` alone on its line, a flow mapping, an anchor
 * on `taskDefinition:`, a complex key): a document, or an element of a top-level list, is a mapping with either key
 * (`taskDefinition` holding a mapping). A file that does not parse holds one too: the source then reports why.
 */
function holdsTaskDefinition(text: string): boolean {
  const documents = yamlPackage().parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(documents)) return false;
  if (documents.some((d) => d.errors.length)) return true;
  return documents.some((document) => {
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 10_000 });
    } catch {
      return true;
    }
    return (Array.isArray(value) ? value : [value]).some(isTaskDefinitionShape);
  });
}

function isTaskDefinitionShape(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).some(
    ([key, v]) =>
      key.toLowerCase() === 'containerdefinitions' ||
      (key === 'taskDefinition' && v !== null && typeof v === 'object' && !Array.isArray(v)),
  );
}
