// Logins per person per minute, counted once the provider has said who the code belongs to
// (the address limit on the route cannot see that). A fixed one-minute window per (app,
// openid), in this process or, with Redis, shared by every process; Redis away lets logins
// through rather than locking everyone out.

import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';

export interface LoginThrottle {
  /** Counts one login of the person; throws RateLimitedError once they are over the limit. */
  admit(appId: string, openid: string): Promise<void>;
}

export interface LoginThrottleOptions {
  perMinute: number;
  /** Shared counters; in this process when absent. */
  redis?: Redis;
  clock?: () => number;
}

const WINDOW_MS = 60_000;
const KEY_PREFIX = 'miniauth:rate:openid:';

// INCR, and start the window on the first count: one round trip, atomic.
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

function refuse(msLeft: number): never {
  const seconds = Math.max(1, Math.ceil(msLeft / 1000));
  throw new RateLimitedError(seconds, `Too many logins for this WeChat user; try again in ${seconds} s.`);
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { perMinute, redis } = options;
  const clock = options.clock ?? Date.now;
  const windows = new Map<string, { count: number; endsAt: number }>();
  let sweptAt = 0;

  function countHere(key: string): { count: number; msLeft: number } {
    const now = clock();
    if (now - sweptAt > WINDOW_MS) {
      sweptAt = now;
      for (const [stale, window] of windows) if (window.endsAt <= now) windows.delete(stale);
    }
    let window = windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      window = { count: 0, endsAt: now + WINDOW_MS };
      windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, msLeft: window.endsAt - now };
  }

  async function countShared(client: Redis, key: string): Promise<{ count: number; msLeft: number } | undefined> {
    try {
      const [count, msLeft] = (await client.eval(COUNT_SCRIPT, 1, key, String(WINDOW_MS))) as [number, number];
      return { count, msLeft: msLeft > 0 ? msLeft : WINDOW_MS };
    } catch {
      return undefined;
    }
  }

  return {
    async admit(appId, openid) {
      const key = `${KEY_PREFIX}${appId}:${openid}`;
      const counted = redis === undefined ? countHere(key) : await countShared(redis, key);
      if (counted !== undefined && counted.count > perMinute) refuse(counted.msLeft);
    },
  };
}
