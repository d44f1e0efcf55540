import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CHECKS } from '../../../src/checks/catalogue.js';
import { Command } from 'commander';
import { addAwsScanOptions, createAwsLiveSource } from '../../../src/cli/aws-options.js';
import { scan } from '../../../src/engine/scan.js';
import { UsageError } from '../../../src/model/errors.js';
import type { EcsEmulator } from '../../support/ecs-emulator/index.js';
import { EMULATOR_CREDENTIALS } from '../../support/ecs-emulator/index.js';
import { startSeededEmulator, temporaryDir } from './helpers.js';

function parse(args: string[]): Record<string, unknown> {
  const command = addAwsScanOptions(new Command('scan').exitOverride().configureOutput({ writeErr: () => undefined }));
  command.parse(args, { from: 'user' });
  return command.opts();
}

const context = () => ({ showProgress: false, stderr: new PassThrough() });

describe('--aws CLI options', () => {
  let emulator: EcsEmulator;
  before(async () => {
    emulator = await startSeededEmulator();
  });
  after(() => emulator.stop());

  it('parses every option', () => {
    assert.deepEqual(
      parse([
        '--aws',
        '--profile',
        'p',
        '--role-arn',
        'arn:aws:iam::123456789012:role/r',
        '--external-id',
        'x',
        '--region',
        'us-east-1,eu-west-1',
        '--endpoint-url',
        'http://127.0.0.1:1',
        '--scope',
        'in-use',
        '--cache-dir',
        '/c',
        '--no-cache',
        '--max-concurrency',
        '4',
      ]),
      {
        aws: true,
        profile: 'p',
        roleArn: 'arn:aws:iam::123456789012:role/r',
        externalId: 'x',
        region: ['us-east-1', 'eu-west-1'],
        endpointUrl: 'http://127.0.0.1:1',
        scope: 'in-use',
        cacheDir: '/c',
        cache: false,
        maxConcurrency: 4,
      },
    );
    assert.throws(() => parse(['--scope', 'newest']), /Allowed choices are latest, active, in-use, all/);
    assert.throws(() => parse(['--region', 'us-east-1,useast1']), /"useast1" is not a region name/);
    assert.throws(() => parse(['--max-concurrency', '0']), /expected a positive integer/);
  });

  it('returns undefined without --aws, and refuses live-only options without it', async () => {
    assert.equal(await createAwsLiveSource(parse([]), context()), undefined);
    await assert.rejects(
      createAwsLiveSource(parse(['--scope', 'all']), context()),
      new UsageError('--scope only applies to live scans: add --aws'),
    );
    await assert.rejects(
      createAwsLiveSource(parse(['--region', 'us-east-1', '--no-cache']), context()),
      new UsageError('--region, --no-cache only apply to live scans: add --aws'),
    );
  });

  it('refuses bad combinations', async () => {
    await assert.rejects(
      createAwsLiveSource(parse(['--aws', '--region', 'us-east-1', '--all-regions']), context()),
      new UsageError('use either --region or --all-regions, not both'),
    );
    await assert.rejects(
      createAwsLiveSource(parse(['--aws', '--region', 'us-east-1', '--external-id', 'x']), context()),
      new UsageError('--external-id needs --role-arn'),
    );
    await assert.rejects(
      createAwsLiveSource(parse(['--aws', '--region', 'us-east-1', '--role-arn', 'audit']), context()),
      /is not an IAM role ARN/,
    );
    await assert.rejects(
      createAwsLiveSource(parse(['--aws', '--region', 'us-east-1', '--endpoint-url', 'localhost:4566']), context()),
      /is not an http\(s\) URL/,
    );
  });

  it('needs a region from somewhere', async () => {
    const saved = { ...process.env };
    for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[key];
    process.env['AWS_CONFIG_FILE'] = '/nonexistent/config';
    try {
      await assert.rejects(
        createAwsLiveSource(parse(['--aws']), context()),
        /no AWS region configured: use --region, --all-regions, or set AWS_REGION/,
      );
      process.env['AWS_REGION'] = 'eu-west-1';
      assert.ok(await createAwsLiveSource(parse(['--aws', '--no-cache']), context()));
    } finally {
      process.env = saved;
    }
  });

  it('builds a source that scans the emulated account end to end', async () => {
    const dir = await temporaryDir();
    const saved = { ...process.env };
    process.env['AWS_ACCESS_KEY_ID'] = EMULATOR_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = EMULATOR_CREDENTIALS.secretAccessKey;
    try {
      const stderr = new PassThrough();
      const chunks: Buffer[] = [];
      stderr.on('data', (c: Buffer) => chunks.push(c));
      const source = await createAwsLiveSource(
        parse(['--aws', '--all-regions', '--endpoint-url', emulator.endpoint, '--scope', 'active', '--cache-dir', dir.path]),
        { showProgress: true, stderr },
      );
      assert.ok(source);
      const result = await scan({ paths: [], checks: CHECKS, liveSources: [source] });
      assert.deepEqual(result.errors, []);
      assert.equal(result.summary.taskDefinitions, 126);
      // Not a TTY: no bar; the notice is printed once the scan ends.
      assert.equal(Buffer.concat(chunks).toString(), 'ecsguard: skipped 1 opt-in region(s) not enabled for this account: af-south-1\n');
    } finally {
      process.env = saved;
      await dir.remove();
    }
  });
});
