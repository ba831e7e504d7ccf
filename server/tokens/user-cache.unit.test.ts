import { describe, expect, it } from 'vitest';
import { versionsOnly } from '../testing/versions-only.js';
import { createUserCache } from './user-cache.js';

// Stands in for the users projection: the current token version per user, with a count of
// how often it was asked.
function versionsTable(initial: Record<string, number>) {
  const rows = new Map(Object.entries(initial));
  const table = {
    reads: 0,
    set: (userId: string, version: number) => rows.set(userId, version),
    erase: (userId: string) => rows.delete(userId),
    loadVersion: async (userId: string) => {
      table.reads++;
      return rows.get(userId) ?? null;
    },
  };
  return table;
}

function fakeClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('token version cache', () => {
  it('answers from memory within the TTL: one read for many requests', async () => {
    const table = versionsTable({ u1: 0 });
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 5_000, clock: fakeClock().now });
    for (let i = 0; i < 50; i++) expect(await cache.isCurrent('u1', 0)).toBe(true);
    expect(table.reads).toBe(1);
  });

  it('answers without waiting only what memory can tell: not before a load, not once stale, not a newer tv', async () => {
    const table = versionsTable({ u1: 0, gone: 0 });
    const clock = fakeClock();
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 5_000, clock: clock.now });
    expect(cache.isCurrentCached('u1', 0)).toBeUndefined();
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    expect(cache.isCurrentCached('u1', 0)).toBe(true);
    expect(cache.isCurrentCached('u1', 1)).toBeUndefined(); // issued after a revocation seen elsewhere
    table.erase('gone');
    expect(await cache.isCurrent('gone', 0)).toBe(false);
    expect(cache.isCurrentCached('gone', 0)).toBe(false);
    clock.advance(5_000);
    expect(cache.isCurrentCached('u1', 0)).toBeUndefined();
    expect(table.reads).toBe(2);
  });

  it('sees a revocation made elsewhere within the staleness bound, not before', async () => {
    const table = versionsTable({ u1: 0 });
    const clock = fakeClock();
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 5_000, clock: clock.now });
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    table.set('u1', 1); // "logout everywhere" committed by another process
    clock.advance(4_999);
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    clock.advance(1);
    expect(await cache.isCurrent('u1', 0)).toBe(false);
    expect(await cache.isCurrent('u1', 1)).toBe(true);
  });

  it('forgets at once on invalidate', async () => {
    const table = versionsTable({ u1: 0 });
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 60_000, clock: fakeClock().now });
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    table.set('u1', 1);
    await cache.invalidate('u1');
    expect(await cache.isCurrent('u1', 0)).toBe(false);
  });

  it('reloads instead of rejecting a newer token issued by another process', async () => {
    const table = versionsTable({ u1: 0 });
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 60_000, clock: fakeClock().now });
    expect(await cache.isCurrent('u1', 0)).toBe(true);
    table.set('u1', 1);
    expect(await cache.isCurrent('u1', 1)).toBe(true);
    expect(await cache.isCurrent('u1', 0)).toBe(false);
  });

  it('rejects every token of an erased user', async () => {
    const table = versionsTable({});
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 60_000, clock: fakeClock().now });
    expect(await cache.isCurrent('gone', 0)).toBe(false);
    expect(await cache.isCurrent('gone', 0)).toBe(false);
    expect(table.reads).toBe(1);
  });

  it('shares one read between concurrent requests for a user', async () => {
    const table = versionsTable({ u1: 2 });
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 60_000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.isCurrent('u1', 2)));
    expect(answers.every(Boolean)).toBe(true);
    expect(table.reads).toBe(1);
  });

  it('does not cache a version read before a concurrent invalidation', async () => {
    let release!: (version: number) => void;
    let reads = 0;
    const cache = versionsOnly({
      ttlMs: 60_000,
      loadVersion: async () => {
        reads++;
        return reads === 1 ? new Promise<number>((resolve) => (release = resolve)) : 1;
      },
    });
    const pending = cache.isCurrent('u1', 0);
    await cache.invalidate('u1'); // the revocation lands while the read of version 0 is in flight
    release(0);
    await pending;
    expect(await cache.isCurrent('u1', 0)).toBe(false);
    expect(reads).toBe(2);
  });

  it('keeps at most maxEntries users, evicting the least recently used', async () => {
    const table = versionsTable({ a: 0, b: 0, c: 0 });
    const cache = versionsOnly({ loadVersion: table.loadVersion, ttlMs: 60_000, maxEntries: 2 });
    await cache.isCurrent('a', 0);
    await cache.isCurrent('b', 0);
    await cache.isCurrent('a', 0); // a is now more recent than b
    await cache.isCurrent('c', 0); // evicts b
    expect(table.reads).toBe(3);
    await cache.isCurrent('a', 0);
    expect(table.reads).toBe(3);
    await cache.isCurrent('b', 0);
    expect(table.reads).toBe(4);
  });

  it('passes a failed read to the caller and retries it next time', async () => {
    let fail = true;
    const cache = versionsOnly({
      ttlMs: 60_000,
      loadVersion: async () => {
        if (fail) throw new Error('database down');
        return 0;
      },
    });
    await expect(cache.isCurrent('u1', 0)).rejects.toThrow('database down');
    fail = false;
    expect(await cache.isCurrent('u1', 0)).toBe(true);
  });
});

describe('user cache: the records behind the versions', () => {
  interface Person {
    tokenVersion: number;
    nickname: string;
  }

  function people(initial: Record<string, Person>) {
    const rows = new Map(Object.entries(initial));
    const table = {
      reads: 0,
      rows,
      load: async (userId: string) => {
        table.reads++;
        return rows.get(userId) ?? null;
      },
    };
    return table;
  }

  it('hands out the record from memory within the TTL, and reads it again once stale', async () => {
    const table = people({ u1: { tokenVersion: 0, nickname: 'Mei' } });
    const clock = fakeClock();
    const cache = createUserCache({ load: table.load, ttlMs: 5_000, clock: clock.now });
    for (let i = 0; i < 20; i++) expect(await cache.get('u1')).toEqual({ tokenVersion: 0, nickname: 'Mei' });
    expect(await cache.isCurrent('u1', 0)).toBe(true); // the same entry answers the token check
    expect(table.reads).toBe(1);
    table.rows.set('u1', { tokenVersion: 0, nickname: 'Lan' }); // changed by another process
    clock.advance(5_000);
    expect(await cache.get('u1')).toMatchObject({ nickname: 'Lan' });
    expect(table.reads).toBe(2);
  });

  it('reads its own writes at once, and a read begun before a write never overwrites it', async () => {
    const table = people({ u1: { tokenVersion: 0, nickname: 'Mei' } });
    let release: () => void = () => undefined;
    const slow = { ...table, load: async (userId: string) => {
      const before = await table.load(userId);
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    } };
    const cache = createUserCache({ load: slow.load, ttlMs: 60_000, clock: fakeClock().now });
    const reading = cache.get('u1');
    await cache.written('u1', { tokenVersion: 1, nickname: 'Lan' });
    release();
    expect(await reading).toMatchObject({ nickname: 'Mei' }); // what that read saw…
    expect(await cache.get('u1')).toEqual({ tokenVersion: 1, nickname: 'Lan' }); // …is not what is kept
    expect(await cache.isCurrent('u1', 0)).toBe(false);
    expect(table.reads).toBe(1);
  });
});

