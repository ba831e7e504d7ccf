// Issue 10, token attacks over HTTP against the app: alg none, HS/RS confusion and algorithm
// substitution, a rotated-out key, a foreign audience, an expired token, a tampered payload,
// a revoked one (on this process and on another). Each is a 401 with `code: -1`, on every
// signed-in route, and changes nothing.

import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGOUT_ALL_EXPIRED_GRACE_SECONDS } from '../server/routes/sessions.js';
import { APP, JWT_SECRET } from '../server/testing/app-harness.js';
import { eventually } from '../testing/eventually.js';
import { call, isTypedError, type Answer } from './testing/http.js';
import { startAppUnderAttack, type AppUnderAttack } from './testing/app-under-attack.js';

const NEW_SECRET = 'rotated-jwt-secret-0123456789abcdefghijklmnop';
const SIGNED_IN_ROUTES = [
  { method: 'GET', url: '/me' },
  { method: 'PUT', url: '/me/profile', body: { nickname: 'Mallory', avatarUrl: 'https://a/b.png' } },
  { method: 'POST', url: '/me/phone', body: { code: 'phone-code-0000' } },
  { method: 'POST', url: '/me/phone/unavailable', body: { errno: 1400001 } },
  { method: 'POST', url: '/me/consent', body: { decision: 'given', guideVersion: 'v1' } },
  { method: 'GET', url: '/me/export' },
  { method: 'POST', url: '/me/profile/wechat', body: { encryptedData: 'AAAA', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' } },
  { method: 'POST', url: '/auth/logout-all', body: {} },
  { method: 'DELETE', url: '/me' },
] as const;

type Route = (typeof SIGNED_IN_ROUTES)[number];
// Logging out everywhere also takes a token expired less than 30 days ago (server/routes/sessions.ts).
const BUT_LOGOUT_ALL = SIGNED_IN_ROUTES.filter((route) => route.url !== '/auth/logout-all');

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('token attacks over HTTP', () => {
  let s: AppUnderAttack;
  let victim: { openid: string; token: string; userId: string };
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    s = await startAppUnderAttack();
    victim = await s.signedIn();
    claims = jwt.decode(victim.token) as Record<string, unknown>;
  });
  afterAll(() => s?.close());

  /** The same claims, forged: a header and a payload of the attacker's choice, signed by `sign`. */
  function forge(header: object, payload: object, sign: (input: string) => string = () => ''): string {
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${sign(input)}`;
  }
  const hs256 = (secret: string | Buffer) => (input: string) => createHmac('sha256', secret).update(input).digest('base64url');
  const now = () => Math.floor(Date.now() / 1000);

  /** Every signed-in route refuses the token with 401, `code: -1` and `expected`; nothing is written. */
  async function refusedEverywhere(token: string, expected: string, base = s.base, routes: readonly Route[] = SIGNED_IN_ROUTES): Promise<void> {
    const before = await s.written();
    for (const route of routes) {
      for (const headers of [{ authorization: `Bearer ${token}` }, { token }] as Array<Record<string, string>>) {
        const answer = (await call(s.watch, base, route.method, route.url, { headers, ...('body' in route ? { body: route.body } : {}) })) as Answer;
        const where = `${route.method} ${route.url} with ${Object.keys(headers)[0]}`;
        expect({ status: answer.status, code: answer.body?.['code'], error: answer.body?.['error'] }, where).toEqual({ status: 401, code: -1, error: expected });
        expect(isTypedError(answer.body), where).toBe(true);
        expect(answer.headers.get('www-authenticate'), where).toMatch(/^Bearer realm="miniauth", error="invalid_token"$/);
      }
    }
    expect(await s.written()).toBe(before);
  }

  it('accepts the genuine token (the attacks below are refused for what they change)', async () => {
    const me = (await s.send('GET', '/me', { headers: { authorization: `Bearer ${victim.token}` } }));
    expect(me.status).toBe(200);
    expect(claims).toMatchObject({ sub: victim.userId, aud: APP.appId, tv: 0 });
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s, with and without a signature', async (alg) => {
    await refusedEverywhere(forge({ alg, typ: 'JWT', kid: 'default' }, claims), 'TOKEN_INVALID');
    await refusedEverywhere(forge({ alg, typ: 'JWT', kid: 'default' }, claims, hs256(JWT_SECRET)), 'TOKEN_INVALID');
    await refusedEverywhere(forge({ alg, typ: 'JWT' }, claims), 'TOKEN_INVALID');
  });

  it('refuses RS256 and ES256 tokens, HMAC keyed with a public key, and HS384/HS512 with the real secret', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refusedEverywhere(jwt.sign(claims, rsa.privateKey, { algorithm: 'RS256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    await refusedEverywhere(jwt.sign(claims, ec.privateKey, { algorithm: 'ES256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    await refusedEverywhere(forge({ alg: 'HS256', typ: 'JWT', kid: 'default' }, claims, hs256(publicPem)), 'TOKEN_INVALID');
    await refusedEverywhere(forge({ alg: 'RS256', typ: 'JWT', kid: 'default' }, claims, hs256(JWT_SECRET)), 'TOKEN_INVALID');
    for (const algorithm of ['HS384', 'HS512'] as const) {
      await refusedEverywhere(jwt.sign(claims, JWT_SECRET, { algorithm, keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    }
    // A key the attacker supplies in the header itself is never used.
    const jwk = rsa.publicKey.export({ format: 'jwk' });
    await refusedEverywhere(forge({ alg: 'RS256', typ: 'JWT', kid: 'default', jwk }, claims, (input) => jwt.sign(input, rsa.privateKey, { algorithm: 'RS256' }).split('.')[2]!), 'TOKEN_INVALID');
  });

  it('refuses forged kids: missing, unknown, a path, an injection', async () => {
    for (const kid of [undefined, 'other', '../../../../dev/null', "default' OR '1'='1", '', 'DEFAULT']) {
      const header = kid === undefined ? { alg: 'HS256', typ: 'JWT' } : { alg: 'HS256', typ: 'JWT', kid };
      await refusedEverywhere(forge(header, claims, hs256(JWT_SECRET)), 'TOKEN_INVALID');
    }
  });

  describe('key rotation', () => {
    let rotating: FastifyInstance;
    let rotated: FastifyInstance;
    let rotatingBase: string;
    let rotatedBase: string;
    beforeAll(async () => {
      // During the rotation the new key signs and the old one still verifies; after it, only the new one.
      rotating = await s.h.another({ JWT_SECRET: '', JWT_KEYS: `k2:${NEW_SECRET},default:${JWT_SECRET}` });
      rotated = await s.h.another({ JWT_SECRET: '', JWT_KEYS: `k2:${NEW_SECRET}` });
      rotatingBase = await rotating.listen({ port: 0, host: '127.0.0.1' });
      rotatedBase = await rotated.listen({ port: 0, host: '127.0.0.1' });
      s.watch.secret(NEW_SECRET, 'the rotated-in JWT secret');
    });

    it('accepts an old-key token while both keys are configured, and refuses it once the old key is gone', async () => {
      const fresh = await s.signedIn();
      expect((await call(s.watch, rotatingBase, 'GET', '/me', { headers: { authorization: `Bearer ${fresh.token}` } })).status).toBe(200);
      await refusedEverywhere(fresh.token, 'TOKEN_INVALID', rotatedBase);
      // A token of the new key works on the rotated process (and the sign-in there uses it).
      const renewed = await call(s.watch, rotatedBase, 'POST', '/wx/login', { body: { code: await s.h.device.login(fresh.openid) } }) as Answer;
      expect(jwt.decode(String(renewed.body?.['token']), { complete: true })?.header.kid).toBe('k2');
      // An attacker relabelling an old-key token as k2 gets nowhere either.
      const [, payload, signature] = fresh.token.split('.');
      await refusedEverywhere(`${b64url({ alg: 'HS256', typ: 'JWT', kid: 'k2' })}.${payload}.${signature}`, 'TOKEN_INVALID', rotatedBase);
    });
  });

  it('refuses a token for another app, signed with the right key', async () => {
    await refusedEverywhere(jwt.sign({ ...claims, aud: 'wx99999999999999zz' }, JWT_SECRET, { algorithm: 'HS256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    await refusedEverywhere(jwt.sign({ ...claims, aud: [APP.appId, 'wx99999999999999zz'] }, JWT_SECRET, { algorithm: 'HS256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    const { aud: _aud, ...noAudience } = claims;
    await refusedEverywhere(jwt.sign(noAudience, JWT_SECRET, { algorithm: 'HS256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
  });

  it('refuses an expired token: forged with a past exp, and a real one outlived; logout-all once its 30 days of grace are over', async () => {
    const expiredAgo = (seconds: number) =>
      jwt.sign({ ...claims, iat: now() - seconds - 60, exp: now() - seconds }, JWT_SECRET, { algorithm: 'HS256', keyid: 'default', noTimestamp: true });
    await refusedEverywhere(expiredAgo(60), 'TOKEN_EXPIRED', s.base, BUT_LOGOUT_ALL);
    await refusedEverywhere(expiredAgo(LOGOUT_ALL_EXPIRED_GRACE_SECONDS + 60), 'TOKEN_EXPIRED');
    const { token } = await s.signedIn();
    const ttlMs = s.h.config.jwt.ttlSeconds * 1000;
    const graceMs = LOGOUT_ALL_EXPIRED_GRACE_SECONDS * 1000;
    s.h.advance(ttlMs + 1_000);
    try {
      await refusedEverywhere(token, 'TOKEN_EXPIRED', s.base, BUT_LOGOUT_ALL);
      s.h.advance(graceMs);
      await refusedEverywhere(token, 'TOKEN_EXPIRED');
    } finally {
      s.h.advance(-(ttlMs + 1_000 + graceMs));
    }
    expect((await s.send('GET', '/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses a tampered payload: another user, a raised token version, a later expiry, a not-yet-valid token', async () => {
    const other = await s.signedIn();
    const [header, , signature] = victim.token.split('.');
    for (const change of [{ sub: other.userId }, { tv: 7 }, { exp: now() + 10 * 365 * 86_400 }, { aud: APP.appId, extra: 'admin' }]) {
      await refusedEverywhere(`${header}.${b64url({ ...claims, ...change })}.${signature}`, 'TOKEN_INVALID');
    }
    await refusedEverywhere(jwt.sign({ ...claims, nbf: now() + 3_600 }, JWT_SECRET, { algorithm: 'HS256', keyid: 'default', noTimestamp: true }), 'TOKEN_INVALID');
    await refusedEverywhere(`${victim.token}.${signature}`, 'TOKEN_INVALID');
  });

  it('refuses a revoked token at once on this process, and within REVOCATION_TTL on another', async () => {
    const user = await s.signedIn();
    const elsewhere = await s.h.another({ REVOCATION_TTL_MS: '1000' });
    const elsewhereBase = await elsewhere.listen({ port: 0, host: '127.0.0.1' });
    // The other process has seen (and cached) the token's version.
    expect((await call(s.watch, elsewhereBase, 'GET', '/me', { headers: { authorization: `Bearer ${user.token}` } })).status).toBe(200);

    const out = await s.send('POST', '/auth/logout-all', { headers: { authorization: `Bearer ${user.token}` }, body: {} });
    expect(out.status).toBe(200);
    await refusedEverywhere(user.token, 'TOKEN_REVOKED');
    // Within the TTL: the other process's cached version expires 1 s after the first call above,
    // and the next call after that is refused. The 2 s on top are for one call on a busy
    // machine (milliseconds alone).
    const ttl = 1_000;
    await eventually(async () => {
      const answer = (await call(s.watch, elsewhereBase, 'GET', '/me', { headers: { authorization: `Bearer ${user.token}` } })) as Answer;
      expect(answer.status).toBe(401);
    }, ttl + 2_000);
    await refusedEverywhere(user.token, 'TOKEN_REVOKED', elsewhereBase);
  });

  it("refuses an erased user's token", async () => {
    const user = await s.signedIn();
    expect((await s.send('DELETE', '/me', { headers: { authorization: `Bearer ${user.token}` } })).status).toBe(200);
    await refusedEverywhere(user.token, 'TOKEN_REVOKED');
  });

  it('does not fall back to the token header when the Authorization header is bad', async () => {
    const answer = await s.send('GET', '/me', { headers: { authorization: 'Bearer forged.token.here', token: victim.token } });
    expect({ status: answer.status, code: answer.body?.['code'] }).toEqual({ status: 401, code: -1 });
  });

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await s.leaks();
    expect(s.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > 200), log: expect.toSatisfy((n: number) => n > 200) });
    expect(leaks).toEqual([]);
  });
});
