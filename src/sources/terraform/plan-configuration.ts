import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { LineIndex, type SourceRange } from '../../model/location.js';
import type { InputFile } from '../source.js';

/** A member of a plain JSON object (the configuration section is read with JSON.parse: no positions are needed from it). */
function member(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Finds the .tf resource block a plan address came from when the plan sits in
 * the configuration's directory: module calls are followed through the plan's
 * `configuration` section (their `source`), blocks are found by their labels.
 */
export class ConfigurationIndex {
  private readonly planDir: string;
  private readonly displayDir: string;
  private readonly blocks = new Map<string, Map<string, SourceRange>>();

  constructor(
    file: InputFile,
    /** The plan's `configuration` object (plain JSON), when it has one. */
    private readonly configuration: unknown,
  ) {
    this.planDir = dirname(file.absolutePath ?? resolve(file.path));
    this.displayDir = dirname(file.path);
  }

  declaration(address: string): SourceRange | undefined {
    const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
    let module = member(this.configuration, 'root_module');
    let relativeDir = '.';
    while (parts[0] === 'module' && parts.length > 2) {
      const call = member(member(module, 'module_calls'), parts[1] as string);
      const source = member(call, 'source');
      if (typeof source !== 'string' || !(source.startsWith('./') || source.startsWith('../'))) return undefined;
      relativeDir = join(relativeDir, source);
      module = member(call, 'module');
      parts.splice(0, 2);
    }
    const [type, name] = parts;
    if (type === undefined || name === undefined) return undefined;
    return this.blocksIn(relativeDir).get(`${type}.${name}`);
  }

  private blocksIn(relativeDir: string): Map<string, SourceRange> {
    const cached = this.blocks.get(relativeDir);
    if (cached) return cached;
    const found = new Map<string, SourceRange>();
    const absDir = resolve(this.planDir, relativeDir);
    try {
      for (const name of readdirSync(absDir)
        .filter((n) => n.endsWith('.tf'))
        .sort()) {
        const text = readFileSync(join(absDir, name), 'utf8');
        const lines = new LineIndex(text);
        const display = normalize(join(this.displayDir, relativeDir, name));
        // Locating a block header only; the values come from the plan.
        for (const match of text.matchAll(/^[ \t]*resource\s+"([^"]+)"\s+"([^"]+)"/gm)) {
          const start = match.index + (match[0].length - match[0].trimStart().length);
          found.set(`${match[1]}.${match[2]}`, lines.range(display, start, match.index + match[0].length));
        }
      }
    } catch {
      // No configuration next to the plan.
    }
    this.blocks.set(relativeDir, found);
    return found;
  }
}
