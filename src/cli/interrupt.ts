/** Thrown when the user pressed Ctrl-C; main() turns it into exit code 130. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/**
 * Runs work with an AbortSignal tied to SIGINT: the first Ctrl-C aborts the
 * work cleanly (requests cancelled, nothing half-written), a second one kills.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write('\necsguard: interrupted; stopping (press Ctrl-C again to force)\n');
    controller.abort(new InterruptedError('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await work(controller.signal);
    // A Ctrl-C that arrived during synchronous work is delivered at the next turn of the event loop: take it, so
    // work that finished while the interrupt was pending is still not reported.
    // Two turns: the first may run before the loop has polled for the signal.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    if (controller.signal.aborted) throw new InterruptedError('interrupted by the user: the scan is incomplete and no report was written');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
