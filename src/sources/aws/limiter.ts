/**
 * Bounds how many requests are in flight at once. One per region: AWS rate
 * limits are per account and region, so regions do not compete.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(maxInFlight: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/**
 * A limiter inside a shared one: a task first waits for its own slot (the
 * account-region's), then for one of the shared budget, so a busy region never
 * holds shared slots while it waits for its own.
 */
export function withinBudget(own: Limiter, shared: Limiter | undefined): Limiter {
  if (!shared) return own;
  return { run: (task) => own.run(() => shared.run(task)) };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
