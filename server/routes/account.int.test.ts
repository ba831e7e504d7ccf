// The signed-in routes: profile (fill-in and legacy payload), phone binding, logout everywhere
// and erasure, against the simulator and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { eventually } from '../../testing/eventually.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

describe('account routes', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(pgTarget);
  });
  afterAll(() => h.close());

  const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    h.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });

  it('fills in the nickname and avatar', async () => {
    const { token } = await h.login();
    const response = await call('PUT', '/me/profile', token, { nickname: '  阿梅 ', avatarUrl: 'http://tmp/avatar.jpeg' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: 1,
      user: expect.objectContaining({ nickname: '阿梅', avatarUrl: 'http://tmp/avatar.jpeg', hasProfile: true }),
    });
    expect((await call('GET', '/me', token)).json().user.nickname).toBe('阿梅');
  });

  it('serves GET /me from memory: another process sees a profile changed elsewhere at once with Redis, else within the TTL', async () => {
    const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    // An hour of trust: only the Redis message can make process b see the change in time.
    const [a, b] = [await h.another({ REDIS_URL, REVOCATION_TTL_MS: '3600000' }), await h.another({ REDIS_URL, REVOCATION_TTL_MS: '3600000' })];
    const { token } = await h.login();
    const me = (app: typeof a) => h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } }, app);
    expect((await me(b)).json().user.nickname).toBeNull(); // b holds the user now
    const changed = await h.inject({ method: 'PUT', url: '/me/profile', headers: { authorization: `Bearer ${token}` }, payload: { nickname: 'Lan', avatarUrl: 'https://img/lan.png' } }, a);
    expect(changed.statusCode).toBe(200);
    expect((await me(a)).json().user.nickname).toBe('Lan'); // its own write, read back at once
    await eventually(async () => expect((await me(b)).json().user.nickname).toBe('Lan'));

    // Without Redis, b trusts what it holds for REVOCATION_TTL_MS, then reads again.
    const [c, d] = [await h.another({ REVOCATION_TTL_MS: '60000' }), await h.another({ REVOCATION_TTL_MS: '60000' })];
    expect((await me(d)).json().user.nickname).toBe('Lan');
    await h.inject({ method: 'PUT', url: '/me/profile', headers: { authorization: `Bearer ${token}` }, payload: { nickname: 'Mei', avatarUrl: 'https://img/mei.png' } }, c);
    expect((await me(d)).json().user.nickname).toBe('Lan');
    h.advance(60_000);
    expect((await me(d)).json().user.nickname).toBe('Mei');
  });

  it('reads a legacy payload with the kept session_key, and after a key change with a fresh code', async () => {
    const { openid, token } = await h.login();
    // The phone's session expired since: its next wx.login brings a new session_key, which the
    // payload is encrypted with, while the server still holds the old one.
    await h.device.expireSession(openid);
    await h.device.login(openid);
    const payload = await h.device.userInfo(openid);
    const { userInfo: _shown, ...body } = payload;
    const stale = await call('POST', '/me/profile/wechat', token, body);
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 0, error: 'OPEN_DATA_DECRYPT_FAILED', errcode: -41003 });

    const resent = await call('POST', '/me/profile/wechat', token, { ...body, code: await h.device.login(openid) });
    expect(resent.statusCode).toBe(200);
    expect(resent.json().user).toMatchObject({ nickname: payload.userInfo.nickName, hasProfile: true });
    // The fresh key was kept: the same payload now decrypts without a code.
    expect((await call('POST', '/me/profile/wechat', token, body)).statusCode).toBe(200);
  });

  it("refuses a fresh code of another WeChat user when resending a payload", async () => {
    const { openid, token } = await h.login();
    const stranger = await h.newUser();
    const { userInfo: _shown, ...body } = await h.device.userInfo(openid);
    const response = await call('POST', '/me/profile/wechat', token, { ...body, code: stranger.code });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('CODE_OF_ANOTHER_USER');
  });

  it('binds the phone number from the button code and shows it masked', async () => {
    const { openid } = await h.device.createUser({ phone: '13800138000' });
    const { token } = await h.login(openid);
    const bound = await h.countEvents('PhoneNumberBound');
    const response = await call('POST', '/me/phone', token, { code: await h.device.phoneCode(openid) });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.phone).toBe('138****8000');
    expect(response.body).not.toContain('13800138000');
    expect(await h.countEvents('PhoneNumberBound')).toBe(bound + 1);
  });

  it('accepts logout-all with an empty JSON object, as the client sends it, or with no body', async () => {
    const first = await h.login();
    expect((await call('POST', '/auth/logout-all', first.token, {})).json()).toEqual({ code: 1, message: expect.any(String) });
    const second = await h.login(first.openid);
    const bare = await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { token: second.token, 'content-type': 'application/json' } });
    expect(bare.statusCode).toBe(200);
    expect((await call('GET', '/me', second.token)).json().error).toBe('TOKEN_REVOKED');
  });

  it('logs out everywhere with a token expired less than 30 days ago, and with nothing older or revoked', async () => {
    const day = 86_400_000;
    const lost = await h.login(); // the phone left in a drawer
    h.advance(8 * day); // past the token's 7 days
    const other = await h.login(lost.openid); // another device, signed in today
    expect((await call('GET', '/me', lost.token)).json().error).toBe('TOKEN_EXPIRED');
    expect((await call('PUT', '/me/profile', lost.token, { nickname: 'n', avatarUrl: 'https://a/n.png' })).json().error).toBe('TOKEN_EXPIRED');

    const revoked = await h.countEvents('SessionsRevoked');
    const answer = await call('POST', '/auth/logout-all', lost.token, {});
    expect(answer.statusCode).toBe(200);
    expect(await h.countEvents('SessionsRevoked')).toBe(revoked + 1);
    expect((await call('GET', '/me', other.token)).json().error).toBe('TOKEN_REVOKED');
    // Revoked now: everything it could revoke already is.
    expect((await call('POST', '/auth/logout-all', lost.token, {})).json().error).toBe('TOKEN_REVOKED');

    const older = await h.login();
    h.advance(38 * day); // 7 days of life and 31 more
    const refused = await call('POST', '/auth/logout-all', older.token, {});
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: -1, error: 'TOKEN_EXPIRED' });
    expect(await h.countEvents('SessionsRevoked')).toBe(revoked + 1);
  });

  it('erases the personal data, ends every login, and starts afresh at the next login', async () => {
    const { openid } = await h.device.createUser({ phone: '13900139000' });
    const { token, body } = await h.login(openid);
    const userId = (body['user'] as { id: string }).id;
    await call('PUT', '/me/profile', token, { nickname: 'Mei', avatarUrl: 'https://cdn.example.com/mei.png' });
    await call('POST', '/me/phone', token, { code: await h.device.phoneCode(openid) });

    const erased = await call('DELETE', '/me', token);
    expect(erased.json()).toEqual({ code: 1, message: expect.any(String) });
    expect(await h.countEvents('UserErased')).toBeGreaterThan(0);
    expect((await call('GET', '/me', token)).json()).toMatchObject({ code: -1, error: 'TOKEN_REVOKED' });
    const { rows } = await h.db.query<Record<string, unknown>>('SELECT nickname, avatar_url, phone, erased_at FROM users WHERE id = $1', [userId]);
    expect(rows[0]).toMatchObject({ nickname: null, avatar_url: null, phone: null, erased_at: expect.anything() });
    expect((await h.db.query('SELECT 1 FROM session_keys WHERE openid = $1', [openid])).rows).toHaveLength(0);

    const back = await h.login(openid);
    expect(back.body).toMatchObject({ isNew: true, user: { id: userId, nickname: null, phone: null, hasProfile: false } });
    expect((await call('GET', '/me', back.token)).statusCode).toBe(200);
    expect((await call('GET', '/me', token)).statusCode).toBe(401);
  });
});
