// Answers "is token version tv still the current one for this user?" without a database
// query per request. Each process keeps a bounded LRU of user → current version and trusts
// an entry for at most `ttlMs` (the staleness bound for "logout everywhere" across
// processes). With Redis, a revocation is also announced on a pub/sub channel so other
// processes drop their entry at once; the TTL still bounds the damage of a lost message.

import { Redis } from 'ioredis';

export interface VersionCacheLogger {
  warn(obj: object, msg: string): void;
}

export interface TokenVersionCacheOptions {
  /** The user's current token version, or null when the user no longer exists (erased). */
  loadVersion(userId: string): Promise<number | null>;
  /** How long a cached version may be trusted, in milliseconds. */
  ttlMs: number;
  maxEntries?: number;
  clock?: () => number;
  /** Share revocations between processes: a Redis URL and an optional channel name. */
  redis?: { url: string; channel?: string };
  logger?: VersionCacheLogger;
}

export interface TokenVersionCache {
  /** True when tv is the user's current version; false when revoked or the user is gone. */
  isCurrent(userId: string, tv: number): Promise<boolean>;
  /**
   * The same answer from memory alone, without waiting: undefined when the cache cannot tell
   * (nothing cached, too old, or a newer tv) and isCurrent must ask the database.
   */
  isCurrentCached(userId: string, tv: number): boolean | undefined;
  /** Call after bumping the version (logout everywhere, erasure): forget it here and everywhere. */
  invalidate(userId: string): Promise<void>;
  /** Resolves once the Redis subscription is live (at once without Redis). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  version: number | null;
  loadedAt: number;
}

export const DEFAULT_REVOCATION_CHANNEL = 'miniauth:token-version';

export function createTokenVersionCache(options: TokenVersionCacheOptions): TokenVersionCache {
  const { loadVersion, ttlMs } = options;
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<number | null>>();
  // Bumped by every invalidation, so that a load that overlapped one cannot cache the
  // version it read (it may predate the revocation). Revocations are rare: a global counter
  // costs only an occasional uncached load.
  let generation = 0;

  function remember(userId: string, entry: Entry): void {
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

  function load(userId: string): Promise<number | null> {
    const inFlight = loading.get(userId);
    if (inFlight) return inFlight;
    const startedAt = { generation, time: clock() };
    const promise = loadVersion(userId).then(
      (version) => {
        if (loading.get(userId) === promise) loading.delete(userId);
        if (generation === startedAt.generation) remember(userId, { version, loadedAt: startedAt.time });
        return version;
      },
      (error: unknown) => {
        if (loading.get(userId) === promise) loading.delete(userId);
        throw error;
      },
    );
    loading.set(userId, promise);
    return promise;
  }

  function isCurrentCached(userId: string, tv: number): boolean | undefined {
    const entry = entries.get(userId);
    if (entry === undefined || clock() - entry.loadedAt >= ttlMs) return undefined;
    if (entry.version === null) return false;
    // A tv above the cached one means another process issued a token after a revocation
    // we have not seen yet: reload rather than reject a valid token.
    if (tv > entry.version) return undefined;
    remember(userId, entry);
    return tv === entry.version;
  }

  async function isCurrent(userId: string, tv: number): Promise<boolean> {
    const cached = isCurrentCached(userId, tv);
    if (cached !== undefined) return cached;
    const version = await load(userId);
    return version !== null && tv === version;
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
    async invalidate(userId) {
      forget(userId);
      if (!pubsub) return;
      try {
        await pubsub.publisher.publish(channel, userId);
      } catch (error) {
        // Other processes fall back to the TTL; the revocation itself is already stored.
        options.logger?.warn({ err: error, channel }, 'could not announce a token revocation on Redis');
      }
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
