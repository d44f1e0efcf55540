import { Command } from 'commander';
import { addConnectionOptions, addWaitOptions } from '../connection-options.js';
import { positiveInteger } from '../options.js';
import type { CommandContext } from '../io.js';

export function applyCommand(context: CommandContext): Command {
  const command = new Command('apply')
    .description('Apply a remediation plan from "ecsguard fix --aws --plan": register the fixed revisions, update the services, re-scan.')
    .argument('<plan>', 'the plan file')
    .option('--batch <K>', 'apply only batch K of the plan (default: every batch, re-scanning after each)', positiveInteger)
    .option('-y, --yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .option('--journal <file>', 'where to write the journal (default: <plan>.journal.json, or <plan>.batch-K.journal.json)')
    .option('--resume <journal>', 'continue an interrupted apply from its journal; completed steps are skipped')
    .option(
      '--stop-on-error',
      'stop at the first failed or refused step (default: skip a service that moved since the plan, carry on with independent steps, ' +
        'exit 2 at the end)',
    )
    .option('--rollback-on-failure', 'with --wait: when a rollout FAILS (deployment circuit breaker), roll the whole batch back at once');
  return addConnectionOptions(addWaitOptions(command, 'wait until every updated service is stable on its new revision before re-scanning'))
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard fix --aws --region eu-west-1 --batch-size 5 --plan plan.json
  $ ecsguard apply plan.json --batch 1 --wait
  $ ecsguard apply plan.json --resume plan.batch-1.journal.json
  $ ecsguard rollback plan.batch-1.journal.json

A service is moved only if it still runs the planned revision (service.taskDefinition; a rollout in progress is
fine). One that someone moved since is reported ("now on web:3, planned from :2") and skipped; the other steps go
on and the exit code is 2. --wait stops as soon as a rollout is FAILED. Ctrl-C finishes the call in flight, writes
the journal and exits 130 with the --resume command.

Old revisions are never deregistered. Exit codes: 0 applied and verified, 1 the re-scan still finds failures,
2 usage error, or a step failed or was refused (the report lists what was and was not changed; the journal allows
resume or rollback), 130 interrupted.`,
    )
    .action(async (plan: string, options: import('./apply-run.js').ApplyCommandOptions) => {
      // Loaded on demand (the AWS SDK among them), so other commands and --help never pay for it.
      const [{ runApply }, { stopAfterCallOnCtrlC }] = await Promise.all([import('./apply-run.js'), import('../stop-on-ctrl-c.js')]);
      const code = await stopAfterCallOnCtrlC(context.io.stderr, (interrupt) =>
        runApply(plan, options, { stdout: context.io.stdout, stderr: context.io.stderr, stdin: context.io.stdin, interrupt }),
      );
      context.finish(code);
    });
}
