import { randomBytes } from 'node:crypto';

/** Most file systems allow 255 bytes per name. */
const MAX_NAME_BYTES = 255;

/**
 * A hidden temporary name beside `name`, `.<name>.<pid>.<random><ending>`, written and then renamed over it: the
 * original name is cut short (whole characters) when the whole would pass 255 bytes.
 */
export function temporaryName(name: string, ending: string): string {
  const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}${ending}`;
  const characters = [...name];
  while (characters.length && Buffer.byteLength(`.${characters.join('')}${suffix}`) > MAX_NAME_BYTES) characters.pop();
  return `.${characters.join('')}${suffix}`;
}
