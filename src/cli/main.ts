import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/errors.js';
import { TOOL_VERSION } from '../version.js';
import { applyCommand } from './commands/apply.js';
import { checksCommand } from './commands/checks.js';
import { conformancePackCommand, deployCommand } from './commands/deploy.js';
import { diffCommand } from './commands/diff.js';
import { exceptionsCommand } from './commands/exceptions.js';
import { fixCommand } from './commands/fix.js';
import { rollbackCommand } from './commands/rollback.js';
import { scanCommand } from './commands/scan.js';
import { applyConfig } from './config.js';
import { EXIT, setExitCode, takeExitCode } from './exit-code.js';
import { InterruptedError } from './interrupt.js';

function program(): Command {
  return new Command('ecsguard')
    .description(
      'Find and fix insecure Amazon ECS task definitions: privileged containers, root users, host network mode.\n' +
        'Reads task-definition JSON, CloudFormation (and CDK output), Terraform HCL and plans, and live AWS accounts.',
    )
    .version(TOOL_VERSION, '-V, --version')
    .option('--config <file>', 'config file (default: ecsguard.config.yaml or .ecsguard.yaml in this folder or above; flags win)')
    .option('--no-config', 'ignore config files')
    .hook('preAction', (root, command) => {
      applyConfig(root, command);
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard scan examples/                 scan files and folders
  $ ecsguard scan infra/ --format sarif -o ecsguard.sarif
  $ ecsguard checks --format markdown       what every check fails on, and how to fix it

Exit codes: 0 nothing failing, 1 failing findings, 2 usage error or an input that could not be read.`,
    )
    .addCommand(scanCommand())
    .addCommand(fixCommand())
    .addCommand(applyCommand())
    .addCommand(rollbackCommand())
    .addCommand(checksCommand())
    .addCommand(deployCommand())
    .addCommand(conformancePackCommand())
    .addCommand(diffCommand())
    .addCommand(exceptionsCommand());
}

/** Runs the CLI and returns the exit code; never calls process.exit, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  takeExitCode();
  const cli = program();
  cli.exitOverride();
  for (const command of cli.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return takeExitCode();
  } catch (error) {
    takeExitCode();
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.incomplete;
    }
    if (error instanceof InterruptedError) {
      process.stderr.write(`ecsguard: ${error.message}\n`);
      return 130;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`ecsguard: ${error.message}\n`);
      return EXIT.incomplete;
    }
    process.stderr.write(`ecsguard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    setExitCode(EXIT.incomplete);
    return takeExitCode();
  }
}
