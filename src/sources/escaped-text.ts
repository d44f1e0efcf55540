/**
 * JSON and YAML's double-quoted strings may write any character of a key as an escape (`\uXXXX`; in YAML also `\xXX`
 * and `\UXXXXXXXX`), and every reader decodes it: `"container\u0044efinitions"` is the key containerDefinitions to the
 * AWS CLI and to CloudFormation. The sources' content sniffing reads the text as written, so a sniff that fails is asked
 * again of the text with such escapes decoded: a file is never skipped as unrecognized because its keys were escaped.
 */

/**
 * Longer texts are sniffed as written: a decoded copy of a 40 MB file would be another 40 to 80 MB. Such a file that
 * no source recognizes is an input error (exit 2), never skipped in silence.
 */
export const MAX_DECODED_TO_SNIFF = 8 * 1024 * 1024;

const ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|U([0-9A-Fa-f]{8}))/g;

/**
 * `text` with its character escapes decoded, except those of a quote, a backslash or a control character: decoded,
 * they would end a string early or break it, and a string's content (`\u0022containerDefinitions\u0022:`) could then
 * look like a key. Undefined when the text holds no such escape, or is longer than MAX_DECODED_TO_SNIFF.
 */
export function withCharacterEscapesDecoded(text: string): string | undefined {
  if (text.length > MAX_DECODED_TO_SNIFF || !/\\[uxU]/.test(text)) return undefined;
  // Each source that does not recognize a file asks again of the same text: decoded once.
  if (text !== last.text) last = { text, decoded: decode(text) };
  return last.decoded;
}

let last: { text: string; decoded: string | undefined } = { text: '', decoded: undefined };

function decode(text: string): string | undefined {
  let changed = false;
  const decoded = text.replace(ESCAPE, (escape, u?: string, x?: string, wide?: string, at?: number) => {
    const code = Number.parseInt((u ?? x ?? wide) as string, 16);
    // `\\u0041` is a backslash and the text u0041: an escape only after an even number of backslashes.
    if (code < 0x20 || code === 0x22 || code === 0x27 || code === 0x5c || code > 0x10ffff || precededByOddBackslashes(text, at as number)) {
      return escape;
    }
    changed = true;
    return String.fromCodePoint(code);
  });
  return changed ? decoded : undefined;
}

function precededByOddBackslashes(text: string, at: number): boolean {
  let count = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) count++;
  return count % 2 === 1;
}
