// Issue 10, open-data attacks: legacy user-info payloads that are real, but not this user's,
// not this app's or not this session's, and payloads with a wrong signature. Each is refused
// with WeChat's code (-41003 where the SDK has one), at login and on /me/profile/wechat, and
// nothing is written: no registration, no profile, no session_key.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRawData, type UserInfoPayload } from '../simulator/index.js';
import { APP, APP2 } from '../server/testing/app-harness.js';
import { isTypedError } from './testing/http.js';
import { startAppUnderAttack, type AppUnderAttack } from './testing/app-under-attack.js';

type Legacy = Omit<UserInfoPayload, 'userInfo'>;
const legacy = ({ userInfo: _shown, ...payload }: UserInfoPayload): Legacy => payload;

describe('open-data attacks', () => {
  let s: AppUnderAttack;
  beforeAll(async () => {
    // Two apps on one server; every new code rotates the user's session_key, as WeChat may.
    s = await startAppUnderAttack({ twoApps: true, rotation: 'always' });
  });
  afterAll(() => s?.close());

  /**
   * Sends the request and checks the refusal: status, WeChat's code, and nothing written. With
   * `exchangedFor`, the request carried a fresh code of that user: the server then keeps the
   * session_key WeChat just issued (the newest one, as it must), and nothing else.
   */
  async function refused(path: string, body: object, token: string | undefined, expected: { error: string; errcode?: number }, exchangedFor?: string) {
    const withoutKeys = (written: string) => ({ ...(JSON.parse(written) as Record<string, unknown>), keys: undefined });
    const before = await s.written();
    const answer = await s.send('POST', path, { body, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    expect({ status: answer.status, error: answer.body?.['error'] }, answer.text).toEqual({ status: 400, error: expected.error });
    expect(isTypedError(answer.body)).toBe(true);
    expect(answer.body?.['errcode']).toBe(expected.errcode);
    if (exchangedFor === undefined) {
      expect(await s.written()).toBe(before);
    } else {
      expect(withoutKeys(await s.written())).toEqual(withoutKeys(before));
      const { rows } = await s.h.db.query<{ session_key: string }>('SELECT session_key FROM session_keys WHERE openid = $1', [exchangedFor]);
      expect(rows[0]?.session_key).toBe((await s.h.device.user(exchangedFor)).sessionKey);
    }
  }
  const DECRYPT_FAILED = { error: 'OPEN_DATA_DECRYPT_FAILED', errcode: -41003 };

  it('refuses, at login, a payload encrypted for another user', async () => {
    const me = await s.h.device.createUser();
    const stranger = await s.h.device.createUser();
    await s.h.device.login(stranger.openid);
    const theirs = legacy(await s.h.device.userInfo(stranger.openid));
    await refused('/wx/login', { code: await s.h.device.login(me.openid), ...theirs }, undefined, DECRYPT_FAILED);
    const { rows } = await s.h.db.query('SELECT 1 FROM users WHERE app_id = $1 AND openid = $2', [APP.appId, me.openid]);
    expect(rows).toEqual([]);
  });

  it("refuses, at login, a payload of the same person in another app (the other app's key)", async () => {
    const me = await s.h.device.createUser();
    const inApp2 = await s.h.device.createUser({ appId: APP2.appId });
    await s.h.device.login(inApp2.openid, APP2.appId);
    const fromApp2 = legacy(await s.h.device.userInfo(inApp2.openid, { appId: APP2.appId }));
    await refused('/wx/login', { code: await s.h.device.login(me.openid), ...fromApp2 }, undefined, DECRYPT_FAILED);
  });

  it("refuses, at login, another app's payload under this user's own key (the watermark names the other app)", async () => {
    const me = await s.h.device.createUser();
    const code = await s.h.device.login(me.openid);
    const key = (await s.h.device.user(me.openid)).sessionKey;
    // A user of APP2 that happens to hold the same key: its payload decrypts here, stamped for APP2.
    const twin = await s.h.device.createUser({ appId: APP2.appId, sessionKey: key });
    const stamped = legacy(await s.h.device.userInfo(twin.openid, { appId: APP2.appId }));
    await refused('/wx/login', { code, ...stamped }, undefined, { error: 'OPEN_DATA_WATERMARK_MISMATCH', errcode: -41003 });
  });

  it("refuses a replayed payload of an earlier session, at login and on /me/profile/wechat", async () => {
    const { openid } = await s.h.device.createUser();
    const firstCode = await s.h.device.login(openid);
    const earlier = legacy(await s.h.device.userInfo(openid));
    const first = await s.send('POST', '/wx/login', { body: { code: firstCode, ...earlier } });
    expect(first.status).toBe(200);
    const token = String(first.body?.['token']);

    // A new code rotates the key: the earlier payload is of a session that has ended.
    await refused('/wx/login', { code: await s.h.device.login(openid), ...earlier }, undefined, DECRYPT_FAILED);
    const relogin = await s.send('POST', '/wx/login', { body: { code: await s.h.device.login(openid) } });
    expect(relogin.status).toBe(200);
    await refused('/me/profile/wechat', earlier, token, DECRYPT_FAILED);
    // …and resending it with a fresh code does not revive it.
    await refused('/me/profile/wechat', { ...earlier, code: await s.h.device.login(openid) }, token, DECRYPT_FAILED, openid);
  });

  it("refuses another user's current payload sent on one's own account", async () => {
    const victim = await s.h.device.createUser();
    await s.h.device.login(victim.openid);
    const victimPayload = legacy(await s.h.device.userInfo(victim.openid));
    const mallory = await s.signedIn();
    await refused('/me/profile/wechat', victimPayload, mallory.token, DECRYPT_FAILED);
  });

  it('refuses a wrong signature: signed with another key, or rawData and signature of someone else', async () => {
    const { openid } = await s.h.device.createUser();
    const code = await s.h.device.login(openid);
    const mine = legacy(await s.h.device.userInfo(openid));
    const otherKey = Buffer.alloc(16, 9).toString('base64');
    await refused('/wx/login', { code, ...mine, signature: signRawData(mine.rawData, otherKey) }, undefined, { error: 'OPEN_DATA_SIGNATURE_INVALID' });

    const someone = await s.h.device.createUser();
    await s.h.device.login(someone.openid);
    const theirs = legacy(await s.h.device.userInfo(someone.openid));
    const signedIn = await s.send('POST', '/wx/login', { body: { code: await s.h.device.login(openid) } });
    const token = String(signedIn.body?.['token']);
    const current = legacy(await s.h.device.userInfo(openid));
    await refused('/me/profile/wechat', { ...current, rawData: theirs.rawData, signature: theirs.signature }, token, { error: 'OPEN_DATA_SIGNATURE_INVALID' });
  });

  it("refuses a payload whose iv belongs to another payload", async () => {
    const { openid } = await s.h.device.createUser();
    const code = await s.h.device.login(openid);
    const a = legacy(await s.h.device.userInfo(openid));
    const b = legacy(await s.h.device.userInfo(openid));
    // Same key, another iv: only the first block is spoiled, and with it the JSON.
    await refused('/wx/login', { code, encryptedData: a.encryptedData, iv: b.iv }, undefined, DECRYPT_FAILED);
  });

  it('lets no secret reach an answer, a log line or an event', async () => {
    const leaks = await s.leaks();
    expect(s.watch.counts()).toMatchObject({ answer: expect.toSatisfy((n: number) => n > 10), log: expect.toSatisfy((n: number) => n > 20) });
    expect(leaks).toEqual([]);
  });
});
