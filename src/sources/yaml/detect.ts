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

export function looksLikeYamlTaskDefinition(text: string): boolean {
  return (
    TASK_DEFINITION_KEY.test(text) ||
    (TOP_LEVEL_LIST.test(text) && LIST_ELEMENT_KEY.test(text)) ||
    MISWRITTEN_TASK_DEFINITION.test(text) ||
    (FAMILY.test(text) && TASK_LEVEL_KEY.test(text))
  );
}
