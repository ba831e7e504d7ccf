// Two processes' caches, one real Redis: a revocation in one reaches the other at once.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testing/eventually.js';
import type { UserCache, VersionedRecord } from './user-cache.js';
import { versionsOnly } from '../testing/versions-only.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const opened: UserCache<VersionedRecord>[] = [];

afterAll(async () => {
  await Promise.all(opened.map((cache) => cache.close()));
});

describe('token version cache over Redis', () => {
  it('drops the cached version in every process when one of them revokes', async () => {
    const channel = `miniauth-test:${randomUUID()}`;
    const versions = new Map([['u1', 0]]);
    const loadVersion = async (userId: string) => versions.get(userId) ?? null;
    // An hour of TTL: only the Redis message can make process B notice in time.
    const a = versionsOnly({ loadVersion, ttlMs: 3_600_000, redis: { url: REDIS_URL, channel } });
    const b = versionsOnly({ loadVersion, ttlMs: 3_600_000, redis: { url: REDIS_URL, channel } });
    opened.push(a, b);
    await Promise.all([a.ready(), b.ready()]);

    expect(await a.isCurrent('u1', 0)).toBe(true);
    expect(await b.isCurrent('u1', 0)).toBe(true);
    versions.set('u1', 1);
    await a.invalidate('u1');

    expect(await a.isCurrent('u1', 0)).toBe(false);
    // The message takes milliseconds; the TTL an hour: waiting up to 10 s tells the two apart.
    await eventually(async () => expect(await b.isCurrent('u1', 0)).toBe(false));
    expect(await b.isCurrent('u1', 1)).toBe(true);
  });

  it('keeps answering when Redis cannot be reached', async () => {
    const versions = new Map([['u1', 0]]);
    const cache = versionsOnly({
      loadVersion: async (userId) => versions.get(userId) ?? null,
      ttlMs: 60_000,
      redis: { url: 'redis://127.0.0.1:1', channel: 'unreachable' },
    });
    opened.push(cache);
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    versions.set('u1', 1);
    await expect(cache.invalidate('u1')).resolves.toBeUndefined();
    expect(await cache.isCurrent('u1', 0)).toBe(false);
  });
});
