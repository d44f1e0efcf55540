/**
 * The scan's Terraform files grouped by module directory, and what each file is: plain path logic, in a module of its
 * own so that the engine can split files into configurations (configuration-units.ts) without loading the parser.
 */
import { dirname, resolve } from 'node:path';
import type { InputFile } from '../source.js';

export interface DirectoryFiles {
  /** The key of this group: `absDir`, or {@link STDIN_MODULE} for standard input. */
  key: string;
  absDir: string;
  displayDir: string;
  files: InputFile[];
  /** Standard input: a one-file module in the current directory, with no siblings read from disk. */
  standardInput: boolean;
}

/** Group key of standard input, so it never merges with a scanned current directory. */
export const STDIN_MODULE = '<stdin>';

export const isConfigFile = (path: string): boolean => path.endsWith('.tf') || path.endsWith('.tf.json');
export const isVarFile = (path: string): boolean => /\.tfvars(\.json)?$/.test(path);

/**
 * A configuration file among the files this source owns: `.tf`, `.tf.json`, or
 * anything else that is not a variable file (owned because its content is HCL).
 */
export const isConfigInput = (file: InputFile): boolean => isConfigFile(file.path) || !isVarFile(file.path);

export function groupByDirectory(files: InputFile[]): Map<string, DirectoryFiles> {
  const groups = new Map<string, DirectoryFiles>();
  for (const file of files) {
    // Standard input has no path on disk: Terraform would read it in the current directory.
    const standardInput = file.absolutePath === undefined && file.path === STDIN_MODULE;
    const absDir = standardInput ? process.cwd() : dirname(file.absolutePath ?? resolve(file.path));
    const key = standardInput ? STDIN_MODULE : absDir;
    const group = groups.get(key) ?? { key, absDir, displayDir: standardInput ? '.' : dirname(file.path), files: [], standardInput };
    group.files.push(file);
    groups.set(key, group);
  }
  return groups;
}

/**
 * `.terraform/modules/modules.json` (what `terraform init` wrote): each module call's key (`svc`, `svc.inner`) → the
 * directory, relative to the root, its source was installed into. Throws when the text is not such a manifest.
 */
export function parseModulesManifest(text: string): Map<string, string> {
  const manifest = JSON.parse(text) as { Modules?: Array<{ Key?: unknown; Dir?: unknown }> };
  const modules = new Map<string, string>();
  for (const module of manifest.Modules ?? []) {
    if (typeof module.Key === 'string' && module.Key !== '' && typeof module.Dir === 'string') modules.set(module.Key, module.Dir);
  }
  return modules;
}

/** A module source Terraform reads from a local directory. */
export const isLocalModuleSource = (source: string): boolean => source.startsWith('./') || source.startsWith('../');
