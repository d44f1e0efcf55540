import { progressWanted } from '../sources/aws/progress.js';

/** Scans shorter than this show no bar at all. */
const SHOW_AFTER_MS = 1000;

export interface FileProgress {
  update(done: number, total: number): void;
  stop(): void;
}

const NONE: FileProgress = { update() {}, stop() {} };

/**
 * The file scan's progress bar (files done/total, rate, ETA), on an interactive stderr only, drawn once a scan has
 * run for about a second. Same rules and library as the live scan's bar (sources/aws/progress.ts): never with
 * --quiet, in CI, on a redirected stderr, or when a JSON/SARIF report goes to standard output.
 */
/** Seconds left at this rate, as the library writes times ("4s", "1m5s"; rounded to 5 s above 10 s). */
function etaText(remaining: number, perSecond: number, format: typeof import('cli-progress').Format): string {
  return perSecond > 0 ? format.TimeFormat(Math.ceil(remaining / perSecond), { autopaddingChar: '' }, 5) : '?';
}

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
  return {
    update(done, total) {
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
      const perSecond = done / Math.max((Date.now() - started) / 1000, 0.001);
      const shown = { rate: Math.round(perSecond), timeLeft: etaText(total - done, perSecond, cliProgress.Format) };
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
