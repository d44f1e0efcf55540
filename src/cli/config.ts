import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config/config-file.js';
import { findConfigFile } from '../config/find-config-file.js';
import { UsageError } from '../model/errors.js';
import { commaList } from './options.js';
import type { formatSpec as FormatSpecParser } from './report-outputs.js';

const asList = (v: string | string[]) => (typeof v === 'string' ? [v] : v);

/** Config keys → the option value the command would have from the flag (same parsers, so same checks). */
function optionValues(config: Config, formatSpec: typeof FormatSpecParser): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  // Values are typed as present; a key the YAML left empty is not.
  for (const [key, value] of Object.entries(config) as Array<[string, unknown]>) {
    if (value === undefined || key === 'version' || key === 'fix') continue;
    switch (key) {
      case 'checks':
      case 'skipChecks':
        values[key] = asList(value as string | string[]).flatMap((v) => commaList(v));
        break;
      case 'region':
        values[key] = asList(value as string | string[]).flatMap((v) => commaList(v));
        break;
      case 'format':
        values[key] = asList(value as string | string[]).reduce<ReturnType<typeof formatSpec>>((specs, v) => formatSpec(v, specs), []);
        break;
      case 'varFile':
        values[key] = asList(value as string | string[]);
        break;
      default:
        values[key] = value;
    }
  }
  for (const [key, value] of Object.entries(config.fix ?? {})) values[key] = key === 'batchSize' ? String(value) : value;
  return values;
}

/**
 * Applies the config file (--config FILE, or ecsguard.config.yaml / .ecsguard.yaml found upward)
 * to a command's options: only options the command has, and never one given on the command line.
 */
export async function applyConfig(program: Command, command: Command, cwd = process.cwd()): Promise<string | undefined> {
  // Only the commands the config file describes; diff, exceptions and the rest take their flags alone.
  if (command.name() !== 'scan' && command.name() !== 'fix') return undefined;
  const explicit = program.opts().config as string | undefined;
  if (program.opts().config === false) return undefined;
  const file = explicit ?? findConfigFile(cwd);
  if (!file) return undefined;
  // Loaded only when there is a file to apply (start-up cost).
  const [{ loadConfig }, { formatSpec }] = await Promise.all([import('../config/config-file.js'), import('./report-outputs.js')]);
  const { config } = loadConfig(explicit ? file : path.relative(cwd, file) || file);
  let values: Record<string, unknown>;
  try {
    values = optionValues(config, formatSpec);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(`invalid config file ${file}: ${error.message}`);
    throw error;
  }
  const known = new Set(command.options.map((o) => o.attributeName()));
  for (const [key, value] of Object.entries(values)) {
    // `format` is the scan's report list; fix has a --format of its own (text or json).
    if (!known.has(key) || (key === 'format' && command.name() !== 'scan')) continue;
    if (command.getOptionValueSource(key) === 'cli') continue;
    // --checks on the command line chooses the checks: the config's skipChecks does not take any of them away.
    if (key === 'skipChecks' && command.getOptionValueSource('checks') === 'cli') continue;
    command.setOptionValueWithSource(key, value, 'config');
  }
  return file;
}
