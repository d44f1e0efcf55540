/** A sleep that ends early when the user asks to stop, so `--wait` polling does not hold Ctrl-C for a poll interval. */
export function sleepUnlessStopped(interrupt: AbortSignal | undefined): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise<void>((resolve) => {
      if (interrupt?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt?.removeEventListener('abort', done);
        resolve();
      }
      interrupt?.addEventListener('abort', done, { once: true });
    });
}
