import { Command, Option } from 'commander';
import { emit } from '../output.js';

const FORMATS = ['text', 'json', 'markdown'] as const;
const RENDERERS = { text: 'catalogueText', json: 'catalogueJson', markdown: 'catalogueMarkdown' } as const;

export function checksCommand(): Command {
  return new Command('checks')
    .description('List the checks: what each one fails on, exactly, how to fix it, and the matching Prowler, Security Hub, AWS Config, CIS and Checkov ids.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (options: { format: (typeof FORMATS)[number]; output?: string }) => {
      const [{ CHECKS }, renderers] = await Promise.all([import('../../checks/catalogue.js'), import('../../report/catalogue.js')]);
      await emit(renderers[RENDERERS[options.format]](CHECKS), options.output, process.stdout);
    });
}
