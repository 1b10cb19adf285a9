// Coalesces bursts of refresh triggers into at most one call per interval, never more than one in flight, so the panel is never flooded.

export interface Throttled {
  /** Ask for a refresh; several asks within the interval become one call. */
  trigger(): void;
  dispose(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Runs `work` at most once per `intervalMs` (100 ms = 10 updates a second). A trigger
 * that arrives while `work` is still running is remembered and served once it settles,
 * so the last state is always shown and requests never pile up.
 */
export function throttle(work: () => Promise<void> | void, intervalMs: number, clock: Clock = systemClock): Throttled {
  let lastStart = -Infinity;
  let pending = false;
  let running = false;
  let timer: unknown;
  let disposed = false;

  const run = async (): Promise<void> => {
    timer = undefined;
    if (disposed || running || !pending) return;
    pending = false;
    running = true;
    lastStart = clock.now();
    try {
      await work();
    } catch {
      // A failed refresh is retried by the next trigger; the panel keeps its last picture.
    } finally {
      running = false;
      if (pending) schedule();
    }
  };

  const schedule = (): void => {
    if (disposed || running || timer !== undefined) return;
    const wait = Math.max(0, lastStart + intervalMs - clock.now());
    timer = clock.setTimeout(() => void run(), wait);
  };

  return {
    trigger() {
      pending = true;
      schedule();
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
