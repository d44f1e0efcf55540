import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../support/cli.js';
import { EMULATOR_CREDENTIALS, type EcsEmulator, startEcsEmulator } from '../support/ecs-emulator/index.js';

const REGION = 'us-east-1';

/** Ctrl-C as a user presses it: SIGINT to the built CLI while an UpdateService is on the wire. */
describe('Ctrl-C during apply, through the built CLI', () => {
  let emulator: EcsEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    emulator = await startEcsEmulator({ regions: [REGION] });
    const { account } = emulator;
    for (const name of ['a', 'b', 'c']) {
      account.registerTaskDefinition(REGION, {
        family: `svc-${name}`,
        containerDefinitions: [{ name: 'app', image: `svc-${name}:1`, user: 'root' }],
      });
      account.createService(REGION, { cluster: 'prod', name, taskDefinition: `svc-${name}:1` });
    }
    dir = mkdtempSync(path.join(tmpdir(), 'ecsguard-interrupt-'));
    env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      XDG_CACHE_HOME: dir,
      CI: 'true',
      NO_COLOR: '1',
    };
    const plan = path.join(dir, 'plan.json');
    const args = [
      'fix',
      '--aws',
      '--endpoint-url',
      emulator.endpoint,
      '--region',
      REGION,
      '--scope',
      'in-use',
      '--no-cache',
      '--quiet',
      '--plan',
      plan,
    ];
    // The plan is made in this process; only the run that gets the signal needs to be a real one.
    const planned = await runCli(args, {
      env: {
        XDG_CACHE_HOME: dir,
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      },
    });
    assert.equal(planned.code, 1, planned.stderr);
  });
  after(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the call in flight, writes the journal and exits 130 printing the --resume command', async () => {
    const plan = path.join(dir, 'plan.json');
    const child = spawn(process.execPath, [BIN, 'apply', plan, '--yes', '--endpoint-url', emulator.endpoint], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    // The first UpdateService is answered 300 ms late; Ctrl-C lands while it is in flight.
    emulator.faults.add({ operation: 'UpdateService', latencyMs: 300, times: 1, match: () => (child.kill('SIGINT'), true) });
    const code = await new Promise<number | null>((resolve) =>
      child.on('exit', (c) => {
        resolve(c);
      }),
    );
    assert.equal(code, 130, stdout + stderr);
    assert.match(stderr, /stopping after the call in flight/);
    const journalFile = path.join(dir, 'plan.journal.json');
    assert.ok(stdout.includes(`To continue: ecsguard apply ${plan} --resume ${journalFile}`), stdout);
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { status: string; services: Array<{ update: { status: string } }> };
    assert.equal(journal.status, 'interrupted');
    assert.deepEqual(
      journal.services.map((s) => s.update.status),
      ['done', 'pending', 'pending'],
    );
    assert.equal(emulator.countCalls({ outcome: 'ok' })['UpdateService'], 1);
  });
});
