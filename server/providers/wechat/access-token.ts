// The access token for each app, from POST /cgi-bin/stable_token (normal mode), cached and
// renewed before it expires, with one refresh in flight per app and process: concurrent
// callers share it.
//
// Why several server processes are safe without coordinating: in normal mode
// (force_refresh: false) stable_token hands every caller the same token while it is valid
// and never invalidates the previous one; in its last 5 minutes it issues the next token and
// both stay usable until the old one expires. So processes refreshing on their own all hold
// working tokens, unlike /cgi-bin/token where each refresh kills the previous token and
// racing refreshers knock each other out with 40001. We never use force_refresh (20 a day,
// and it would do exactly that to the other processes).

import { weChatUnavailable } from './errcodes.js';
import type { CallWeChat } from './http.js';

export interface CachedAccessToken {
  token: string;
  /** When WeChat stops accepting it (ms since the epoch). */
  expiresAt: number;
  /** When to fetch the next one (ms since the epoch), ahead of expiresAt. */
  refreshAt: number;
}

/** Where tokens are kept; in memory by default, or shared (e.g. Redis) by the caller. */
export interface AccessTokenCache {
  get(appId: string): CachedAccessToken | undefined | Promise<CachedAccessToken | undefined>;
  set(appId: string, token: CachedAccessToken): void | Promise<void>;
  delete(appId: string): void | Promise<void>;
}

export function createMemoryAccessTokenCache(): AccessTokenCache {
  const tokens = new Map<string, CachedAccessToken>();
  return {
    get: (appId) => tokens.get(appId),
    set: (appId, token) => void tokens.set(appId, token),
    delete: (appId) => void tokens.delete(appId),
  };
}

/** stable_token renews in a token's last 5 minutes; asking earlier returns the same token. */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface AccessTokens {
  get(appId: string): Promise<string>;
  /** WeChat said `token` is stale (40001/42001): drop it unless a newer one replaced it. */
  invalidate(appId: string, token: string): Promise<void>;
}

export function createAccessTokens(options: {
  call: CallWeChat;
  secretOf: (appId: string) => string;
  cache: AccessTokenCache;
  clock: () => number;
  onBackgroundError: (appId: string, error: unknown) => void;
}): AccessTokens {
  const { call, cache, clock } = options;
  const inFlight = new Map<string, Promise<CachedAccessToken>>();

  async function fetchToken(appId: string): Promise<CachedAccessToken> {
    const askedAt = clock();
    const answer = await call({
      api: 'stableToken',
      appId,
      method: 'POST',
      path: '/cgi-bin/stable_token',
      query: {},
      body: { grant_type: 'client_credential', appid: appId, secret: options.secretOf(appId), force_refresh: false },
    });
    const token = answer['access_token'];
    const expiresIn = answer['expires_in'];
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) throw weChatUnavailable();
    const lifetimeMs = expiresIn * 1000;
    // Counted from when we asked, so a slow answer errs on the early side. A token already in
    // its last minutes (another process asked first) is renewed halfway through what is left.
    const expiresAt = askedAt + lifetimeMs;
    const cached = { token, expiresAt, refreshAt: expiresAt - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2) };
    await cache.set(appId, cached);
    return cached;
  }

  function refresh(appId: string): Promise<CachedAccessToken> {
    const pending = inFlight.get(appId);
    if (pending) return pending;
    const started = fetchToken(appId).finally(() => inFlight.delete(appId));
    inFlight.set(appId, started);
    return started;
  }

  return {
    async get(appId) {
      const cached = await cache.get(appId);
      const now = clock();
      if (cached && now < cached.refreshAt) return cached.token;
      if (cached && now < cached.expiresAt) {
        // Still valid: answer at once and renew behind the caller's back.
        refresh(appId).catch((error: unknown) => options.onBackgroundError(appId, error));
        return cached.token;
      }
      return (await refresh(appId)).token;
    },
    async invalidate(appId, token) {
      const cached = await cache.get(appId);
      if (cached?.token === token) await cache.delete(appId);
    },
  };
}
