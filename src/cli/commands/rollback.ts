import { Command } from 'commander';
import { addConnectionOptions, addWaitOptions } from '../connection-options.js';
import type { CommandContext } from '../io.js';

export function rollbackCommand(context: CommandContext): Command {
  const command = new Command('rollback')
    .description('Put every service an "ecsguard apply" moved back on the revision it had before, from the apply journal.')
    .argument('<journal>', 'the journal written by apply')
    .option('-y, --yes', 'do not ask for confirmation (required when standard input is not a terminal)');
  return addConnectionOptions(addWaitOptions(command, 'wait until every restored service is stable'))
    .addHelpText(
      'after',
      '\nA service someone moved since the apply is left alone and listed under "Not restored" with the reason.\nNothing is ' +
        'deregistered. Exit codes: 0 every service restored, 2 usage error or a service that could not be restored.',
    )
    .action(async (journal: string, options: import('./rollback-run.js').RollbackCommandOptions) => {
      const { runRollback } = await import('./rollback-run.js');
      context.finish(
        await runRollback(journal, options, { stdout: context.io.stdout, stderr: context.io.stderr, stdin: context.io.stdin }),
      );
    });
}
