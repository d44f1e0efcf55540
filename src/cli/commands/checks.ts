import { Command, Option } from 'commander';
import { ALL_CHECKS } from '../../checks/catalogue.js';
import { catalogueJson, catalogueMarkdown, catalogueText } from '../../report/catalogue.js';
import { FRAMEWORKS, frameworkChecks, frameworkText } from '../../checks/frameworks.js';
import { repeatable } from '../options.js';
import { emit } from '../output.js';
import type { CommandContext } from '../io.js';

const FORMATS = { text: catalogueText, json: catalogueJson, markdown: catalogueMarkdown };

export function checksCommand(context: CommandContext): Command {
  return new Command('checks')
    .description(
      'List the checks: what each one fails on, exactly, how to fix it, and the matching Prowler, Security Hub, AWS Config, CIS and ' +
        'Checkov ids.',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(FORMATS)).default('text'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option(
      '--framework <id>',
      `print how a framework's controls map to checks (repeatable: ${FRAMEWORKS.map((f) => f.id).join(', ')})`,
      repeatable,
    )
    .action(async (options: { format: keyof typeof FORMATS; output?: string; framework?: string[] }) => {
      if (options.framework?.length) {
        const text =
          options.format === 'json'
            ? JSON.stringify(
                {
                  version: 1,
                  frameworks: options.framework.map((id) => FRAMEWORKS.find((f) => f.id === id)),
                  checks: frameworkChecks(options.framework).map((c) => c.meta.id),
                },
                null,
                2,
              )
            : frameworkText(options.framework);
        await emit(text, options.output, context.io.stdout);
        return;
      }
      await emit(FORMATS[options.format](ALL_CHECKS), options.output, context.io.stdout);
    });
}
