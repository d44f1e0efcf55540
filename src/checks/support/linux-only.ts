import type { Variant } from '../../model/value.js';
import { describeValue } from '../../model/value.js';
import { judgeOsFamily } from './judgements.js';
import type { Tri } from './tri.js';

/**
 * For checks of Linux-only settings: a Linux verdict stands on Linux; on
 * Windows the check does not apply; when the family cannot be resolved, a
 * failure on Linux is UNKNOWN, blamed on the family.
 */
export function onLinux<K extends string>(
  os: Variant['node'],
  linux: { value: Tri; explanation: string; culprit: K },
  osKey: K,
): { value: Tri; explanation: string; culprit: K } {
  const family = judgeOsFamily(os);
  if (family === 'windows')
    return { value: false, explanation: 'the task definition is for Windows, where the setting does not apply', culprit: osKey };
  if (family === 'linux' || linux.value === false) return linux;
  return {
    value: 'unknown',
    explanation: `operatingSystemFamily is ${describeValue(os)}, which cannot be resolved, and on Linux ${linux.explanation}`,
    culprit: osKey,
  };
}
