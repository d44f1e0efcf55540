/**
 * Cheap content sniffing, never a parse: a template names its format version,
 * or has a `Resources` key and at least one `Type: AWS::…` entry. YAML and JSON
 * spellings (quoted keys, minified `cdk synth` output) both match.
 */
const FORMAT_VERSION = /(^|[\s{,])["']?AWSTemplateFormatVersion["']?\s*:/;
const RESOURCES_KEY = /(^|[\s{,])["']?Resources["']?\s*:/;
const AWS_TYPE = /["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::/;

export function looksLikeCloudFormation(text: string): boolean {
  return FORMAT_VERSION.test(text) || (RESOURCES_KEY.test(text) && AWS_TYPE.test(text));
}
