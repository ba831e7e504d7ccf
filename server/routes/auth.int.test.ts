// The auth hook over HTTP: every kind of bad token is a 401 with code -1, keys rotate, and
// "logout everywhere" reaches a second server process within the revocation TTL.
import type { FastifyInstance } from 'fastify';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import { APP, JWT_SECRET, startHarness, type AppHarness } from '../testing/app-harness.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the auth hook', () => {
  let h: AppHarness;
  let user: { token: string; id: string };
  beforeAll(async () => {
    h = await startHarness(pgTarget, { env: { REVOCATION_TTL_MS: '2000' } });
    const login = await h.login();
    user = { token: login.token, id: (login.body['user'] as { id: string }).id };
  });
  afterAll(() => h.close());

  const me = (headers: Record<string, string>, app?: FastifyInstance) => h.inject({ method: 'GET', url: '/me', headers }, app);

  async function rejected(headers: Record<string, string>, error: string, app?: FastifyInstance) {
    const response = await me(headers, app);
    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: 401,
      body: { code: -1, error, message: expect.any(String) },
    });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="miniauth"/);
  }

  function claims(overrides: object = {}) {
    const now = Math.floor(h.now() / 1000);
    return { sub: user.id, aud: APP.appId, iat: now, exp: now + 600, jti: 'j', tv: 0, ...overrides };
  }

  it('answers TOKEN_MISSING without a token, or with the empty token header of a signed-out older client', async () => {
    await rejected({}, 'TOKEN_MISSING');
    await rejected({ token: '' }, 'TOKEN_MISSING');
    await rejected({ authorization: 'Basic dXNlcjpwYXNz' }, 'TOKEN_MISSING');
  });

  it.each([
    { name: 'garbage', make: () => 'not.a.jwt' },
    { name: 'a forged signature', make: () => jwt.sign(claims(), 'attacker-secret-0123456789abcdef0123', { algorithm: 'HS256', keyid: 'default' }) },
    { name: 'alg: none', make: () => `${b64url({ alg: 'none', typ: 'JWT', kid: 'default' })}.${b64url(claims())}.` },
    { name: 'an unknown kid', make: () => jwt.sign(claims(), JWT_SECRET, { algorithm: 'HS256', keyid: 'elsewhere' }) },
    { name: 'another app as audience', make: () => jwt.sign(claims({ aud: 'wx2222222222222222' }), JWT_SECRET, { algorithm: 'HS256', keyid: 'default' }) },
    { name: 'HS512', make: () => jwt.sign(claims(), JWT_SECRET, { algorithm: 'HS512', keyid: 'default' }) },
  ])('answers TOKEN_INVALID for $name', async ({ make }) => {
    const token = make();
    await rejected({ authorization: `Bearer ${token}` }, 'TOKEN_INVALID');
    await rejected({ token }, 'TOKEN_INVALID');
  });

  it('answers TOKEN_EXPIRED once the token has lived its TTL', async () => {
    const { token } = await h.login();
    expect((await me({ token })).statusCode).toBe(200);
    h.advance(h.config.jwt.ttlSeconds * 1000 + 1_000);
    try {
      await rejected({ token }, 'TOKEN_EXPIRED');
    } finally {
      h.advance(-(h.config.jwt.ttlSeconds * 1000 + 1_000));
    }
  });

  it('keeps verifying tokens of a rotated-out key while it is configured, not after its removal', async () => {
    const NEW = 'the-next-jwt-secret-0123456789abcdefghij';
    const rotating = await h.another({ JWT_SECRET: '', JWT_KEYS: `next:${NEW},default:${JWT_SECRET}` });
    expect((await me({ token: user.token }, rotating)).statusCode).toBe(200);
    const issued = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: (await h.newUser()).code } }, rotating);
    const fresh: string = issued.json().token;
    expect(jwt.decode(fresh, { complete: true })?.header.kid).toBe('next');

    const rotated = await h.another({ JWT_SECRET: '', JWT_KEYS: `next:${NEW}` });
    expect((await me({ token: fresh }, rotated)).statusCode).toBe(200);
    await rejected({ token: user.token }, 'TOKEN_INVALID', rotated);
  });

  it('revokes every token on logout-all: here at once, on another process within the TTL', async () => {
    const other = await h.another({ REVOCATION_TTL_MS: '2000' });
    const { token } = await h.login();
    expect((await me({ token }, other)).statusCode).toBe(200); // now cached there
    const revoked = await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { token } });
    expect(revoked.json()).toEqual({ code: 1, message: expect.any(String) });
    await rejected({ token }, 'TOKEN_REVOKED');
    h.advance(2_001);
    await rejected({ token }, 'TOKEN_REVOKED', other);
  });

  it('revokes on another process at once when they share Redis', async () => {
    const env = { REDIS_URL, REVOCATION_TTL_MS: '3600000' };
    const [a, b] = [await h.another(env), await h.another(env)];
    const { token } = await h.login();
    expect((await me({ token }, a)).statusCode).toBe(200);
    expect((await me({ token }, b)).statusCode).toBe(200);
    expect((await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { token } }, a)).statusCode).toBe(200);
    // Without Redis, b would trust its cached version for the hour this test sets: a refusal
    // within the shared wait (10 s) can only have come through Redis.
    await eventually(async () => expect((await me({ token }, b)).statusCode).toBe(401));
    await rejected({ token }, 'TOKEN_REVOKED', b);
  });

  it('accepts a token issued after the revocation', async () => {
    const { openid, token } = await h.login();
    await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { token } });
    const again = await h.login(openid);
    expect((await me({ token: again.token })).statusCode).toBe(200);
  });
});
