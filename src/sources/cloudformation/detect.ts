import { looksAsRead } from '../escaped-text.js';
import { yamlPackage } from '../yaml-lazy.js';

/**
 * Cheap content sniffing, never a parse: a template names its format version,
 * or has a `Resources` key and at least one `Type: AWS::…` entry (or a `Type` key
 * and an `AWS::…::…` type written some other way YAML allows). YAML and JSON
 * spellings (quoted keys, minified `cdk synth` output) both match.
 */
/**
 * A top-level key as templates write it: at the start of a line (YAML, or JSON), quoted with any indentation (JSON),
 * or after `{` or `,` (JSON on one line, a YAML flow mapping). Not an unquoted key indented under another one: that
 * is a template embedded in some other file (an Ansible `template_body: |`, a cfn-guard test's `input:`), not one.
 */
const topLevelKey = (key: string): RegExp => new RegExp(`^["']?${key}["']?\\s*:|^\\s*"${key}"\\s*:|[{,]\\s*["']?${key}["']?\\s*:`, 'm');
const FORMAT_VERSION = topLevelKey('AWSTemplateFormatVersion');
const RESOURCES_KEY = topLevelKey('Resources');
const AWS_TYPE = /["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::/;
/** A `Type` key, and a resource type anywhere: `Type: |-` over two lines, `!!str`, an alias of an anchored type. */
const TYPE_KEY = /(^|[\s{,])["']?Type["']?\s*:/;
const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]/;

/** Larger files are not parsed to decide (a parse of a big non-template costs seconds). */
const MAX_PARSED_TO_DECIDE = 1024 * 1024;

export function looksLikeCloudFormation(text: string): boolean {
  // Keys or types written with escapes (`"Typ\u0065"`) count as a reader decodes them.
  return looksAsRead(text, looksLikeTemplate);
}

/**
 * A Serverless Framework service (`serverless.yml`): top-level `service:` and `provider:`, and CloudFormation under
 * `resources:` (`resources.Resources`, merged into the stack the framework deploys) with an `AWS::` resource type.
 */
const SERVICE_KEY = topLevelKey('service');
const PROVIDER_KEY = topLevelKey('provider');
const LOWER_RESOURCES_KEY = topLevelKey('resources');

export function looksLikeServerlessService(text: string): boolean {
  return (
    text.includes('resources') &&
    LOWER_RESOURCES_KEY.test(text) &&
    SERVICE_KEY.test(text) &&
    PROVIDER_KEY.test(text) &&
    RESOURCE_TYPE.test(text)
  );
}

function looksLikeTemplate(text: string): boolean {
  if (looksLikeServerlessService(text)) return true;
  // The keys' literal text first: a plain search is many times cheaper than the patterns' scan of a file without it
  // (every task-definition JSON file is asked), and neither pattern can match without it.
  if (text.includes('AWSTemplateFormatVersion') && FORMAT_VERSION.test(text)) return true;
  if (!text.includes('Resources') || !RESOURCES_KEY.test(text)) return false;
  if (AWS_TYPE.test(text)) return true;
  return TYPE_KEY.test(text) && RESOURCE_TYPE.test(text) && text.length <= MAX_PARSED_TO_DECIDE && declaresAwsResource(text);
}

/** Whether the text parses to a `Resources` mapping with a resource whose `Type` is an `AWS::` type. */
function declaresAwsResource(text: string): boolean {
  try {
    const { parseDocument } = yamlPackage();
    // Short-form intrinsics are unknown tags here: a warning, and the scalar's text.
    const document = parseDocument(text, { logLevel: 'silent', prettyErrors: false, uniqueKeys: false });
    if (document.errors.length) return false;
    const root: unknown = document.toJS({ maxAliasCount: 100 });
    const resources = root !== null && typeof root === 'object' ? (root as Record<string, unknown>).Resources : undefined;
    if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) return false;
    return Object.values(resources).some((r) => {
      const type = r !== null && typeof r === 'object' ? (r as Record<string, unknown>).Type : undefined;
      return typeof type === 'string' && /^AWS::[A-Za-z0-9]+::/.test(type);
    });
  } catch {
    return false; // an alias bomb, a document too deep: not worth claiming on a guess
  }
}

/** A nested stack's template as written in its parent (`TemplateURL: child.yaml`, cdk's `"aws:asset:path": "…"`). */
const NESTED_TEMPLATE = /["']?(?:TemplateURL|Location|aws:asset:path)["']?\s*:\s*["']?([^\s"'#,{}[\]]+)/g;
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The local files a nested stack's template location may be, relative to the parent, most likely first: a path is
 * itself; a URL (`https://s3.amazonaws.com/bucket/infrastructure/vpc.yaml`, `s3://bucket/…`), the files its path
 * ends with, of two segments or more (`infrastructure/vpc.yaml`): templates uploaded from the repository that holds
 * the parent keep their folders.
 */
export function localTemplateCandidates(location: string): string[] {
  if (/^file:\/\//i.test(location)) return [location.replace(/^file:\/\//i, '')];
  if (!URL.test(location)) return [location];
  const segments = location
    .replace(URL, '')
    .split(/[?#]/)[0]
    ?.split('/')
    .slice(1)
    .map(decodeSegment)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('/'));
  const candidates: string[] = [];
  for (let start = 0; segments && segments.length - start >= 2; start++) candidates.push(segments.slice(start).join('/'));
  return candidates;
}

/** A URL path segment as the file name it encodes (`my%20dir` is `my dir`); as written when it is not valid. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The files a template names as nested stacks' templates, as written (relative to it), read from its text: the engine
 * tells its load which of them the scan reads on their own (InputFile.scannedReferences). A path written another way
 * (`!Sub`) is missed, and its nested templates are then reported in full through the parent: never less.
 */
export function nestedTemplatesNamed(file: { text: string }): string[] {
  if (!file.text.includes('AWS::CloudFormation::Stack') && !file.text.includes('AWS::Serverless::Application')) return [];
  const named = new Set<string>();
  for (const match of file.text.matchAll(NESTED_TEMPLATE)) {
    for (const candidate of localTemplateCandidates(match[1] ?? '')) if (candidate !== '') named.add(candidate);
  }
  return [...named];
}
