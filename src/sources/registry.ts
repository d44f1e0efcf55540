import { looksLikeCloudFormation } from './cloudformation/detect.js';
import { jsonTaskDefinitionSource } from './json/json-source.js';
import type { SourceKind } from '../model/task-definition.js';
import type { FileSource } from './source.js';
import { isTerraformConfiguration, looksLikeTerraformPlan } from './terraform/detect.js';

/**
 * A source whose `detect` is cheap and whose parser (and its packages: yaml, web-tree-sitter) loads only when it is
 * given files: a scan of task-definition JSON never loads the CloudFormation or Terraform code (start-up cost).
 */
function lazySource(
  kind: SourceKind,
  independentFiles: boolean,
  detect: FileSource['detect'],
  importSource: () => Promise<FileSource>,
): FileSource {
  let loaded: Promise<FileSource> | undefined;
  return {
    kind,
    ...(independentFiles ? { independentFiles } : {}),
    detect,
    load: async (files, options) => (await (loaded ??= importSource())).load(files, options),
  };
}

const terraformPlan = lazySource(
  'terraform-plan',
  false,
  (file) => looksLikeTerraformPlan(file.text),
  async () => (await import('./terraform/plan-source.js')).terraformPlan,
);
const cloudFormation = lazySource(
  'cloudformation',
  true,
  (file) => looksLikeCloudFormation(file.text),
  async () => (await import('./cloudformation/cloudformation-source.js')).cloudFormationSource,
);
const terraformHcl = lazySource(
  'terraform',
  false,
  isTerraformConfiguration,
  async () => (await import('./terraform/hcl-source.js')).terraformHcl,
);

/**
 * File sources in detection order: the first whose `detect` accepts a file owns
 * it. A new source is one folder under src/sources/ plus one line here.
 */
export const FILE_SOURCES: readonly FileSource[] = [terraformPlan, cloudFormation, jsonTaskDefinitionSource, terraformHcl];
