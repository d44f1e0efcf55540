import { type CliRun, REPO_ROOT, runCli } from '../../../support/cli.js';

export { REPO_ROOT };

/** Runs the CLI in this process (the test's registry front door keeps answering while it awaits). */
export function runCliAsync(args: string[], env: Record<string, string>, cwd = REPO_ROOT): Promise<CliRun> {
  return runCli(args, { env, cwd });
}
