import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fixture, runBuiltCli, runBuiltCliAsync } from '../support/cli.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../support/ecs-emulator/index.js';

// The few runs that need a real process: what bin/ecsguard.js does before main() (the --version fast path, the SDK
// notice), the exit status as the shell sees it, and standard streams that are real pipes. Everything else runs
// main() in-process (test/support/cli.ts). Signals: interrupt.test.ts, apply-interrupt.test.ts; EPIPE: robustness.test.ts.

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('the built bin/ecsguard.js', () => {
  it('--version and -V print the package version, exit 0', () => {
    for (const flag of ['--version', '-V']) {
      const run = runBuiltCli([flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${VERSION}\n`);
      assert.equal(run.stderr, '');
    }
  });

  it('exit status 0, 1 and 2 as a shell sees them', () => {
    assert.equal(runBuiltCli(['scan', 'examples/json/web-secure-host.json', '--skip-checks', 'no-host-network']).code, 0);
    const failing = runBuiltCli(['scan', fixture('json', 'register-input.json')]);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /privileged is true/);
    const usage = runBuiltCli(['scan', '--no-such-flag']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown option '--no-such-flag'/);
  });

  it('a scan ends its process itself once its report is written: a report larger than a pipe arrives whole', () => {
    // bin/ecsguard.js calls process.exit when a scan's main() resolves with nothing left unwritten on its streams.
    const run = runBuiltCli(['scan', 'examples/', '--format', 'sarif']);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.stdout.length > 65536, `${run.stdout.length} bytes: more than a pipe buffer holds`);
    const sarif = JSON.parse(run.stdout) as { runs: Array<{ results: unknown[] }> };
    assert.equal(sarif.runs[0]?.results.length, 30);
  });

  it('reads a task definition from a real standard input pipe', () => {
    const run = runBuiltCli(['scan', '-', '--format', 'json', '--checks', 'no-privileged-containers'], {
      input: readFileSync(fixture('json', 'register-input.json')),
    });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: Array<{ checkId: string; status: string; location: { file: string } }> };
    assert.deepEqual(
      report.findings.map((f) => [f.checkId, f.status, f.location.file]),
      [['no-privileged-containers', 'FAIL', '<stdin>']],
    );
  });

  describe('a live scan against the emulator', () => {
    let emulator: EcsEmulator;
    before(async () => {
      emulator = await startEcsEmulator({ regions: ['eu-west-1'] });
      emulator.account.registerTaskDefinition('eu-west-1', {
        family: 'bad',
        containerDefinitions: [{ name: 'a', image: 'nginx', privileged: true, user: '1000' }],
      });
    });
    after(() => emulator?.stop());

    it('loads the AWS SDK on demand, prints no SDK notice, exits 1 on a privileged revision', async () => {
      const env = { AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey };
      // The bin turns the SDK's Node-version notice off itself: the test must not.
      const run = await runBuiltCliAsync(
        ['scan', '--aws', '--endpoint-url', emulator.endpoint, '--region', 'eu-west-1', '--no-cache', '--format', 'json'],
        {
          env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined },
        },
      );
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stderr, '');
      const report = JSON.parse(run.stdout) as { findings: Array<{ checkId: string; status: string }> };
      assert.deepEqual(
        report.findings.map((f) => `${f.checkId} ${f.status}`),
        ['no-privileged-containers FAIL'],
      );
    });
  });
});
