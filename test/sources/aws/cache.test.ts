import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DescribeCache, defaultCacheDir } from '../../../src/sources/aws/cache.js';
import type { EcsEmulator } from '../../support/ecs-emulator/index.js';
import { arn, liveSource, scanLive, startSeededEmulator, temporaryDir } from './helpers.js';

describe('describe cache', () => {
  let emulator: EcsEmulator;
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => {
    emulator = await startSeededEmulator();
  });
  after(() => emulator.stop());
  beforeEach(async () => {
    emulator.resetCalls();
    emulator.faults.clear();
    dir = await temporaryDir();
  });

  it('a re-scan of an unchanged account makes zero DescribeTaskDefinition calls and gives the same findings', async () => {
    const first = liveSource(emulator, { scope: 'all', cacheDir: dir.path });
    const before = await scanLive(first, true);
    assert.equal(first.stats.described, 131);
    assert.equal((await readdir(join(dir.path, 'task-definitions-v1'))).length, 131);
    emulator.resetCalls();
    const second = liveSource(emulator, { scope: 'all', cacheDir: dir.path });
    const again = await scanLive(second, true);
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition' }), {});
    assert.equal(second.stats.cacheHits, 131);
    assert.equal(second.stats.described, 0);
    assert.deepEqual(again.findings, before.findings);
    await dir.remove();
  });

  it('describes only new revisions, and takes the status from the listing (deregistered since cached)', async () => {
    const emulator = await startSeededEmulator(); // changes the account: its own copy
    await liveSource(emulator, { scope: 'all', cacheDir: dir.path }).load();
    emulator.account.registerTaskDefinition('us-east-1', {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx', user: '1000' }],
    });
    emulator.account.deregisterTaskDefinition('us-east-1', 'web:5');
    emulator.resetCalls();
    const output = await liveSource(emulator, { scope: 'all', cacheDir: dir.path }).load();
    assert.deepEqual(
      emulator.calls.filter((c) => c.operation === 'DescribeTaskDefinition').map((c) => c.input['taskDefinition']),
      [arn('us-east-1', 'web:6')],
    );
    const web5 = output.definitions.find((d) => d.resource.arn === arn('us-east-1', 'web:5'));
    assert.deepEqual(web5?.body.entries.find((e) => e.key === 'status')?.value, { kind: 'string', value: 'INACTIVE' });
    await emulator.stop();
    await dir.remove();
  });

  it('ignores a corrupt or mismatched entry and re-fetches it', async () => {
    await liveSource(emulator, { scope: 'latest', cacheDir: dir.path }).load();
    const cache = new DescribeCache(dir.path);
    await writeFile(cache.pathFor(arn('us-east-1', 'web:5')), '{"version":1,"arn":"arn:…", trunc');
    const other = JSON.parse(await readFile(cache.pathFor(arn('us-east-1', 'agent:1')), 'utf8')) as Record<string, unknown>;
    await writeFile(cache.pathFor(arn('us-east-1', 'batch:3')), JSON.stringify(other)); // another revision's entry
    emulator.resetCalls();
    const source = liveSource(emulator, { scope: 'latest', cacheDir: dir.path });
    const result = await scanLive(source);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      emulator.calls
        .filter((c) => c.operation === 'DescribeTaskDefinition')
        .map((c) => c.input['taskDefinition'])
        .sort(),
      [arn('us-east-1', 'batch:3'), arn('us-east-1', 'web:5')],
    );
    assert.ok(result.findings.some((f) => f.checkId === 'no-root-user' && f.resource.family === 'batch'));
    // Repaired on disk.
    assert.equal((await cache.get(arn('us-east-1', 'web:5')))?.taskDefinition.taskDefinitionArn, arn('us-east-1', 'web:5'));
    await dir.remove();
  });

  it('writes atomically and leaves no temporary files', async () => {
    await liveSource(emulator, { scope: 'active', cacheDir: dir.path }).load();
    const files = await readdir(join(dir.path, 'task-definitions-v1'));
    assert.equal(files.length, 126);
    assert.ok(files.every((f) => /^[0-9a-f]{64}\.json$/.test(f)));
    await dir.remove();
  });

  it('goes on without caching (and says so) when the cache cannot be written', async () => {
    await chmod(dir.path, 0o500);
    const notices: string[] = [];
    const result = await scanLive(
      liveSource(emulator, { scope: 'latest', cacheDir: join(dir.path, 'sub'), notice: (m) => notices.push(m) }),
    );
    await chmod(dir.path, 0o700);
    assert.deepEqual(result.errors, []);
    assert.equal(result.summary.taskDefinitions, 4);
    if (process.getuid?.() !== 0) {
      assert.equal(notices.length, 1);
      assert.match(notices[0] ?? '', /^cannot write the cache in .*: EACCES.*; continuing without caching$/);
    }
    await dir.remove();
  });

  it('--no-cache (no cacheDir) describes every time', async () => {
    await liveSource(emulator, { scope: 'latest' }).load();
    await liveSource(emulator, { scope: 'latest' }).load();
    assert.deepEqual(emulator.countCalls({ operation: 'DescribeTaskDefinition' }), { DescribeTaskDefinition: 8 });
    await dir.remove();
  });

  it('lives in XDG_CACHE_HOME/ecsguard, else ~/.cache/ecsguard', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/ecsguard');
    assert.match(defaultCacheDir({}), /\/\.cache\/ecsguard$/);
  });
});
