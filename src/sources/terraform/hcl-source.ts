import { readdirSync } from 'node:fs';
import { basename, join, normalize, resolve } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { ValueNode } from '../../model/value.js';
import type { ScanError } from '../../model/finding.js';
import {
  type FileSource,
  type FileSourceOptions,
  type InputFile,
  type SourceOutput,
  type UnitPlace,
  emptyOutput,
  fileError,
  mergeOutputs,
} from '../source.js';
import { configurationUnits } from './configuration-units.js';
import { loadYamlReader } from './embedded-yaml.js';
import { ConfigurationLoader } from './configuration.js';
import { type DirectoryFiles, groupByDirectory, isConfigInput, parseModulesManifest } from './directories.js';
import { evaluateInstance, localModuleSource } from './instance.js';
import { isTerraformConfiguration } from './detect.js';
import { terraformParser } from './parser.js';
import { type VarFile, autoLoadOrder, isAutoLoadedVarFile, readVarFile } from './tfvars.js';
import { readUtf8Text } from '../../io/read-text-file.js';

export { looksLikeTerraformHcl } from './detect.js';

/**
 * Terraform configuration: `.tf` and `.tf.json` files (or any file whose content
 * is HCL Terraform), read one module directory at a time, plus the variable
 * files that belong to them.
 */
export const terraformHcl: FileSource = {
  kind: 'terraform',
  detect: isTerraformConfiguration,
  units: (files) => Promise.resolve(configurationUnits(files)),
  load: loadTerraformConfiguration,
};

/** Auto-loaded variable files of a root directory: discovered texts first, the rest from disk. */
function autoVarFiles(directory: DirectoryFiles): VarFile[] {
  const byName = new Map<string, VarFile>();
  // Standard input is a module of its own: the current directory's tfvars are not its siblings.
  if (directory.standardInput) return [];
  for (const file of directory.files) {
    const name = basename(file.path);
    if (isAutoLoadedVarFile(name)) byName.set(name, { path: file.path, text: file.text });
  }
  try {
    for (const name of readdirSync(directory.absDir)) {
      if (!isAutoLoadedVarFile(name) || byName.has(name)) continue;
      byName.set(name, {
        path: normalize(join(directory.displayDir, name)),
        text: readUtf8Text(join(directory.absDir, name)),
      });
    }
  } catch {
    // Standard input or an unreadable directory: only the discovered files count.
  }
  return [...byName.entries()].sort(([a], [b]) => autoLoadOrder(a, b)).map(([, file]) => file);
}

function explicitVarFiles(paths: string[], errors: ScanError[]): VarFile[] {
  const files: VarFile[] = [];
  for (const path of paths) {
    try {
      files.push({ path, text: readUtf8Text(resolve(path)) });
    } catch (error) {
      errors.push(fileError(path, `cannot read the --var-file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`));
    }
  }
  return files;
}

/**
 * `.terraform/modules/modules.json`, written by `terraform init`: where each
 * registry or git module call was downloaded, keyed by the call path (`svc`, `svc.inner`).
 */
function readModulesManifest(root: DirectoryFiles, errors: ScanError[]): Map<string, string> | undefined {
  if (root.standardInput) return undefined;
  const path = join(root.absDir, '.terraform', 'modules', 'modules.json');
  let text: string;
  try {
    text = readUtf8Text(path);
  } catch {
    return undefined; // not initialized
  }
  const display = normalize(join(root.displayDir, '.terraform', 'modules', 'modules.json'));
  try {
    return parseModulesManifest(text);
  } catch (error) {
    errors.push(fileError(display, `cannot read the module manifest: ${(error as Error).message}`));
    return undefined;
  }
}

const MODULE_CALL = /^\s*module\s+"/m;

/**
 * Each configuration unit (configuration-units.ts) is read on its own: the same output whichever thread reads it.
 * Files the engine split already (`options.unit`) are one unit: they are not split again.
 */
async function loadTerraformConfiguration(files: InputFile[], options: FileSourceOptions): Promise<SourceOutput> {
  const parser = await terraformParser();
  // yamldecode() is evaluated without waiting: the YAML reader is loaded first when a file calls it, or calls a module
  // (whose files, read from disk as the configuration is evaluated, may).
  if (files.some((f) => f.text.includes('yamldecode') || MODULE_CALL.test(f.text))) await loadYamlReader();
  if (options.unit) return loadUnit(files, options, parser, options.unit);
  const outputs = configurationUnits(files).map((unit) => loadUnit(unit.files, options, parser, unit.place));
  return outputs.length === 1 ? (outputs[0] as SourceOutput) : mergeOutputs(outputs);
}

function loadUnit(files: InputFile[], options: FileSourceOptions, parser: Parser, place: UnitPlace): SourceOutput {
  const output = emptyOutput();
  const directories = groupByDirectory(files);
  const loader = new ConfigurationLoader(parser, directories, output.errors);
  // --var-file values override the auto-loaded files of every root, as on the terraform command line; a file's
  // problems are told once, by the first unit.
  const explicitInputs = new Map<string, ValueNode>();
  const varFileErrors: ScanError[] = place.first ? output.errors : [];
  for (const file of explicitVarFiles(options.varFiles ?? [], varFileErrors)) readVarFile(file, parser, explicitInputs, varFileErrors);
  try {
    const configured = [...directories.values()].filter((d) => d.files.some(isConfigInput));
    // A directory another scanned directory calls as a local module is reported per call
    // (module.api.…), not also on its own with unbound variables.
    const called = new Set<string>();
    for (const directory of configured) {
      const config = loader.load(directory.absDir, directory.displayDir, directory.key);
      for (const call of config?.calls ?? []) {
        const source = localModuleSource(call);
        const target = source === undefined ? undefined : resolve(directory.absDir, source);
        if (target !== undefined && target !== directory.absDir) called.add(target);
      }
    }
    // Standard input is always a root: no scanned directory can call it.
    let roots = configured.filter((d) => d.standardInput || !called.has(d.absDir));
    if (roots.length === 0) roots = configured; // every directory calls another: a cycle; read them all
    for (const root of roots) {
      const config = loader.load(root.absDir, root.displayDir, root.key);
      if (!config) continue;
      const inputs = new Map<string, ValueNode>();
      for (const file of autoVarFiles(root)) readVarFile(file, parser, inputs, output.errors);
      for (const [name, value] of explicitInputs) inputs.set(name, value);
      const installedModules = readModulesManifest(root, output.errors);
      evaluateInstance(config, inputs, '', [root.absDir], {
        ...(installedModules ? { installedModules } : {}),
        ...(roots.length > 1 || place.others ? { rootLabel: root.displayDir } : {}),
        loader,
        parser,
        rootAbsDir: root.absDir,
        rootDisplayDir: root.displayDir,
        output,
      });
    }
  } finally {
    loader.dispose();
  }
  return output;
}
