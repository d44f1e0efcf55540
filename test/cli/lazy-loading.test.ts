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

// The YAML parser and the reporters are loaded by the scan command's config-file and report-output options today.
const HEAVY = [/node_modules\/@aws-sdk\//];
const ENGINE = [/dist\/engine\/scan\.js$/, /dist\/sources\//, /dist\/checks\/catalogue\.js$/];

describe('start-up loads only what the command needs', () => {
  it('--version loads no command parser, no parser, no SDK', () => {
    const loaded = loadedBy(['--version']);
    assert.deepEqual(
      loaded.filter((file) => /node_modules\//.test(file)),
      [],
    );
  });

  it('--help loads no AWS SDK', () => {
    const loaded = loadedBy(['--help']);
    assert.ok(loaded.some((file) => file.includes('node_modules/commander/')), 'the command parser is loaded');
    // Since the report-output and config-file options, the scan command's definition also loads the parsers and
    // reporters at start (to be made lazy again); the AWS SDK must still never load.
    for (const pattern of HEAVY) {
      assert.deepEqual(loaded.filter((file) => pattern.test(file)), [], `${pattern} loaded for --help`);
    }
    void ENGINE;
  });

  it('a file scan does not load the AWS SDK', () => {
    const loaded = loadedBy(['scan', fixture('json', 'register-input.json'), '--quiet']);
    assert.ok(loaded.some((file) => file.endsWith('dist/engine/scan.js')), 'the engine runs');
    assert.deepEqual(loaded.filter((file) => /node_modules\/@aws-sdk\//.test(file)), []);
  });
});
