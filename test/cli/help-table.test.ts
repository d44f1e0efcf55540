import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/main.js';
import { REPO_ROOT, runBuiltCli } from '../support/cli.js';

// bin/ecsguard.js answers the help command lines from dist/bundle/help.json (scripts/build-cli.mjs) without loading
// commander. These tests hold that table to what commander itself prints with the CLI's real command definitions, for
// every command and every spelling, so the two cannot drift apart.

interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface HelpTable {
  outputs: Output[];
  forms: Record<string, number>;
}

const table = JSON.parse(readFileSync(path.join(REPO_ROOT, 'dist/bundle/help.json'), 'utf8')) as HelpTable;
const served = (argv: string[]): Output | undefined => {
  const id = table.forms[argv.join('\n')];
  return id === undefined ? undefined : table.outputs[id];
};

/** Every help command line the table must hold: the root's, and each command's in the three spellings. */
const FORMS: string[][] = [
  [],
  ['--help'],
  ['-h'],
  ['help'],
  ...COMMANDS.flatMap((c) => [
    [c.name, '--help'],
    [c.name, '-h'],
    ['help', c.name],
  ]),
];

/**
 * What commander prints for each command line: the bundle's `main` in a fresh process whose streams are pipes (as bin/
 * serves the table), with buffered streams per command line.
 */
function commanderOutputs(forms: string[][]): Output[] {
  const script =
    `
    const { main } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist/bundle/cli.cjs'))});
    (async () => {
      const outputs = [];
      for (const argv of ${JSON.stringify(forms)}) {
        let stdout = '', stderr = '';
        const io = { stdout: { write: (t) => ((stdout += t), true) }, stderr: { write: (t) => ((stderr += t), true) }, stdin: ` +
    `process.stdin, env: process.env };
        const exitCode = await main(argv, io);
        outputs.push({ stdout, stderr, exitCode });
      }
      process.stdout.write(JSON.stringify(outputs));
    })();`;
  const env = { ...process.env };
  for (const name of ['FORCE_COLOR', 'CLICOLOR_FORCE']) Reflect.deleteProperty(env, name);
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Output[];
}

describe('the help table bin/ serves', () => {
  it('holds every command line of every command, and nothing else', () => {
    assert.deepEqual(Object.keys(table.forms).sort(), FORMS.map((argv) => argv.join('\n')).sort());
  });

  it('each entry is byte for byte what commander prints, on the same stream, with the same exit code', () => {
    const expected = commanderOutputs(FORMS);
    FORMS.forEach((argv, i) => {
      assert.deepEqual(served(argv), expected[i], `ecsguard ${argv.join(' ')}`);
    });
    // The table is the real help: the root's lists the commands, a command's shows its options.
    assert.match(served(['--help'])?.stdout ?? '', /^Usage: ecsguard \[options\] \[command\]\n/);
    assert.equal(served([])?.exitCode, 2, 'no arguments: help on standard error, a usage error');
    assert.match(served([])?.stderr ?? '', /^Usage: ecsguard/);
    assert.match(served(['scan', '--help'])?.stdout ?? '', /--fail-on <severity>/);
  });

  it('bin/ecsguard.js prints the table entry for each command line, and the exit code', () => {
    for (const argv of [[], ['--help'], ...COMMANDS.map((c) => [c.name, '--help']), ['help', 'diff'], ['checks', '-h']]) {
      const run = runBuiltCli(argv);
      assert.deepEqual({ stdout: run.stdout, stderr: run.stderr, exitCode: run.code }, served(argv), `ecsguard ${argv.join(' ')}`);
    }
  });

  it('other command lines still reach commander: a nested command, a root option, an unknown command', () => {
    const nested = runBuiltCli(['deploy', 'scan-role', '--help']);
    assert.equal(nested.code, 0, nested.stderr);
    assert.match(nested.stdout, /^Usage: ecsguard deploy scan-role/);
    const afterOption = runBuiltCli(['--no-config', 'scan', '--help']);
    assert.equal(afterOption.stdout, served(['scan', '--help'])?.stdout);
    const unknown = runBuiltCli(['scna', '--help']);
    assert.equal(unknown.code, 0);
    assert.equal(unknown.stdout, served(['--help'])?.stdout, 'commander shows the root help for an unknown command with --help');
  });
});
