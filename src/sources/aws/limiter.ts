/**
 * Bounds how many tasks run at once: requests in flight (per account-region, and an organization's shared budget,
 * both as client middleware: see AwsClients), describes started per region (see RevisionDescriber), cache reads,
 * registry requests.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * `maxInFlight` may be a function, read whenever a task could start: a bound that follows a changing rate (a
 * throttled account-region needs few requests in flight). A task that waits costs a closure, not a started request.
 */
export function createLimiter(maxInFlight: number | (() => number)): Limiter {
  const max = typeof maxInFlight === 'number' ? () => maxInFlight : () => Math.max(1, maxInFlight());
  let active = 0;
  const waiting: Array<() => void> = [];
  // A slot is handed to the next waiter as it frees up (counted at once), so no newcomer can slip in between.
  const release = () => {
    active--;
    while (waiting.length > 0 && active < max()) {
      active++;
      waiting.shift()?.();
    }
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (waiting.length > 0 || active >= max()) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
