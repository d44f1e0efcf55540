import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createProgressBar, progressWanted } from '../../../src/sources/aws/progress.js';
import { liveSource, startSeededEmulator } from './helpers.js';
import { fakeTty } from '../../support/fake-tty.js';

describe('progress bar', () => {
  it('shows only on a TTY, outside CI, when the CLI asks for it', () => {
    assert.equal(progressWanted(true, fakeTty(), {}), true);
    assert.equal(progressWanted(true, fakeTty(), { CI: 'true' }), false);
    assert.equal(progressWanted(false, fakeTty(), {}), false);
    assert.equal(progressWanted(true, new PassThrough(), {}), false);
  });

  it('counts regions, task definitions and cache hits while scanning', async () => {
    const emulator = await startSeededEmulator();
    const stream = fakeTty();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    try {
      const progress = await createProgressBar(stream);
      await liveSource(emulator, { scope: 'latest', progress }).load();
      const text = chunks.join('');
      assert.match(text, /4\/4 task definitions \| regions 2\/2 \| cache hits 0 \| failed 0/);
    } finally {
      await emulator.stop();
    }
  });
});
