import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Origin } from '../../model/value.js';

/** How many places use the parameter, variable or local a value came through. */
export interface ReferenceCount {
  /** `parameter UserParam`, `variable user`, `local user`. */
  name: string;
  count: number;
}

export type FileReader = (file: string) => string | undefined;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function countMatches(texts: string[], pattern: RegExp): number {
  return texts.reduce((n, text) => n + (text.match(pattern)?.length ?? 0), 0);
}

/** The Terraform files of the module (directory) holding `file`. */
function moduleTexts(file: string, read: FileReader): string[] {
  const directory = path.dirname(file);
  let names: string[] = [];
  try {
    names = existsSync(directory) ? readdirSync(directory).filter((n) => n.endsWith('.tf')) : [];
  } catch {
    names = [];
  }
  const texts = names.map((n) => read(path.join(directory, n))).filter((t): t is string => t !== undefined);
  if (!names.includes(path.basename(file))) {
    const own = read(file);
    if (own !== undefined) texts.push(own);
  }
  return texts;
}

/**
 * Counts the references to the definition behind `origin`, textually, in the
 * scope where the name is visible: the template for a CloudFormation
 * parameter, the module directory for a Terraform variable or local. Undefined
 * when the expression is not one of those forms.
 */
export function countReferences(origin: Origin, read: FileReader): ReferenceCount | undefined {
  const expression = origin.expression.trim();
  const terraform = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(expression);
  if (terraform) {
    const [, kind, name] = terraform as unknown as [string, string, string];
    const file = origin.range?.file;
    if (!file) return undefined;
    const texts = moduleTexts(file, read);
    const count = countMatches(texts, new RegExp(`\\b${kind}\\.${escape(name)}\\b(?![-\\w])`, 'g'));
    return { name: `${kind === 'var' ? 'variable' : 'local'} ${name}`, count };
  }
  const cloudformation =
    /^!Ref\s+([A-Za-z0-9]+)$/.exec(expression) ??
    /^\{?\s*"?Ref"?\s*:\s*"?([A-Za-z0-9]+)"?\s*\}?$/.exec(expression) ??
    /^Ref\s+([A-Za-z0-9]+)$/.exec(expression);
  if (cloudformation) {
    const name = cloudformation[1] as string;
    const file = origin.range?.file;
    const text = file ? read(file) : undefined;
    if (text === undefined) return undefined;
    const n = escape(name);
    const patterns = [
      new RegExp(`!Ref\\s+["']?${n}["']?(?![A-Za-z0-9])`, 'g'),
      new RegExp(`(?<![!\\w])["']?Ref["']?\\s*:\\s*["']?${n}["']?(?![A-Za-z0-9])`, 'g'),
      new RegExp(`\\$\\{${n}\\}`, 'g'),
    ];
    return { name: `parameter ${name}`, count: patterns.reduce((sum, p) => sum + countMatches([text], p), 0) };
  }
  return undefined;
}

/** Reads files once, preferring texts already in memory (the ones being fixed). */
export function cachedReader(known: Map<string, string>): FileReader {
  return (file) => {
    const hit = known.get(file) ?? known.get(path.resolve(file));
    if (hit !== undefined) return hit;
    try {
      const text = readFileSync(file, 'utf8');
      known.set(file, text);
      return text;
    } catch {
      return undefined;
    }
  };
}
