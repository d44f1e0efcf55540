import { InvalidArgumentError, Option } from 'commander';
import { FRAMEWORKS } from '../checks/frameworks.js';
import type { Check } from '../checks/types.js';

/** Parses `a,b , c` into ['a', 'b', 'c'], accumulating over repeated flags. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive number');
  return parsed;
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

export const checksOption = () =>
  new Option(
    '--checks <ids>',
    'run only these checks: comma-separated ids or groups (default, host-breach, hardening, all; see "ecsguard checks")',
  ).argParser(commaList);
export const skipChecksOption = () =>
  new Option('--skip-checks <ids>', 'do not run these checks (comma-separated ids or groups)').argParser(commaList);

export const frameworkOption = () =>
  new Option(
    '--framework <id>',
    `select the checks of a compliance framework and label findings with its controls ` +
      `(repeatable: ${FRAMEWORKS.map((f) => f.id).join(', ')})`,
  ).argParser(repeatable);

/** --checks/--skip-checks, plus the checks of every --framework (without --checks, only those). */
export async function checksFrom(options: { checks?: string[]; skipChecks?: string[]; framework?: string[] }): Promise<Check[]> {
  const { selectChecks } = await import('../checks/catalogue.js');
  if (!options.framework?.length) return selectChecks(options.checks, options.skipChecks);
  const { frameworkChecks } = await import('../checks/frameworks.js');
  const fromFrameworks = frameworkChecks(options.framework).map((c) => c.meta.id);
  return selectChecks([...(options.checks ?? []), ...fromFrameworks], options.skipChecks);
}
