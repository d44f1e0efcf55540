import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../src/checks/catalogue.js';
import { scan } from '../../src/engine/scan.js';

const ROOT_USER = (family: string) => JSON.stringify({ family, containerDefinitions: [{ name: 'app', image: 'nginx', user: '0' }] });

const relative = (dir: string, file: string | undefined) => path.relative(dir, file ?? '');
const failed = (dir: string, result: Awaited<ReturnType<typeof scan>>) =>
  result.findings.map((f) => [relative(dir, f.resource.file), f.checkId, f.status, f.location?.start.line]);

describe('folders: symlinks that cannot or should not be followed are skipped and counted', () => {
  let base: string;
  let dir: string;
  before(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ecsguard-links-')));
    dir = path.join(base, 'repo');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'td.json'), ROOT_USER('inside'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not scanned');
    writeFileSync(path.join(base, 'outside.json'), ROOT_USER('outside'));
    symlinkSync('missing.json', path.join(dir, 'dangling.json'));
    symlinkSync('notes.txt', path.join(dir, 'notes-link'));
    symlinkSync('self.json', path.join(dir, 'self.json'));
    symlinkSync(path.join(base, 'outside.json'), path.join(dir, 'outside-link.json'));
    mkdirSync(path.join(base, 'elsewhere'));
    writeFileSync(path.join(base, 'elsewhere', 'other.json'), ROOT_USER('elsewhere'));
    symlinkSync(path.join(base, 'elsewhere'), path.join(dir, 'linked-folder'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('nothing that was skipped makes the scan incomplete, and each skip says why', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.skipped.map((s) => [relative(dir, s.file), s.reason]),
      [
        ['dangling.json', 'dangling symlink: its target does not exist'],
        ['linked-folder', `symlink to ${path.join(base, 'elsewhere')}, outside the scanned paths; not followed (use --follow-symlinks)`],
        ['notes-link', 'symlink to a file type that is not scanned'],
        [
          'outside-link.json',
          `symlink to ${path.join(base, 'outside.json')}, outside the scanned paths; not followed (use --follow-symlinks)`,
        ],
        ['self.json', 'symlink loop: the link leads back to itself'],
      ],
    );
    assert.equal(result.summary.filesSkipped, 5);
    assert.deepEqual(failed(dir, result), [['td.json', 'no-root-user', 'FAIL', 1]]);
    assert.deepEqual(result.roots, [dir]);
  });

  it('--follow-symlinks reads what a link outside the roots points at', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS, followSymlinks: true });
    assert.deepEqual(failed(dir, result), [
      ['linked-folder/other.json', 'no-root-user', 'FAIL', 1],
      ['outside-link.json', 'no-root-user', 'FAIL', 1],
      ['td.json', 'no-root-user', 'FAIL', 1],
    ]);
    assert.equal(result.summary.filesSkipped, 3);
  });

  it('a symlink loop named on the command line says so', async () => {
    const result = await scan({ paths: [path.join(dir, 'self.json')], checks: CHECKS });
    assert.deepEqual(result.errors, [{ file: path.join(dir, 'self.json'), message: 'symlink loop: the link points back to itself' }]);
  });

  it('a link to another scanned root is inside the roots', async () => {
    const result = await scan({ paths: [dir, path.join(base, 'outside.json')], checks: CHECKS });
    assert.deepEqual(result.roots, [dir, path.join(base, 'outside.json')]);
    // Read once, under the name met first.
    assert.deepEqual(failed(dir, result), [
      ['outside-link.json', 'no-root-user', 'FAIL', 1],
      ['td.json', 'no-root-user', 'FAIL', 1],
    ]);
  });
});

describe('files read one after another into the same memory (discover.ts, bufferToRead)', () => {
  let dir: string;
  // A long definition whose root user sits far past the end of the short one that follows it.
  const long = JSON.stringify({
    family: 'long',
    containerDefinitions: [
      { name: 'app', image: 'nginx', environment: Array.from({ length: 10_000 }, (_, i) => ({ name: `V${i}`, value: 'x' })), user: '0' },
    ],
  });
  const short = JSON.stringify({ family: 'short', containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000' }] });
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-reads-'));
    writeFileSync(path.join(dir, 'a-long.json'), long);
    writeFileSync(path.join(dir, 'b-short.json'), short);
    writeFileSync(path.join(dir, 'c-long-again.json'), long.replace('"long"', '"again"'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const userVerdicts = (result: Awaited<ReturnType<typeof scan>>) =>
    result.findings.filter((f) => f.checkId === 'no-root-user').map((f) => [relative(dir, f.resource.file), f.resource.id, f.status]);

  it('a short file read after a long one holds only its own bytes, walked or named', async () => {
    assert.ok(long.length > 200_000 && short.length < 200);
    const expected = [
      ['a-long.json', 'long', 'FAIL'],
      ['b-short.json', 'short', 'PASS'],
      ['c-long-again.json', 'again', 'FAIL'],
    ];
    const walked = await scan({ paths: [dir], checks: CHECKS, includePassed: true });
    assert.deepEqual(walked.errors, []);
    assert.deepEqual(userVerdicts(walked), expected);
    const named = await scan({
      paths: ['a-long.json', 'b-short.json', 'c-long-again.json'].map((name) => path.join(dir, name)),
      checks: CHECKS,
      includePassed: true,
    });
    assert.deepEqual(named.errors, []);
    assert.deepEqual(userVerdicts(named), expected);
  });
});

describe('inputs people really have', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-encodings-'));
    const text = ROOT_USER('utf16');
    writeFileSync(path.join(dir, 'le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = Buffer.from(text, 'utf16le');
    be.swap16();
    writeFileSync(path.join(dir, 'be.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    writeFileSync(path.join(dir, 'commented.json'), `// exported from the console\n${ROOT_USER('commented')}`);
    writeFileSync(path.join(dir, 'block-commented.json'), `/* exported */\n${ROOT_USER('block')}`);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('UTF-16 LE and BE with a byte order mark are decoded; a leading comment does not hide a JSON file', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(
      result.findings.map((f) => [
        relative(dir, f.resource.file),
        f.resource.id,
        f.status,
        f.location?.start.line,
        f.location?.start.column,
      ]),
      // `"0"` follows 79 characters of {"family":"utf16","containerDefinitions":[{"name":"app","image":"nginx","user":
      [
        ['be.json', 'utf16', 'FAIL', 1, 80],
        ['block-commented.json', 'block', 'FAIL', 2, 80],
        ['commented.json', 'commented', 'FAIL', 2, 84],
        ['le.json', 'utf16', 'FAIL', 1, 80],
      ],
    );
  });
});

describe('folders: JSON and YAML names in any case are read, Terraform names only as Terraform reads them', () => {
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'ecsguard-case-')));
    writeFileSync(path.join(dir, 'UPPER.JSON'), ROOT_USER('upper'));
    writeFileSync(path.join(dir, 'Mixed.Json'), ROOT_USER('mixed'));
    writeFileSync(path.join(dir, 'td.YML'), 'family: yml\ncontainerDefinitions:\n  - name: app\n    image: nginx\n    user: "0"\n');
    // Terraform loads `.tf` only: a `.TF` file is not configuration, and is not read.
    writeFileSync(path.join(dir, 'main.TF'), 'resource "aws_ecs_task_definition" "x" {\n  container_definitions = "[]"\n}\n');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads UPPER.JSON, Mixed.Json and td.YML; leaves main.TF', async () => {
    const result = await scan({ paths: [dir], checks: CHECKS });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.filter((f) => f.status === 'FAIL').map((f) => [relative(dir, f.resource.file), f.checkId]),
      [
        ['Mixed.Json', 'no-root-user'],
        ['td.YML', 'no-root-user'],
        ['UPPER.JSON', 'no-root-user'],
      ],
    );
    assert.equal(result.summary.filesScanned, 3);
  });
});
