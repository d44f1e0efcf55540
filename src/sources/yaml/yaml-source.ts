import { LineIndex } from '../../model/location.js';
import { readYamlDocuments } from '../cloudformation/yaml-documents.js';
import type { FileSource, SourceOutput } from '../source.js';
import { type DocumentPlace, addTaskDefinitions } from '../task-definition-documents.js';
import type { ValueNode } from '../../model/value.js';
import { looksLikeYamlTaskDefinition } from './detect.js';

/**
 * Task definitions in YAML, in the shapes the AWS CLI reads and writes: `register-task-definition --cli-input-yaml`
 * input, `describe-task-definition --output yaml` output, a bare body; several documents (`---`) or a top-level list
 * hold several. Read as CloudFormation reads YAML, so `privileged: yes` is true (YAML 1.1); to a YAML 1.2 reader it is
 * a string the API refuses, so no reading of it deploys an unprivileged container.
 */
export const yamlTaskDefinitionSource: FileSource = {
  kind: 'yaml',
  independentFiles: true,
  detect: (file) => looksLikeYamlTaskDefinition(file.text),
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) {
      const lines = new LineIndex(file.text);
      const parsed = await readYamlDocuments(file.text, file.path, lines, 'task definition');
      output.errors.push(...parsed.errors);
      // An empty document (a file ending in `---`) holds nothing; an explicit `null` is still reported.
      const documents = parsed.documents.filter((d) => !(d.kind === 'null' && isEmpty(file.text, d)));
      addTaskDefinitions(placed(documents), file.path, 'yaml', output);
    }
    return output;
  },
};

function isEmpty(text: string, node: ValueNode): boolean {
  return node.range === undefined || text.slice(node.range.start.offset, node.range.end.offset).trim() === '';
}

/** Each document, or each element of a document that is a list, with its place when the file holds several. */
function placed(documents: ValueNode[]): Array<{ node: ValueNode; place?: DocumentPlace }> {
  const several = documents.length > 1;
  if (!several && documents[0]?.kind !== 'array') return documents.map((node) => ({ node }));
  const out: Array<{ node: ValueNode; place: DocumentPlace }> = [];
  documents.forEach((document, d) => {
    const where = several ? `document ${d + 1}` : '';
    if (document.kind !== 'array') {
      out.push({ node: document, place: { index: out.length, label: where } });
      return;
    }
    document.items.forEach((node, i) => {
      out.push({ node, place: { index: out.length, label: `${where}${several ? ', ' : ''}element #${i}` } });
    });
  });
  return out;
}
