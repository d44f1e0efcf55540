import { LineIndex } from '../../model/location.js';
import type { Syntax, ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import type { FileSource, InputFile, SourceOutput } from '../source.js';
import { looksLikeCloudFormation } from './detect.js';
import { extractTaskDefinitions } from './task-definitions.js';
import { parseYamlTemplate } from './yaml-tree.js';

/**
 * CloudFormation templates in YAML or JSON (including `cdk synth` output):
 * one definition per `AWS::ECS::TaskDefinition` resource.
 */
export const cloudFormationSource: FileSource = {
  kind: 'cloudformation',
  independentFiles: true,
  detect: (file) => looksLikeCloudFormation(file.text),
  load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) loadTemplate(file, output);
    return Promise.resolve(output);
  },
};

function loadTemplate(file: InputFile, output: SourceOutput): void {
  const lines = new LineIndex(file.text);
  // JSON is valid YAML, but jsonc-parser gives JSON-accurate errors and positions.
  const syntax: Syntax = file.text.trimStart().startsWith('{') ? 'json' : 'yaml';
  let roots: ValueNode[];
  if (syntax === 'json') {
    const parsed = parseJsonWithPositions(file.text, file.path, 0, lines);
    output.errors.push(...parsed.errors);
    roots = parsed.root ? [markJson(parsed.root)] : [];
  } else {
    const parsed = parseYamlTemplate(file.text, file.path, lines);
    output.errors.push(...parsed.errors);
    roots = parsed.documents;
  }
  for (const root of roots) extractTaskDefinitions(root, { file: file.path, text: file.text, syntax }, output);
}

function markJson(node: ValueNode): ValueNode {
  switch (node.kind) {
    case 'object':
      return { ...node, syntax: 'json', entries: node.entries.map((e) => ({ ...e, value: markJson(e.value) })) };
    case 'array':
      return { ...node, syntax: 'json', items: node.items.map(markJson) };
    default:
      return { ...node, syntax: 'json' };
  }
}
