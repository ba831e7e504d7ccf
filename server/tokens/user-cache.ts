// The signed-in users' records, in memory: answers "is token version tv still the current one
// for this user?" and "who is this user?" without a database query per request. Each process
// keeps a bounded LRU of user → record and trusts an entry for at most `ttlMs` (the staleness
// bound for "logout everywhere", and for a profile changed through another process). A write
// made in this process is remembered at once (read your own writes); with Redis, a write
// that matters elsewhere (a revocation, an erasure, a profile) is also announced on a pub/sub
// channel so other processes drop their entry at once; the TTL still bounds a lost message.

import { Redis } from 'ioredis';

export interface VersionCacheLogger {
  warn(obj: object, msg: string): void;
}

/** What the cache needs of a record: the token version tokens are checked against. */
export interface VersionedRecord {
  tokenVersion: number;
}

export interface UserCacheOptions<R extends VersionedRecord> {
  /** The user's current record, or null when there is none. */
  load(userId: string): Promise<R | null>;
  /** How long a cached version may be trusted, in milliseconds. */
  ttlMs: number;
  maxEntries?: number;
  clock?: () => number;
  /** Share revocations between processes: a Redis URL and an optional channel name. */
  redis?: { url: string; channel?: string };
  logger?: VersionCacheLogger;
}

/** What the auth hook asks of it. */
export interface TokenVersionCache {
  /** True when tv is the user's current version; false when revoked or the user is gone. */
  isCurrent(userId: string, tv: number): Promise<boolean>;
  /**
   * The same answer from memory alone, without waiting: undefined when the cache cannot tell
   * (nothing cached, too old, or a newer tv) and isCurrent must ask the database.
   */
  isCurrentCached(userId: string, tv: number): boolean | undefined;
}

export interface UserCache<R extends VersionedRecord> extends TokenVersionCache {
  /** The user's record: from memory within the TTL, else read (one read per user at a time). */
  get(userId: string): Promise<R | null>;
  /**
   * A record this process has just written. `announce`: other processes must not keep theirs
   * (a revocation, an erasure, a changed profile, a registration after an erasure).
   */
  written(userId: string, record: R, options?: { announce?: boolean }): Promise<void>;
  /** Forget the user here and, with Redis, everywhere. */
  invalidate(userId: string): Promise<void>;
  /** Resolves once the Redis subscription is live (at once without Redis). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry<R> {
  record: R | null;
  loadedAt: number;
}

export const DEFAULT_REVOCATION_CHANNEL = 'miniauth:token-version';

export function createUserCache<R extends VersionedRecord>(options: UserCacheOptions<R>): UserCache<R> {
  const { ttlMs } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, Entry<R>>();
  const loading = new Map<string, Promise<R | null>>();
  // Bumped by every invalidation, so that a load that overlapped one cannot cache the
  // version it read (it may predate the revocation). Revocations are rare: a global counter
  // costs only an occasional uncached load.
  let generation = 0;

  function remember(userId: string, entry: Entry<R>): void {
    entries.delete(userId);
    entries.set(userId, entry);
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  function forget(userId: string): void {
    entries.delete(userId);
    loading.delete(userId);
    generation++;
  }

  function load(userId: string): Promise<R | null> {
    const inFlight = loading.get(userId);
    if (inFlight) return inFlight;
    const startedAt = { generation, time: clock() };
    const promise = options.load(userId).then(
      (record) => {
        if (loading.get(userId) === promise) loading.delete(userId);
        if (generation === startedAt.generation) remember(userId, { record, loadedAt: startedAt.time });
        return record;
      },
      (error: unknown) => {
        if (loading.get(userId) === promise) loading.delete(userId);
        throw error;
      },
    );
    loading.set(userId, promise);
    return promise;
  }

  function fresh(userId: string): Entry<R> | undefined {
    const entry = entries.get(userId);
    return entry === undefined || clock() - entry.loadedAt >= ttlMs ? undefined : entry;
  }

  function isCurrentCached(userId: string, tv: number): boolean | undefined {
    const entry = fresh(userId);
    if (entry === undefined) return undefined;
    if (entry.record === null) return false;
    // A tv above the cached one means another process issued a token after a revocation
    // we have not seen yet: reload rather than reject a valid token.
    if (tv > entry.record.tokenVersion) return undefined;
    remember(userId, entry);
    return tv === entry.record.tokenVersion;
  }

  async function isCurrent(userId: string, tv: number): Promise<boolean> {
    const cached = isCurrentCached(userId, tv);
    if (cached !== undefined) return cached;
    const record = await load(userId);
    return record !== null && tv === record.tokenVersion;
  }

  async function announce(userId: string): Promise<void> {
    if (!pubsub) return;
    try {
      await pubsub.publisher.publish(channel, userId);
    } catch (error) {
      // Other processes fall back to the TTL; the write itself is already stored.
      options.logger?.warn({ err: error, channel }, 'could not announce a user change on Redis');
    }
  }

  const channel = options.redis?.channel ?? DEFAULT_REVOCATION_CHANNEL;
  const forgetAll = () => {
    entries.clear();
    loading.clear();
    generation++;
  };
  const pubsub = options.redis ? connectRedis(options.redis.url, channel, forget, forgetAll, options.logger) : undefined;

  return {
    isCurrent,
    isCurrentCached,
    async get(userId) {
      const entry = fresh(userId);
      if (entry !== undefined) {
        remember(userId, entry);
        return entry.record;
      }
      return load(userId);
    },
    async written(userId, record, writeOptions = {}) {
      // Bumps the generation: a read that began before this write must not be cached over it.
      forget(userId);
      remember(userId, { record, loadedAt: clock() });
      if (writeOptions.announce) await announce(userId);
    },
    async invalidate(userId) {
      forget(userId);
      await announce(userId);
    },
    ready: () => pubsub?.subscribed ?? Promise.resolve(),
    async close() {
      pubsub?.publisher.disconnect();
      pubsub?.subscriber.disconnect();
    },
  };
}

function connectRedis(
  url: string,
  channel: string,
  onRevoked: (userId: string) => void,
  onReconnect: () => void,
  logger: VersionCacheLogger | undefined,
) {
  // Fail fast instead of queueing while Redis is away: the TTL covers the gap.
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  let warned = false;
  const onError = (error: Error) => {
    if (!warned) logger?.warn({ err: { message: error.message }, channel }, 'Redis unavailable for token revocations');
    warned = true;
  };
  publisher.on('error', onError);
  subscriber.on('error', onError);
  let readyOnce = false;
  subscriber.on('ready', () => {
    warned = false;
    // Messages published while we were disconnected are lost: start from a clean cache.
    if (readyOnce) onReconnect();
    readyOnce = true;
  });
  subscriber.on('message', (from: string, userId: string) => {
    if (from === channel) onRevoked(userId);
  });
  const subscribed = subscriber.subscribe(channel).then(() => undefined);
  subscribed.catch(() => undefined);
  return { publisher, subscriber, subscribed };
}
