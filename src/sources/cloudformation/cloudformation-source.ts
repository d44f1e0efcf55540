import type { ScanError } from '../../model/finding.js';
import type { FileSource, SourceOutput } from '../source.js';
import { looksLikeCloudFormation, nestedTemplatesNamed } from './detect.js';
import { realPathOrAbsolute } from '../../io/read-text-file.js';
import { MAX_TEMPLATES_READ, type ParentTemplate, readNestedStacks } from './nested-stacks.js';
import { templatesIn } from './serverless.js';
import { extractTaskDefinitions } from './task-definitions.js';
import { readTemplateRoots } from './template-roots.js';

/**
 * CloudFormation templates in YAML or JSON (including `cdk synth` output):
 * one definition per `AWS::ECS::TaskDefinition` resource, and those of nested
 * stacks whose templates are local files, read with what the parent passes.
 */
export const cloudFormationSource: FileSource = {
  kind: 'cloudformation',
  independentFiles: true,
  detect: (file) => looksLikeCloudFormation(file.text),
  referencedFiles: nestedTemplatesNamed,
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    for (const file of files) {
      const read = await readTemplateRoots(file.text, file.path);
      output.errors.push(...read.errors);
      if (read.warnings.length) (output.warnings ??= []).push(...read.warnings);
      const source = { file: file.path, text: file.text, syntax: read.syntax };
      for (const root of read.roots) {
        const warnings: ScanError[] = [];
        for (const template of templatesIn(root, file.path, warnings)) {
          const extracted = extractTaskDefinitions(template, source, output);
          if (extracted.template && extracted.nestedStacks.length) {
            const parent: ParentTemplate = {
              ...source,
              template: extracted.template,
              chain: [realPathOrAbsolute(file.path)],
              budget: { left: MAX_TEMPLATES_READ },
              ...(file.scannedReferences ? { scanned: file.scannedReferences } : {}),
              ...(file.referencedTexts ? { texts: file.referencedTexts } : {}),
            };
            await readNestedStacks(extracted.nestedStacks, parent, output);
          }
        }
        if (warnings.length) (output.warnings ??= []).push(...warnings);
      }
    }
    return output;
  },
};
