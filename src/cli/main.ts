import { Command, CommanderError } from 'commander';
import { UsageError } from '../model/errors.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT } from './exit-code.js';
import { type CliIo, type CommandContext, processIo } from './io.js';
import { InterruptedError } from './interrupt.js';

/** Builds one command (its options, help and action); each command module is loaded only when its command runs. */
type CommandFactory = (context: CommandContext) => Command;

export interface CommandEntry {
  name: string;
  /** What the command's own usage line says after its name (checked against the command by a test). */
  usage: string;
  /** One line for `ecsguard --help`. */
  summary: string;
  load(): Promise<CommandFactory>;
}

/**
 * Every command, without loading any: `ecsguard --help` lists these, and a run loads only the command it names
 * (start-up cost, issue 10). A new command is a module in commands/ plus one entry here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    usage: '[options] [paths...]',
    summary: 'scan files, folders and live AWS accounts for insecure ECS task definitions',
    load: async () => (await import('./commands/scan.js')).scanCommand,
  },
  {
    name: 'fix',
    usage: '[options] [paths...]',
    summary: 'patch task-definition, CloudFormation and Terraform files; with --aws, plan fixes for a live account',
    load: async () => (await import('./commands/fix.js')).fixCommand,
  },
  {
    name: 'apply',
    usage: '[options] <plan>',
    summary: 'apply a plan from "fix --aws --plan": register fixed revisions, update services, re-scan',
    load: async () => (await import('./commands/apply.js')).applyCommand,
  },
  {
    name: 'rollback',
    usage: '[options] <journal>',
    summary: 'put the services an apply moved back on their previous revisions',
    load: async () => (await import('./commands/rollback.js')).rollbackCommand,
  },
  {
    name: 'checks',
    usage: '[options]',
    summary: 'list the checks: what each fails on, how to fix it, matching Security Hub, CIS, Prowler, Checkov ids',
    load: async () => (await import('./commands/checks.js')).checksCommand,
  },
  {
    name: 'deploy',
    usage: '[options] [command]',
    summary: 'print CloudFormation templates for running ecsguard across an AWS Organization',
    load: async () => (await import('./commands/deploy.js')).deployCommand,
  },
  {
    name: 'conformance-pack',
    usage: '[options]',
    summary: "print an AWS Config conformance pack: AWS's managed ECS rules next to ecsguard's",
    load: async () => (await import('./commands/deploy.js')).conformancePackCommand,
  },
  {
    name: 'diff',
    usage: '[options] <before> <after...>',
    summary: 'compare JSON reports: new, fixed and unchanged findings per check',
    load: async () => (await import('./commands/diff.js')).diffCommand,
  },
  {
    name: 'exceptions',
    usage: '[options] [command]',
    summary: 'review the exceptions file: invalid, expired, expiring and unused entries',
    load: async () => (await import('./commands/exceptions.js')).exceptionsCommand,
  },
];

/** Root options that take a value: the word after them is not the command. */
const ROOT_OPTIONS_WITH_VALUE = new Set(['--config']);

/** The command a command line names (`help scan` names scan), if any. */
export function commandNamed(argv: readonly string[]): CommandEntry | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (ROOT_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
    if (words.length === 2) break;
  }
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((entry) => entry.name === name);
}

async function program(context: CommandContext, argv: readonly string[]): Promise<Command> {
  const wanted = commandNamed(argv);
  const root = new Command('ecsguard')
    .description(
      'Find and fix insecure Amazon ECS task definitions: privileged containers, root users, host network mode.\n' +
        'Reads task-definition JSON and YAML, CloudFormation (and CDK output), Terraform HCL and plans, and live AWS accounts.',
    )
    .version(TOOL_VERSION, '-V, --version')
    .option('--config <file>', 'config file (default: ecsguard.config.yaml or .ecsguard.yaml in this folder or above; flags win)')
    .option('--no-config', 'ignore config files')
    .hook('preAction', async (rootCommand, command) => {
      const { applyConfig } = await import('./config.js');
      await applyConfig(rootCommand, command);
    })
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ subcommandTerm: (command) => `${command.name()} ${command.usage()}` })
    .addHelpText(
      'after',
      `
Examples:
  $ ecsguard scan examples/                 scan files and folders
  $ ecsguard scan infra/ --format sarif -o ecsguard.sarif
  $ ecsguard checks --format markdown       what every check fails on, and how to fix it

Exit codes: 0 nothing failing, 1 failing findings, 2 usage error or an input that could not be read.`,
    );
  for (const entry of COMMANDS) {
    // The named command is built in full; the others are listed by name, usage and summary only.
    const command = entry === wanted ? (await entry.load())(context) : new Command(entry.name).usage(entry.usage);
    root.addCommand(command.summary(entry.summary));
  }
  return root;
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
  const cli = await program(context, argv);
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
      return error.exitCode;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`ecsguard: ${error.message}\n`);
      return EXIT.incomplete;
    }
    io.stderr.write(`ecsguard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.incomplete;
  }
}
