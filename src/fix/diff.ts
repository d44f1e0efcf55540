import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { createColors } from 'picocolors';

/** A git-style unified diff of one file (`--- a/file`, `+++ b/file`), empty when nothing changed. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const name = file.replace(/^\/+/, '');
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
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
