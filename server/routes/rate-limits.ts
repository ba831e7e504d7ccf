// Login rate limits with @fastify/rate-limit: per client address on POST /wx/login (generous:
// carrier NAT puts many phones behind one address), and per openid once the code exchange has
// told us who it is. With Redis the counters are shared by every server process.

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';

const WINDOW_MS = 60_000;

export async function registerRateLimits(app: FastifyInstance, redis: Redis | undefined): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(redis === undefined ? {} : { redis }),
    nameSpace: 'miniauth:rate:',
    // Redis away: let logins through rather than lock every user out.
    skipOnError: true,
  });
}

/** The route config that limits logins per client address; none when the limit is 0 (off). */
export function perAddressLimit(perMinute: number): { rateLimit: { max: number; timeWindow: number } | false } {
  return { rateLimit: perMinute > 0 ? { max: perMinute, timeWindow: WINDOW_MS } : false };
}

/** Counts one login of `openid`; throws RateLimitedError (429) once it is over the limit. */
export type OpenidLimiter = (request: FastifyRequest, openid: string) => Promise<void>;

export function createOpenidLimiter(app: FastifyInstance, perMinute: number): OpenidLimiter | undefined {
  if (perMinute <= 0) return undefined;
  // The limiter keys by request; the openid is known only inside the handler.
  const openids = new WeakMap<FastifyRequest, string>();
  const check = app.createRateLimit({
    max: perMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => `openid:${openids.get(request) ?? ''}`,
  });
  return async (request, openid) => {
    openids.set(request, openid);
    const limit = await check(request);
    if (!limit.isAllowed && limit.isExceeded) {
      const seconds = Math.max(1, limit.ttlInSeconds);
      throw new RateLimitedError(seconds, `Too many logins for this WeChat user; try again in ${seconds} s.`);
    }
  };
}
