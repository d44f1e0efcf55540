/** XML 1.0 forbids most control characters even when escaped; drop them, escape the rest. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * An attribute value: as xmlEscape, and tab, line feed and carriage return as character references, which attribute
 * normalization (XML 1.0 §3.3.3) would otherwise turn into spaces (a file name with a line break would name another).
 */
export function xmlAttribute(text: string): string {
  return xmlEscape(text).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}
