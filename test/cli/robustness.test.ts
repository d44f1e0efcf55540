import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

const ROOT_USER = JSON.stringify({ family: 'g', containerDefinitions: [{ name: 'c', image: 'i', user: '0' }] });

describe('robustness: one bad input never hides the others, and nothing hangs or crashes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-robust-'));
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    writeFileSync(path.join(dir, '0deep.json'), `{"family":"f","containerDefinitions":[{"name":"c","x":${deep}}]}`);
    writeFileSync(path.join(dir, 'z.json'), ROOT_USER);
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'truncated.json'), '{"family": "x"');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file too deeply nested to parse is an error of its own; its neighbours are still checked', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    // At the bracket that opens level 1001: three levels before the run of [ (prefix), then its 998th.
    const prefix = '{"family":"f","containerDefinitions":[{"name":"c","x":';
    assert.deepEqual(
      result.errors.map((e) => [path.basename(e.file ?? ''), e.line, e.column, e.message]),
      [['0deep.json', 1, prefix.length + 998, 'nested more than 1000 levels deep ([ and {); not read']],
    );
    assert.deepEqual(
      result.findings.map((f) => [path.basename(f.resource.file ?? ''), f.checkId, f.status]),
      [['z.json', 'no-root-user', 'FAIL']],
    );
  });

  it('reading stops at the size limit for devices and pipes, which have no size to check first', async () => {
    const run = await runCli(['scan', '/dev/zero', '--max-file-size', '1']);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /\/dev\/zero: file is more than the 1\.0 MB limit \(raise it with --max-file-size\)/);
  });

  it('reads process substitution (/dev/fd/N)', () => {
    const bin = path.join(REPO_ROOT, 'bin/ecsguard.js');
    const run = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" scan <(cat "${path.join(dir, 'z.json')}") --format json`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(JSON.parse(run.stdout).summary.findings.FAIL, 1);
  });

  it('a named file that is broken JSON gets the JSON error with its position', async () => {
    const run = await runCli(['scan', path.join(dir, 'truncated.json'), '--format', 'json']);
    assert.equal(run.code, 2);
    assert.deepEqual(
      JSON.parse(run.stdout).errors.map((e: { line: number; column: number; message: string }) => [e.line, e.column, e.message]),
      [[1, 15, 'invalid JSON: close brace expected']],
    );
  });

  it('an empty folder is ok but says so on standard error', async () => {
    const run = await runCli(['scan', path.join(dir, 'empty')]);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, `ecsguard: no task definitions found in ${path.join(dir, 'empty')}\n`);
  });

  it('an unwritable --output is a one-line error, not a stack trace', async () => {
    const run = await runCli(['scan', path.join(dir, 'z.json'), '-o', path.join(dir, 'missing', 'out.json')]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `ecsguard: cannot write the report to ${path.join(dir, 'missing', 'out.json')}: no such file or directory\n`);
  });

  it('check selection that would run nothing is refused', async () => {
    assert.equal((await runCli(['scan', path.join(dir, 'z.json'), '--checks='])).code, 2);
    const run = await runCli(['scan', path.join(dir, 'z.json'), '--checks', 'no-root-user', '--skip-checks', 'no-root-user']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'ecsguard: no checks left to run: --skip-checks removes every selected check\n');
  });

  it('a closed pipe ends the process quietly, never with exit 0 (as SIGPIPE would: 141)', () => {
    const bin = path.join(REPO_ROOT, 'bin/ecsguard.js');
    const big = path.join(dir, 'many.json');
    writeFileSync(big, JSON.stringify(Array.from({ length: 400 }, (_, i) => JSON.parse(ROOT_USER.replace('"g"', `"g${i}"`)))));
    const run = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${bin}" scan "${big}" --format json | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`],
      {
        encoding: 'utf8',
      },
    );
    assert.doesNotMatch(run.stderr, /EPIPE|Error/);
    assert.equal(run.stdout, 'status 141\n');
  });
});
