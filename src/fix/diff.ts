import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { createColors } from 'picocolors';
import { UNPRINTABLE_CLASS } from '../report/printable.js';

/** Characters git quotes in a path: controls (an escape sequence, a line break that would forge a line), `"`, `\`. */
const QUOTED_IN_PATHS = new RegExp(`["\\\\${UNPRINTABLE_CLASS}]`);

/** `prefix/name` as git writes it in a diff header: quoted, with C escapes and octal bytes, when it must be. */
function headerPath(prefix: string, name: string): string {
  if (!QUOTED_IN_PATHS.test(name)) return `${prefix}${name}`;
  const escapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  let out = '';
  for (const char of `${prefix}${name}`) {
    if (escapes[char] !== undefined) out += escapes[char];
    else if (QUOTED_IN_PATHS.test(char)) for (const byte of Buffer.from(char)) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += char;
  }
  return `"${out}"`;
}

/** A git-style unified diff of one file (`--- a/file`, `+++ b/file`), empty when nothing changed. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const name = file.replace(/^\/+/, '');
  return createTwoFilesPatch(headerPath('a/', name), headerPath('b/', name), before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** Colours a unified diff; the caller decides (TTY and NO_COLOR) through `color`. */
export function colorDiff(patch: string, color: boolean): string {
  if (!color) return patch;
  const c = createColors(true);
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('--- ') || line.startsWith('+++ ')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}
