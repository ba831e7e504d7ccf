import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { errorBody, statusOf } from '../routes/error-answers.js';
import { TokenError } from './errors.js';
import { createTokenService } from './token-service.js';

const appId = 'wx1234567890abcdef';
const k1 = { kid: 'k1', secret: 'first-secret-0123456789abcdef0123456789' };
const k2 = { kid: 'k2', secret: 'second-secret-0123456789abcdef012345678' };

function fakeClock(start = Date.UTC(2025, 0, 1)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function kindOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    const tokenError = error as TokenError;
    // Every refusal is a 401 that ends the login (`code: -1`).
    expect(statusOf(tokenError.code)).toBe(401);
    expect(errorBody(tokenError).code).toBe(-1);
    return tokenError.code;
  }
  return 'ACCEPTED';
}

describe('token service', () => {
  it('issues HS256 tokens with kid, sub, aud, iat, exp, jti and tv', () => {
    const clock = fakeClock();
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 3600, audience: appId, clock: clock.now });
    const issued = tokens.sign({ sub: 'user-1', tv: 3 });
    const decoded = jwt.decode(issued.token, { complete: true });
    expect(decoded?.header).toMatchObject({ alg: 'HS256', kid: 'k1' });
    const iat = clock.now() / 1000;
    expect(issued.claims).toEqual({ sub: 'user-1', aud: appId, iat, exp: iat + 3600, jti: expect.any(String), tv: 3 });
    expect(issued.expiresAt.getTime()).toBe(clock.now() + 3600_000);
    expect(tokens.verify(issued.token)).toEqual(issued.claims);
    expect(tokens.sign({ sub: 'user-1', tv: 3 }).claims.jti).not.toBe(issued.claims.jti);
  });

  it('reports an expired token as TOKEN_EXPIRED', () => {
    const clock = fakeClock();
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId, clock: clock.now });
    const { token } = tokens.sign({ sub: 'u', tv: 0 });
    clock.advance(59_000);
    expect(kindOf(() => tokens.verify(token))).toBe('ACCEPTED');
    clock.advance(2_000);
    expect(kindOf(() => tokens.verify(token))).toBe('TOKEN_EXPIRED');
  });

  it('lets an expired token through only within a grace asked for, and keeps nbf strict', () => {
    const clock = fakeClock();
    const cold = { verifiedTokenCacheSize: 0 }; // each verify goes through jsonwebtoken
    for (const options of [cold, {}]) {
      const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId, clock: clock.now, ...options });
      const { token } = tokens.sign({ sub: 'u', tv: 0 });
      tokens.verify(token);
      clock.advance(61_000);
      expect(kindOf(() => tokens.verify(token))).toBe('TOKEN_EXPIRED');
      expect(kindOf(() => tokens.verify(token, { expiredGraceSeconds: 100 }))).toBe('ACCEPTED');
      expect(kindOf(() => tokens.verify(token))).toBe('TOKEN_EXPIRED'); // the grace is per call
      clock.advance(100_000);
      expect(kindOf(() => tokens.verify(token, { expiredGraceSeconds: 100 }))).toBe('TOKEN_EXPIRED');
    }
    const now = Math.floor(clock.now() / 1000);
    const notYet = jwt.sign({ sub: 'u', aud: appId, iat: now, exp: now + 60, nbf: now + 30, jti: 'j', tv: 0 }, k1.secret, { algorithm: 'HS256', keyid: 'k1' });
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId, clock: clock.now });
    expect(kindOf(() => tokens.verify(notYet, { expiredGraceSeconds: 86_400 }))).toBe('TOKEN_INVALID');
    clock.advance(31_000);
    expect(kindOf(() => tokens.verify(notYet, { expiredGraceSeconds: 86_400 }))).toBe('ACCEPTED'); // valid from nbf on
  });

  it('remembers a verified token without trusting it longer: expiry and tampering still count', () => {
    const clock = fakeClock();
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId, clock: clock.now, verifiedTokenCacheSize: 2 });
    const issued = tokens.sign({ sub: 'user-1', tv: 0 });
    expect(tokens.verify(issued.token)).toEqual(issued.claims);
    expect(tokens.verify(issued.token)).toEqual(issued.claims); // remembered
    const [header, payload, signature] = issued.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(kindOf(() => tokens.verify(`${header}.${b64url({ ...claims, sub: 'user-2' })}.${signature}`))).toBe('TOKEN_INVALID');
    expect(kindOf(() => tokens.verify(`${issued.token}x`))).toBe('TOKEN_INVALID');
    // More tokens than the memory holds: the first is forgotten and verified again, still fine.
    for (const sub of ['a', 'b', 'c']) tokens.verify(tokens.sign({ sub, tv: 0 }).token);
    expect(tokens.verify(issued.token).sub).toBe('user-1');
    clock.advance(60_000);
    expect(kindOf(() => tokens.verify(issued.token))).toBe('TOKEN_EXPIRED');
    expect(kindOf(() => tokens.verify(issued.token))).toBe('TOKEN_EXPIRED');
  });

  it('rejects alg: none', () => {
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'admin', aud: appId, iat: now, exp: now + 60, jti: 'x', tv: 0 };
    for (const alg of ['none', 'None', 'NONE']) {
      const forged = `${b64url({ alg, typ: 'JWT', kid: 'k1' })}.${b64url(claims)}.`;
      expect(kindOf(() => tokens.verify(forged))).toBe('TOKEN_INVALID');
    }
  });

  it('rejects HS/RS confusion: RS256 tokens, and HS256 signed with the public key PEM', () => {
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'admin', aud: appId, iat: now, exp: now + 60, jti: 'x', tv: 0 };

    const rs256 = jwt.sign(claims, privateKey, { algorithm: 'RS256', keyid: 'k1' });
    expect(kindOf(() => tokens.verify(rs256))).toBe('TOKEN_INVALID');

    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64url(claims)}`;
    const confused = `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`;
    expect(kindOf(() => tokens.verify(confused))).toBe('TOKEN_INVALID');

    // …and a PEM can never be configured as an HMAC secret in the first place.
    expect(() => createTokenService({ keys: [{ kid: 'pem', secret: publicPem }], ttlSeconds: 60, audience: appId })).toThrow(/PEM/);
  });

  it('rejects a token signed with a removed key or a forged kid', () => {
    const before = createTokenService({ keys: [k2, k1], ttlSeconds: 60, audience: appId });
    const old = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId }).sign({ sub: 'u', tv: 0 }).token;
    expect(kindOf(() => before.verify(old))).toBe('ACCEPTED');
    const after = createTokenService({ keys: [k2], ttlSeconds: 60, audience: appId });
    expect(kindOf(() => after.verify(old))).toBe('TOKEN_INVALID');

    const attacker = createTokenService({ keys: [{ kid: 'k2', secret: 'attacker-secret-0123456789abcdef012345' }], ttlSeconds: 60, audience: appId });
    expect(kindOf(() => after.verify(attacker.sign({ sub: 'u', tv: 0 }).token))).toBe('TOKEN_INVALID');
  });

  it('rejects a token issued for another app', () => {
    const other = createTokenService({ keys: [k1], ttlSeconds: 60, audience: 'wxffffffffffffffff' });
    const mine = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    expect(kindOf(() => mine.verify(other.sign({ sub: 'u', tv: 0 }).token))).toBe('TOKEN_INVALID');
  });

  it('rejects a tampered payload', () => {
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    const [header, payload, signature] = tokens.sign({ sub: 'user-1', tv: 0 }).token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${b64url({ ...claims, sub: 'user-2' })}.${signature}`;
    expect(kindOf(() => tokens.verify(tampered))).toBe('TOKEN_INVALID');
  });

  it('rejects malformed tokens and tokens without a kid or a token version', () => {
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    const now = Math.floor(Date.now() / 1000);
    const noKid = jwt.sign({ sub: 'u', aud: appId, iat: now, exp: now + 60, jti: 'x', tv: 0 }, k1.secret, { algorithm: 'HS256' });
    const noTv = jwt.sign({ sub: 'u', aud: appId, iat: now, exp: now + 60, jti: 'x' }, k1.secret, { algorithm: 'HS256', keyid: 'k1' });
    for (const bad of ['', 'abc', 'a.b.c', '...', `${'x'.repeat(5000)}.y.z`, noKid, noTv]) {
      expect(kindOf(() => tokens.verify(bad))).toBe('TOKEN_INVALID');
    }
  });

  it('rotates keys: the first key signs, every configured key verifies', () => {
    const old = createTokenService({ keys: [k1], ttlSeconds: 60, audience: appId });
    const rotated = createTokenService({ keys: [k2, k1], ttlSeconds: 60, audience: appId });
    const oldToken = old.sign({ sub: 'u', tv: 0 }).token;
    expect(rotated.verify(oldToken).sub).toBe('u');
    const newToken = rotated.sign({ sub: 'u', tv: 0 }).token;
    expect(jwt.decode(newToken, { complete: true })?.header.kid).toBe('k2');
    expect(kindOf(() => old.verify(newToken))).toBe('TOKEN_INVALID');
  });

  it('serves several apps, each token bound to the app it was issued for', () => {
    const tokens = createTokenService({ keys: [k1], ttlSeconds: 60, audience: [appId, 'wxbbbbbbbbbbbbbbbb'] });
    const second = tokens.sign({ sub: 'u', tv: 0, aud: 'wxbbbbbbbbbbbbbbbb' });
    expect(tokens.verify(second.token).aud).toBe('wxbbbbbbbbbbbbbbbb');
    expect(() => tokens.sign({ sub: 'u', tv: 0, aud: 'wxcccccccccccccccc' })).toThrow();
  });
});
