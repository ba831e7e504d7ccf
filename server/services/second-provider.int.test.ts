// The login-provider seam: a second mini program platform that exists only here (code in,
// app-scoped user id out, like Douyin's or Alipay's), served beside WeChat by the same login
// service, route and store, with nothing of the users domain knowing which platform it is.

import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { LoginCodeInvalidError, type LoginProvider } from '../providers/login-provider.js';
import { startHarness, type AppHarness } from '../testing/app-harness.js';
import { userIdFor } from '../users/index.js';

const OTHER_APP = 'tt-mini-app-0001';

/** The other platform's server API, in memory: one-time codes that name their person. */
function otherPlatform() {
  const codes = new Map<string, string>();
  const exchanged: string[] = [];
  const provider: LoginProvider = {
    name: 'other-platform',
    appIds: [OTHER_APP],
    async exchange(appId, code) {
      exchanged.push(code);
      const person = codes.get(code);
      codes.delete(code);
      if (person === undefined) throw new LoginCodeInvalidError('other-platform');
      return { provider: 'other-platform', appId, openid: person, sessionSecret: `secret-of-${person}` };
    },
  };
  return {
    provider,
    exchanged,
    codeFor(person: string): string {
      const code = `tt-${randomUUID()}`;
      codes.set(code, person);
      return code;
    },
  };
}

describe('a second login provider beside WeChat', () => {
  let h: AppHarness;
  const platform = otherPlatform();
  beforeAll(async () => {
    h = await startHarness(pgTarget);
  });
  afterAll(() => h.close());

  const app = () => h.another({}, { loginProviders: [platform.provider] });
  const login = async (code: string, target: Awaited<ReturnType<typeof app>>) =>
    h.inject({ method: 'POST', url: '/wx/login', payload: { code, appId: OTHER_APP } }, target);

  it('registers and logs a person in through the same route, service and store, with a token for that app', async () => {
    const server = await app();
    const person = `tt-user-${randomUUID()}`;
    const first = await login(platform.codeFor(person), server);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ code: 1, isNew: true, user: { id: userIdFor(OTHER_APP, person), nickname: null } });
    expect((jwt.decode(first.json().token) as { aud: string }).aud).toBe(OTHER_APP);
    const me = await h.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${first.json().token}` } }, server);
    expect(me.json()).toMatchObject({ code: 1, user: { id: userIdFor(OTHER_APP, person) } });

    const again = await login(platform.codeFor(person), server);
    expect(again.json()).toMatchObject({ isNew: false, user: { id: userIdFor(OTHER_APP, person) } });
    const { rows } = await h.db.query<{ type: string; app_id: string | null }>(
      "SELECT type, data->>'appId' AS app_id FROM events WHERE stream_id = $1 ORDER BY stream_position",
      [`user-${userIdFor(OTHER_APP, person)}`],
    );
    expect(rows).toEqual([
      { type: 'UserRegistered', app_id: OTHER_APP },
      { type: 'UserLoggedIn', app_id: null },
      { type: 'UserLoggedIn', app_id: null },
    ]);
    // Its session secret is kept server-side like WeChat's session_key, and never answered.
    const kept = await h.db.query('SELECT session_key FROM session_keys WHERE app_id = $1 AND openid = $2', [OTHER_APP, person]);
    expect(kept.rows).toEqual([{ session_key: `secret-of-${person}` }]);
    expect(JSON.stringify([first.json(), again.json()])).not.toContain('secret-of');
  });

  it('is idempotent per code, answers a refused code as one to get afresh, and records the failure', async () => {
    const server = await app();
    const code = platform.codeFor(`tt-user-${randomUUID()}`);
    const [a, b] = await Promise.all([login(code, server), login(code, server)]);
    expect(a.json().user.id).toBe(b.json().user.id);
    expect(platform.exchanged.filter((each) => each === code)).toHaveLength(1);

    const refused = await login('tt-never-issued', server);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 0, error: 'LOGIN_CODE_INVALID' });
    const failures = await h.db.query("SELECT data->>'reason' AS reason FROM events WHERE type = 'LoginFailed' AND data->>'appId' = $1", [OTHER_APP]);
    expect(failures.rows).toEqual([{ reason: 'LOGIN_CODE_INVALID' }]);
  });

  it("answers what the provider does not offer (WeChat's payload, a phone number) with NOT_OFFERED", async () => {
    const server = await app();
    const token = (await login(platform.codeFor(`tt-user-${randomUUID()}`), server)).json().token as string;
    const headers = { authorization: `Bearer ${token}` };
    const phone = await h.inject({ method: 'POST', url: '/me/phone', headers, payload: { code: 'phone-code' } }, server);
    expect(phone.statusCode).toBe(400);
    expect(phone.json()).toMatchObject({ code: 0, error: 'NOT_OFFERED' });
    const payload = { encryptedData: 'AAAAAAAAAAAAAAAAAAAAAA==', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    const profile = await h.inject({ method: 'POST', url: '/me/profile/wechat', headers, payload }, server);
    expect(profile.json()).toMatchObject({ error: 'NOT_OFFERED' });
    // WeChat's own users on the same server are untouched by the second provider.
    expect((await h.login()).status).toBe(200);
  });
});
