import { CHECKS } from '../checks/catalogue.js';
import type { Check } from '../checks/types.js';
import {
  type BatchResult,
  type ScanOptions as EngineScanOptions,
  type ScanResult,
  consumeOutput,
  scan as scanWithChecks,
} from '../engine/scan.js';
import { evaluateTaskDefinition as evaluateWithChecks } from '../engine/evaluate.js';
import { peersFor, peersForUnread } from '../peers/index.js';
import type { Finding } from '../model/finding.js';
import type { TaskDefinition } from '../model/task-definition.js';
import { fromPlain } from '../model/value.js';
import { unwrapTaskDefinition } from '../sources/task-definition-documents.js';
import { emptyOutput } from '../sources/source.js';

/** Which checks run: the default selection (`CHECKS`) unless the caller names its own. */
export interface CheckSelection {
  /** Default: `CHECKS`, the checks whose `meta.default` is not false (`selectChecks('all')` for every check). */
  checks?: readonly Check[];
  /** Also report one PASS per check and task definition. */
  includePassed?: boolean;
}

export type ScanOptions = Omit<EngineScanOptions, 'checks'> & CheckSelection;

/** Sources → model → checks over files, folders and live sources: what `ecsguard scan` runs. */
export function scan(options: ScanOptions): Promise<ScanResult> {
  return scanWithChecks({ ...options, checks: options.checks ?? CHECKS });
}

export interface ScanTextOptions extends CheckSelection, Pick<EngineScanOptions, 'varFiles' | 'enrichers' | 'signal'> {
  /**
   * Names the text in findings and errors, and picks the reader by its ending (`.tf`, `.yaml`, `.json`; the content
   * decides otherwise). Terraform reads module calls and auto-loaded `.tfvars` next to this path on disk, as it would
   * for a file there. Default `<stdin>`: read as standard input is.
   */
  filename?: string;
}

/** Scans a text held in memory (an editor buffer, a template from an API) as if it were a file named `filename`. */
export function scanText(text: string, options: ScanTextOptions = {}): Promise<ScanResult> {
  const { filename = '<stdin>', ...rest } = options;
  return scan({ ...rest, paths: [], texts: [{ path: filename, text }] });
}

/** What `evaluatePlain` found: findings, and errors when the object could not be judged (never a silent pass). */
export type Evaluation = Pick<ScanResult, 'findings' | 'errors' | 'warnings'>;

/**
 * Checks a task definition given as a plain object: `describe-task-definition` output, a
 * `register-task-definition` input or the body alone, with ECS API (camelCase) keys. Findings carry no location.
 */
export async function evaluatePlain(definition: unknown, options: CheckSelection & { name?: string } = {}): Promise<Evaluation> {
  const name = options.name ?? '<object>';
  const output = emptyOutput();
  const found = unwrapTaskDefinition(fromPlain(definition), name, undefined);
  if ('error' in found) output.errors.push(found.error);
  else output.definitions.push({ ...found.definition, resource: { ...found.definition.resource, file: name } });
  const result: BatchResult = { findings: [], errors: [], warnings: [], taskDefinitions: 0 };
  await consumeOutput(output, { checks: options.checks ?? CHECKS, includePassed: options.includePassed ?? false }, result);
  return { findings: result.findings, errors: result.errors, warnings: result.warnings };
}

/** Runs checks on one normalized task definition; pure. */
export function evaluateTaskDefinition(
  taskDefinition: TaskDefinition,
  checks: readonly Check[] = CHECKS,
  includePassed = false,
): Finding[] {
  return evaluateWithChecks(taskDefinition, checks, includePassed, undefined, { peers: { peersFor, peersForUnread } });
}
