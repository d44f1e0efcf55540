/**
 * Cheap content and name sniffing for the Terraform sources, never a parse, in a module of its own: the engine routes
 * files without loading the HCL parser or the plan reader (start-up cost).
 */
import { looksAsRead } from '../escaped-text.js';

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
  return text.trimStart().startsWith('{') && looksAsRead(text, looksLikePlan);
}

function looksLikePlan(text: string): boolean {
  return PLAN_SECTIONS.test(text) && (FORMAT_VERSION.test(text) || TASK_DEFINITION_TYPE.test(text));
}
