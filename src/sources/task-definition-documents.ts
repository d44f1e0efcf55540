import type { ScanError } from '../model/finding.js';
import type { ResourceRef, SourceKind } from '../model/task-definition.js';
import type { ObjectNode, ValueNode } from '../model/value.js';
import { field, scalarText } from '../model/value.js';
import { withStrictSpelling } from './ecs-field-spelling.js';
import { type SourceDefinition, type SourceOutput, fileError } from './source.js';

/** Where a document sits in its file, for messages and for the ids of definitions without a family. */
export interface DocumentPlace {
  /** 0-based, across the file (array elements, YAML documents). */
  index: number;
  /** How messages name it: `element #1`, `document #2`. */
  label: string;
}

/**
 * The task definitions of one file's documents, in the shapes the AWS CLI reads and writes (`describe-task-definition`
 * output, `register-task-definition` input, a bare body), whatever the syntax: JSON or YAML. `place` is undefined for
 * a file that holds one document.
 */
export function addTaskDefinitions(
  documents: ReadonlyArray<{ node: ValueNode; place?: DocumentPlace }>,
  file: string,
  source: SourceKind,
  output: SourceOutput,
): void {
  const found = documents.map(({ node, place }) => {
    const unwrapped = unwrapTaskDefinition(node, file, place, source);
    // In YAML a wrapped body starts a line below `taskDefinition:`, where a comment above it (an inline suppression)
    // is written: the definition starts at the wrapper.
    if (source === 'yaml' && 'definition' in unwrapped && unwrapped.definition.body !== node && node.range) {
      unwrapped.definition.range = node.range;
    }
    return unwrapped;
  });
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
    if ((ids.get(definition.resource.id) ?? 0) > 1) definition.resource.id += `#${documents[index]?.place?.index ?? index}`;
    output.definitions.push(definition);
    definition.body = withStrictSpelling(definition.body, file, definition.resource.id, output);
    // A null in the list is no container to the model (CloudFormation's AWS::NoValue); written here, the AWS CLI
    // rejects the file, and a container someone meant would go unchecked.
    const list = field(definition.body, 'containerDefinitions');
    if (list?.kind === 'array') {
      list.items.forEach((item, i) => {
        if (item.kind !== 'null') return;
        const message = `containerDefinitions[${i}] is null, which the AWS CLI rejects: not a container definition`;
        output.errors.push(fileError(file, message, item.range, definition.resource.id));
      });
    }
  });
}

/** One document (describe output, register input or a bare body) → the task definition it holds, or why not. */
export function unwrapTaskDefinition(
  document: ValueNode,
  file: string,
  place: DocumentPlace | undefined,
  source: SourceKind = 'json',
): { definition: SourceDefinition } | { error: ScanError } {
  const where = place === undefined ? '' : `${place.label}: `;
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
  // An empty family (the AWS CLI skeleton's) names nothing: the definition is told by its place, as without one.
  const resource: ResourceRef = { kind: 'file', source, id: family || `#${place?.index ?? 0}`, file };
  if (family) resource.family = family;
  if (revision !== undefined) resource.revision = revision;
  if (arn) resource.arn = arn;
  const definition: SourceDefinition = { resource, body };
  if (body.range) definition.range = body.range;
  return { definition };
}
