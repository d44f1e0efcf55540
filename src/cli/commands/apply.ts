import { Command } from 'commander';
import { runApply } from '../../fix/account/apply-command.js';
import { addConnectionOptions, addWaitOptions } from '../../fix/account/connection-options.js';
import { setExitCode } from '../exit-code.js';
import { positiveInteger } from '../options.js';

export function applyCommand(): Command {
  const command = new Command('apply')
    .description('Apply a remediation plan from "ecsguard fix --aws --plan": register the fixed revisions, update the services, re-scan.')
    .argument('<plan>', 'the plan file')
    .option('--batch <K>', 'apply only batch K of the plan (default: every batch, re-scanning after each)', positiveInteger)
    .option('-y, --yes', 'do not ask for confirmation (required when standard input is not a terminal)')
    .option('--journal <file>', 'where to write the journal (default: <plan>.journal.json, or <plan>.batch-K.journal.json)')
    .option('--resume <journal>', 'continue an interrupted apply from its journal; completed steps are skipped');
  return addConnectionOptions(addWaitOptions(command, 'wait until every updated service is stable on its new revision before re-scanning'))
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard fix --aws --region eu-west-1 --batch-size 5 --plan plan.json
  $ ecsguard apply plan.json --batch 1 --wait
  $ ecsguard apply plan.json --resume plan.batch-1.journal.json
  $ ecsguard rollback plan.batch-1.journal.json

Old revisions are never deregistered. Exit codes: 0 applied and verified, 1 the re-scan still finds failures,
2 usage error or a step failed (the report lists what was and was not changed; the journal allows resume or rollback).`,
    )
    .action(async (plan: string, options: Record<string, unknown>) => {
      setExitCode(await runApply(plan, options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }));
    });
}
