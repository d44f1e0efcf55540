/**
 * Cheap content and name sniffing for the Terraform sources, never a parse, in a module of its own: the engine routes
 * files without loading the HCL parser or the plan reader (start-up cost).
 */
import { dirname, isAbsolute, resolve } from 'node:path';

const TERRAFORM_FILE = /\.(tf|tf\.json|tfvars|tfvars\.json)$/;

/**
 * A top-level Terraform block at the start of a line. Indented blocks are not
 * enough: HCL quoted inside YAML or Markdown is indented, and must not make
 * that file Terraform.
 */
const TOP_LEVEL_BLOCK =
  /^(?:(?:resource|data)[ \t]+"[^"\n]*"[ \t]+"[^"\n]*"|(?:variable|module|provider|output)[ \t]+"[^"\n]*"|locals|terraform)[ \t]*\{/m;

/** HCL Terraform by content, for a file named on the command line or standard input, whatever its name. */
export function looksLikeTerraformHcl(text: string): boolean {
  const start = text.trimStart()[0];
  // JSON is never HCL here (a plan, a task definition, .tf.json are recognized by name or by their own source).
  if (start === '{' || start === '[') return false;
  return TOP_LEVEL_BLOCK.test(text);
}

/** Terraform configuration: by name (`.tf`, `.tf.json`, variable files) or by content. */
export function isTerraformConfiguration(file: { path: string; text: string }): boolean {
  return TERRAFORM_FILE.test(file.path) || looksLikeTerraformHcl(file.text);
}

const FORMAT_VERSION = /"format_version"\s*:/;
const PLAN_SECTIONS = /"(planned_values|resource_changes)"\s*:/;
const TASK_DEFINITION_TYPE = /"type"\s*:\s*"aws_ecs_task_definition"/;

/**
 * `terraform show -json plan.out`: recognized by its content, whatever the file name. Also a plan cut down to its
 * sections without `format_version` (`jq '{resource_changes}'`, the inputs of Conftest and OPA policy tests) when it
 * holds a task definition: skipped as "not a recognized input", its task definitions would go unchecked.
 */
export function looksLikeTerraformPlan(text: string): boolean {
  return text.trimStart().startsWith('{') && PLAN_SECTIONS.test(text) && (FORMAT_VERSION.test(text) || TASK_DEFINITION_TYPE.test(text));
}

/** `file("…")` or `templatefile("…", …)`, also with the quotes escaped (Terraform JSON). */
const FILE_CALL = /\b(?:file|templatefile)\s*\(\s*\\?"([^"\n]*?)\\?"/g;
const PATH_PREFIX = /^\$\{\s*path\.(?:module|root|cwd)\s*\}[\\/]/;
const INTERPOLATION = /\$\{[^}]*\}/g;
/** Stands for an interpolation while the path is resolved; no path holds it. */
const HOLE = '\u0000';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The files a Terraform file reads in with file() or templatefile(), told from its text without the parser, as
 * patterns of absolute paths: a container list one of them reads is checked through the Terraform resource, not on
 * its own as well (FileSource.referencedFiles). Errs towards matching: `${path.module}`, `${path.root}` and
 * `${path.cwd}` stand for the file's own directory, a plain relative path is taken from the file's directory or any
 * folder above it (Terraform takes it from the root module's, where it runs), and any other `${…}` stands for one path
 * segment's worth of characters. A path that is not a quoted string (`file(local.path)`) is not told: its list is then
 * reported on its own too.
 */
export function terraformFileReferences(file: { absolutePath?: string; text: string }): RegExp[] {
  if (file.absolutePath === undefined || (!file.text.includes('file(') && !file.text.includes('file ('))) return [];
  const directory = dirname(file.absolutePath);
  const references: RegExp[] = [];
  FILE_CALL.lastIndex = 0;
  for (let match = FILE_CALL.exec(file.text); match; match = FILE_CALL.exec(file.text)) {
    const written = match[1] as string;
    const fromModule = PATH_PREFIX.test(written);
    const path = written.replace(PATH_PREFIX, '').replace(INTERPOLATION, HOLE);
    if (!path || path === HOLE) continue;
    const bases = isAbsolute(path) ? [''] : fromModule ? [directory] : ancestors(directory);
    const alternatives = bases.map((base) => pattern(base ? resolve(base, path) : resolve(path)));
    references.push(new RegExp(`^(?:${alternatives.join('|')})$`));
  }
  return references;
}

/** An absolute path with holes as a pattern: each hole any characters but a separator. */
const pattern = (absolute: string) => absolute.split(HOLE).map(escapeRegExp).join('[^/\\\\]*');

/** A directory and every one above it. */
function ancestors(directory: string): string[] {
  const found = [directory];
  for (let parent = dirname(directory); parent !== found[found.length - 1]; parent = dirname(parent)) found.push(parent);
  return found;
}
