/** Small facts about a text's layout that editors need to write like their neighbours. */

export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the end of the line holding `offset`, before `\r\n` or `\n`. */
export function lineEndOf(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  const end = newline === -1 ? text.length : newline;
  return end > 0 && text[end - 1] === '\r' && end - 1 >= offset ? end - 1 : end;
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The whitespace before `offset` on its line, or as many spaces as there are characters (`- Name:`). */
export function indentAt(text: string, offset: number): string {
  // A YAML explicit key (`? privileged`, its value on the next line after `:`): its siblings start at the `?`.
  const prefix = text.slice(lineStartOf(text, offset), offset).replace(/\?[ \t]+$/, '');
  return /^[ \t]*$/.test(prefix) ? prefix : ' '.repeat(prefix.length);
}

/** Moves back over whitespace, so a block that ends after its newline ends at its last character. */
export function trimEndOffset(text: string, offset: number): number {
  let end = offset;
  while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--;
  return end;
}

export function sameLine(text: string, a: number, b: number): boolean {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return !text.slice(low, high).includes('\n');
}

/** True when what follows on the line is nothing or a comment, so a new line can go after it. */
export function restIsCommentOrBlank(rest: string): boolean {
  return /^\s*((\/\/|#).*|\/\*.*\*\/\s*)?$/.test(rest);
}
