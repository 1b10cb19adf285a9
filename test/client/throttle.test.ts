// Panel refreshes are coalesced: at most one per interval and never two in flight.
import { describe, expect, it } from 'vitest';
import { throttle, type Clock } from '../../client/src/throttle';

/** A manual clock: timers fire only when the test advances time. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
      // Let the async work and its finally block run.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
    now = end;
  };
  return { clock, advance };
}

describe('throttle', () => {
  it('turns a burst of 100 triggers within a second into at most 10 calls, the last one after the burst', async () => {
    const { clock, advance } = manualClock();
    let calls = 0;
    const t = throttle(() => {
      calls++;
    }, 100, clock);
    for (let i = 0; i < 100; i++) {
      t.trigger();
      await advance(10);
    }
    expect(calls).toBeGreaterThanOrEqual(9);
    expect(calls).toBeLessThanOrEqual(11);
    const before = calls;
    await advance(500);
    expect(calls - before).toBeLessThanOrEqual(1);
  });

  it('never starts a second call while one is in flight, and serves the trigger that came meanwhile', async () => {
    const { clock, advance } = manualClock();
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const releases: (() => void)[] = [];
    const t = throttle(async () => {
      calls++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight--;
    }, 100, clock);
    t.trigger();
    await advance(0);
    expect(calls).toBe(1);
    t.trigger();
    await advance(1000);
    expect(calls).toBe(1);
    releases.shift()!();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await advance(100);
    expect(calls).toBe(2);
    expect(maxInFlight).toBe(1);
  });

  it('does nothing after dispose', async () => {
    const { clock, advance } = manualClock();
    let calls = 0;
    const t = throttle(() => {
      calls++;
    }, 100, clock);
    t.trigger();
    t.dispose();
    await advance(1000);
    expect(calls).toBe(0);
  });
});
