// Signs and verifies the login tokens: HS256 only, each secret turned into a KeyObject once
// (a string secret re-derives the key on every call, about 40 times slower), `kid` in the
// header so that keys can rotate: the first key signs, every configured key verifies.

import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenError } from './errors.js';

export interface SigningKey {
  kid: string;
  secret: string | Uint8Array;
}

export interface TokenClaims {
  /** The user id. */
  sub: string;
  /** The appId the token was issued for. */
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  /** The user's token version at issue time; "logout everywhere" bumps the current one. */
  tv: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
  claims: TokenClaims;
}

export interface TokenServiceOptions {
  keys: readonly SigningKey[];
  ttlSeconds: number;
  /** The appId(s) tokens are issued for; with several, `sign` must say which. */
  audience: string | readonly string[];
  /** Milliseconds since the epoch; tests pass a fake clock. */
  clock?: () => number;
  /** How many verified tokens to remember (default 10,000; 0 turns the memory off). */
  verifiedTokenCacheSize?: number;
}

export interface TokenService {
  readonly ttlSeconds: number;
  sign(subject: { sub: string; tv: number; aud?: string }): IssuedToken;
  /**
   * The claims of a valid token, or a TokenError (TOKEN_INVALID or TOKEN_EXPIRED). With
   * `expiredGraceSeconds`, a token expired for less than that still verifies: only for acts
   * that take access away (logging out everywhere), never for reading or changing anything.
   */
  verify(token: string, options?: VerifyOptions): TokenClaims;
}

export interface VerifyOptions {
  expiredGraceSeconds?: number;
}

const ALGORITHM = 'HS256';
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
// Far above any token we issue; stops a huge header from being parsed at all.
const MAX_TOKEN_LENGTH = 4096;

function toKeyObject({ kid, secret }: SigningKey): KeyObject {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length === 0) throw new Error(`token key ${kid}: the secret is empty`);
  // A PEM key used as an HMAC secret is the classic HS/RS confusion: refuse it outright.
  if (bytes.subarray(0, 64).toString('utf8').includes('-----BEGIN')) {
    throw new Error(`token key ${kid}: a PEM key is not an HMAC secret`);
  }
  return createSecretKey(bytes);
}

/** The kid from the JOSE header, without trusting anything else in it. */
function headerKid(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null) return undefined;
    const kid = (header as Record<string, unknown>)['kid'];
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c['sub'] === 'string' && c['sub'] !== '' &&
    typeof c['aud'] === 'string' &&
    Number.isInteger(c['iat']) && Number.isInteger(c['exp']) &&
    typeof c['jti'] === 'string' &&
    Number.isInteger(c['tv']) && (c['tv'] as number) >= 0
  );
}

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { keys, ttlSeconds } = options;
  const clock = options.clock ?? Date.now;
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (keys.length === 0) throw new Error('token service: at least one key is required');
  if (audiences.length === 0 || audiences.some((aud) => aud === '')) throw new Error('token service: an audience (appId) is required');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('token service: ttlSeconds must be a positive integer');

  const verifyKeys = new Map<string, KeyObject>();
  for (const key of keys) {
    if (key.kid === '' || verifyKeys.has(key.kid)) throw new Error(`token service: kid "${key.kid}" is empty or repeated`);
    verifyKeys.set(key.kid, toKeyObject(key));
  }
  const signingKid = keys[0]!.kid;
  const signingKey = verifyKeys.get(signingKid)!;
  const verifyAudience: [string, ...string[]] = [audiences[0]!, ...audiences.slice(1)];

  function sign({ sub, tv, aud = audiences[0]! }: { sub: string; tv: number; aud?: string }): IssuedToken {
    if (!audiences.includes(aud)) throw new Error(`token service: ${aud} is not a configured audience`);
    const iat = Math.floor(clock() / 1000);
    const claims: TokenClaims = { sub, aud, iat, exp: iat + ttlSeconds, jti: randomBytes(16).toString('base64url'), tv };
    const token = jwt.sign(claims, signingKey, { algorithm: ALGORITHM, keyid: signingKid });
    return { token, expiresAt: new Date(claims.exp * 1000), claims };
  }

  // jsonwebtoken's verify costs 10–30 µs, as much as the rest of a small route, and a client
  // sends the same token with every request for days. A token that verified is remembered by
  // its exact text (signature included, so nothing unverified can hit); a hit re-checks only
  // the expiry, as jsonwebtoken would. Keys and audiences are fixed for the service's life.
  const cacheSize = options.verifiedTokenCacheSize ?? VERIFIED_TOKEN_CACHE_SIZE;
  const verified = new Map<string, TokenClaims>();

  function remember(token: string, claims: TokenClaims): void {
    if (cacheSize === 0 || 'nbf' in claims) return; // we never issue nbf; leave such tokens to jsonwebtoken
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, Object.freeze(claims));
  }

  function verify(token: string, verifyOptions?: VerifyOptions): TokenClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new TokenError('TOKEN_INVALID');
    }
    const grace = verifyOptions?.expiredGraceSeconds ?? 0;
    const known = verified.get(token);
    if (known !== undefined) {
      if (Math.floor(clock() / 1000) < known.exp + grace) return known;
      if (grace === 0) verified.delete(token);
      throw new TokenError('TOKEN_EXPIRED');
    }
    const kid = headerKid(token);
    const key = kid === undefined ? undefined : verifyKeys.get(kid);
    // No kid or a kid we do not hold (a removed key, a forged header): nothing to verify with.
    if (key === undefined) throw new TokenError('TOKEN_INVALID');
    const now = Math.floor(clock() / 1000);
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, {
        algorithms: [ALGORITHM],
        audience: verifyAudience,
        clockTimestamp: now,
        // With a grace the expiry is checked below; jsonwebtoken's clockTolerance would also
        // stretch nbf, which must stay strict.
        ignoreExpiration: grace > 0,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new TokenError('TOKEN_EXPIRED');
      throw new TokenError('TOKEN_INVALID');
    }
    // Expired before anything else, as jsonwebtoken itself would say without a grace.
    const exp = (payload as { exp?: unknown } | null)?.exp;
    if (typeof exp === 'number' && now >= exp + grace) throw new TokenError('TOKEN_EXPIRED');
    if (!isClaims(payload)) throw new TokenError('TOKEN_INVALID');
    remember(token, payload);
    return payload;
  }

  return { ttlSeconds, sign, verify };
}
