import type { ScanError } from '../../model/finding.js';
import type { ResourceRef } from '../../model/task-definition.js';
import type { ObjectNode, ValueNode } from '../../model/value.js';
import { field, scalarText } from '../../model/value.js';
import { type FileSource, type InputFile, type SourceDefinition, type SourceOutput, fileError } from '../source.js';
import { reportStrictSpelling } from '../ecs-field-spelling.js';
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
    const text = file.text;
    return (
      LOOKS_LIKE_TASK_DEFINITION.test(text) || MISWRITTEN_TASK_DEFINITION.test(text) || (FAMILY.test(text) && TASK_LEVEL_KEY.test(text))
    );
  },
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) loadFile(file, output);
    return output;
  },
};

function loadFile(file: InputFile, output: SourceOutput): void {
  const parsed = parseJsonWithPositions(file.text, file.path);
  output.errors.push(...parsed.errors);
  if (!parsed.root) return;
  const documents = parsed.root.kind === 'array' ? parsed.root.items : [parsed.root];
  const found = documents.map((document, index) =>
    unwrapTaskDefinition(document, file.path, parsed.root?.kind === 'array' ? index : undefined),
  );
  // Several definitions of one family in a file (revisions kept side by side): each is told apart by its place, so
  // findings and report ids of one never stand for another's.
  const ids = new Map<string, number>();
  for (const f of found) if ('definition' in f) ids.set(f.definition.resource.id, (ids.get(f.definition.resource.id) ?? 0) + 1);
  found.forEach((f, index) => {
    if ('error' in f) {
      output.errors.push(f.error);
      return;
    }
    const { definition } = f;
    if ((ids.get(definition.resource.id) ?? 0) > 1) definition.resource.id += `#${index}`;
    output.definitions.push(definition);
    const warnings = (output.warnings ??= []);
    reportStrictSpelling(definition.body, { file: file.path, resource: definition.resource.id, errors: output.errors, warnings });
  });
}

/** One JSON document (describe output, register input or a bare body) → the task definition it holds, or why not. */
export function unwrapTaskDefinition(
  document: ValueNode,
  file: string,
  index: number | undefined,
): { definition: SourceDefinition } | { error: ScanError } {
  const where = index === undefined ? '' : `element #${index}: `;
  if (document.kind !== 'object') {
    return { error: fileError(file, `${where}expected a task definition object, found ${document.kind}`, document.range) };
  }
  // describe-task-definition output: {"taskDefinition": {...}, "tags": [...]}
  const wrapped = field(document, 'taskDefinition');
  let body: ObjectNode = document;
  if (wrapped !== undefined) {
    if (wrapped.kind !== 'object') {
      return { error: fileError(file, `${where}"taskDefinition" must be an object, found ${wrapped.kind}`, wrapped.range) };
    }
    body = wrapped;
    const outerTags = document.entries.find((e) => e.key === 'tags');
    if (outerTags && field(body, 'tags') === undefined) body = { ...body, entries: [...body.entries, outerTags] };
  } else if (field(document, 'containerDefinitions') === undefined) {
    const miswritten = document.entries.find((e) => e.key.toLowerCase() === 'containerdefinitions');
    if (miswritten) {
      return {
        error: fileError(
          file,
          `${where}"${miswritten.key}" should be "containerDefinitions" (ECS keys are case-sensitive): its containers were not read`,
          miswritten.keyRange ?? document.range,
        ),
      };
    }
    return { error: fileError(file, `${where}not a task definition: no "containerDefinitions" or "taskDefinition" key`, document.range) };
  }

  const family = scalarText(field(body, 'family'));
  const revisionText = scalarText(field(body, 'revision'));
  const revision = revisionText !== undefined && /^\d+$/.test(revisionText) ? Number(revisionText) : undefined;
  const arn = scalarText(field(body, 'taskDefinitionArn'));
  // Key by key, in the order reports show (made for every file; conditional spreads are slow in V8 11).
  const resource: ResourceRef = { kind: 'file', source: 'json', id: family ?? `#${index ?? 0}`, file };
  if (family) resource.family = family;
  if (revision !== undefined) resource.revision = revision;
  if (arn) resource.arn = arn;
  const definition: SourceDefinition = { resource, body };
  if (body.range) definition.range = body.range;
  return { definition };
}
