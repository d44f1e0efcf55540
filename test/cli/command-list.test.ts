import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, commandNamed } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';

const context = { io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {} }, finish: () => undefined };

describe('the command list main() builds without loading commands', () => {
  it('each entry names its command and repeats its usage line exactly', async () => {
    for (const entry of COMMANDS) {
      const command = (await entry.load())(context);
      assert.equal(command.name(), entry.name);
      assert.equal(command.usage(), entry.usage, `${entry.name}: usage`);
      assert.ok(entry.summary.length > 0 && entry.summary.length <= 110, `${entry.name}: a one-line summary`);
    }
  });

  it('finds the command a command line names, past root options and through help', () => {
    assert.equal(commandNamed(['scan', 'x.json'])?.name, 'scan');
    assert.equal(commandNamed(['--config', 'scan', 'fix', '.'])?.name, 'fix');
    assert.equal(commandNamed(['--no-config', 'diff', 'a', 'b'])?.name, 'diff');
    assert.equal(commandNamed(['help', 'apply'])?.name, 'apply');
    assert.equal(commandNamed(['--help']), undefined);
    assert.equal(commandNamed(['scna']), undefined);
  });

  it('--help lists every command with its usage and summary; help COMMAND shows that command in full', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const entry of COMMANDS)
      assert.match(
        help.stdout,
        new RegExp(`^  ${entry.name} ${entry.usage.replace(/[[\].]/g, '\\$&')} +${entry.summary.slice(0, 20)}`, 'm'),
      );
    const full = await runCli(['help', 'diff']);
    assert.equal(full.code, 0);
    assert.match(full.stdout, /^Usage: ecsguard diff \[options\] <before> <after\.\.\.>/);
    assert.match(full.stdout, /--format/);
  });

  it('an unknown command is a usage error that suggests the right one', async () => {
    const run = await runCli(['scna']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, "error: unknown command 'scna'\n(Did you mean scan?)\n(add --help for usage)\n");
  });
});
