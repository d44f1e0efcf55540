import { Command, Option } from 'commander';
import { ALL_CHECKS } from '../../checks/catalogue.js';
import { catalogueJson, catalogueMarkdown, catalogueText } from '../../report/catalogue.js';
import { emit } from '../output.js';

const FORMATS = { text: catalogueText, json: catalogueJson, markdown: catalogueMarkdown };

export function checksCommand(): Command {
  return new Command('checks')
    .description('List the checks: what each one fails on, exactly, how to fix it, and the matching Prowler, Security Hub, AWS Config, CIS and Checkov ids.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(FORMATS)).default('text'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (options: { format: keyof typeof FORMATS; output?: string }) => {
      await emit(FORMATS[options.format](ALL_CHECKS), options.output, process.stdout);
    });
}
