/**
 * Hostile variants of YAML templates for the differential tests of the YAML readers: seeded line edits (comments,
 * blank lines, indentation moved, lines removed or doubled, values moved below their key, flow collections broken over
 * lines, indicator characters inserted or text cut out).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/paths.js';

function yamlFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yamlFiles(file, found);
    else if (/\.ya?ml$/.test(name)) found.push(file);
  }
  return found;
}

/** Every YAML file under test/ and examples/, sorted. */
export const REPOSITORY_YAML = [...yamlFiles(path.join(REPO_ROOT, 'test')), ...yamlFiles(path.join(REPO_ROOT, 'examples'))].sort();

const INSERTS = [
  ...[' ', '  ', '\n', ':', '-', '- ', '#', '# c', '"', "'", '[', ']', '{', '}', ',', '!', '&', '*', '|', '>', '>-', '|+'],
  ...['?', '%', '@', '`', '\\', '\r\n', '\r', '\t', '~', 'yes', '0x', '\u00a0', '\u2028', '\ufeff', '\x00'],
  ...['!Ref ', '!Foo ', '!!str ', '&a ', '*a', '<<: ', '---\n', '...\n', '"\\q"', '"\\u12"'],
];

export class YamlVariants {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)] as T;
  }

  /**
   * Breaks the line's flow collection over two lines after a bracket or comma or before a comma or closing bracket,
   * at any indentation, maybe with a comment before the break.
   */
  breakFlow(lines: string[], at: number): void {
    const line = lines[at] ?? '';
    const breaks = [
      ...[...line.matchAll(/[[{,]/g)].map((m) => (m.index ?? 0) + 1),
      ...[...line.matchAll(/[,\]}]/g)].map((m) => m.index ?? 0),
    ];
    if (!breaks.length) return;
    const p = this.pick(breaks);
    const comment = this.random() < 0.25 ? this.pick([' # c', ' #', '  # c, ] }']) : '';
    lines[at] = `${line.slice(0, p)}${comment}\n${' '.repeat(this.int(16))}${line.slice(p).trimStart()}`;
  }

  /** One to three edits of `text`; one in ten variants with Windows line ends. */
  mutate(text: string): string {
    const lines = text.split('\n');
    for (let k = 1 + this.int(3); k > 0; k--) {
      const at = this.int(lines.length);
      const line = lines[at] ?? '';
      const kind = this.int(10);
      if (kind === 0) lines.splice(at, 0, `${' '.repeat(this.int(14))}# comment${this.pick(['', ' |', ' :', ' - x'])}`);
      else if (kind === 1) lines.splice(at, 0, ' '.repeat(this.int(6)));
      else if (kind === 2) lines[at] = ' '.repeat(1 + this.int(3)) + line;
      else if (kind === 3) lines[at] = line.replace(/^ {1,3}/, '');
      else if (kind === 4) lines.splice(at, 1);
      else if (kind === 5) lines.splice(at, 0, line);
      else if (kind === 7 && /[[{,]/.test(line)) this.breakFlow(lines, at);
      else if (kind === 6) {
        // A value moved below its key or dash, maybe under a comment.
        const indent = ' '.repeat(this.int(12));
        lines[at] = line.replace(this.pick([': ', '- ']), (m) => `${m.trim()}\n${this.random() < 0.5 ? `${indent}# c\n` : ''}${indent}`);
      } else {
        const p = this.int(line.length + 1);
        lines[at] =
          this.random() < 0.7 ? line.slice(0, p) + this.pick(INSERTS) + line.slice(p) : line.slice(0, p) + line.slice(p + 1 + this.int(3));
      }
    }
    const joined = lines.join('\n');
    return this.random() < 0.1 ? joined.replace(/\n/g, '\r\n') : joined;
  }
}
