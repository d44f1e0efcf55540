/**
 * JSON and YAML's double-quoted strings may write any character of a key as an escape (`\uXXXX`; in YAML also `\xXX`
 * and `\UXXXXXXXX`), and every reader decodes it: `"container\u0044efinitions"` is the key containerDefinitions to the
 * AWS CLI and to CloudFormation. The sources' content sniffing reads the text as written, so a sniff that fails is asked
 * again of the text with such escapes decoded: a file is never skipped as unrecognized because its keys were escaped.
 */

const ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|U([0-9A-Fa-f]{8}))/g;

/**
 * `text` with its escapes of printable ASCII characters decoded (the characters of every key and type a sniff looks
 * for): a one-byte text stays one byte a character, so the copy of a large file costs its size once. A quote, a
 * backslash or a single quote stays escaped: decoded, it would end a string early, and a string's content
 * (`\u0022containerDefinitions\u0022:`) could then look like a key. Undefined when the text holds no such escape.
 */
export function withCharacterEscapesDecoded(text: string): string | undefined {
  // Each source that does not recognize a file asks again of the same text: looked at and decoded once, kept until
  // the next text.
  if (text !== last.text) last = { text, decoded: /\\[uxU]/.test(text) ? decode(text) : undefined };
  return last.decoded;
}

/** Whether `looks` holds of the text as written or, failing that, as a reader decodes its escapes. */
export function looksAsRead(text: string, looks: (text: string) => boolean): boolean {
  if (looks(text)) return true;
  const decoded = withCharacterEscapesDecoded(text);
  return decoded !== undefined && looks(decoded);
}

let last: { text: string; decoded: string | undefined } = { text: '', decoded: undefined };

/** Drops the kept copy (the file is routed): a large file's copy must not stay for its whole load. */
export function forgetDecodedText(): void {
  last = { text: '', decoded: undefined };
}

function decode(text: string): string | undefined {
  let changed = false;
  const decoded = text.replace(ESCAPE, (escape, u?: string, x?: string, wide?: string, at?: number) => {
    const code = Number.parseInt((u ?? x ?? wide) as string, 16);
    // `\\u0041` is a backslash and the text u0041: an escape only after an even number of backslashes.
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x27 || code === 0x5c || precededByOddBackslashes(text, at as number)) {
      return escape;
    }
    changed = true;
    return String.fromCharCode(code);
  });
  return changed ? decoded : undefined;
}

function precededByOddBackslashes(text: string, at: number): boolean {
  let count = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) count++;
  return count % 2 === 1;
}
