/**
 * The ESLint fixer model: a fix is a list of range replacements on a file's
 * text; offsets are UTF-16 indexes (JavaScript string indexes), as the sources record them.
 */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}

export class OverlappingEditsError extends Error {
  override name = 'OverlappingEditsError';
}

function describe(edit: TextEdit): string {
  return `${edit.file}[${edit.start}, ${edit.end}) → ${JSON.stringify(edit.text)}`;
}

/**
 * Applies edits to one text, from the end so earlier offsets stay valid.
 * Identical duplicates collapse; edits that overlap (or insert different text
 * at the same offset, whose order would be a guess) are rejected.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const unique = edits.filter((e, i) => edits.findIndex((o) => o.start === e.start && o.end === e.end && o.text === e.text) === i);
  for (const e of unique) {
    if (e.start < 0 || e.end < e.start || e.end > text.length) {
      throw new RangeError(`edit out of range for a text of ${text.length} characters: ${describe(e)}`);
    }
  }
  const sorted = [...unique].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as TextEdit;
    const current = sorted[i] as TextEdit;
    const sameInsertionPoint = previous.start === current.start && previous.start === previous.end;
    if (previous.end > current.start || sameInsertionPoint) {
      throw new OverlappingEditsError(`overlapping edits: ${describe(previous)} and ${describe(current)}`);
    }
  }
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i] as TextEdit;
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}
