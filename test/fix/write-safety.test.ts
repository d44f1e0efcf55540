import assert from 'node:assert/strict';
import { chmodSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { CHECKS } from '../../src/checks/catalogue.js';
import { fixFiles } from '../../src/fix/fix-files.js';
import { DEFAULT_FIX_OPTIONS } from '../../src/fix/strategy.js';
import { runFix, workspace } from './helpers.js';
import { realRoots, temporaryName, writeFixedFile } from '../../src/fix/write-files.js';

const PRIVILEGED = '{"family":"a","containerDefinitions":[{"name":"b","image":"y","user":"1000","privileged":true}]}\n';
const FIXED = '{"family":"a","containerDefinitions":[{"name":"b","image":"y","user":"1000","privileged":false}]}\n';
const DIFF = `--- a/td.json
+++ b/td.json
@@ -1,1 +1,1 @@
-${PRIVILEGED}+${FIXED}`;

describe('fix --write: writes what it shows, and only that', () => {
  it('keeps a UTF-8 BOM, and the diff shows only the change', async () => {
    const dir = workspace({});
    writeFileSync(path.join(dir, 'td.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PRIVILEGED)]));
    const run = await runCli(['fix', 'td.json', '--write'], { cwd: dir });
    assert.equal(run.stdout, `${DIFF}\nwrote 1 file; 0 manual fixes\n`);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readFileSync(path.join(dir, 'td.json')), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FIXED)]));
  });

  it('writes atomically: a new file renamed into place, mode kept, no temporary left', async () => {
    const dir = workspace({ 'td.json': PRIVILEGED });
    const file = path.join(dir, 'td.json');
    chmodSync(file, 0o640);
    const before = statSync(file);
    const run = await runCli(['fix', 'td.json', '--write'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const after = statSync(file);
    assert.equal(readFileSync(file, 'utf8'), FIXED);
    assert.notEqual(after.ino, before.ino, 'renamed into place, not rewritten in place');
    assert.equal(after.mode & 0o7777, 0o640);
    assert.deepEqual([after.uid, after.gid], [before.uid, before.gid]);
    assert.deepEqual(readdirSync(dir), ['td.json']);
  });

  it('a symlink inside the tree is written through and stays a symlink', async () => {
    const dir = workspace({ 'real/td.json': PRIVILEGED });
    symlinkSync('real/td.json', path.join(dir, 'link.json'));
    const run = await runCli(['fix', 'link.json', '--write'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readlinkSync(path.join(dir, 'link.json')), 'real/td.json');
    assert.equal(readFileSync(path.join(dir, 'real/td.json'), 'utf8'), FIXED);
  });

  it('a symlink to a file outside the tree is not followed, so not fixed', async () => {
    const dir = workspace({ 'outside/td.json': PRIVILEGED, 'tree/.keep': '' });
    symlinkSync('../outside/td.json', path.join(dir, 'tree', 'td.json'));
    const run = await runCli(['fix', 'tree', '--write'], { cwd: dir });
    assert.equal(readFileSync(path.join(dir, 'outside/td.json'), 'utf8'), PRIVILEGED);
    assert.equal(lstatSync(path.join(dir, 'tree', 'td.json')).isSymbolicLink(), true);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it('the writer refuses a symlink that leads outside the trees given, even when discovery followed it', async () => {
    const dir = workspace({ 'outside/td.json': PRIVILEGED, 'tree/.keep': '' });
    symlinkSync('../outside/td.json', path.join(dir, 'tree', 'td.json'));
    const tree = path.join(dir, 'tree');
    const result = await fixFiles({ paths: [tree], checks: CHECKS, fix: DEFAULT_FIX_OPTIONS, followSymlinks: true });
    const change = result.changes[0];
    assert.equal(change?.file, path.join(tree, 'td.json'));
    assert.deepEqual(await writeFixedFile(change, await realRoots([tree])), {
      file: path.join(tree, 'td.json'),
      message:
        `not written: it is a symlink to ${path.join(dir, 'outside', 'td.json')}, outside the folders and files given (${tree}); ` +
        `ecsguard fix never writes outside them`,
    });
    assert.equal(readFileSync(path.join(dir, 'outside/td.json'), 'utf8'), PRIVILEGED);
  });

  it('never writes a Terraform module outside the folders given', async () => {
    const module = [
      'resource "aws_ecs_task_definition" "this" {',
      '  family                = "svc"',
      '  container_definitions = jsonencode([{ name = "app", image = "nginx", user = "1000", privileged = true }])',
      '}',
      '',
    ].join('\n');
    const dir = workspace({ 'envs/prod/main.tf': 'module "svc" {\n  source = "../../modules/svc"\n}\n', 'modules/svc/main.tf': module });
    // The dry run says what --write will do: no diff for the module, the same refusal.
    const dry = await runCli(['fix', 'envs/prod'], { cwd: dir });
    assert.equal(
      dry.stdout,
      `Errors (what these name was not read or not fixed; the rest of a file may have been):
  modules/svc/main.tf: would not be written: it is outside the folders and files given (${path.join(dir, 'envs/prod')}); to fix it, ` +
        `name it or its folder as well

nothing to change; 0 manual fixes; 1 error
`,
    );
    assert.equal(dry.code, 2);
    const run = await runCli(['fix', 'envs/prod', '--write'], { cwd: dir });
    assert.equal(
      run.stdout,
      `Errors (what these name was not read or not fixed; the rest of a file may have been):
  modules/svc/main.tf: not written: it is outside the folders and files given (${path.join(dir, 'envs/prod')}); to fix it, name it or ` +
        `its folder as well

nothing to change; 0 manual fixes; 1 error
`,
    );
    assert.equal(run.code, 2);
    assert.equal(readFileSync(path.join(dir, 'modules/svc/main.tf'), 'utf8'), module);
    const both = await runCli(['fix', 'envs/prod', 'modules/svc', '--write'], { cwd: dir });
    assert.equal(both.code, 0, both.stdout);
    assert.equal(readFileSync(path.join(dir, 'modules/svc/main.tf'), 'utf8'), module.replace('privileged = true', 'privileged = false'));
  });

  it('a file whose name is near the 255-byte limit is written (its temporary name is cut short), and so are the others', async () => {
    const long = `${'é'.repeat(100)}${'a'.repeat(45)}.json`; // 250 bytes
    const dir = workspace({ [long]: PRIVILEGED, 'b.json': PRIVILEGED });
    const run = await runCli(['fix', '.', '--write'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /wrote 2 files; 0 manual fixes\n$/);
    assert.equal(readFileSync(path.join(dir, long), 'utf8'), FIXED);
    assert.equal(readFileSync(path.join(dir, 'b.json'), 'utf8'), FIXED);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.ecsguard-tmp')),
      [],
    );
    const name = temporaryName(long);
    assert.ok(Buffer.byteLength(name) <= 255 && name.startsWith(`.${'é'.repeat(100)}`), name);
  });

  it('writes a UTF-16 file back as UTF-16 with its BOM', async () => {
    const dir = workspace({});
    const file = path.join(dir, 'td.json');
    const utf16be = (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    writeFileSync(file, utf16be(PRIVILEGED));
    const change = { file, before: PRIVILEGED, after: FIXED, edits: [] };
    assert.equal(await writeFixedFile(change, await realRoots([dir])), undefined);
    assert.deepEqual(readFileSync(file), utf16be(FIXED));
  });

  it('does not overwrite a file that changed after it was read', async () => {
    const dir = workspace({ 'td.json': PRIVILEGED });
    const fix = await runFix(dir);
    writeFileSync(path.join(dir, 'td.json'), `${PRIVILEGED}\n`);
    const change = fix.result.changes[0];
    assert.ok(change);
    assert.deepEqual(await writeFixedFile(change, await realRoots([dir])), {
      file: change.file,
      message: 'not written: the file changed since it was read; run fix again',
    });
    assert.equal(readFileSync(path.join(dir, 'td.json'), 'utf8'), `${PRIVILEGED}\n`);
  });
});

describe('fix: never edits what it reports as not fixed', () => {
  const notChanged = (problems: string) => `not changed: ${problems}; correct that, then run fix again`;

  it('a task definition with a container without a name is left as it is', async () => {
    const text = '{"family":"a","containerDefinitions":[{"image":"x","privileged":true},{"name":"b","image":"y","user":"root"}]}';
    const run = await runFix(workspace({ 'td.json': text }));
    assert.deepEqual(run.result.changes, []);
    const [definition] = run.result.definitions;
    assert.deepEqual(definition?.changes, []);
    const reason = notChanged(
      `task definition a: container definition #0 has no name (ECS requires one) at ${path.join(run.dir, 'td.json')}:1:39`,
    );
    assert.deepEqual(
      definition?.manual.map((m) => `${m.checkId} ${m.container}: ${m.reason}`),
      [`no-privileged-containers #0: ${reason}`, `no-root-user #0: ${reason}`, `no-root-user b: ${reason}`],
    );
  });

  it('a task definition with a list element that is not an object is left as it is', async () => {
    const text = '{"family":"a","containerDefinitions":["oops",{"name":"b","image":"y","user":"1000","privileged":true}]}';
    const run = await runFix(workspace({ 'td.json': text }));
    assert.deepEqual(run.result.changes, []);
    assert.deepEqual(
      run.result.definitions[0]?.manual.map((m) => `${m.checkId} ${m.container}: ${m.reason}`),
      [
        `no-privileged-containers ` +
          `b: ${notChanged(
            `task definition a: container definition #0 must be an object, found string ` + `at ${path.join(run.dir, 'td.json')}:1:39`,
          )}`,
      ],
    );
  });
});

describe('fix: Terraform objects shared by several containers', () => {
  it('a for expression gets each attribute once', async () => {
    const tf = [
      'locals { names = ["a", "b"] }',
      'resource "aws_ecs_task_definition" "t" {',
      '  family                = "t"',
      '  container_definitions = jsonencode([for n in local.names : { name = n, image = "nginx", privileged = true }])',
      '}',
      '',
    ].join('\n');
    const run = await runFix(workspace({ 'main.tf': tf }));
    assert.equal(run.after['main.tf'], tf.replace('privileged = true }', 'privileged = false, user = "1000:1000" }'));
  });
});
