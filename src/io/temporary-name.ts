/** Most file systems allow 255 bytes per name. */
const MAX_NAME_BYTES = 255;

/**
 * A hidden temporary name beside `name`, `.<name>.<pid>.<random><ending>`, written and then renamed over it: the
 * original name is cut short (whole characters) when the whole would pass 255 bytes.
 */
export function temporaryName(name: string, ending: string): string {
  // Not node:crypto: a scan that writes a report does not load it (start-up cost); the pid and 'wx' opens keep it apart.
  const random = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  const suffix = `.${process.pid}.${random}${ending}`;
  const characters = [...name];
  while (characters.length && Buffer.byteLength(`.${characters.join('')}${suffix}`) > MAX_NAME_BYTES) characters.pop();
  return `.${characters.join('')}${suffix}`;
}
