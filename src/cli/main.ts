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
import { EXIT } from './exit-code.js';
import { type CliIo, type CommandContext, processIo } from './io.js';
import { InterruptedError } from './interrupt.js';

function program(context: CommandContext): Command {
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
    .addCommand(scanCommand(context))
    .addCommand(fixCommand(context))
    .addCommand(applyCommand(context))
    .addCommand(rollbackCommand(context))
    .addCommand(checksCommand(context))
    .addCommand(deployCommand(context))
    .addCommand(conformancePackCommand(context))
    .addCommand(diffCommand(context))
    .addCommand(exceptionsCommand(context));
}

/**
 * Runs the CLI and returns the exit code. Never calls process.exit and writes only to `io`, so tests and
 * embedders can run it in-process with their own streams and environment.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const context: CommandContext = {
    io,
    finish: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const cli = program(context);
  cli.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  cli.exitOverride();
  for (const command of cli.commands) {
    command.exitOverride();
    command.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    for (const sub of command.commands) {
      sub.exitOverride();
      sub.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    }
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.incomplete;
    }
    if (error instanceof InterruptedError) {
      io.stderr.write(`ecsguard: ${error.message}\n`);
      return 130;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`ecsguard: ${error.message}\n`);
      return EXIT.incomplete;
    }
    io.stderr.write(`ecsguard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.incomplete;
  }
}
