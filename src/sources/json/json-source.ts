import { looksAsRead } from '../escaped-text.js';
import type { FileSource, InputFile, SourceOutput } from '../source.js';
import { addTaskDefinitions } from '../task-definition-documents.js';
import { firstSignificantChar, parseJsonWithPositions } from './json-tree.js';

const LOOKS_LIKE_TASK_DEFINITION = /"(containerDefinitions|taskDefinition)"\s*:/;
/**
 * Also a task definition, to be read and its problem reported rather than skipped: `containerDefinitions` in another
 * case (ECS keys are case-sensitive), or a family with task-level ECS keys (a file cut off before its containers).
 */
const MISWRITTEN_TASK_DEFINITION = /"containerDefinitions"\s*:/i;
const FAMILY = /"family"\s*:/;
const TASK_LEVEL_KEY = /"(networkMode|requiresCompatibilities|executionRoleArn|taskRoleArn|runtimePlatform)"\s*:/;

/**
 * Task-definition JSON in the shapes users keep: `describe-task-definition`
 * output, `register-task-definition --cli-input-json` input, a bare task
 * definition, or an array of any of these.
 */
export const jsonTaskDefinitionSource: FileSource = {
  kind: 'json',
  independentFiles: true,
  detect(file) {
    const start = firstSignificantChar(file.text);
    if (start !== '{' && start !== '[') return false;
    return looksAsRead(file.text, looksLikeTaskDefinition);
  },
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) loadFile(file, output);
    return output;
  },
};

function looksLikeTaskDefinition(text: string): boolean {
  return LOOKS_LIKE_TASK_DEFINITION.test(text) || MISWRITTEN_TASK_DEFINITION.test(text) || (FAMILY.test(text) && TASK_LEVEL_KEY.test(text));
}

function loadFile(file: InputFile, output: SourceOutput): void {
  const parsed = parseJsonWithPositions(file.text, file.path);
  output.errors.push(...parsed.errors);
  const root = parsed.root;
  if (!root) return;
  const documents =
    root.kind === 'array' ? root.items.map((node, index) => ({ node, place: { index, label: `element #${index}` } })) : [{ node: root }];
  addTaskDefinitions(documents, file.path, 'json', output);
}
