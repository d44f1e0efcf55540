import { looksLikeCloudFormation, nestedTemplatesNamed } from './cloudformation/detect.js';
import { containerListSource } from './json/container-list-source.js';
import { jsonTaskDefinitionSource } from './json/json-source.js';
import type { SourceKind } from '../model/task-definition.js';
import type { FileSource, InputFile } from './source.js';
import { isTerraformConfiguration, looksLikeTerraformPlan } from './terraform/detect.js';
import { looksLikeYamlTaskDefinition } from './yaml/detect.js';

/**
 * A source whose `detect` is cheap and whose parser (and its packages: yaml, web-tree-sitter) loads only when it is
 * given files: a scan of task-definition JSON never loads the CloudFormation or Terraform code (start-up cost).
 */
function lazySource(
  kind: SourceKind,
  shape: {
    independentFiles?: boolean;
    inParts?: boolean;
    shareable?: boolean;
    units?: FileSource['units'];
    /** Cheap, from the text: forwarded without loading the parser. */
    referencedFiles?: FileSource['referencedFiles'];
  },
  detect: FileSource['detect'],
  importSource: () => Promise<FileSource>,
): FileSource {
  let loaded: Promise<FileSource> | undefined;
  const real = () => (loaded ??= importSource());
  const prepareShares = async (file: InputFile) => (await real()).prepareShares?.(file);
  return {
    kind,
    ...(shape.independentFiles ? { independentFiles: true } : {}),
    ...(shape.shareable ? { shareable: true, prepareShares } : {}),
    ...(shape.units ? { units: shape.units } : {}),
    ...(shape.referencedFiles ? { referencedFiles: shape.referencedFiles } : {}),
    detect,
    load: async (files, options) => (await real()).load(files, options),
    // The engine asks for parts only from a source that has them: forwarded for the sources that do.
    ...(shape.inParts
      ? {
          loadInParts: async (
            files: Parameters<FileSource['load']>[0],
            options: Parameters<FileSource['load']>[1],
            onPart: Parameters<NonNullable<FileSource['loadInParts']>>[2],
          ) => {
            const source = await real();
            if (source.loadInParts) await source.loadInParts(files, options, onPart);
            else await onPart(await source.load(files, options));
          },
        }
      : {}),
  };
}

const terraformPlan = lazySource(
  'terraform-plan',
  { inParts: true, shareable: true },
  (file) => looksLikeTerraformPlan(file.text),
  async () => (await import('./terraform/plan-source.js')).terraformPlan,
);
const cloudFormation = lazySource(
  'cloudformation',
  { independentFiles: true, referencedFiles: nestedTemplatesNamed },
  (file) => looksLikeCloudFormation(file.text),
  async () => (await import('./cloudformation/cloudformation-source.js')).cloudFormationSource,
);
const yamlTaskDefinitions = lazySource(
  'yaml',
  { independentFiles: true },
  (file) => looksLikeYamlTaskDefinition(file.text),
  async () => (await import('./yaml/yaml-source.js')).yamlTaskDefinitionSource,
);
const terraformHcl = lazySource(
  'terraform',
  // Split without the parser (the units are told from the texts), by code loaded only when there are files to split.
  { units: async (files) => (await import('./terraform/configuration-units.js')).configurationUnits(files) },
  isTerraformConfiguration,
  async () => (await import('./terraform/hcl-source.js')).terraformHcl,
);

/**
 * File sources in detection order: the first whose `detect` accepts a file owns
 * it. A new source is one folder under src/sources/ plus one line here.
 */
export const FILE_SOURCES: readonly FileSource[] = [
  terraformPlan,
  cloudFormation,
  jsonTaskDefinitionSource,
  containerListSource,
  yamlTaskDefinitions,
  terraformHcl,
];
