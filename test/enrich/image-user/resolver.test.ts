import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImageUserResolver, type ImageUserResolverOptions } from '../../../src/enrich/image-user/resolver.js';
import { type Gate, startGate } from './support/gate.js';
import { type LocalRegistry, startLocalRegistry } from './support/local-registry.js';
import { pushImage, pushIndex } from './support/push.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const ARM64 = { os: 'linux', architecture: 'arm64' };

describe('image users from a real registry (Debian docker-registry)', () => {
  let registry: LocalRegistry;
  let open: Gate;
  let bearer: Gate;
  let folder: string;
  const digests: Record<string, string> = {};
  let multi: Awaited<ReturnType<typeof pushIndex>>;

  before(async () => {
    registry = await startLocalRegistry();
    folder = await mkdtemp(join(tmpdir(), 'ecsguard-image-users-'));
    digests['root'] = (await pushImage(registry.url, 'team/root-app', '1.0')).digest;
    digests['nonroot'] = (await pushImage(registry.url, 'team/distroless', 'nonroot', { user: '65532' })).digest;
    digests['zero'] = (await pushImage(registry.url, 'team/zero', 'v1', { user: '0:0', docker: true })).digest;
    digests['named'] = (await pushImage(registry.url, 'team/named', 'v1', { user: 'app:app' })).digest;
    digests['big'] = (await pushImage(registry.url, 'team/big', 'v1', { user: '1000', padding: 3 * 1024 * 1024 })).digest;
    digests['private'] = (await pushImage(registry.url, 'team/private', 'v1', { user: '1001' })).digest;
    multi = await pushIndex(registry.url, 'team/multi', '2.0', [
      { os: 'linux', architecture: 'amd64', user: 'root' },
      { os: 'linux', architecture: 'arm64', variant: 'v8', user: '1000:1000' },
    ]);
    open = await startGate({ upstream: registry.url, mode: 'open' });
    bearer = await startGate({
      upstream: registry.url,
      mode: 'bearer',
      username: 'robot',
      password: 's3cret',
      privateRepositories: ['team/private'],
    });
  });
  after(async () => {
    await open?.stop();
    await bearer?.stop();
    await registry?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const resolver = (options: ImageUserResolverOptions = {}) =>
    new ImageUserResolver({ dockerConfigPath: join(folder, 'absent', 'config.json'), ...options });

  it('reads an image that sets no USER as "" (root), with the manifest digest', async () => {
    const result = await resolver().resolve(`${open.host}/team/root-app:1.0`, AMD64);
    assert.deepEqual(result, { ok: true, digest: digests['root'], user: '' });
  });

  it('reads a non-root USER, a Docker schema 2 "0:0" USER and a named USER', async () => {
    const r = resolver();
    assert.deepEqual(await r.resolve(`${open.host}/team/distroless:nonroot`, AMD64), {
      ok: true,
      digest: digests['nonroot'],
      user: '65532',
    });
    assert.deepEqual(await r.resolve(`${open.host}/team/zero:v1`, AMD64), { ok: true, digest: digests['zero'], user: '0:0' });
    assert.deepEqual(await r.resolve(`${open.host}/team/named:v1`, AMD64), { ok: true, digest: digests['named'], user: 'app:app' });
  });

  it('picks the task platform from a multi-architecture index', async () => {
    const r = resolver();
    assert.deepEqual(await r.resolve(`${open.host}/team/multi:2.0`, AMD64), {
      ok: true,
      digest: multi.platforms['linux/amd64'],
      user: 'root',
    });
    assert.deepEqual(await r.resolve(`${open.host}/team/multi:2.0`, ARM64), {
      ok: true,
      digest: multi.platforms['linux/arm64'],
      user: '1000:1000',
    });
    assert.deepEqual(await r.resolve(`${open.host}/team/multi@${multi.digest}`, ARM64), {
      ok: true,
      digest: multi.platforms['linux/arm64'],
      user: '1000:1000',
    });
    assert.deepEqual(await r.resolve(`${open.host}/team/multi:2.0`, { os: 'windows', architecture: 'amd64' }), {
      ok: false,
      reason: `${open.host}/team/multi:2.0 has no image for windows/amd64 (it has linux/amd64, linux/arm64/v8)`,
    });
    assert.deepEqual(
      await r.resolve(`${open.host}/team/multi:2.0`, { ...AMD64, unresolved: 'runtimePlatform.cpuArchitecture is var.arch' }),
      {
        ok: false,
        reason:
          `runtimePlatform.cpuArchitecture is var.arch, which cannot be resolved, and ${open.host}/team/multi:2.0 is a ` +
          `multi-platform image`,
      },
    );
  });

  it('reads an image pinned by digest, and refuses a digest the registry does not have', async () => {
    const r = resolver();
    assert.deepEqual(await r.resolve(`${open.host}/team/distroless@${digests['nonroot']}`, AMD64), {
      ok: true,
      digest: digests['nonroot'],
      user: '65532',
    });
    const missing = `sha256:${'0'.repeat(64)}`;
    assert.deepEqual(await r.resolve(`${open.host}/team/distroless@${missing}`, AMD64), {
      ok: false,
      reason: `${open.host}/team/distroless@${missing}: manifest ${missing} not found in ${open.host}/team/distroless`,
    });
  });

  it('says a missing tag is missing', async () => {
    assert.deepEqual(await resolver().resolve(`${open.host}/team/root-app:2.0`, AMD64), {
      ok: false,
      reason: `${open.host}/team/root-app:2.0: tag "2.0" not found in ${open.host}/team/root-app`,
    });
  });

  it('refuses an oversized configuration without reading it', async () => {
    const result = await resolver().resolve(`${open.host}/team/big:v1`, AMD64);
    assert.equal(result.ok, false);
    assert.match(
      (result as { reason: string }).reason,
      /^127\.0\.0\.1:\d+\/team\/big:v1: the image configuration is 31\d{5} bytes, over the 2097152-byte limit$/,
    );
    assert.ok(!open.requests.some((r) => r.includes('/team/big/blobs/')), 'the config blob was not downloaded');
  });

  it('refuses an oversized manifest as it streams', async () => {
    const result = await resolver({ maxManifestBytes: 100 }).resolve(`${open.host}/team/distroless:nonroot`, AMD64);
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /manifests\/nonroot is \d+ bytes, over the 100-byte limit$/);
  });

  it('refuses a configuration blob that does not match its digest', async () => {
    const tampering = await startGate({ upstream: registry.url, mode: 'open', tamperBlobs: true });
    try {
      const result = await resolver().resolve(`${tampering.host}/team/distroless:nonroot`, AMD64);
      const config = await configDigestOf('team/distroless', 'nonroot');
      assert.deepEqual(result, {
        ok: false,
        reason: `${tampering.host}/team/distroless:nonroot: the configuration blob does not match its digest ${config}`,
      });
    } finally {
      await tampering.stop();
    }
  });

  it('answers a bearer-token challenge anonymously', async () => {
    bearer.requests.length = 0;
    const result = await resolver().resolve(`${bearer.host}/team/distroless:nonroot`, AMD64);
    assert.deepEqual(result, { ok: true, digest: digests['nonroot'], user: '65532' });
    assert.deepEqual(bearer.requests, [
      'GET /v2/team/distroless/manifests/nonroot',
      'GET /token?service=ecsguard-test-registry&scope=repository%3Ateam%2Fdistroless%3Apull',
      'GET /v2/team/distroless/manifests/nonroot',
      `GET /v2/team/distroless/blobs/${await configDigestOf('team/distroless', 'nonroot')}`,
    ]);
  });

  it('uses Docker config.json auths for a private repository, and says why when it has none', async () => {
    const configPath = join(folder, 'docker', 'config.json');
    await writeFile(join(folder, 'helpers.json'), JSON.stringify({ credHelpers: { [bearer.host]: 'ecr-login' } }));
    const withHelper = await resolver({ dockerConfigPath: join(folder, 'helpers.json') }).resolve(`${bearer.host}/team/private:v1`, AMD64);
    assert.deepEqual(withHelper, {
      ok: false,
      reason:
        `the token service of ${bearer.host} answered 401 for team/private; its credentials are in the credential helper ` +
        `docker-credential-ecr-login, which ecsguard does not run`,
    });
    const anonymous = await resolver().resolve(`${bearer.host}/team/private:v1`, AMD64);
    assert.equal(
      (anonymous as { reason: string }).reason,
      `the token service of ${bearer.host} answered 401 for team/private; no Docker config.json with credentials for it`,
    );

    await import('node:fs/promises').then((fs) => fs.mkdir(join(folder, 'docker'), { recursive: true }));
    const auth = Buffer.from('robot:s3cret').toString('base64');
    await writeFile(configPath, JSON.stringify({ auths: { [`http://${bearer.host}`]: { auth } } }));
    assert.deepEqual(await resolver({ dockerConfigPath: configPath }).resolve(`${bearer.host}/team/private:v1`, AMD64), {
      ok: true,
      digest: digests['private'],
      user: '1001',
    });
  });

  it('reports a malformed Docker config.json once and goes on anonymously', async () => {
    const broken = join(folder, 'broken.json');
    await writeFile(broken, '{"auths": ');
    const r = resolver({ dockerConfigPath: broken });
    assert.deepEqual(await r.resolve(`${open.host}/team/distroless:nonroot`, AMD64), {
      ok: true,
      digest: digests['nonroot'],
      user: '65532',
    });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!, /^the Docker config .*broken\.json is not valid JSON: /);
  });

  it('says an unreachable registry is unreachable, within the time-out', async () => {
    const closed = await startGate({ upstream: registry.url, mode: 'open' });
    await closed.stop();
    const result = await resolver({ timeoutMs: 2_000 }).resolve(`${closed.host}/team/app:1`, AMD64);
    assert.deepEqual(result, { ok: false, reason: `cannot reach ${closed.host}: ECONNREFUSED` });
    const silent = await startGate({ upstream: registry.url, mode: 'open', delayMs: 5_000 });
    try {
      const slow = await resolver({ timeoutMs: 300 }).resolve(`${silent.host}/team/app:1`, AMD64);
      assert.deepEqual(slow, { ok: false, reason: `${silent.host} did not answer within 300 ms` });
    } finally {
      await silent.stop();
    }
  });

  it('caches by digest: a second resolver with the same cache makes zero registry requests', async () => {
    const cacheDir = join(folder, 'cache');
    const images = [`${open.host}/team/root-app:1.0`, `${open.host}/team/multi:2.0`, `${open.host}/team/distroless@${digests['nonroot']}`];
    const first = resolver({ cacheDir });
    const firstResults = await Promise.all(images.map((i) => first.resolve(i, ARM64)));
    open.requests.length = 0;
    const second = resolver({ cacheDir });
    const secondResults = await Promise.all(images.map((i) => second.resolve(i, ARM64)));
    assert.deepEqual(secondResults, firstResults);
    assert.deepEqual(open.requests, []);
    // The tag → digest answer expires (tags move); the digest → user answer does not.
    const expired = resolver({ cacheDir, tagTtlMs: 0 });
    await expired.resolve(`${open.host}/team/root-app:1.0`, ARM64);
    assert.deepEqual(open.requests, ['GET /v2/team/root-app/manifests/1.0']);
  });

  it('bounds requests in flight per registry', async () => {
    const slow = await startGate({ upstream: registry.url, mode: 'open', delayMs: 200 });
    try {
      const tags = ['team/root-app:1.0', 'team/distroless:nonroot', 'team/zero:v1', 'team/named:v1', 'team/multi:2.0'];
      const bounded = resolver({ concurrencyPerRegistry: 2 });
      const results = await Promise.all(tags.map((t) => bounded.resolve(`${slow.host}/${t}`, AMD64)));
      assert.ok(results.every((r) => r.ok));
      assert.equal(slow.peakInFlight, 2);
      slow.peakInFlight = 0;
      await Promise.all(tags.map((t) => resolver({ concurrencyPerRegistry: 5 }).resolve(`${slow.host}/${t}`, AMD64)));
      assert.equal(slow.peakInFlight, 5, 'without the bound the same lookups overlap');
    } finally {
      await slow.stop();
    }
  });

  async function configDigestOf(repository: string, tag: string): Promise<string> {
    const manifest = (await (
      await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as {
      config: { digest: string };
    };
    return manifest.config.digest;
  }
});
