import { looksAsRead } from '../escaped-text.js';
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
  /^(?:-[ \t]+)?["']?(?:networkMode|requiresCompatibilities|executionRoleArn|taskRoleArn|runtimePlatform)["']?[ \t]*:/m;

/** Anchors and tags a key may carry (`&k containerDefinitions:`, `!!str containerDefinitions:`). */
const PROPERTIES = String.raw`(?:[&!]\S*[ \t]+)*`;
/**
 * Either key written as a key (at a line's start after indentation, list dashes or a `?`, or inside a flow mapping),
 * never in a comment or as part of another name (`ecsTaskDefinition:`): a file the line tests miss is parsed to decide.
 */
const KEY_WRITTEN = new RegExp(
  String.raw`(?:^[ \t]*(?:-[ \t]+)*(?:\?[ \t]+)?|[{,][ \t]*)${PROPERTIES}["']?(?:containerDefinitions|taskDefinition)["']?[ \t]*(?::|$)`,
  'im',
);
/**
 * Where a task definition's own key sits, for a file that does not parse or is too big to parse: at the start of a
 * line indented by `indent` at most (after a list dash or a `?` at most), or in a flow mapping that starts a line;
 * `taskDefinition` only holding a mapping. A key deeper in (a values file, text in a block scalar) is another file's.
 */
const shallowKey = (indent: number) =>
  new RegExp(
    String.raw`(?:^(?: {0,${indent}}|-[ \t]+|\?[ \t]+)${PROPERTIES}|^[ \t]*(?:-[ \t]+)?\{.*[{,][ \t]*)["']?` +
      String.raw`(?:[cC]ontainer[dD]efinitions["']?[ \t]*(?::|$)|taskDefinition["']?[ \t]*:[ \t]*(?:[{#&]|\r?\n|$))`,
    'm',
  );
/**
 * A file that does not parse, or is too big to parse: the key at the margin. Two columns in is a values file's or a
 * ConfigMap's key (or text in a block scalar), and claiming it would fail the scan on someone else's broken file.
 */
const MARGIN_KEY = shallowKey(0);
/** The key of a top-level list's element, however far the element's keys are indented after its dash. */
const LIST_ELEMENT_ANY_INDENT = /^ {1,8}["']?containerDefinitions["']?[ \t]*:/m;
/** Parsing a big file to decide costs seconds (a 30 MB ConfigMap took 29 s): beyond this, the key's place decides. */
const MAX_PARSED_CHARS = 1024 * 1024;

export function looksLikeYamlTaskDefinition(text: string): boolean {
  // Keys written with escapes in double quotes (`"container\x44efinitions":`) count as YAML reads them.
  return looksAsRead(text, looksLike);
}

function looksLike(text: string): boolean {
  if (
    TASK_DEFINITION_KEY.test(text) ||
    (TOP_LEVEL_LIST.test(text) && LIST_ELEMENT_KEY.test(text)) ||
    MISWRITTEN_TASK_DEFINITION.test(text) ||
    (FAMILY.test(text) && TASK_LEVEL_KEY.test(text))
  ) {
    return true;
  }
  if (!KEY_WRITTEN.test(text)) return false;
  if (text.length <= MAX_PARSED_CHARS) return holdsTaskDefinition(text);
  return MARGIN_KEY.test(text) || (TOP_LEVEL_LIST.test(text) && LIST_ELEMENT_ANY_INDENT.test(text));
}

/**
 * The layouts the line tests do not know (a list indented by four, a `-` alone on its line, a flow mapping, an anchor
 * on `taskDefinition:`, a complex key): a document, or an element of a top-level list, is a mapping with either key
 * (`taskDefinition` holding a mapping). A file that does not parse holds one when the key sits where a task
 * definition's would: the source then reports why it cannot be read; any other broken YAML is not this source's.
 */
function holdsTaskDefinition(text: string): boolean {
  const yaml = yamlPackage();
  const documents = yaml.parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(documents)) return false;
  if (documents.some((d) => d.errors.length)) return MARGIN_KEY.test(text);
  const isTaskDefinition = (node: unknown): boolean =>
    yaml.isMap(node) &&
    node.items.some((pair) => {
      const key = yaml.isScalar(pair.key) ? String(pair.key.value) : undefined;
      return (
        key?.toLowerCase() === 'containerdefinitions' || (key === 'taskDefinition' && (yaml.isMap(pair.value) || yaml.isAlias(pair.value)))
      );
    });
  return documents.some((document) => {
    const contents = document.contents;
    return yaml.isSeq(contents) ? contents.items.some(isTaskDefinition) : isTaskDefinition(contents);
  });
}
