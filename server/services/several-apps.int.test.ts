// One server for two mini programs: the app of a login comes from the body, else from the
// Referer WeChat sets on wx.request, else it is the first one configured.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgTarget } from '../../testing/databases.js';
import { APP, APP2, startHarness, type AppHarness } from '../testing/app-harness.js';

describe('several mini programs on one server', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startHarness(pgTarget, { twoApps: true });
  });
  afterAll(() => h.close());

  async function secondAppCode(): Promise<string> {
    const { openid } = await h.device.createUser({ appId: APP2.appId });
    return h.device.login(openid, APP2.appId);
  }
  const audienceOf = (token: string) => (jwt.decode(token) as { aud: string }).aud;

  it("takes the app from the Referer that WeChat's wx.request sets", async () => {
    const response = await h.inject({
      method: 'POST',
      url: '/wx/login',
      payload: { code: await secondAppCode() },
      headers: { referer: `https://servicewechat.com/${APP2.appId}/3/page-frame.html` },
    });
    expect(response.statusCode).toBe(200);
    expect(audienceOf(response.json().token)).toBe(APP2.appId);
    expect((await h.inject({ method: 'GET', url: '/me', headers: { token: response.json().token } })).statusCode).toBe(200);
  });

  it('takes the app from the body, and defaults to the first one', async () => {
    const named = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: await secondAppCode(), appId: APP2.appId } });
    expect(audienceOf(named.json().token)).toBe(APP2.appId);
    const first = await h.login();
    expect(audienceOf(first.token)).toBe(APP.appId);
    // A code of the second app sent to the first is WeChat's "invalid code".
    const wrong = await h.inject({ method: 'POST', url: '/wx/login', payload: { code: await secondAppCode() } });
    expect(wrong.json()).toMatchObject({ error: 'WECHAT_CODE_INVALID', errcode: 40029 });
  });
});
