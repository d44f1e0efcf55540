import path from 'node:path';
import type { ScanError } from '../../model/finding.js';
import { cachedText } from '../../io/cached-text.js';
import type { FileSource, SourceOutput } from '../source.js';
import { looksLikeCloudFormation } from './detect.js';
import { readNestedStacks } from './nested-stacks.js';
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
  async load(files) {
    const output: SourceOutput = { definitions: [], failures: [], errors: [] };
    // A nested stack's template is read from the batch when it is there (as the scan decoded it), else from disk.
    const texts = new Map(files.map((f) => [f.path, f.text]));
    const readText = (file: string) => cachedText(file, texts);
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
            const chain = [path.resolve(file.path)];
            await readNestedStacks(extracted.nestedStacks, { ...source, template: extracted.template, chain }, output, readText);
          }
        }
        if (warnings.length) (output.warnings ??= []).push(...warnings);
      }
    }
    return output;
  },
};
