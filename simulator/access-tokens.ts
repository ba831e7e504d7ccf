import { newAccessToken } from './open-data.js';
import type { SimClock } from './clock.js';
import type { Outcome } from './users.js';

/**
 * Access tokens as WeChat hands them out. The plain `/cgi-bin/token` issues a new token on
 * every call and the previous one stops working at once (racing refreshers get 40001). The
 * stable token is a separate slot: the same token while valid (renewed in its last 5 minutes),
 * `force_refresh` at most 20 times a day and 30 s apart.
 */

export const TOKEN_TTL_MS = 7200_000;
/** Normal-mode stable_token renews a token this close to its expiry, as WeChat does. */
const STABLE_RENEW_BEFORE_MS = 5 * 60_000;
const FORCE_REFRESH_SPACING_MS = 30_000;
const FORCE_REFRESH_PER_DAY = 20;
const DAY_MS = 86_400_000;
/** WeChat's days start at midnight in China (UTC+8). */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export type TokenKind = 'plain' | 'stable';

export interface AccessTokenRecord {
  token: string;
  appId: string;
  kind: TokenKind;
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token replaced this one: it answers 40001 from this instant on. */
  supersededAt: number | null;
}

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

export interface TokenOptions {
  /** How long a stable token stays usable after a forced refresh replaced it. */
  forceRefreshGraceMs: number;
}

export class AccessTokens {
  private readonly records = new Map<string, AccessTokenRecord>();
  private readonly current = new Map<string, AccessTokenRecord>();
  private readonly forcedRefreshes = new Map<string, number[]>();

  constructor(
    private readonly clock: SimClock,
    private readonly options: TokenOptions,
  ) {}

  issuePlain(appId: string): IssuedToken {
    const now = this.clock.now();
    const previous = this.current.get(slot(appId, 'plain'));
    if (previous !== undefined) previous.supersededAt = now;
    return answer(this.mint(appId, 'plain', now), now);
  }

  stable(appId: string, forceRefresh: boolean): Outcome<IssuedToken> {
    const now = this.clock.now();
    const current = this.current.get(slot(appId, 'stable'));
    if (!forceRefresh) {
      if (current !== undefined && current.expiresAt - now > STABLE_RENEW_BEFORE_MS) {
        return { ok: true, value: answer(current, now) };
      }
      // The old token keeps its own expiry: both work during the overlap.
      return { ok: true, value: answer(this.mint(appId, 'stable', now), now) };
    }
    const today = chinaDay(now);
    const history = (this.forcedRefreshes.get(appId) ?? []).filter((at) => chinaDay(at) === today);
    if (history.length >= FORCE_REFRESH_PER_DAY) return { ok: false, errcode: 45009 };
    const last = history[history.length - 1];
    if (last !== undefined && now - last < FORCE_REFRESH_SPACING_MS) return { ok: false, errcode: 45011 };
    history.push(now);
    this.forcedRefreshes.set(appId, history);
    if (current !== undefined) {
      current.supersededAt = Math.min(current.expiresAt, now + this.options.forceRefreshGraceMs);
    }
    return { ok: true, value: answer(this.mint(appId, 'stable', now), now) };
  }

  /** The app a token belongs to, or WeChat's errcode: 41001 missing, 40001 invalid, 42001 expired. */
  verify(token: string | undefined): Outcome<string> {
    if (token === undefined || token === '') return { ok: false, errcode: 41001 };
    const record = this.records.get(token);
    const now = this.clock.now();
    if (record === undefined) return { ok: false, errcode: 40001 };
    if (record.supersededAt !== null && now >= record.supersededAt) return { ok: false, errcode: 40001 };
    if (now >= record.expiresAt) return { ok: false, errcode: 42001 };
    return { ok: true, value: record.appId };
  }

  /** The token each slot would hand out now (for in-process inspection). */
  currentToken(appId: string, kind: TokenKind): Readonly<AccessTokenRecord> | undefined {
    return this.current.get(slot(appId, kind));
  }

  private mint(appId: string, kind: TokenKind, now: number): AccessTokenRecord {
    this.forgetDeadTokens(now);
    const record: AccessTokenRecord = {
      token: newAccessToken(),
      appId,
      kind,
      issuedAt: now,
      expiresAt: now + TOKEN_TTL_MS,
      supersededAt: null,
    };
    this.records.set(record.token, record);
    this.current.set(slot(appId, kind), record);
    return record;
  }

  private forgetDeadTokens(now: number): void {
    // Kept one extra lifetime so an expired token still answers 42001, not 40001.
    for (const [token, record] of this.records) {
      if (now - record.expiresAt > TOKEN_TTL_MS) this.records.delete(token);
    }
  }
}

function slot(appId: string, kind: TokenKind): string {
  return `${kind}:${appId}`;
}

function answer(record: AccessTokenRecord, now: number): IssuedToken {
  return { access_token: record.token, expires_in: Math.max(0, Math.floor((record.expiresAt - now) / 1000)) };
}

function chinaDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}
