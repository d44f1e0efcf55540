import { Command, InvalidArgumentError } from 'commander';
import { addConnectionOptions } from '../../fix/account/connection-options.js';
import { runRollback } from '../../fix/account/rollback-command.js';
import { setExitCode } from '../exit-code.js';

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a number of seconds');
  return parsed;
}

export function rollbackCommand(): Command {
  const command = new Command('rollback')
    .description('Put every service an "ecsguard apply" moved back on the revision it had before, from the apply journal.')
    .argument('<journal>', 'the journal written by apply')
    .option('-y, --yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .option('--wait', 'wait until every restored service is stable')
    .option('--wait-timeout <seconds>', 'give up waiting after this long (default: 900)', seconds)
    .option('--poll-interval <seconds>', 'time between DescribeServices polls while waiting (default: 15)', seconds);
  return addConnectionOptions(command)
    .addHelpText('after', '\nNothing is deregistered. Exit codes: 0 every service restored, 2 usage error or a service that could not be restored.')
    .action(async (journal: string, options: Record<string, unknown>) => {
      setExitCode(await runRollback(journal, options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }));
    });
}
