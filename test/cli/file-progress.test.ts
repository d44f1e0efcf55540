import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { createFileProgress } from '../../src/cli/file-progress.js';
import { fakeTty } from '../support/fake-tty.js';

/** What the bar wrote, terminal control sequences left out. */
function written(chunks: string[]): string {
  return chunks.join('').replace(/\u001b(?:\[[0-9;?]*[A-Za-z]|[78])/g, '');
}

describe('the file scan progress bar', () => {
  it('appears after a second with files done, the rate and an ETA at that rate, and clears at the end', async () => {
    mock.timers.enable({ apis: ['Date'], now: 0 });
    const stream = fakeTty();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const progress = await createFileProgress(stream, { format: 'json', output: 'report.json' }, {});
    try {
      progress.update(100, 1000);
      assert.equal(chunks.length, 0, 'nothing before a second has passed');
      mock.timers.tick(1500);
      // 300 files in 1.5 s: 200 files/s, 700 left, 3.5 s.
      progress.update(300, 1000);
      assert.match(written(chunks), /files [█░]+ 300\/1000 \| 200 files\/s \| ETA 4s/);
      mock.timers.tick(58_500);
      // 360 in 60 s: 6 files/s, 640 left, 106.7 s.
      progress.update(360, 1000);
      assert.match(written(chunks), /360\/1000 \| 6 files\/s \| ETA 1m47s/);
      mock.timers.tick(60_000);
      // 361 in 120 s: 3 files/s, 639 left, 213 s: minutes and seconds, never "60s".
      progress.update(361, 1000);
      assert.match(written(chunks), /361\/1000 \| 3 files\/s \| ETA 3m33s/);
      mock.timers.tick(3_480_000);
      // 362 in an hour: 0.1 files/s (not 0), 638 left, about 1.8 hours.
      progress.update(362, 1000);
      assert.match(written(chunks), /362\/1000 \| 0\.1 files\/s \| ETA 1h45m/);
      const before = chunks.join('');
      progress.stop();
      // Cleared: the line is erased, and the cursor shown again.
      assert.match(chunks.join('').slice(before.length), /\u001b\[2K/);
    } finally {
      progress.stop();
      mock.timers.reset();
    }
  });

  it('is never drawn with --quiet, in CI, on a redirected stderr, or with a JSON report on standard output', async () => {
    const cases: Array<[NodeJS.WritableStream, { quiet?: boolean; format: string; output?: string }, NodeJS.ProcessEnv]> = [
      [fakeTty(), { quiet: true, format: 'text' }, {}],
      [fakeTty(), { format: 'text' }, { CI: 'true' }],
      [new PassThrough(), { format: 'text' }, {}],
      [fakeTty(), { format: 'json' }, {}],
    ];
    mock.timers.enable({ apis: ['Date'], now: 0 });
    try {
      for (const [stream, options, env] of cases) {
        const chunks: string[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c.toString()));
        const progress = await createFileProgress(stream, options, env);
        mock.timers.tick(5000);
        progress.update(10, 1000);
        progress.stop();
        assert.deepEqual(chunks, [], JSON.stringify(options));
      }
    } finally {
      mock.timers.reset();
    }
  });
});
