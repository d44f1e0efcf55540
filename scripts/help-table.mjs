// Prints, as JSON, what the CLI bundle named on the command line (dist/bundle/cli.cjs) prints for each help command
// line: scripts/build-cli.mjs writes it to dist/bundle/help.json, which bin/ecsguard.js answers those command lines
// from without loading commander. Run with pipes for standard streams (what commander formats for: 80 columns, no
// colour), as the build does. test/cli/help-table.test.ts checks the table against commander's own output.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The command lines bin/ answers from the table: the root's help (also what no arguments print) and each command's,
 * in every spelling commander accepts. Nested commands (`deploy scan-role --help`) and anything else go to commander.
 */
export function helpForms(commandNames) {
  const forms = [[], ['--help'], ['-h'], ['help']];
  for (const name of commandNames) forms.push([name, '--help'], [name, '-h'], ['help', name]);
  return forms;
}

/** The key of a command line in the table: its words joined by a newline (bin/ecsguard.js looks it up the same way). */
export const formKey = (argv) => argv.join('\n');

/** Runs `main` on every form with buffered streams; each distinct output is kept once, `forms` maps keys to it. */
export async function collectHelpTable(bundle) {
  const { main, COMMANDS } = createRequire(import.meta.url)(path.resolve(bundle));
  const table = { outputs: [], forms: {} };
  const seen = new Map();
  for (const argv of helpForms(COMMANDS.map((entry) => entry.name))) {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (text) => ((stdout += text), true) },
      stderr: { write: (text) => ((stderr += text), true) },
      stdin: process.stdin,
      env: process.env,
    };
    const exitCode = await main(argv, io);
    const output = { stdout, stderr, exitCode };
    const id = JSON.stringify(output);
    if (!seen.has(id)) {
      seen.set(id, table.outputs.length);
      table.outputs.push(output);
    }
    table.forms[formKey(argv)] = seen.get(id);
  }
  return table;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await collectHelpTable(process.argv[2])));
}
