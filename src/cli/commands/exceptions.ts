import { Command, InvalidArgumentError } from 'commander';
import { readReport } from '../../baseline/report-file.js';
import { parseDays } from '../../mute/dates.js';
import { ExceptionsFileError, loadExceptionsFile } from '../../mute/exceptions-file.js';
import { exceptionsJsonSchema } from '../../mute/exceptions-schema.js';
import { formatReview, reviewExceptions } from '../../mute/check-exceptions.js';
import { EXIT } from '../exit-code.js';
import type { CommandContext } from '../io.js';

function days(value: string): number {
  const parsed = parseDays(value);
  if (parsed === undefined) throw new InvalidArgumentError('expected a number of days, e.g. 30d or 2w');
  return parsed;
}

export function exceptionsCommand(context: CommandContext): Command {
  const command = new Command('exceptions').description('Review the exceptions file: invalid, expired, expiring and unused entries.');
  command
    .command('check')
    .description('Validate an exceptions file and list expired, expiring-soon and (with --report) unused entries.')
    .argument('<file>', 'the exceptions file (YAML)')
    .option('--within <days>', 'list entries that expire within this many days (30d, 2w)', days, 30)
    .option('--report <scan.json>', 'a JSON report (ecsguard scan --format json) to find entries that match nothing')
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard exceptions check ecsguard-exceptions.yaml --within 30d
  $ ecsguard scan infra/ --format json -o scan.json; ecsguard exceptions check ecsguard-exceptions.yaml --report scan.json

Exit codes: 0 all valid and none expired, 1 an entry has expired, 2 the file is invalid.`,
    )
    .action(async (file: string, options: { within: number; report?: string }) => {
      let loaded;
      try {
        loaded = await loadExceptionsFile(file);
      } catch (error) {
        if (error instanceof ExceptionsFileError) {
          context.io.stdout.write(`INVALID   ${error.problems.join('\nINVALID   ')}\n`);
          context.finish(EXIT.incomplete);
          return;
        }
        throw error;
      }
      const report = options.report ? await readReport(options.report) : undefined;
      const statuses = reviewExceptions(loaded, new Date(), options.within, report);
      context.io.stdout.write(`${formatReview(file, statuses, options.within, report !== undefined)}\n`);
      context.finish(statuses.some((s) => s.state === 'expired') ? EXIT.findings : EXIT.ok);
    });
  command
    .command('schema')
    .description('Print the JSON Schema of the exceptions file (also published as schema/ecsguard-exceptions.schema.json).')
    .action(() => {
      context.io.stdout.write(`${JSON.stringify(exceptionsJsonSchema(), null, 2)}\n`);
    });
  return command;
}
