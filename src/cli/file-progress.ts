import { progressWanted } from '../sources/aws/progress.js';

/** Scans shorter than this show no bar at all. */
const SHOW_AFTER_MS = 1000;

/**
 * The rate (and so the ETA) is measured over about this much of the latest progress, not since the scan started: a
 * scan's first second goes to the walk, starting workers and compiling the parsers, which later files do not pay
 * again (a 4,000-file scan first showed an ETA of 47 s, and ended 3 s later).
 */
const RATE_WINDOW_MS = 5000;

export interface FileProgress {
  update(done: number, total: number): void;
  stop(): void;
}

const NONE: FileProgress = { update() {}, stop() {} };

/** Time left at this rate: "45s", "1m59s", "2h10m" (cli-progress's TimeFormat rounds after splitting: "1m60s"). */
function timeLeft(remaining: number, perSecond: number): string {
  if (!(perSecond > 0)) return '?';
  const seconds = Math.ceil(remaining / perSecond);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/** Files per second as the bar shows it: two significant digits below 10 (a slow scan of large files is not "0"). */
function rateText(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : String(Number(perSecond.toPrecision(2)));
}

/**
 * The file scan's progress bar (files done/total, rate, ETA), on an interactive stderr only, drawn once a scan has
 * run for about a second. Same rules and library as the live scan's bar (sources/aws/progress.ts): never with
 * --quiet, in CI, on a redirected stderr, or when a JSON/SARIF report goes to standard output.
 */
export async function createFileProgress(
  stream: NodeJS.WritableStream,
  options: { quiet?: boolean; format: string; output?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<FileProgress> {
  const quiet = options.quiet === true || (options.format !== 'text' && options.output === undefined);
  if (!progressWanted(!quiet, stream, env)) return NONE;
  const { default: cliProgress } = await import('cli-progress');
  const started = Date.now();
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  let drawing = false;
  /** Progress as reported, the first one kept at or before the window's start: the rate is measured from it. */
  const samples: Array<{ at: number; done: number }> = [];
  return {
    update(done, total) {
      const now = Date.now();
      samples.push({ at: now, done });
      while (samples.length > 2 && (samples[1] as { at: number }).at <= now - RATE_WINDOW_MS) samples.shift();
      if (!bar) {
        if (Date.now() - started < SHOW_AFTER_MS || done >= total) return;
        bar = new cliProgress.SingleBar(
          {
            stream: stream,
            // The ETA follows the rate shown: the library's own starts at 0s until its second sample, and the bar is
            // first drawn a second into a scan with one sample.
            format: 'files {bar} {value}/{total} | {rate} files/s | ETA {timeLeft}',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
      }
      const from = samples[0] as { at: number; done: number };
      // With one report only, the rate since the start is all there is to show; the ETA waits for a second report.
      const measured = samples.length > 1 && from.at < now;
      const perSecond = measured ? (done - from.done) / ((now - from.at) / 1000) : done / Math.max((now - started) / 1000, 0.001);
      const shown = { rate: rateText(perSecond), timeLeft: measured ? timeLeft(total - done, perSecond) : '?' };
      if (!drawing) {
        drawing = true;
        bar.start(total, done, shown);
      }
      bar.setTotal(total);
      bar.update(done, shown);
    },
    stop() {
      bar?.stop();
    },
  };
}
