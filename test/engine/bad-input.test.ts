import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

const PRIVILEGED = JSON.stringify({ family: 'good-input', containerDefinitions: [{ name: 'web', image: 'nginx', privileged: true }] });

describe('bad input never crashes, never passes silently, and the rest is scanned', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-bad-'));
    writeFileSync(path.join(dir, 'good.json'), PRIVILEGED);
    // 50 MB of valid-looking JSON.
    writeFileSync(path.join(dir, 'huge.json'), `{"containerDefinitions": [], "pad": "${'x'.repeat(50 * 1024 * 1024)}"}`);
    writeFileSync(path.join(dir, 'binary.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0xfe]));
    writeFileSync(path.join(dir, 'latin1.json'), Buffer.from('{"containerDefinitions": [{"name": "caf\xe9"}]}', 'latin1'));
    mkdirSync(path.join(dir, 'nested'));
    symlinkSync('..', path.join(dir, 'nested', 'loop'));
    symlinkSync('missing-target.json', path.join(dir, 'dangling.json'));
    mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'pkg', 'td.json'), PRIVILEGED);
    writeFileSync(path.join(dir, 'package.json'), '{"name": "not-a-task-definition"}');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a limit below 0.1 MB and a file under it are told apart (KB, bytes), not both 0.0 MB', async () => {
    const result = await scan({ paths: [path.join(dir, 'package.json')], checks: CHECKS, maxFileBytes: 20 });
    assert.deepEqual(
      result.errors.map((e) => e.message),
      ['file is 33 bytes, larger than the 20 bytes limit (raise it with --max-file-size)'],
    );
  });

  it('reports each bad file once, with a clear message, and still scans the good one', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    const errors = result.errors.map((e) => [path.relative(dir, e.file ?? ''), e.message]).sort();
    assert.deepEqual(errors, [
      ['binary.json', 'binary file (contains NUL bytes): not a text input'],
      ['huge.json', 'file is 50.0 MB, larger than the 32.0 MB limit (raise it with --max-file-size)'],
      ['latin1.json', 'not valid UTF-8 text'],
    ]);
    // Links that cannot be followed hide no input: skipped and counted, not errors.
    assert.deepEqual(
      result.skipped.map((s) => [path.relative(dir, s.file), s.reason]),
      [
        ['dangling.json', 'dangling symlink: its target does not exist'],
        ['nested/loop', 'symlink loop: ' + path.join(dir, 'nested', 'loop') + ' leads back to a folder above it; not followed'],
        ['package.json', 'not a task definition (JSON or YAML), a CloudFormation template, Terraform or a Terraform plan'],
      ],
    );
    // good.json is scanned; node_modules is skipped; package.json is not a task definition.
    assert.deepEqual(
      result.findings.map((f) => [path.relative(dir, f.resource.file ?? ''), f.checkId, f.status]),
      [
        // The missing user is reported at the container's first character, before the privileged value.
        ['good.json', 'no-root-user', 'FAIL'],
        ['good.json', 'no-privileged-containers', 'FAIL'],
      ],
    );
    assert.equal(result.summary.filesScanned, 1);
    assert.equal(result.summary.filesSkipped, 3);
  });

  it('a file named on the command line that is not a task definition is an error', async () => {
    const result = await scan({ paths: [path.join(dir, 'package.json')], checks: CHECKS });
    assert.equal(
      result.errors[0]?.message,
      'not a recognized input: expected a task definition in JSON or YAML, a CloudFormation template, Terraform, or a Terraform plan',
    );
  });

  it('a missing path is an error', async () => {
    const result = await scan({ paths: [path.join(dir, 'nope')], checks: CHECKS });
    assert.deepEqual(result.errors, [{ file: path.join(dir, 'nope'), message: 'no such file or directory' }]);
  });

  it('the size limit is configurable', async () => {
    const result = await scan({ paths: [path.join(dir, 'huge.json')], checks: CHECKS, maxFileBytes: 64 * 1024 * 1024 });
    // Read and parsed this time: the only complaint left is a warning about its content.
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.warnings.map((e) => e.message),
      ['task definition #0 has an empty container definitions list; container checks have nothing to check'],
    );
    assert.equal(result.summary.filesScanned, 1);
  });
});
