import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { createFileProgress } from '../../src/cli/file-progress.js';
import { fakeTty } from '../support/fake-tty.js';

/** What the bar wrote, terminal control sequences left out. */
function written(chunks: string[]): string {
  return chunks.join('').replace(/\u001b(?:\[[0-9;?]*[A-Za-z]|[78])/g, '');
}

/** A bar for a JSON report written to a file, on a terminal's stderr, and what it writes. */
async function barOnTerminal(): Promise<{ progress: Awaited<ReturnType<typeof createFileProgress>>; chunks: string[] }> {
  const stream = fakeTty();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { progress: await createFileProgress(stream, { format: 'json', output: 'report.json' }, {}), chunks };
}

describe('the file scan progress bar', () => {
  it('appears after a second with files done, the recent rate and an ETA at that rate, and clears at the end', async () => {
    mock.timers.enable({ apis: ['Date'], now: 0 });
    const { progress, chunks } = await barOnTerminal();
    try {
      progress.update(100, 1000);
      assert.equal(chunks.length, 0, 'nothing before a second has passed');
      mock.timers.tick(1500);
      // 200 files in the 1.5 s since the last report: 133 files/s, 700 left, 5.25 s.
      progress.update(300, 1000);
      assert.match(written(chunks), /files [█░]+ 300\/1000 \| 133 files\/s \| ETA 6s/);
      mock.timers.tick(3000);
      // 500 files in the 4.5 s since the first report (the window is 5 s): 111 files/s, 400 left, 3.6 s.
      progress.update(600, 1000);
      assert.match(written(chunks), /600\/1000 \| 111 files\/s \| ETA 4s/);
      mock.timers.tick(4000);
      // The first report left the window: measured from the one at 1.5 s, 7 s ago: 42.9 files/s, 9.3 s.
      progress.update(600, 1000);
      assert.match(written(chunks), /600\/1000 \| 43 files\/s \| ETA 10s/);
      mock.timers.tick(60_000);
      // One file in the 60 s since the report at 8.5 s: 0.017 files/s (not 0), 399 left: hours and minutes.
      progress.update(601, 1000);
      assert.match(written(chunks), /601\/1000 \| 0\.017 files\/s \| ETA 6h39m/);
      mock.timers.tick(1000);
      // 100 files in the 61 s since that report: 1.6 files/s, 300 left, 183 s: minutes and seconds, never "60s".
      progress.update(700, 1000);
      assert.match(written(chunks), /700\/1000 \| 1\.6 files\/s \| ETA 3m3s/);
      const before = chunks.join('');
      progress.stop();
      // Cleared: the line is erased, and the cursor shown again.
      assert.match(chunks.join('').slice(before.length), /\u001b\[2K/);
    } finally {
      progress.stop();
      mock.timers.reset();
    }
  });

  it('measures the rate after the start-up: the first batch, a second in, does not set the ETA', async () => {
    mock.timers.enable({ apis: ['Date'], now: 0 });
    const { progress, chunks } = await barOnTerminal();
    try {
      // The walk, the workers' start and the parsers' compile take the first 1.2 s: then the first batch is done.
      mock.timers.tick(1200);
      progress.update(100, 4000);
      // Since the start that is 83 files/s (47 s left): the rate is shown, the ETA waits for a second report.
      assert.match(written(chunks), /100\/4000 \| 83 files\/s \| ETA \?/);
      mock.timers.tick(250);
      progress.update(600, 4000);
      // 500 files in 0.25 s: 2000 files/s, 3,400 left, 1.7 s.
      assert.match(written(chunks), /600\/4000 \| 2000 files\/s \| ETA 2s/);
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
