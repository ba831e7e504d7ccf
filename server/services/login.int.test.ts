// POST /wx/login end to end on both databases: the simulator as WeChat, the real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../../testing/databases.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';

describe.each(databaseTargets())('POST /wx/login on $name', (target) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(() => h.close());

  const post = (payload: object, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/wx/login', payload, headers });
  const me = (headers: Record<string, string>) => h.inject({ method: 'GET', url: '/me', headers });

  it('registers a fresh user and answers what a classic mini program client reads', async () => {
    const { code } = await h.newUser();
    const registered = await h.countEvents('UserRegistered');
    const before = h.now();
    const response = await post({ code });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      code: 1,
      message: '登录成功',
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresAt: expect.any(String),
      isNew: true,
      user: { id: expect.any(String), nickname: null, avatarUrl: null, hasProfile: false, phone: null, phoneBound: false, pendingReview: [], createdAt: expect.any(String) },
    });
    // The token's life starts at the login, in whole seconds (JWT exp), however long it took.
    expect(Date.parse(body.expiresAt)).toBeGreaterThanOrEqual(before + h.config.jwt.ttlSeconds * 1000 - 1_000);
    expect(await h.countEvents('UserRegistered')).toBe(registered + 1);
    // Older clients send `token: <jwt>`; newer ones Authorization: Bearer.
    for (const headers of [{ token: body.token }, { authorization: `Bearer ${body.token}` }] as Array<Record<string, string>>) {
      const answer = await me(headers);
      expect(answer.statusCode).toBe(200);
      expect(answer.json().user.id).toBe(body.user.id);
    }
  });

  it('logs a returning user in without registering again', async () => {
    const first = await h.login();
    const registered = await h.countEvents('UserRegistered');
    const again = await h.login(first.openid);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ code: 1, isNew: false, user: { id: (first.body['user'] as { id: string }).id } });
    expect(await h.countEvents('UserRegistered')).toBe(registered);
  });

  it('finds the user again after a reinstall, with the profile kept and no consent needed', async () => {
    const first = await h.login();
    const profile = { nickname: '阿梅', avatarUrl: 'https://cdn.example.com/a.png' };
    const saved = await h.inject({ method: 'PUT', url: '/me/profile', headers: { authorization: `Bearer ${first.token}` }, payload: profile });
    expect(saved.statusCode).toBe(200);
    // A reinstalled app has no token: it only has a new wx.login code.
    const reinstalled = await h.login(first.openid);
    expect(reinstalled.body).toMatchObject({ isNew: false, user: { ...profile, hasProfile: true } });
  });

  it('reads the profile from a legacy payload, checking its signature', async () => {
    const { openid, code } = await h.newUser();
    const payload = await h.device.userInfo(openid);
    const response = await post({ code, encryptedData: payload.encryptedData, iv: payload.iv, signature: payload.signature, rawData: payload.rawData });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      isNew: true,
      user: { nickname: payload.userInfo.nickName, avatarUrl: payload.userInfo.avatarUrl, hasProfile: true },
    });
  });

  it('accepts the classic body exactly: { code, encryptedData, iv, signature } without rawData', async () => {
    const { openid, code } = await h.newUser();
    const { encryptedData, iv, signature, userInfo } = await h.device.userInfo(openid);
    const response = await post({ code, encryptedData, iv, signature });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ code: 1, user: { nickname: userInfo.nickName } });
  });

  it("keeps no profile from WeChat's anonymous placeholder", async () => {
    const { openid, code } = await h.newUser();
    const { encryptedData, iv, signature, rawData } = await h.device.userInfo(openid, { anonymous: true });
    const response = await post({ code, encryptedData, iv, signature, rawData });
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toMatchObject({ nickname: null, hasProfile: false });
  });

  it('answers a retried code with the same user and isNew, writing nothing more', async () => {
    const { code } = await h.newUser();
    const first = await post({ code });
    const events = await h.countEvents();
    const retry = await post({ code });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ code: 1, isNew: true, user: first.json().user });
    expect(retry.json().token).not.toBe(first.json().token);
    expect(await h.countEvents()).toBe(events);
    expect((await me({ token: retry.json().token })).statusCode).toBe(200);
  });

  it('answers a double tap (the same code twice at once) with one login', async () => {
    const { code } = await h.newUser();
    const loggedIn = await h.countEvents('UserLoggedIn');
    const [a, b] = await Promise.all([post({ code }), post({ code })]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json().user.id).toBe(b.json().user.id);
    expect([a.json().isNew, b.json().isNew]).toEqual([true, true]);
    expect(await h.countEvents('UserLoggedIn')).toBe(loggedIn + 1);
  });

  it('stops replaying a code once the user logged out everywhere', async () => {
    const { code } = await h.newUser();
    const first = await post({ code });
    const revoked = await h.inject({ method: 'POST', url: '/auth/logout-all', headers: { token: first.json().token }, payload: {} });
    expect(revoked.statusCode).toBe(200);
    const replay = await post({ code });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ code: 0, error: 'WECHAT_CODE_USED', errcode: 40163 });
  });
});
