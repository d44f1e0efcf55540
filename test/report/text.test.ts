import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { textReporter } from '../../src/report/text.js';
import { runCli } from '../support/cli.js';

const ROOT_USER = '{"family":"f","containerDefinitions":[{"name":"a","image":"i","user":"root"}]}';

async function textFor(files: Record<string, string>, fileLocations?: boolean): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-text-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const result = await scan({ paths: Object.keys(files).map((name) => path.join(dir, name)), checks: CHECKS });
  const out = textReporter({ result, exitCode: 1 }, { color: false, ...(fileLocations === undefined ? {} : { fileLocations }) });
  return out.split('\n').map((line) => line.replaceAll(`${dir}${path.sep}`, '<dir>/'));
}

describe('text output: locations', () => {
  it('keeps a gap after a line:col wider than the column', async () => {
    // "root" starts after 100 spaces and 69 characters of JSON, on line 10001.
    const lines = await textFor({ 'long.json': `${'\n'.repeat(10000)}${' '.repeat(100)}${ROOT_USER}` });
    assert.equal(lines[0], '<dir>/long.json › f');
    assert.equal(lines[1], '  10001:170 FAIL    medium   no-root-user               container "a": user "root" is the root user');
  });

  it('short locations keep the 8-wide column', async () => {
    const lines = await textFor({ 'short.json': ROOT_USER });
    assert.equal(lines[1], '  1:70    FAIL    medium   no-root-user               container "a": user "root" is the root user');
  });

  it('rows carry file:line:col when more than one file is scanned', async () => {
    const lines = await textFor({ 'a.json': ROOT_USER, 'b.json': `\n${ROOT_USER}` });
    assert.equal(lines[1], '  <dir>/a.json:1:70 FAIL    medium   no-root-user               container "a": user "root" is the root user');
    assert.equal(lines[4], '  <dir>/b.json:2:70 FAIL    medium   no-root-user               container "a": user "root" is the root user');
  });

  it('rows carry file:line:col for one file when asked (--file-locations)', async () => {
    const lines = await textFor({ 'one.json': ROOT_USER }, true);
    assert.equal(lines[1], '  <dir>/one.json:1:70 FAIL    medium   no-root-user               container "a": user "root" is the root user');
  });

  it('the CLI flag: scan --file-locations', async () => {
    const run = await runCli(['scan', 'test/fixtures/json/register-input.json', '--file-locations']);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'test/fixtures/json/register-input.json › reporting-worker');
    assert.equal(
      lines[1],
      '  test/fixtures/json/register-input.json:12:21 FAIL    medium   no-root-user               container "worker": user "0" is uid 0 ' +
        '(root)',
    );
  });
});

describe('text output: names a terminal would act on', () => {
  it('escape sequences, line breaks and bidirectional controls in file names, families and containers are shown as \\u{…}', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-text-hostile-'));
    const file = path.join(dir, 'ansi\u001b[31mred.json');
    writeFileSync(
      file,
      JSON.stringify({
        family: 'esc\u001b[2J\u001b[Hfake\nFAKE: 0 failed\u001b[8m',
        containerDefinitions: [{ name: '\u202egnp.exe', image: 'i', user: 'root' }],
      }),
    );
    const result = await scan({ paths: [file], checks: CHECKS });
    const text = textReporter({ result, exitCode: 1 }, { color: false });
    assert.doesNotMatch(text, /[\u001b\u202e]/);
    const lines = text.split('\n');
    assert.equal(lines[0], `${dir}/ansi\\u{1b}[31mred.json › esc\\u{1b}[2J\\u{1b}[Hfake\\u{a}FAKE: 0 failed\\u{1b}[8m`);
    assert.match(text, /container "\\u\{202e\}gnp\.exe": user "root" is the root user/);
  });
});
