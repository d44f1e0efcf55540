/**
 * The scan's Terraform files split into configurations that can be read apart: a root module with the scanned
 * directories it calls. Each unit is read by its own load (in any thread), and the units' outputs joined in order are
 * the whole scan's output, so a worker pool can read a repository of many root modules on every core.
 *
 * The split is decided from the texts, before any parse, and errs towards joining: every local module source
 * (`source = "./x"` or `"../x"`, in HCL or JSON) joins the caller's directory with the target's, and a directory
 * with a source the texts cannot tell (a heredoc, a template, an escape) joins everything into one unit, as before.
 */
import { resolve, sep } from 'node:path';
import type { InputFile, SourceUnit } from '../source.js';
import { type DirectoryFiles, groupByDirectory, isConfigInput, isLocalModuleSource } from './directories.js';

/** `source = <value>` in HCL, `"source": <value>` in JSON. */
const SOURCE_ATTRIBUTE = /\bsource"?\s*[=:]\s*/g;
/** A plain quoted string: no escape, no interpolation or directive, on one line. */
const PLAIN_STRING = /^"([^"\\\n$%]*)"/;
/**
 * A quoted string that interpolates a name (`"${path.module}/files"`, `"${var.dir}"`): Terraform takes a module
 * source only as a constant, so this is the `source` of something else (a file to upload).
 */
const NAMED_TEMPLATE = /^"[^"\\\n]*\$\{\s*[A-Za-z_]/;

/**
 * The directories each directory's texts name as module sources (absolute), or undefined when a source cannot be
 * read from the text alone (then nothing is split).
 */
function calledDirectories(directory: DirectoryFiles): string[] | undefined {
  const called: string[] = [];
  for (const file of directory.files) {
    if (!isConfigInput(file)) continue;
    const text = file.text;
    SOURCE_ATTRIBUTE.lastIndex = 0;
    for (let match = SOURCE_ATTRIBUTE.exec(text); match; match = SOURCE_ATTRIBUTE.exec(text)) {
      const value = PLAIN_STRING.exec(text.slice(match.index + match[0].length, match.index + match[0].length + 4096));
      if (!value) {
        // An expression or a template naming a value cannot be a module's source. Any other string (a heredoc, an
        // escape, a template of constants) could be one that the texts alone do not tell.
        const rest = text.slice(match.index + match[0].length, match.index + match[0].length + 4096);
        if (rest.startsWith('"') ? !NAMED_TEMPLATE.test(rest) : rest.startsWith('<')) return undefined;
        continue;
      }
      const source = value[1] as string;
      if (isLocalModuleSource(source)) called.push(resolve(directory.absDir, source));
    }
  }
  return called;
}

/** The directory a `.terraform/modules/…` directory belongs to (modules `terraform init` installed for it). */
function installedFor(absDir: string): string | undefined {
  const at = absDir.indexOf(`${sep}.terraform${sep}`);
  return at < 0 ? undefined : absDir.slice(0, at) || sep;
}

class Joined {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    // Shorten the path walked, so later finds are quick.
    for (let at = key; at !== root; ) {
      const next = this.parent.get(at) as string;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

/**
 * The files in units, in the order of each unit's first file; each unit's files in their order. One unit when the
 * files hold a single configuration, or when a module source cannot be read from the texts.
 */
export function configurationUnits(files: InputFile[]): SourceUnit[] {
  return placed(splitFiles(files));
}

function splitFiles(files: InputFile[]): InputFile[][] {
  const directories = groupByDirectory(files);
  if (directories.size < 2) return files.length ? [files] : [];
  const joined = new Joined();
  for (const directory of directories.values()) {
    joined.find(directory.key);
    // Standard input's calls resolve from the current directory, as its absDir says; its key stays its own.
    const called = calledDirectories(directory);
    if (called === undefined) return [files];
    // A directory's modules, as reached through a caller or as a target's path on disk.
    for (const target of called) joined.join(directory.key, target);
    const owner = installedFor(directory.absDir);
    if (owner !== undefined) joined.join(directory.key, owner);
  }
  const unitOf = new Map<InputFile, string>();
  for (const directory of directories.values()) for (const file of directory.files) unitOf.set(file, joined.find(directory.key));
  const units = new Map<string, InputFile[]>();
  for (const file of files) {
    const unit = unitOf.get(file) as string;
    const list = units.get(unit);
    if (list) list.push(file);
    else units.set(unit, [file]);
  }
  return [...units.values()];
}

/** Whether a unit holds configuration (not only variable files): it then has a root module. */
const holdsConfiguration = (unit: readonly InputFile[]): boolean => unit.some(isConfigInput);

/** Each unit with its place among the others (see UnitPlace). */
function placed(units: InputFile[][]): SourceUnit[] {
  const configured = units.filter(holdsConfiguration).length;
  return units.map((files, i) => ({ files, place: { others: configured - (holdsConfiguration(files) ? 1 : 0) > 0, first: i === 0 } }));
}
