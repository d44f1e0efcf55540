import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../support/cli.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The README's promise: `ecsguard fix` turns every failing example into a passing one. */
describe('ecsguard fix on examples/ (end to end, built CLI)', () => {
  let dir: string;
  let original: Map<string, string>;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-examples-'));
    cpSync(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
    original = new Map(filesUnder(path.join(dir, 'examples')).map((f) => [f, readFileSync(f, 'utf8')]));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('the examples fail before the fix', async () => {
    assert.equal((await runCli(['scan', 'examples'], { cwd: dir })).code, 1);
  });

  it('fix --write --network-mode awsvpc leaves nothing failing, and only changes lines that carry a fixed field', async () => {
    const fixed = await runCli(['fix', 'examples', '--write', '--network-mode', 'awsvpc'], { cwd: dir });
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const scan = await runCli(['scan', 'examples', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(scan.stdout);
    assert.equal(scan.code, 0, scan.stdout);
    assert.deepEqual(report.summary.findings.FAIL, 0);
    assert.deepEqual(report.summary.findings.UNKNOWN, 0);
    assert.deepEqual(report.errors, []);

    // Minimal diff: every removed line is a line that set one of the fixed fields; comments and the rest survive.
    const fixedField = /privileged|user|networkmode|network_mode/i;
    for (const [file, before] of original) {
      const afterText = readFileSync(file, 'utf8');
      const afterLines = new Set(afterText.split('\n'));
      const removed = before.split('\n').filter((line) => !afterLines.has(line));
      for (const line of removed) {
        // Inserting a key after the last one adds a comma to that line in JSON; nothing else may change.
        if (afterLines.has(`${line},`)) continue;
        assert.match(line, fixedField, `${path.relative(dir, file)}: unexpected change to ${JSON.stringify(line)}`);
      }
      const comments = before.split('\n').filter((l) => /#\s/.test(l)).length;
      assert.ok(afterText.split('\n').filter((l) => /#\s/.test(l)).length >= comments, `${file}: a comment was lost`);
    }
  });

  it('a second fix --write changes nothing', async () => {
    const snapshot = new Map([...original.keys()].map((f) => [f, readFileSync(f, 'utf8')]));
    const again = await runCli(['fix', 'examples', '--write', '--network-mode', 'awsvpc'], { cwd: dir });
    assert.equal(again.code, 0, again.stdout);
    for (const [file, text] of snapshot) assert.equal(readFileSync(file, 'utf8'), text, file);
  });
});
