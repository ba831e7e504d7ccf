// The access token (cached, one refresh for many callers, renewed before expiry, replaced
// once on 40001), and the calls that use it: phone number and checkSessionKey.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../testing/eventually.js';
import { APP, rejectionOf, startHarness, type Harness } from '../../testing/wechat-harness.js';

let h: Harness;
beforeAll(async () => {
  const start = Date.UTC(2025, 0, 1);
  // Time moves only when a test moves it (sim.advance), for the simulator and the gateway alike.
  h = await startHarness({ clock: () => start, forceRefreshGraceMs: 0 });
});
afterEach(async () => {
  await h.device.clearFaults();
});
afterAll(async () => {
  await h.close();
});

const STABLE = '/cgi-bin/stable_token';
const PHONE = '/wxa/business/getuserphonenumber';
const count = (path: string) => h.calls.filter((call) => call === path).length;

async function forceRefreshAtWeChat(): Promise<void> {
  // What another system sharing the app's credentials might do; the old token dies at once.
  await fetch(`${h.base}${STABLE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.secret, force_refresh: true }),
  });
  h.sim.advance(31_000); // force_refresh is allowed once every 30 s
}

describe('getAccessToken', () => {
  it('fetches once for 20 concurrent callers and then serves from the cache', async () => {
    const gateway = h.gateway();
    const before = count(STABLE);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => gateway.getAccessToken(APP.appId)));
    expect(new Set(tokens).size).toBe(1);
    expect(count(STABLE) - before).toBe(1);
    h.sim.advance(60 * 60_000);
    expect(await gateway.getAccessToken(APP.appId)).toBe(tokens[0]);
    expect(count(STABLE) - before).toBe(1);
  });

  it('renews in the last five minutes without making callers wait, and refetches after expiry', async () => {
    h.sim.advance(7200_000); // past any token an earlier test left at WeChat: the next one is fresh
    const gateway = h.gateway();
    const before = count(STABLE);
    const first = await gateway.getAccessToken(APP.appId);
    h.sim.advance(7200_000 - 4 * 60_000);
    expect(await gateway.getAccessToken(APP.appId)).toBe(first); // served at once, renewal started
    // Callers are served the old token until the renewal lands, and share the one renewal.
    let renewed = first;
    await eventually(async () => {
      renewed = await gateway.getAccessToken(APP.appId);
      expect(renewed).not.toBe(first);
    });
    expect(count(STABLE) - before).toBe(2);
    h.sim.advance(7200_000 + 1_000);
    const afterExpiry = await gateway.getAccessToken(APP.appId);
    expect(afterExpiry).not.toBe(renewed);
    expect(count(STABLE) - before).toBe(3);
  });

  it('maps a refused credential to WECHAT_MISCONFIGURED', async () => {
    const gateway = h.gateway({ apps: [{ appId: APP.appId, secret: 'not-the-secret' }] });
    const error = await rejectionOf(gateway.getAccessToken(APP.appId));
    expect(error).toMatchObject({ code: 'WECHAT_MISCONFIGURED', errcode: 40125 });
  });
});

describe('getPhoneNumber', () => {
  it('exchanges a phone code and returns countryCode as a string whether WeChat sends a number or a string', async () => {
    const gateway = h.gateway();
    const mainland = await h.device.createUser({ phone: '13800138000', countryCode: 86 });
    expect(await gateway.getPhoneNumber(APP.appId, await h.device.phoneCode(mainland.openid))).toEqual({
      phoneNumber: '13800138000',
      purePhoneNumber: '13800138000',
      countryCode: '86',
    });
    const abroad = await h.device.createUser({ phone: '2025550123', countryCode: '1' });
    expect(await gateway.getPhoneNumber(APP.appId, await h.device.phoneCode(abroad.openid))).toMatchObject({
      phoneNumber: '+1 2025550123',
      countryCode: '1',
    });
  });

  it('maps a used phone code to WECHAT_PHONE_CODE_INVALID (the user taps again)', async () => {
    const gateway = h.gateway();
    const user = await h.device.createUser();
    const code = await h.device.phoneCode(user.openid);
    await gateway.getPhoneNumber(APP.appId, code);
    const error = await rejectionOf(gateway.getPhoneNumber(APP.appId, code));
    expect(error).toMatchObject({ code: 'WECHAT_PHONE_CODE_INVALID', errcode: 40029 });
  });

  it('on 40001 replaces the access token once and retries once', async () => {
    const gateway = h.gateway();
    const user = await h.device.createUser({ phone: '13900139000' });
    const stale = await gateway.getAccessToken(APP.appId);
    await forceRefreshAtWeChat();
    const [stableBefore, phoneBefore] = [count(STABLE), count(PHONE)];
    const phone = await gateway.getPhoneNumber(APP.appId, await h.device.phoneCode(user.openid));
    expect(phone.purePhoneNumber).toBe('13900139000');
    expect([count(STABLE) - stableBefore, count(PHONE) - phoneBefore]).toEqual([1, 2]);
    expect(await gateway.getAccessToken(APP.appId)).not.toBe(stale);
  });

  it('gives up after one retry when WeChat keeps answering 40001', async () => {
    const gateway = h.gateway();
    const user = await h.device.createUser();
    await gateway.getAccessToken(APP.appId);
    await h.device.fault({ api: 'getuserphonenumber', errcode: 40001, times: 5 });
    const phoneBefore = count(PHONE);
    const error = await rejectionOf(gateway.getPhoneNumber(APP.appId, await h.device.phoneCode(user.openid)));
    expect(error).toMatchObject({ code: 'WECHAT_ACCESS_TOKEN_INVALID', errcode: 40001, retryable: true });
    expect(count(PHONE) - phoneBefore).toBe(2);
  });
});

describe('checkSessionKey', () => {
  it("is true for the user's current session_key and false for another or an expired one", async () => {
    const gateway = h.gateway();
    const user = await h.device.createUser();
    const other = await h.device.createUser();
    await h.device.login(user.openid); // a session exists once the phone has logged in
    expect(await gateway.checkSessionKey(APP.appId, user.openid, user.sessionKey)).toBe(true);
    expect(await gateway.checkSessionKey(APP.appId, user.openid, other.sessionKey)).toBe(false);
    await h.device.expireSession(user.openid);
    expect(await gateway.checkSessionKey(APP.appId, user.openid, user.sessionKey)).toBe(false);
  });

  it('keeps the session_key out of every log line', async () => {
    const user = await h.device.createUser();
    await h.device.login(user.openid);
    await h.gateway().checkSessionKey(APP.appId, user.openid, user.sessionKey);
    expect(JSON.stringify(h.logs)).not.toContain(user.sessionKey);
  });
});
