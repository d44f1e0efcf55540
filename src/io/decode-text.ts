import type { ScanError } from '../model/finding.js';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** The bytes began with a byte order mark (not part of `text`). */
  bom: boolean;
}

/**
 * Decodes a file's bytes or says why it is not a text input. UTF-8 (with or
 * without a BOM), and UTF-16 LE/BE with a BOM: what Windows PowerShell's `>`
 * writes for `aws ecs describe-task-definition > td.json`.
 */
export function decodeText(bytes: Buffer, file: string): DecodedText | { error: ScanError } {
  const utf16: TextEncoding | undefined =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  if (utf16) {
    try {
      return { text: new TextDecoder(utf16, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2)), encoding: utf16, bom: true };
    } catch {
      return {
        error: {
          file,
          message: `not valid ${utf16 === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} text (it starts with that byte order mark)`,
        },
      };
    }
  }
  const probe = bytes.subarray(0, 8000);
  if (probe.includes(0)) return { error: { file, message: 'binary file (contains NUL bytes): not a text input' } };
  try {
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
    return { text, encoding: 'utf-8', bom };
  } catch {
    return { error: { file, message: 'not valid UTF-8 text' } };
  }
}

/** Text read with readFileSync(…, 'utf8') as the scan decodes it: without a byte order mark. */
export const withoutByteOrderMark = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
