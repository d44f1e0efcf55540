/** Thrown when the user pressed Ctrl-C; main() turns it into exit code 130. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

/**
 * Runs work with an AbortSignal tied to SIGINT: the first Ctrl-C aborts the
 * work cleanly (requests cancelled, nothing half-written), a second one kills.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\necsguard: interrupted; stopping (press Ctrl-C again to force)\n');
    controller.abort(new InterruptedError('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await work(controller.signal);
    // Work that finished while the interrupt was pending is still not reported.
    if (controller.signal.aborted) throw controller.signal.reason;
    return result;
  } catch (error) {
    if (controller.signal.aborted) throw new InterruptedError('interrupted by the user: the scan is incomplete and no report was written');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
