/** What the live scan reports while it runs; the default does nothing. */
export interface ScanProgress {
  start(regions: number): void;
  /** More revisions to read in some region (the bar's total grows as regions finish listing). */
  planned(count: number): void;
  described(): void;
  cacheHit(): void;
  failed(): void;
  regionDone(): void;
  stop(): void;
}

export const SILENT_PROGRESS: ScanProgress = {
  start() {},
  planned() {},
  described() {},
  cacheHit() {},
  failed() {},
  regionDone() {},
  stop() {},
};

/**
 * Should the bar show? Only on an interactive stderr and never in CI; the CLI
 * also turns it off for --quiet and for JSON on stdout.
 */
export function progressWanted(requested: boolean, stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const isTty = (stream as NodeJS.WritableStream & { isTTY?: boolean }).isTTY === true;
  return requested && isTty && !env['CI'];
}

/** A single cli-progress bar on `stream`: revisions read, regions finished, cache hits. */
export async function createProgressBar(stream: NodeJS.WritableStream): Promise<ScanProgress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: stream,
      format: 'AWS {bar} {value}/{total} task definitions | regions {regionsDone}/{regions} | cache hits {cacheHits} | failed {failed}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 100,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = 0;
  let value = 0;
  const counters = { regions: 0, regionsDone: 0, cacheHits: 0, failed: 0 };
  const step = () => {
    value++;
    bar.update(value, counters);
  };
  return {
    start(regions) {
      counters.regions = regions;
      bar.start(0, 0, counters);
    },
    planned(count) {
      total += count;
      bar.setTotal(total);
    },
    described: step,
    cacheHit() {
      counters.cacheHits++;
      step();
    },
    failed() {
      counters.failed++;
      step();
    },
    regionDone() {
      counters.regionsDone++;
      bar.update(value, counters);
    },
    stop() {
      bar.stop();
    },
  };
}
