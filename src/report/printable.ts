/**
 * Characters a terminal acts on rather than shows: C0 and C1 controls (escape sequences that clear the screen or
 * hide what follows, line breaks that forge lines), DEL, line and paragraph separators, and the bidirectional
 * controls that reorder what follows them (U+202E). Names and messages come from the files and accounts scanned.
 */
export const UNPRINTABLE_CLASS = String.raw`\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069`;
const UNPRINTABLE = new RegExp(`[${UNPRINTABLE_CLASS}]`, 'g');

/** `text` with every character a terminal would act on written as `\u{…}`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}
