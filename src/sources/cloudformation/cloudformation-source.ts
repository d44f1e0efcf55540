import type { ScanError } from '../../model/finding.js';
import { LineIndex } from '../../model/location.js';
import type { ObjectEntry, Syntax, ValueNode } from '../../model/value.js';
import { parseJsonWithPositions } from '../json/json-tree.js';
import type { FileSource, SourceOutput } from '../source.js';
import { looksLikeCloudFormation } from './detect.js';
import { templatesIn } from './serverless.js';
import { extractTaskDefinitions } from './task-definitions.js';
import { readYamlDocuments } from './yaml-documents.js';

/**
 * CloudFormation templates in YAML or JSON (including `cdk synth` output):
 * one definition per `AWS::ECS::TaskDefinition` resource.
 */
export const cloudFormationSource: FileSource = {
  kind: 'cloudformation',
  independentFiles: true,
  detect: (file) => looksLikeCloudFormation(file.text),
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) {
      const lines = new LineIndex(file.text);
      // JSON is valid YAML, but jsonc-parser gives JSON-accurate errors and positions.
      let syntax: Syntax = file.text.trimStart().startsWith('{') ? 'json' : 'yaml';
      let roots: ValueNode[] = [];
      if (syntax === 'json') {
        const parsed = parseJsonWithPositions(file.text, file.path, 0, lines);
        const withCommas = parsed.errors.length === 0 ? undefined : parseJsonWithPositions(file.text, file.path, 0, lines, true);
        if (parsed.errors.length === 0) roots = parsed.root ? [markJson(parsed.root)] : [];
        else if (withCommas?.root && withCommas.errors.length === 0) {
          // JSON but for a comma before `]` or `}` (JSON with comments too, which YAML would misread): read as meant.
          const [first] = parsed.errors;
          const message = `${first?.message}: a trailing comma, which JSON does not allow (read past it)`;
          if (first) (output.warnings ??= []).push({ ...first, message });
          roots = [markJson(withCommas.root)];
        } else {
          // A YAML template written as one flow mapping (`{Resources: {…}}`) starts as JSON does. The AWS CLI reads a
          // template that is not JSON as YAML (`aws cloudformation package` and `deploy`): so does this, and the
          // JSON errors stand when it is not YAML either.
          const asYaml = await readYamlDocuments(file.text, file.path, lines);
          const [first] = parsed.errors;
          if (asYaml.errors.length === 0 && asYaml.documents.length > 0) {
            if (first && /\.json$/i.test(file.path)) {
              // Named .json, it was meant as JSON (a trailing comma, say): said, though it deploys; fixes write JSON.
              (output.warnings ??= []).push({
                ...first,
                message: `${first.message}; read as YAML, as the AWS CLI reads a template that is not JSON`,
              });
              roots = asYaml.documents.map(markJson);
            } else {
              syntax = 'yaml';
              roots = asYaml.documents;
            }
          } else {
            output.errors.push(...parsed.errors);
            roots = parsed.root ? [markJson(parsed.root)] : [];
          }
        }
      } else {
        const parsed = await readYamlDocuments(file.text, file.path, lines);
        output.errors.push(...parsed.errors);
        roots = parsed.documents;
      }
      for (const root of roots) {
        const warnings: ScanError[] = [];
        for (const template of templatesIn(root, file.path, warnings)) {
          extractTaskDefinitions(template, { file: file.path, text: file.text, syntax }, output);
        }
        if (warnings.length) (output.warnings ??= []).push(...warnings);
      }
    }
    return output;
  },
};

/**
 * The tree with every node marked as JSON. The JSON reader already marks each node it builds, so this copies only
 * where a mark is missing, and otherwise returns the tree itself (trees are never mutated): a CDK template's whole
 * tree is not copied for nothing.
 */
function markJson(node: ValueNode): ValueNode {
  switch (node.kind) {
    case 'object': {
      let entries: ObjectEntry[] | undefined;
      for (let i = 0; i < node.entries.length; i++) {
        const e = node.entries[i] as ObjectEntry;
        const value = markJson(e.value);
        if (value === e.value) continue;
        entries ??= node.entries.slice();
        entries[i] = { ...e, value };
      }
      if (entries === undefined && node.syntax === 'json') return node;
      return { ...node, syntax: 'json', entries: entries ?? node.entries.slice() };
    }
    case 'array': {
      let items: ValueNode[] | undefined;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i] as ValueNode;
        const value = markJson(item);
        if (value === item) continue;
        items ??= node.items.slice();
        items[i] = value;
      }
      if (items === undefined && node.syntax === 'json') return node;
      return { ...node, syntax: 'json', items: items ?? node.items.slice() };
    }
    default:
      return node.syntax === 'json' ? node : { ...node, syntax: 'json' };
  }
}
