import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Gate, startGate } from './support/gate.js';
import { type LocalRegistry, startLocalRegistry } from './support/local-registry.js';
import { pushImage, pushIndex } from './support/push.js';
import { REPO_ROOT, runCliAsync } from './support/run-cli.js';

interface JsonFinding {
  checkId: string;
  status: string;
  container: string | null;
  message: string;
  effectiveUser: { value: string | null; source: string; reason: string } | null;
}

describe('ecsguard scan --resolve-image-users (built CLI, real registry)', () => {
  let registry: LocalRegistry;
  let gate: Gate;
  let folder: string;
  let env: Record<string, string>;
  const d: Record<string, string> = {};

  before(async () => {
    registry = await startLocalRegistry();
    d['root'] = (await pushImage(registry.url, 'team/root-app', '1.0')).digest;
    d['nonroot'] = (await pushImage(registry.url, 'team/distroless', 'nonroot', { user: '65532' })).digest;
    d['zero'] = (await pushImage(registry.url, 'team/zero', 'v1', { user: '0:0' })).digest;
    const multi = await pushIndex(registry.url, 'team/multi', '2.0', [
      { os: 'linux', architecture: 'amd64', user: 'root' },
      { os: 'linux', architecture: 'arm64', variant: 'v8', user: '1000:1000' },
    ]);
    d['multi-arm64'] = multi.platforms['linux/arm64']!;
    gate = await startGate({ upstream: registry.url, mode: 'open' });
    folder = await mkdtemp(join(tmpdir(), 'ecsguard-image-cli-'));
    for (const name of ['storefront-taskdef.json', 'agent-host.json', 'service.yaml', 'worker.tf']) {
      const text = await readFile(join(REPO_ROOT, 'test/fixtures/image-user', name), 'utf8');
      await writeFile(join(folder, name), text.replaceAll('REGISTRY', gate.host));
    }
    await mkdir(join(folder, 'docker'));
    env = { XDG_CACHE_HOME: join(folder, 'cache'), DOCKER_CONFIG: join(folder, 'docker'), HOME: folder };
  });
  after(async () => {
    await gate?.stop();
    await registry?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const img = (ref: string, digest: string) => `image ${gate.host}/${ref} (${digest})`;
  const source = (ref: string, digest: string) => `image ${gate.host}/${ref}@${digest}`;
  const userFindings = (stdout: string) =>
    (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.checkId === 'no-root-user');

  it('strict (default): every absent user still fails, and each finding says whom the image runs as', async () => {
    const run = await runCliAsync(['scan', join(folder, 'storefront-taskdef.json'), '--resolve-image-users', '--format', 'json'], env);
    assert.equal(run.code, 1, run.stderr);
    const findings = userFindings(run.stdout);
    const strict = "strict semantics require the task definition to set it (--accept-image-user lets the image's user count)";
    const proxy = `container "proxy": user is not set; ${img('team/root-app:1.0', d['root']!)} sets no USER, so it runs as root (uid 0)`;
    const api =
      `container "api": user is not set; ${img('team/distroless:nonroot', d['nonroot']!)} runs as "65532": effective non-root, ` +
      `but ${strict}`;
    const migrate = `container "migrate": user is not set; ${img('team/zero:v1', d['zero']!)} runs as "0:0", which is uid 0 (root)`;
    const worker =
      `container "worker": user is not set; ${img('team/multi:2.0', d['multi-arm64']!)} runs as "1000:1000": effective ` +
      `non-root, but ${strict}`;
    const missing = `image ${gate.host}/team/root-app:9.9 could not be read: tag "9.9" not found in ${gate.host}/team/root-app`;
    assert.deepEqual(
      findings.map((f) => [f.container, f.status, f.message]),
      [
        ['proxy', 'FAIL', proxy],
        ['api', 'FAIL', api],
        ['migrate', 'FAIL', migrate],
        ['worker', 'FAIL', worker],
        [
          'sidecar',
          'FAIL',
          `container "sidecar": user is not set, so the container runs as the image's default user, which is root unless the image sets ` +
            `USER; the image's user is unknown: ${missing}`,
        ],
      ],
    );
    assert.deepEqual(
      findings.map((f) => f.effectiveUser && [f.effectiveUser.value, f.effectiveUser.source]),
      [
        ['', source('team/root-app:1.0', d['root']!)],
        ['65532', source('team/distroless:nonroot', d['nonroot']!)],
        ['0:0', source('team/zero:v1', d['zero']!)],
        ['1000:1000', source('team/multi:2.0', d['multi-arm64']!)],
        [null, 'unresolved'],
      ],
    );
    assert.equal(findings[4]!.effectiveUser!.reason, missing);
    assert.equal(findings[0]!.effectiveUser!.reason, proxy.slice('container "proxy": '.length));
  });

  it('--accept-image-user: a non-root image user passes (as a NOTE that says so); root and unreadable images still fail', async () => {
    const run = await runCliAsync(
      ['scan', join(folder, 'storefront-taskdef.json'), '--resolve-image-users', '--accept-image-user', '--format', 'json'],
      env,
    );
    assert.equal(run.code, 1, run.stderr);
    const findings = userFindings(run.stdout);
    assert.deepEqual(
      findings.map((f) => [f.container, f.status]),
      [
        ['proxy', 'FAIL'],
        ['api', 'NOTE'],
        ['migrate', 'FAIL'],
        ['worker', 'NOTE'],
        ['sidecar', 'FAIL'],
      ],
    );
    assert.equal(
      findings[1]!.message,
      `container "api": user is not set; ${img('team/distroless:nonroot', d['nonroot']!)} runs as "65532": effective non-root (accepted ` +
        `by --accept-image-user)`,
    );
    assert.equal(findings[1]!.effectiveUser!.value, '65532');
  });

  it('host network mode: the same image facts decide host-network-nonroot-user, exit 0 when accepted', async () => {
    const strict = await runCliAsync(
      ['scan', join(folder, 'agent-host.json'), '--resolve-image-users', '--format', 'json', '--checks', 'host-network-nonroot-user'],
      env,
    );
    assert.equal(strict.code, 1, strict.stderr);
    const accepted = await runCliAsync(
      [
        'scan',
        join(folder, 'agent-host.json'),
        '--resolve-image-users',
        '--accept-image-user',
        '--format',
        'json',
        '--checks',
        'host-network-nonroot-user',
      ],
      env,
    );
    assert.equal(accepted.code, 0, accepted.stderr);
    const [finding] = (JSON.parse(accepted.stdout) as { findings: JsonFinding[] }).findings;
    assert.equal(finding!.status, 'NOTE');
    assert.equal(
      finding!.message,
      `container "agent": user is not set; ${img('team/distroless:nonroot', d['nonroot']!)} runs as "65532": effective non-root ` +
        `(accepted by --accept-image-user)`,
    );
    const [failed] = (JSON.parse(strict.stdout) as { findings: JsonFinding[] }).findings;
    assert.equal(failed!.status, 'FAIL');
    assert.match(
      failed!.message,
      /^container "agent": in host network mode, user is not set; image .* runs as "65532": effective non-root, but strict semantics/,
    );
  });

  it('a second run answers from the cache: zero registry requests', async () => {
    const args = ['scan', join(folder, 'storefront-taskdef.json'), '--resolve-image-users', '--format', 'json'];
    const cacheEnv = { ...env, XDG_CACHE_HOME: join(folder, 'cache-second-run') };
    gate.requests.length = 0;
    const first = await runCliAsync(args, cacheEnv);
    assert.ok(gate.requests.length >= 8, `first run: ${gate.requests.join(', ')}`);
    gate.requests.length = 0;
    const second = await runCliAsync(args, cacheEnv);
    // The missing tag is not cached (it may be pushed any minute): its one lookup is the only request.
    assert.deepEqual(gate.requests, ['GET /v2/team/root-app/manifests/9.9']);
    assert.deepEqual(JSON.parse(second.stdout).findings, JSON.parse(first.stdout).findings);

    const hostArgs = ['scan', join(folder, 'agent-host.json'), '--resolve-image-users', '--format', 'json'];
    await runCliAsync(hostArgs, cacheEnv);
    gate.requests.length = 0;
    const again = await runCliAsync(hostArgs, cacheEnv);
    assert.equal(again.code, 1);
    assert.deepEqual(gate.requests, [], 'every image of this task definition was answered from the cache');
  });

  it(
    'CloudFormation: a literal image is read; an image expression is UNKNOWN with the expression under --accept-image-user, FAIL when ' +
      'strict',
    async () => {
      const template = join(folder, 'service.yaml');
      const accepted = await runCliAsync(
        ['scan', template, '--resolve-image-users', '--accept-image-user', '--format', 'json', '--checks', 'no-root-user'],
        env,
      );
      const expression = "!Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/orders:latest'";
      assert.deepEqual(
        userFindings(accepted.stdout).map((f) => [f.container, f.status, f.message, f.effectiveUser?.source]),
        [
          [
            'web',
            'FAIL',
            `container "web": user is not set; ${img('team/root-app:1.0', d['root']!)} sets no USER, so it runs as root (uid 0)`,
            source('team/root-app:1.0', d['root']!),
          ],
          [
            'app',
            'UNKNOWN',
            `container "app": user is not set and image is ${expression}, which cannot be resolved, so the image's user is unknown`,
            'unresolved',
          ],
        ],
      );
      const strict = await runCliAsync(['scan', template, '--resolve-image-users', '--format', 'json', '--checks', 'no-root-user'], env);
      assert.deepEqual(
        userFindings(strict.stdout).map((f) => f.status),
        ['FAIL', 'FAIL'],
      );
    },
  );

  it(
    'Terraform: runtime_platform ARM64 picks the arm64 image of an index; an interpolated tag is UNKNOWN with the ' + 'expression',
    async () => {
      const run = await runCliAsync(
        ['scan', join(folder, 'worker.tf'), '--resolve-image-users', '--accept-image-user', '--format', 'json', '--checks', 'no-root-user'],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        userFindings(run.stdout).map((f) => [f.container, f.status, f.message]),
        [
          [
            'worker',
            'NOTE',
            `container "worker": user is not set; ${img('team/multi:2.0', d['multi-arm64']!)} runs as "1000:1000": effective non-root ` +
              `(accepted by --accept-image-user)`,
          ],
          [
            'shipper',
            'UNKNOWN',
            `container "shipper": user is not set and image is "${gate.host}/team/root-app:\${var.release}", ` +
              `which cannot be resolved, so the image's user is unknown`,
          ],
        ],
      );
    },
  );

  it('text and SARIF carry the same facts', async () => {
    const text = await runCliAsync(['scan', join(folder, 'agent-host.json'), '--resolve-image-users', '--checks', 'no-root-user'], env);
    assert.match(
      text.stdout,
      new RegExp(
        `container "agent": user is not set; image ${gate.host.replace(/\./g, '\\.')}/team/distroless:nonroot \\(sha256:[0-9a-f]{64}\\) ` +
          `runs as "65532": effective non-root`,
      ),
    );
    const sarif = await runCliAsync(
      ['scan', join(folder, 'agent-host.json'), '--resolve-image-users', '--checks', 'no-root-user', '--format', 'sarif'],
      env,
    );
    const result = JSON.parse(sarif.stdout).runs[0].results[0];
    assert.deepEqual(result.properties.effectiveUser, {
      value: '65532',
      source: source('team/distroless:nonroot', d['nonroot']!),
      reason:
        `user is not set; ${img('team/distroless:nonroot', d['nonroot']!)} runs as "65532": effective non-root, but strict ` +
        `semantics require the task definition to set it (--accept-image-user lets the image's user count)`,
    });
  });

  it('without --resolve-image-users nothing is fetched and the findings are as before', async () => {
    gate.requests.length = 0;
    const run = await runCliAsync(['scan', join(folder, 'storefront-taskdef.json'), '--format', 'json', '--checks', 'no-root-user'], env);
    assert.equal(run.code, 1);
    assert.deepEqual(gate.requests, []);
    const findings = userFindings(run.stdout);
    assert.equal(findings.length, 5);
    assert.ok(findings.every((f) => f.effectiveUser === null));
    assert.equal(
      findings[0]!.message,
      `container "proxy": user is not set, so the container runs as the image's default user, which is root unless the image sets USER`,
    );
  });

  it('a malformed Docker config.json is an input error (exit 2) naming the file; the images are still read anonymously', async () => {
    const broken = join(folder, 'broken-docker');
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, 'config.json'), '{"auths": {');
    const run = await runCliAsync(['scan', join(folder, 'agent-host.json'), '--resolve-image-users', '--format', 'json'], {
      ...env,
      DOCKER_CONFIG: broken,
      XDG_CACHE_HOME: join(folder, 'cache-broken-docker'),
    });
    assert.equal(run.code, 2);
    const report = JSON.parse(run.stdout) as { errors: Array<{ message: string; operation: string }>; findings: JsonFinding[] };
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.operation, 'resolve image users');
    assert.match(
      report.errors[0]!.message,
      new RegExp(`^the Docker config ${join(broken, 'config.json').replace(/\//g, '\\/')} is not valid JSON: `),
    );
    assert.equal(report.findings.find((f) => f.checkId === 'no-root-user')!.effectiveUser!.value, '65532');
  });

  it('an unwritable cache is a notice on standard error, not a failure', async () => {
    const blocked = join(folder, 'blocked-cache');
    await writeFile(blocked, 'a file where the cache folder should be');
    const run = await runCliAsync(
      [
        'scan',
        join(folder, 'agent-host.json'),
        '--resolve-image-users',
        '--accept-image-user',
        '--format',
        'json',
        '--checks',
        'no-root-user',
      ],
      { ...env, XDG_CACHE_HOME: blocked },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /ecsguard: cannot write the image cache in .*blocked-cache\/ecsguard\/image-users-v1: .*; image users are fetched again next time\n/,
    );
    assert.equal((run.stderr.match(/cannot write the image cache/g) ?? []).length, 1);
  });

  it('--accept-image-user alone is a usage error', async () => {
    const run = await runCliAsync(['scan', join(folder, 'agent-host.json'), '--accept-image-user'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--accept-image-user needs --resolve-image-users/);
  });
});
