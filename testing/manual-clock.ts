// The phone's clock port with timers that fire only when the path says so: a backoff or a
// rate-limit wait is one step of a path, never a real wait, and never a race with the others.

import type { Clock } from '../client/index.js';

export interface ManualClock extends Clock {
  /** Delays (ms) of the timers set and not yet fired or cleared, oldest first. */
  pending(): number[];
  /** Fires the oldest timer; throws when none is set. */
  fire(): void;
}

export function manualClock(now: () => number): ManualClock {
  let next = 1;
  const timers = new Map<number, { fn: (...args: unknown[]) => void; ms: number }>();
  return {
    now,
    setTimeout(fn, ms) {
      const id = next;
      next += 1;
      timers.set(id, { fn, ms });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    pending: () => [...timers.values()].map((timer) => timer.ms),
    fire() {
      const first = timers.entries().next();
      if (first.done) throw new Error('no timer is set');
      const [id, timer] = first.value;
      timers.delete(id);
      timer.fn();
    },
  };
}
