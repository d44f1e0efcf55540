/** Thrown when the user pressed Ctrl-C (or the process was asked to stop); main() exits with `exitCode`. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(
    message: string,
    /** 128 + the signal's number, as a shell reports a process that signal ended: 130 for SIGINT. */
    readonly exitCode = 130,
  ) {
    super(message);
  }
}

/** The signals that stop a scan or a fix cleanly: Ctrl-C, `kill`, a closed terminal. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Runs work with an AbortSignal tied to SIGINT, SIGTERM and SIGHUP: the first one aborts the work cleanly (requests
 * cancelled, nothing half-written, no temporary file left), a second one kills.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  stderr: NodeJS.WritableStream = process.stderr,
  /** What was left undone, for the closing message (a scan's default; a fix says how many files it wrote). */
  leftUndone: () => string = () => 'the scan is incomplete and no report was written',
): Promise<T> {
  const controller = new AbortController();
  let received = 'SIGINT' as StopSignal;
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((name) => {
    const handler = () => {
      const code = 128 + STOP_SIGNALS[name];
      if (controller.signal.aborted) process.exit(code);
      received = name;
      const how = name === 'SIGINT' ? 'interrupted' : `${name} received`;
      stderr.write(`\necsguard: ${how}; stopping (${name === 'SIGINT' ? 'press Ctrl-C' : `send ${name}`} again to force)\n`);
      controller.abort(new InterruptedError('interrupted', code));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  // A signal bin/early-worker.js held while the command line started: handled as if it came now.
  const held = takeHeldStopSignal();
  if (held) handlers.find(([name]) => name === held)?.[1]();
  try {
    const result = await work(controller.signal);
    // A signal that arrived during synchronous work is delivered at the next turn of the event loop: take it, so
    // work that finished while the interrupt was pending is still not reported.
    // Two turns: the first may run before the loop has polled for the signal.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    if (controller.signal.aborted) {
      const by = received === 'SIGINT' ? 'by the user' : `by ${received}`;
      throw new InterruptedError(`interrupted ${by}: ${leftUndone()}`, 128 + STOP_SIGNALS[received]);
    }
    throw error;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/** The stop signal bin/early-worker.js held before the handlers here were in place, if one came; its handlers end. */
function takeHeldStopSignal(): StopSignal | undefined {
  const key = Symbol.for('ecsguard.heldStopSignal');
  const held = (globalThis as Record<symbol, unknown>)[key] as { release: () => string | undefined } | undefined;
  if (!held) return undefined;
  // Also takes it off the global object.
  const signal = held.release();
  return signal !== undefined && Object.hasOwn(STOP_SIGNALS, signal) ? (signal as StopSignal) : undefined;
}
