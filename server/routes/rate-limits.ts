// The login rate limit per client address on POST /wx/login, with @fastify/rate-limit
// (generous: carrier NAT puts many phones behind one address). With Redis the counters are
// shared by every server process. The limit per person is the login service's
// (services/login-throttle.ts): only the code exchange tells who it is.

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { NO_TELEMETRY, type Telemetry } from '../observability/telemetry.js';

const WINDOW_MS = 60_000;

export async function registerRateLimits(app: FastifyInstance, redis: Redis | undefined, telemetry: Telemetry = NO_TELEMETRY): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    onExceeded: () => telemetry.rateLimited('address'),
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
