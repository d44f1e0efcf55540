/**
 * The scan's Terraform files split into configurations that can be read apart: a root module with the directories it
 * reaches. Each unit is read by its own load (in any thread), and the units' outputs joined in order are the whole
 * scan's output, so a worker pool can read a repository of many root modules on every core.
 *
 * The split is decided from the texts, before any parse, and errs towards joining: every local module source
 * (`source = "./x"` or `"../x"`, in HCL or JSON) joins the caller's directory with the target's, followed through
 * directories outside the scan (read from disk, as the loader reads them) and through the modules `terraform init`
 * installed (`.terraform/modules/modules.json`), so that no two units read one directory. A `source` the texts alone
 * cannot tell (a heredoc, an escape, a template of constants, a comment between its parts) keeps every directory in
 * one unit, as before the split.
 */
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { InputFile, SourceUnit } from '../source.js';
import { groupByDirectory, isConfigFile, isConfigInput, isLocalModuleSource, parseModulesManifest } from './directories.js';

/** The word `source` where an attribute or a JSON key could be named by it. */
const SOURCE_WORD = /\bsource\b/g;
/** A plain quoted string: no escape, no interpolation or directive, on one line. */
const PLAIN_STRING = /^"([^"\\\n$%]*)"/;
/**
 * A quoted string that interpolates a name (`"${path.module}/files"`, `"${var.dir}"`): Terraform takes a module
 * source only as a constant, so this is the `source` of something else (a file to upload).
 */
const NAMED_TEMPLATE = /^"[^"\\\n$]*\$\{\s*[A-Za-z_]/;
/** What the HCL grammar reads as space between tokens (form feeds and vertical tabs included), at a position. */
const SPACE = /[ \t\r\n\f\v]*/y;
/** A local path with an interpolation: the evaluator takes such a source's text as it is written. */
const LOCAL_TEMPLATE = /^"\.\.?\//;
/** Directories outside the scan followed at most: past this the split gives up rather than walk on. */
const MAX_FOLLOWED = 10_000;

/** Cannot tell from the text: the split gives up (one unit). */
const UNTOLD = Symbol('untold');

/**
 * The local module sources a file's text names (as written), or UNTOLD when one may be written in a way the text alone
 * does not tell. Every `source` key counts, whatever block it is in: a file's `source` (an upload) that looks like a
 * local path joins two directories for nothing, which costs only a lane.
 */
function localSources(text: string, json: boolean): string[] | typeof UNTOLD {
  // An escape in Terraform JSON can spell any key or path.
  if (json && text.includes('\\u')) return UNTOLD;
  const sources: string[] = [];
  SOURCE_WORD.lastIndex = 0;
  for (let match = SOURCE_WORD.exec(text); match; match = SOURCE_WORD.exec(text)) {
    let at = match.index + match[0].length;
    if (json && text.charAt(at) === '"') at++;
    at = skipSpace(text, at);
    const operator = text.charAt(at);
    if (operator === '/' || operator === '#') return UNTOLD; // a comment between the name and its value
    if (operator !== '=' && operator !== ':') continue; // the word in a name, a reference or prose
    at = skipSpace(text, at + 1);
    const rest = text.slice(at, at + 4096);
    const plain = PLAIN_STRING.exec(rest);
    if (plain) {
      if (isLocalModuleSource(plain[1] as string)) sources.push(plain[1] as string);
      continue;
    }
    const first = rest.charAt(0);
    // An expression naming a value cannot be a module's source, unless it is a local path's text; any other string, a
    // heredoc, a parenthesised value or a comment could be one.
    if (
      first === '"'
        ? LOCAL_TEMPLATE.test(rest) || !NAMED_TEMPLATE.test(rest)
        : first === '<' || first === '(' || first === '/' || first === '#'
    )
      return UNTOLD;
  }
  return sources;
}

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.test(text);
  return SPACE.lastIndex;
}

/** Every configuration file of a directory outside the scan, as the loader reads it; UNTOLD when one is unreadable. */
function configurationOnDisk(absDir: string): Array<{ name: string; text: string }> | typeof UNTOLD {
  let names: string[];
  try {
    names = readdirSync(absDir).filter(isConfigFile);
  } catch {
    return []; // a missing module: the loader reports it
  }
  const files: Array<{ name: string; text: string }> = [];
  for (const name of names) {
    try {
      const text = readFileSync(join(absDir, name), 'utf8');
      // Not UTF-8, or binary: its sources cannot be read here.
      if (text.includes('\uFFFD') || text.includes('\0')) return UNTOLD;
      files.push({ name, text });
    } catch {
      return UNTOLD;
    }
  }
  return files;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // missing: the loader reports it
  }
}

/** The directories `terraform init` installed modules into for a root (relative to it), from modules.json. */
function installedDirectories(absDir: string): string[] | typeof UNTOLD {
  let text: string;
  try {
    text = readFileSync(join(absDir, '.terraform', 'modules', 'modules.json'), 'utf8');
  } catch {
    return []; // not initialized
  }
  try {
    return [...parseModulesManifest(text).values()].map((dir) => resolve(absDir, dir));
  } catch {
    return UNTOLD;
  }
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
  const scanned = new Set([...directories.values()].filter((d) => !d.standardInput).map((d) => d.absDir));
  /** Directories outside the scan whose calls were followed already, by real path: the path they were followed by. */
  const followed = new Map<string, string>();
  // Joins `from` with each directory it reaches; false when a source cannot be told.
  const follow = (from: string, targets: string[]): boolean => {
    for (const target of targets) {
      joined.join(from, target);
      if (scanned.has(target)) continue;
      const real = realPath(target);
      const before = followed.get(real);
      if (before === target) continue;
      // The evaluator reads a module by the path its caller wrote: one directory under two paths (a link) resolves
      // its own calls differently under each, and links that loop make the paths grow without end.
      if (before !== undefined || followed.size >= MAX_FOLLOWED) return false;
      followed.set(real, target);
      const onDisk = configurationOnDisk(target);
      if (onDisk === UNTOLD) return false;
      const next: string[] = [];
      for (const file of onDisk) {
        const sources = localSources(file.text, file.name.endsWith('.json'));
        if (sources === UNTOLD) return false;
        for (const source of sources) next.push(resolve(target, source));
      }
      if (!follow(target, next)) return false;
    }
    return true;
  };
  for (const directory of directories.values()) {
    joined.find(directory.key);
    const targets: string[] = [];
    for (const file of directory.files) {
      if (!isConfigInput(file)) continue;
      const sources = localSources(file.text, file.path.endsWith('.json'));
      if (sources === UNTOLD) return [files];
      // Standard input's calls resolve from the current directory, as its absDir says; its key stays its own.
      for (const source of sources) targets.push(resolve(directory.absDir, source));
    }
    if (!directory.standardInput) {
      const installed = installedDirectories(directory.absDir);
      if (installed === UNTOLD) return [files];
      targets.push(...installed);
    }
    if (!follow(directory.key, targets)) return [files];
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
