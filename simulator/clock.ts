/**
 * The simulator's sense of time. Code expiry (5 minutes), token lifetimes (7200 s) and the
 * force-refresh spacing all read this clock, so a test can move time instead of waiting.
 */
export interface SimClock {
  /** Milliseconds since the epoch, as the simulator sees it. */
  now(): number;
  /** Moves simulated time forward (a negative value moves it back). */
  advance(ms: number): void;
  /** Replaces the underlying time source; any earlier `advance` offset is dropped. */
  setClock(source: () => number): void;
}

export function createClock(source: () => number = Date.now): SimClock {
  let base = source;
  let offset = 0;
  return {
    now: () => base() + offset,
    advance(ms) {
      offset += ms;
    },
    setClock(next) {
      base = next;
      offset = 0;
    },
  };
}
