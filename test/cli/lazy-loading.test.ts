import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, fixture } from '../support/cli.js';

// A module hook in the child process lists every file it loads, so the test sees what each command costs at start.
const HOOK = `data:text/javascript,${encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }",
)}`;
const REGISTER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(HOOK)});`)}`;

function loadedBy(args: string[]): string[] {
  const run = spawnSync(process.execPath, ['--import', REGISTER, path.join(REPO_ROOT, 'bin/ecsguard.js'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    encoding: 'utf8',
  });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED file://'.length).replace(`${REPO_ROOT}/`, ''));
}

describe('start-up loads only what the command needs', () => {
  it('--version loads no command parser, no parser, no SDK', () => {
    const loaded = loadedBy(['--version']);
    assert.deepEqual(
      loaded.filter((file) => /node_modules\//.test(file)),
      [],
    );
  });

  it('--help loads the command parser and the command list, no command', () => {
    const loaded = loadedBy(['--help']);
    assert.deepEqual(
      loaded.filter((file) => /node_modules\//.test(file) && !file.includes('node_modules/commander/')),
      [],
    );
    assert.deepEqual(loaded.filter((file) => file.startsWith('dist/')).sort(), [
      'dist/cli/exit-code.js',
      'dist/cli/interrupt.js',
      'dist/cli/io.js',
      'dist/cli/main.js',
      'dist/model/errors.js',
      'dist/version.js',
    ]);
  });

  it('scan --help loads the scan command only: no engine, no source, no schema, no other command', () => {
    const loaded = loadedBy(['scan', '--help']);
    assert.ok(loaded.includes('dist/cli/commands/scan.js'));
    assert.deepEqual(
      loaded.filter((file) => /^dist\/cli\/commands\/(?!scan\.js)/.test(file)),
      [],
    );
    assert.deepEqual(
      loaded.filter((file) =>
        /dist\/engine\/scan\.js|dist\/sources\/(json|cloudformation|terraform)\/|node_modules\/(zod|web-tree-sitter|@aws-sdk)\//.test(file),
      ),
      [],
    );
  });

  it('a file scan does not load the AWS SDK', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.ok(
      loaded.some((file) => file.endsWith('dist/engine/scan.js')),
      'the engine runs',
    );
    assert.deepEqual(
      loaded.filter((file) => /node_modules\/@aws-sdk\//.test(file)),
      [],
    );
    // Without a config file, exceptions or a baseline, their schemas are not loaded.
    assert.deepEqual(
      loaded.filter((file) => /node_modules\/zod\//.test(file)),
      [],
    );
  });

  it('a one-file JSON scan with text output loads no other source, no YAML or HCL parser, no peers, no fix edits, one reporter, no pool', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.ok(loaded.includes('dist/sources/json/json-source.js'), 'the JSON source runs');
    assert.ok(loaded.includes('dist/report/text.js'), 'the text reporter writes');
    assert.deepEqual(
      loaded.filter((file) =>
        /dist\/sources\/(cloudformation|terraform)\/(?!detect\.js|ecs-keys\.js)|node_modules\/(yaml|web-tree-sitter|@tree-sitter-grammars)\/|dist\/peers\/(?!tool-names\.js)|dist\/fix\/|dist\/report\/(?!text\.js|formats\.js|controls\.js|chunks\.js)|dist\/engine\/(pool|scan-worker)\.js/.test(
          file,
        ),
      ),
      [],
    );
  });

  it('a one-file JSON scan with JSON output loads the peers and the fix editors it prints, still no YAML or HCL parser', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet', '--format', 'json']);
    assert.ok(loaded.includes('dist/report/json.js'));
    assert.ok(loaded.includes('dist/peers/index.js'));
    assert.ok(loaded.includes('dist/fix/finding-edits.js'));
    assert.deepEqual(
      loaded.filter((file) =>
        /node_modules\/(yaml|web-tree-sitter)\/|dist\/sources\/(cloudformation|terraform)\/(?!detect\.js|ecs-keys\.js)/.test(file),
      ),
      [],
    );
  });
});
