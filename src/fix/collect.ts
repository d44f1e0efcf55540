import type { Check } from '../checks/types.js';
import { type DiscoveryOptions, discoverFiles } from '../engine/discover.js';
import { evaluateTaskDefinition } from '../engine/evaluate.js';
import type { Finding, ScanError } from '../model/finding.js';
import { type TaskDefinition, normalizeTaskDefinition } from '../model/task-definition.js';
import { FILE_SOURCES } from '../sources/registry.js';
import { type FileSource, type FileSourceOptions, type InputFile, fileError } from '../sources/source.js';

export interface CollectOptions extends FileSourceOptions, DiscoveryOptions {
  paths: string[];
  checks: readonly Check[];
  fileSources?: readonly FileSource[];
}

export interface EvaluatedDefinition {
  taskDefinition: TaskDefinition;
  findings: Finding[];
}

export interface Collected {
  files: InputFile[];
  definitions: EvaluatedDefinition[];
  errors: ScanError[];
}

/**
 * The scan pipeline, keeping what the fixer needs and `scan()` does not return:
 * the task definitions (with their value trees) next to their findings, and
 * the texts of the files read. Same routing as src/engine/scan.ts.
 */
export async function collectDefinitions(options: CollectOptions): Promise<Collected> {
  const sources = options.fileSources ?? FILE_SOURCES;
  const discovered = await discoverFiles(options.paths, options);
  const errors: ScanError[] = [...discovered.errors];
  const owned = new Map<FileSource, InputFile[]>();
  for (const { file, explicit } of discovered.files) {
    const source = sources.find((s) => s.detect(file));
    if (source) owned.set(source, [...(owned.get(source) ?? []), file]);
    else if (explicit) {
      errors.push(fileError(file.path, 'not a recognized input: expected task-definition JSON, a CloudFormation template, Terraform, or a Terraform plan'));
    }
  }
  const definitions: EvaluatedDefinition[] = [];
  for (const [source, files] of owned) {
    let output;
    try {
      output = await source.load(files, options);
    } catch (error) {
      for (const file of files) errors.push(fileError(file.path, `internal error in the ${source.kind} source: ${String(error)}`));
      continue;
    }
    errors.push(...output.errors);
    for (const failure of output.failures) errors.push(failure.error);
    for (const definition of output.definitions) {
      const { taskDefinition, problems } = normalizeTaskDefinition(definition.resource, definition.body, definition.range);
      for (const problem of problems) {
        errors.push({
          ...(problem.range ? fileError(problem.range.file, problem.message, problem.range) : { message: problem.message }),
          resource: definition.resource.id,
        });
      }
      if (taskDefinition) definitions.push({ taskDefinition, findings: evaluateTaskDefinition(taskDefinition, options.checks, false) });
    }
  }
  return { files: discovered.files.map((d) => d.file), definitions, errors };
}
