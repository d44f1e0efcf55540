import { InvalidArgumentError, Option } from 'commander';
import type { Check } from '../checks/types.js';

/** Parses `a,b , c` into ['a', 'b', 'c'], accumulating over repeated flags. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
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
  new Option('--checks <ids>', 'run only these checks (comma-separated ids; see "ecsguard checks")').argParser(commaList);
export const skipChecksOption = () =>
  new Option('--skip-checks <ids>', 'do not run these checks (comma-separated ids)').argParser(commaList);

/** Loads the check catalogue (every check module) only when a command runs, so --help and --version stay cheap. */
export async function checksFrom(options: { checks?: string[]; skipChecks?: string[] }): Promise<Check[]> {
  const { selectChecks } = await import('../checks/catalogue.js');
  return selectChecks(options.checks, options.skipChecks);
}
